"""Building dashboard test data through the real services: shops in chosen kelurahan and
agencies, and orders taken from checkout to completed (so the aggregates come from the
event consumer, as in production)."""

from __future__ import annotations

import itertools

from malpro.asn.tests.factories import complete_order
from malpro.catalog.tests.factories import product
from malpro.orders import services as orders
from malpro.orders.models import Order
from malpro.orders.tests.factories import delivering_shop
from malpro.payments.tests.helpers import cashless_checkout, notify

_keys = itertools.count(1)

KLOJEN_VILLAGE = "35.73.02.1004"  # Kecamatan Klojen (35.73.02)
LOWOKWARU_VILLAGE = "35.73.05.1003"  # Kecamatan Lowokwaru (35.73.05)


def shop(owner, *, village=LOWOKWARU_VILLAGE, agencies=("DISKOPINDAG",), **fields):
    return delivering_shop(owner, village=village, agencies=agencies, **fields)


def sale(buyer, business, price: int, quantity: int = 1) -> Order:
    """A completed COD order of `quantity` × an item at `price` (pickup: total = items)."""
    item = product(business, f"Barang {next(_keys)}", price=price, stock=quantity + 5)
    return complete_order(buyer, item, quantity, key=f"dash-{next(_keys)}", fast=True)


def cashless_sale(buyer, seller, price: int) -> Order:
    """A completed QRIS order from a new shop of `seller`."""
    checkout, payment, _ = cashless_checkout(
        buyer, seller, price=price, quantity=1, key=f"dash-q-{next(_keys)}"
    )
    notify(payment)
    order = checkout.orders.get()
    for to in ("accepted", "ready", "delivered"):
        orders.order_transition(actor=seller, order_id=order.pk, to=to)
    orders.order_transition(actor=buyer, order_id=order.pk, to="completed")
    order.refresh_from_db()
    return order
