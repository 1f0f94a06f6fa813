"""Demo cashless payments: a paid QRIS order that reached its seller, a VA still waiting, bank
accounts for the demo shops, and a draft payout batch for the city admin to approve."""

from __future__ import annotations

from django.test import RequestFactory

from malpro.catalog.models import Product
from malpro.orders import services as orders
from malpro.payments import services, settlements
from malpro.payments.gateways.simulator import SIGNATURE_HEADER, SimulatorGateway, sign
from malpro.payments.models import BankAccount, Payment
from malpro.umkm.models import Business, Status


def _checkout(buyer, items, method, key):
    cart = orders.cart_for(user=buyer)
    cart.items.all().delete()
    businesses = set()
    for name, quantity in items:
        product = Product.objects.get(name=name)
        orders.cart_set(cart=cart, product_id=product.pk, quantity=quantity)
        businesses.add(product.business_id)
    checkout, _ = orders.checkout_place(
        buyer=buyer,
        cart=cart,
        idempotency_key=key,
        data=orders.CheckoutInput(
            address=orders.Address(
                village_code="35.73.05.1003",
                street="Jl. Veteran 8",
                contact_phone=buyer.phone,
                contact_name=buyer.name,
            ),
            deliveries=dict.fromkeys(businesses, "delivery"),
            payment_method=method,
        ),
    )
    payment = Payment.objects.get(checkout=checkout)
    return checkout, services.payment_charge(payment_id=payment.pk)


def _pay(payment) -> None:
    body = SimulatorGateway.notification_body(payment)
    request = RequestFactory().post(
        "/api/v1/payments/webhooks/simulator",
        body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign(body)},
    )
    services.notification_handle(provider="simulator", request=request)


def seed(ctx) -> None:
    for index, business in enumerate(Business.objects.filter(status=Status.ACTIVE)):
        BankAccount.objects.get_or_create(
            business=business,
            defaults={
                "bank_code": "BJTM",
                "account_number": f"00{index + 1:02d}12345678",
                "account_name": business.owner_name[:100],
            },
        )
    if Payment.objects.exists():
        ctx.counts["payments"] = Payment.objects.count()
        return
    asn = ctx.users["asn"]
    checkout, payment = _checkout(
        asn,
        [("Beras Organik Pandan Wangi 5 kg", 1), ("Gula Aren Cetak 1 kg", 2)],
        "qris",
        "demo-qris-1",
    )
    _pay(payment)
    for order in checkout.orders.select_related("business__owner"):
        seller = order.business.owner
        for step in ("accepted", "ready", "delivered"):
            orders.order_transition(actor=seller, order_id=order.pk, to=step)
        orders.order_transition(actor=asn, order_id=order.pk, to="completed")
    _checkout(ctx.users["buyer"], [("Kopi Bubuk Arabika Arjuno 200 g", 1)], "va", "demo-va-1")
    # As the daily job would: the demo admin can then approve it (four eyes for hand-made ones).
    settlements.batch_create(actor=None, provider="simulator")
    ctx.counts["payments"] = Payment.objects.count()
