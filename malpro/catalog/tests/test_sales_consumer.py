"""catalog.sales: products count what sold and their ratings from orders' events, after the
order's commit, once per event however often it is delivered."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from malpro.catalog.consumers import SALES
from malpro.catalog.models import Product, SearchDoc
from malpro.catalog.tests.factories import product, shop
from malpro.core import events
from malpro.core.models import Event, EventDelivery
from malpro.orders import services as orders
from malpro.orders.tests.factories import delivering_shop, fill_cart, place


@pytest.fixture
def completed(buyer, seller):
    """An order of 2 × Keripik Tempe, completed through the orders' services."""
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 2))
    order = place(buyer, {item.business_id: "delivery"})[0].orders.get()
    for actor, to, extra in (
        (seller, "accepted", {}),
        (seller, "ready", {}),
        (seller, "delivered", {"cash_amount": order.total}),
        (buyer, "completed", {}),
    ):
        orders.order_transition(actor=actor, order_id=order.pk, to=to, **extra)
    return order, item


def sold(item) -> int:
    return Product.objects.get(pk=item.pk).sold_count


@pytest.mark.django_db
def test_a_completed_order_counts_its_sales_once(completed):
    _order, item = completed
    assert sold(item) == 2
    assert SearchDoc.objects.get(product=item).sold_count == 2  # best-selling sort follows


@pytest.mark.django_db
def test_delivering_the_completion_again_or_replaying_counts_nothing_twice(completed):
    order, item = completed
    event = Event.objects.get(kind="order.completed", subject_id=str(order.pk))
    delivery = EventDelivery.objects.get(event=event, consumer=SALES)
    assert delivery.state == EventDelivery.State.DONE
    assert events.deliver(delivery.pk) is True
    summary = events.replay(consumer_name=SALES, since=event.occurred_at - dt.timedelta(seconds=1))
    assert (summary.events, summary.already_done, summary.delivered) == (1, 1, 0)
    assert sold(item) == 2


@pytest.mark.django_db
def test_a_review_adds_to_the_products_rating_once(completed, buyer):
    order, item = completed
    orders.review_add(buyer=buyer, order_id=order.pk, product_id=item.pk, rating=4)
    item.refresh_from_db()
    assert (item.rating_sum, item.rating_count) == (4, 1)


# The consumer alone, on events recorded here (the other apps' listeners set aside).
@pytest.fixture
def only_sales(monkeypatch):
    monkeypatch.setattr(events, "_INLINE", {})
    monkeypatch.setattr(events, "_CONSUMERS", {SALES: events.consumer(SALES)})


def record(kind, subject, payload):
    with transaction.atomic(durable=True):
        return events.record(kind=kind, subject=subject, payload=payload)


@pytest.mark.django_db
def test_each_event_counts_once_however_often_it_is_delivered(only_sales, seller):
    item = product(shop(seller), "Sambal Bawang")
    lines = [
        {"product_id": item.pk, "quantity": 2, "amount": 50000},
        {"product_id": item.pk, "quantity": 1, "amount": 25000},  # another variant
        {"product_id": None, "quantity": 5, "amount": 1000},  # a product deleted since
    ]
    event = record("order.completed", item, {"lines": lines})
    delivery = EventDelivery.objects.get(event=event, consumer=SALES)
    assert events.deliver(delivery.pk) and events.deliver_event(event.pk) == 0
    events.replay(consumer_name=SALES, since=timezone.now() - dt.timedelta(minutes=1))
    assert sold(item) == 3


@pytest.mark.django_db
def test_a_replay_catches_up_an_event_that_was_never_delivered(only_sales, seller):
    item = product(shop(seller), "Sambal Bawang")
    event = record("review.added", item, {"product_id": item.pk, "rating": 5, "order_id": 1})
    EventDelivery.objects.filter(event=event).delete()  # as if the consumer came later
    Product.objects.filter(pk=item.pk).update(rating_sum=0, rating_count=0)
    summary = events.replay(consumer_name=SALES, since=event.occurred_at)
    assert (summary.created, summary.delivered) == (1, 1)
    events.replay(consumer_name=SALES, since=event.occurred_at)
    item.refresh_from_db()
    assert (item.rating_sum, item.rating_count) == (5, 1)
