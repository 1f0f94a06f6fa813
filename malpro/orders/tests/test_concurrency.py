"""Concurrent checkouts on PostgreSQL with real parallel connections (threads, each with its own
database connection). With a read-then-write stock check, several buyers would see the last
units free and all take them; the conditional UPDATE lets exactly the stock be sold."""

import os
import threading
import time

import pytest
from django.db import connection, connections

from malpro.catalog.models import Product
from malpro.conftest import ApiClient, make_user
from malpro.orders import services
from malpro.orders.models import Checkout, Order, OrderLine
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


DELAY = float(os.environ.get("MALPRO_TEST_COPY_DELAY", "0.01"))
IN_PROGRESS = "Pesanan yang sama sedang diproses, coba lagi sebentar."


@pytest.fixture
def one_checkout(api, buyer, seller):
    """The buyer's API client with a basket, and the body of its checkout."""
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    client = api(buyer)
    client.post("/api/v1/cart/items", {"product_id": item.pk, "quantity": 2})
    body = {
        "address": {
            "village_code": "35.73.05.1003",
            "street": "Jl. Sumbersari 5",
            "contact_phone": "081234500001",
        },
        "sellers": [{"business_id": item.business_id, "delivery": "pickup"}],
        "payment_method": "cod",
    }
    return client, body


def send(client, body, answers, barrier=None, delay=0.0):
    """One copy of the checkout, from its own thread and so its own database connection."""
    try:
        copy = ApiClient(client.token)
        if barrier is not None:
            barrier.wait()
        time.sleep(delay)
        response = copy.post("/api/v1/checkout", body, headers={"Idempotency-Key": "sama"})
        answers.append((response.status_code, response.json()))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_six_copies_of_one_checkout_at_the_same_moment_make_one(one_checkout):
    client, body = one_checkout
    answers: list = []
    barrier = threading.Barrier(6)
    threads = [
        threading.Thread(target=send, args=(client, body, answers, barrier)) for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Checkout.objects.count() == 1 and Order.objects.count() == 1
    checkout_id = str(Checkout.objects.get().pk)
    assert len(answers) == 6 and [status for status, _ in answers].count(201) == 1
    for status, data in answers:
        assert (status in (200, 201) and data["checkout_id"] == checkout_id) or (
            status == 409 and data["message"] == IN_PROGRESS
        ), (status, data)
    retry = client.post("/api/v1/checkout", body, headers={"Idempotency-Key": "sama"})
    assert retry.status_code == 200 and retry.json()["checkout_id"] == checkout_id


@pytest.mark.django_db(transaction=True)
def test_a_copy_arriving_while_the_first_runs_is_told_so_and_a_retry_gets_the_first(
    one_checkout, monkeypatch
):
    client, body = one_checkout
    running, finish = threading.Event(), threading.Event()
    original = services.stock_changed

    def slow(product_ids):  # the first copy stops half way, holding its transaction open
        running.set()
        finish.wait(10)
        original(product_ids)

    monkeypatch.setattr(services, "stock_changed", slow)
    monkeypatch.setattr(services, "CHECKOUT_WAIT_SECONDS", 0.3)
    first: list = []
    thread = threading.Thread(target=send, args=(client, body, first))
    thread.start()
    assert running.wait(10)
    copy = client.post("/api/v1/checkout", body, headers={"Idempotency-Key": "sama"})
    assert copy.status_code == 409 and copy.json()["message"] == IN_PROGRESS
    finish.set()
    thread.join()
    assert first[0][0] == 201
    retry = client.post("/api/v1/checkout", body, headers={"Idempotency-Key": "sama"})
    assert retry.status_code == 200 and retry.json() == first[0][1]
    assert Checkout.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_copy_sent_while_the_first_runs_gets_the_first_checkout_not_an_empty_cart(
    one_checkout, monkeypatch
):
    client, body = one_checkout
    running, finish, first_done = threading.Event(), threading.Event(), threading.Event()
    stock_changed, clean_phone = services.stock_changed, services.validators.clean_phone
    phones: list = []

    def slow_first(product_ids):  # the first copy stops before its commit
        running.set()
        finish.wait(10)
        stock_changed(product_ids)

    def slow_copy(phone):  # a copy that validates the address reads the cart only afterwards
        phones.append(phone)
        if len(phones) > 1:
            first_done.wait(10)
        return clean_phone(phone)

    monkeypatch.setattr(services, "stock_changed", slow_first)
    monkeypatch.setattr(services.validators, "clean_phone", slow_copy)
    first: list = []
    copy: list = []
    first_thread = threading.Thread(target=send, args=(client, body, first))
    first_thread.start()
    assert running.wait(10)
    copy_thread = threading.Thread(target=send, args=(client, body, copy))
    copy_thread.start()
    time.sleep(0.3)  # the copy is under way (it waits for the first, or looked up the key)
    finish.set()
    first_thread.join()
    first_done.set()
    copy_thread.join()
    assert first[0][0] == 201
    assert copy[0] == (200, first[0][1])
    assert Checkout.objects.count() == 1
