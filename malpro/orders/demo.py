"""Demo delivery settings and orders in every state, for the demo buyer and ASN."""

from __future__ import annotations

from malpro.catalog.models import Product
from malpro.orders import services
from malpro.orders.models import Order, SavedAddress
from malpro.umkm.models import Business, Status

FEES = {"35.73.01": 6000, "35.73.02": 8000, "35.73.03": 9000, "35.73.04": 9000, "35.73.05": 7000}
# (buyer key, [(product name, qty)], delivery, steps after placing)
ORDERS = [
    (
        "buyer",
        [("Keripik Tempe Original 250 g", 2), ("Sambel Pecel Kacang 500 g", 1)],
        "delivery",
        [],
    ),
    ("buyer", [("Kopi Robusta Dampit 250 g", 1)], "pickup", ["accepted"]),
    (
        "asn",
        [
            ("Beras Putih Medium 5 kg", 1),
            ("Minyak Goreng Sawit 2 liter", 1),
            ("Gula Pasir 1 kg", 1),
            ("Telur Ayam Ras 1 kg", 1),
        ],
        "delivery",
        ["accepted", "ready", "delivered", "completed"],
    ),
    ("asn", [("Susu Kedelai Original 1 liter", 2)], "delivery", ["accepted", "ready"]),
    ("buyer", [("Batik Tulis Malangan", 1)], "pickup", ["rejected"]),
]


# The demo buyer's and ASN's saved default address (the checkout prefills it).
ADDRESSES = {
    "buyer": ("Rumah", "35.73.05.1003", "Jl. Sumbersari Gg. 2 No. 5, pagar hijau"),
    "asn": ("Kantor", "35.73.02.1001", "Jl. Tugu No. 1, Balai Kota, lantai 2"),
}


def seed_addresses(ctx) -> None:
    for who, (label, village, street) in ADDRESSES.items():
        user = ctx.users[who]
        if SavedAddress.objects.filter(user=user).exists():
            continue
        services.address_save(
            user=user,
            data=services.SavedAddressInput(
                label=label,
                recipient=user.name,
                phone=user.phone,
                village_code=village,
                street=street,
                is_default=True,
            ),
        )


def seed(ctx) -> None:
    seed_addresses(ctx)
    for business in Business.objects.filter(status=Status.ACTIVE).select_related("owner"):
        services.delivery_update(
            actor=business.owner,
            business=business,
            pickup=True,
            delivery=True,
            min_order=0,
            fees=FEES,
            pickup_note="Buka setiap hari 08.00–17.00",
        )
    if Order.objects.exists():
        ctx.counts["orders"] = Order.objects.count()
        return
    for index, (who, items, delivery, steps) in enumerate(ORDERS):
        buyer = ctx.users[who]
        cart = services.cart_for(user=buyer)
        cart.items.all().delete()
        business_ids = set()
        for name, quantity in items:
            product = Product.objects.get(name=name)
            services.cart_set(cart=cart, product_id=product.pk, quantity=quantity)
            business_ids.add(product.business_id)
        checkout, _ = services.checkout_place(
            buyer=buyer,
            cart=cart,
            idempotency_key=f"demo-{index}",
            data=services.CheckoutInput(
                address=services.Address(
                    village_code="35.73.05.1003",
                    street="Jl. Sumbersari Gg. 2 No. 5",
                    contact_phone=buyer.phone,
                    contact_name=buyer.name,
                ),
                deliveries=dict.fromkeys(business_ids, delivery),
            ),
        )
        for order in checkout.orders.select_related("business__owner"):
            seller = order.business.owner
            for step in steps:
                actor = buyer if step == "completed" else seller
                services.order_transition(
                    actor=actor,
                    order_id=order.pk,
                    to=step,
                    reason="Stok kain habis" if step == "rejected" else "",
                    cash_amount=order.total if step == "delivered" else None,
                )
    ctx.counts["orders"] = Order.objects.count()
