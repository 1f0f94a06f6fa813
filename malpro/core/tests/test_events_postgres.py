"""A consumer killed half way through a delivery (its database connection terminated, as when a
worker process dies) leaves nothing behind; the replay then counts the event exactly once, and a
second replay counts nothing. Real parallel connections on PostgreSQL."""

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from malpro.catalog.models import Product
from malpro.core import events
from malpro.core.models import EventDelivery
from malpro.orders import services
from malpro.orders.models import OrderStatus
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _delivered_order(buyer, seller):
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 3))
    checkout, _created = place(buyer, {item.business_id: "pickup"})
    order = checkout.orders.get()
    for step in (OrderStatus.ACCEPTED, OrderStatus.READY):
        services.order_transition(actor=seller, order_id=order.pk, to=step)
    services.order_transition(
        actor=seller, order_id=order.pk, to=OrderStatus.DELIVERED, cash_amount=order.total
    )
    return item, order


def _started(work) -> threading.Thread:
    """Runs `work` in a thread of its own, on its own database connection (closed after)."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _completing(buyer, order) -> threading.Thread:
    return _started(
        lambda: services.order_transition(actor=buyer, order_id=order.pk, to=OrderStatus.COMPLETED)
    )


@pytest.mark.django_db(transaction=True)
def test_a_consumer_killed_mid_delivery_and_replayed_counts_once(buyer, seller):
    item, order = _delivered_order(buyer, seller)
    real = events.consumer("catalog.sales")
    halfway, release = threading.Event(), threading.Event()
    worker: dict = {}

    def dying(event):
        real.handle(event)  # the sold count is raised inside the delivery's transaction...
        worker["pid"] = connection.connection.info.backend_pid
        halfway.set()
        release.wait(10)  # ...and the worker dies before the delivery is marked done

    events.subscribe("catalog.sales", real.kinds, dying)
    try:
        thread = _completing(buyer, order)
        assert halfway.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [worker["pid"]])
        release.set()
        thread.join(10)
    finally:
        events.subscribe("catalog.sales", real.kinds, real.handle)

    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED  # the change itself had committed
    assert Product.objects.get(pk=item.pk).sold_count == 0  # the half delivery left nothing
    delivery = EventDelivery.objects.get(consumer="catalog.sales", event__kind="order.completed")
    assert delivery.state == EventDelivery.State.PENDING

    since = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    for _ in range(2):
        call_command("replay_events", consumer="catalog.sales", since=since, stdout=io.StringIO())
        assert Product.objects.get(pk=item.pk).sold_count == 3
    events.deliver_due(now=timezone.now() + dt.timedelta(days=1))
    assert Product.objects.get(pk=item.pk).sold_count == 3
    delivery.refresh_from_db()
    assert delivery.state == EventDelivery.State.DONE


@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_a_worker_that_finishes_runs_nothing_twice(buyer, seller):
    item, order = _delivered_order(buyer, seller)
    real = events.consumer("catalog.sales")
    halfway, release = threading.Event(), threading.Event()

    def slow(event):
        real.handle(event)
        halfway.set()
        release.wait(10)  # the worker holds the delivery's row lock, about to mark it done

    def admin_retry():  # the stuck page's button, pressed meanwhile
        events.retry([EventDelivery.objects.get(consumer="catalog.sales").pk])

    events.subscribe("catalog.sales", real.kinds, slow)
    try:
        worker = _completing(buyer, order)
        assert halfway.wait(10)
        events.subscribe("catalog.sales", real.kinds, real.handle)
        retrying = _started(admin_retry)
        retrying.join(1)  # it waits for the worker's row lock
        release.set()
        worker.join(10)
        retrying.join(10)
    finally:
        events.subscribe("catalog.sales", real.kinds, real.handle)
    assert Product.objects.get(pk=item.pk).sold_count == 3
    delivery = EventDelivery.objects.get(consumer="catalog.sales")
    assert delivery.state == EventDelivery.State.DONE and delivery.attempts == 1
