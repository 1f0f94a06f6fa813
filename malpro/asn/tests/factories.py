import datetime as dt

from django.utils import timezone

from malpro.accounts.models import Agency
from malpro.asn.models import Employee, Policy, PolicyAmount
from malpro.orders import services as orders
from malpro.orders.tests.factories import address, delivering_shop, product

__all__ = ["complete_order", "delivering_shop", "employee", "policy", "product"]


def policy(*, effective_from=dt.date(2026, 1, 1), default=1_000_000, amounts=(), **fields):
    found = Policy.objects.create(
        name="Contoh Perwal belanja ASN",
        effective_from=effective_from,
        regulation_ref="Contoh: Perwal No. 1 Tahun 2026",
        is_example=True,
        default_amount=default,
        **fields,
    )
    for basis, value, amount in amounts:
        PolicyAmount.objects.create(policy=found, basis=basis, value=value, amount=amount)
    return found


def employee(
    *,
    nip="198507122010012003",
    user=None,
    agency="DISKOMINFO",
    phone="",
    golongan="III/b",
    **fields,
):
    from malpro.core.validators import clean_nip

    return Employee.objects.create(
        nip=nip,
        name=fields.pop("name", "Yuli Astuti"),
        agency=Agency.objects.get(code=agency),
        employment_type=clean_nip(nip).kind,
        golongan=golongan,
        phone=phone,
        birth_date=clean_nip(nip).birth_date,
        user=user,
        **fields,
    )


def complete_order(buyer, item, quantity=1, *, key=None, completed_at=None, fast=False):
    """A COD order of `buyer` for `item`, through every step to completed: placed two days and
    delivered one day before it completed (with fast=True, all within seconds)."""
    cart = orders.cart_for(user=buyer)
    cart.items.all().delete()
    orders.cart_set(cart=cart, product_id=item.pk, quantity=quantity)
    checkout, _ = orders.checkout_place(
        buyer=buyer,
        cart=cart,
        idempotency_key=key or f"k{timezone.now().timestamp()}{item.pk}",
        data=orders.CheckoutInput(address=address(), deliveries={item.business_id: "pickup"}),
    )
    order = checkout.orders.get()
    seller = order.business.owner
    for step in ("accepted", "ready"):
        orders.order_transition(actor=seller, order_id=order.pk, to=step)
    orders.order_transition(
        actor=seller, order_id=order.pk, to="delivered", cash_amount=order.total
    )
    orders.order_transition(actor=buyer, order_id=order.pk, to="completed")
    order.refresh_from_db()
    done = completed_at or order.completed_at
    if not fast:
        type(order).objects.filter(pk=order.pk).update(
            completed_at=done,
            placed_at=done - dt.timedelta(days=2),
            delivered_at=done - dt.timedelta(days=1),
        )
    elif completed_at is not None:
        type(order).objects.filter(pk=order.pk).update(completed_at=done, placed_at=done)
    order.refresh_from_db()
    return order
