import datetime as dt

from django.utils import timezone

from malpro.accounts.models import Agency
from malpro.asn.models import Employee, Policy, PolicyAmount
from malpro.orders import services as orders
from malpro.orders.tests.factories import address, delivering_shop, product

__all__ = [
    "complete_order",
    "delivered_order",
    "delivering_shop",
    "employee",
    "offline_purchase",
    "policy",
    "product",
]


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


def delivered_order(buyer, item, quantity=1, *, key=None):
    """A COD order of `buyer` for `item`, handed over with the cash: the buyer may complete it."""
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
    order.refresh_from_db()
    return order


def complete_order(buyer, item, quantity=1, *, key=None, completed_at=None, fast=False):
    """A COD order of `buyer` for `item`, through every step to completed: placed two days and
    delivered one day before it completed (with fast=True, all within seconds)."""
    order = delivered_order(buyer, item, quantity, key=key)
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


def offline_purchase(*, asn, seller, amount=150_000, business=None):
    """A pending in-person purchase of the ASN account `asn` (put on the roster in Diskopindag
    when it is not) at a shop of `seller` guided by Diskopindag, recorded today."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from malpro.asn import services
    from malpro.catalog.tests.factories import shop
    from malpro.catalog.tests.test_products import jpeg

    if not Policy.objects.exists():
        policy(effective_from=dt.date(timezone.localdate().year - 1, 1, 1))
    if not Employee.objects.filter(user=asn).exists():
        employee(user=asn, agency="DISKOPINDAG", nip="199201012019031004", name=asn.name)
    business = business or shop(seller)
    return services.offline_record(
        user=asn,
        business_id=business.pk,
        amount=amount,
        purchased_on=timezone.localdate(),
        receipt=SimpleUploadedFile("nota.jpg", jpeg(600, 800).read(), "image/jpeg"),
    )
