import io
import json

from django.core.management import call_command
from django.test import Client

from malpro.ledger.checks import problems
from malpro.orders import services as orders
from malpro.orders.tests.factories import address, delivering_shop, product
from malpro.payments.gateways.simulator import SIGNATURE_HEADER, SimulatorGateway, sign
from malpro.payments.models import Payment


def cashless_checkout(
    buyer,
    seller,
    *,
    method="qris",
    price=15000,
    quantity=2,
    key="p-1",
    charge=True,
    django_capture_on_commit_callbacks=None,
):
    item = product(delivering_shop(seller), f"Keripik {key}", price=price, stock=10)
    cart = orders.cart_for(user=buyer)
    orders.cart_set(cart=cart, product_id=item.pk, quantity=quantity)
    data = orders.CheckoutInput(
        address=address(), deliveries={item.business_id: "pickup"}, payment_method=method
    )
    checkout, _ = orders.checkout_place(buyer=buyer, cart=cart, data=data, idempotency_key=key)
    payment = Payment.objects.get(checkout=checkout)
    if charge:
        from malpro.payments.services import payment_charge

        payment = payment_charge(payment_id=payment.pk)
    return checkout, payment, item


def notify(payment, *, status="paid", amount=None, signature=None, client=None):
    body = SimulatorGateway.notification_body(payment, status=status, amount=amount)
    return (client or Client()).post(
        "/api/v1/payments/webhooks/simulator",
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature or sign(body)},
    )


def completed_payable_order(buyer, seller, *, key="p-1"):
    """A paid and completed cashless order whose seller has a bank account: it can be paid out."""
    from malpro.payments.models import BankAccount

    checkout, payment, _ = cashless_checkout(buyer, seller, key=key)
    notify(payment)
    order = checkout.orders.get()
    for actor, to in ((seller, "accepted"), (seller, "ready"), (seller, "delivered")):
        orders.order_transition(actor=actor, order_id=order.pk, to=to)
    orders.order_transition(actor=buyer, order_id=order.pk, to="completed")
    BankAccount.objects.create(
        business=order.business, bank_code="BJTM", account_number="0011223344", account_name="Sari"
    )
    return order


def approved_batch(objects):
    """The daily job's payout batch of a completed order, approved by the city admin."""
    from malpro.payments import settlements

    completed_payable_order(objects["buyer"], objects["seller"], key="batch")
    batch = settlements.batch_create(actor=None, provider="simulator")
    return settlements.batch_approve(actor=objects["city_admin"], batch_id=batch.pk)


def assert_ledger_ok():
    assert problems() == []
    call_command("check_ledger", stdout=io.StringIO())


__all__ = [
    "approved_batch",
    "assert_ledger_ok",
    "cashless_checkout",
    "completed_payable_order",
    "json",
    "notify",
]
