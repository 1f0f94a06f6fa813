"""Concurrent checkouts on PostgreSQL with real parallel connections (threads, each with its own
database connection). With a read-then-write stock check, several buyers would see the last
units free and all take them; the conditional UPDATE lets exactly the stock be sold."""

import threading

import pytest
from django.db import connection, connections

from malpro.catalog.models import Product
from malpro.conftest import make_user
from malpro.orders import services
from malpro.orders.models import Order, OrderLine
from malpro.orders.tests.factories import address, delivering_shop, product

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's parallel writers"
)


@pytest.mark.django_db(transaction=True)
def test_parallel_checkouts_never_sell_beyond_stock(seller):
    item = product(delivering_shop(seller), "Keripik Tempe Terakhir", price=15000, stock=5)
    buyers = [make_user(f"0812990{n:05d}", f"Pembeli {n}") for n in range(12)]
    for buyer in buyers:
        services.cart_set(cart=services.cart_for(user=buyer), product_id=item.pk, quantity=1)
    barrier = threading.Barrier(len(buyers))
    outcomes: list[str] = []

    def buy(buyer):
        try:
            barrier.wait()
            services.checkout_place(
                buyer=buyer,
                cart=services.cart_for(user=buyer),
                idempotency_key="k",
                data=services.CheckoutInput(
                    address=address(), deliveries={item.business_id: "pickup"}
                ),
            )
            outcomes.append("ok")
        except services.OutOfStock:
            outcomes.append("out")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(b,)) for b in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] * 5 + ["out"] * 7
    assert Product.objects.get(pk=item.pk).stock == 0
    assert Order.objects.count() == 5
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == 5
