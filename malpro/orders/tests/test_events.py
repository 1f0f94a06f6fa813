"""What orders tell the rest of the platform: one event per move, with the payload other apps'
consumers read (orders.services.order_payload)."""

import datetime as dt

import pytest
from django.utils import timezone

from malpro.core import events
from malpro.core.exceptions import ApplicationError
from malpro.core.models import Event, EventDelivery
from malpro.orders import services
from malpro.orders.models import Order, OrderStatus, Review
from malpro.orders.tests.factories import address, delivering_shop, fill_cart, place, product

KEYS = {"from", "to", "reason", "buyer_id", "business_id", "total", "payment_method", "paid_via"}


@pytest.fixture
def item(seller):
    return product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)


@pytest.fixture
def order(buyer, item):
    fill_cart(buyer, (item, 2))
    checkout, _ = place(buyer, {item.business_id: "delivery"})
    return checkout.orders.get()


def move(actor, order, to, **kwargs):
    return services.order_transition(actor=actor, order_id=order.pk, to=to, **kwargs)


def of(order, kind):
    return Event.objects.get(kind=kind, subject_type="orders.order", subject_id=str(order.pk))


@pytest.mark.django_db
def test_a_cod_checkout_records_each_order_placed(buyer, item, order):
    placed = of(order, "order.placed")
    assert set(placed.payload) >= KEYS and placed.actor == buyer
    assert placed.payload["from"] == "" and placed.payload["to"] == "placed"
    assert (placed.payload["total"], placed.payload["business_id"]) == (35000, item.business_id)
    assert placed.payload["lines"] == [{"product_id": item.pk, "quantity": 2, "amount": 30000}]
    # No payment to start: checkout.placed is for cashless checkouts (payments' test).
    assert not Event.objects.filter(kind="checkout.placed").exists()


@pytest.mark.django_db
def test_every_move_records_its_event_and_final_ones_carry_the_lines(order, buyer, seller):
    move(seller, order, "accepted")
    move(seller, order, "ready")
    move(seller, order, "delivered", cash_amount=35000)
    move(buyer, order, "completed", reason="Sudah sampai")
    accepted = of(order, "order.accepted").payload
    assert set(accepted) >= KEYS and accepted["from"] == "placed"
    completed = of(order, "order.completed")
    assert completed.actor == buyer and completed.payload["reason"] == "Sudah sampai"
    assert completed.payload["lines"][0]["quantity"] == 2
    assert completed.payload["payment_method"] == "cod" and completed.payload["paid_via"] == ""


@pytest.mark.django_db
def test_a_cancellation_carries_the_lines(order, buyer):
    move(buyer, order, "cancelled")
    cancelled = of(order, "order.cancelled").payload
    assert cancelled["lines"][0]["amount"] == 30000 and cancelled["from"] == "placed"


@pytest.mark.django_db
def test_the_provider_that_captured_the_money_is_kept(buyer, item, settings):
    settings.MALPRO_PAYMENT_METHODS = ["cod", "qris"]
    fill_cart(buyer, (item, 1))
    checkout, _ = services.checkout_place(
        buyer=buyer,
        cart=services.cart_for(user=buyer),
        idempotency_key="q-1",
        data=services.CheckoutInput(
            address=address(),
            deliveries={item.business_id: "pickup"},
            payment_method="qris",
        ),
    )
    order = checkout.orders.get()
    assert order.status == OrderStatus.PENDING_PAYMENT
    move(None, order, "placed", paid_via="simulator")
    order.refresh_from_db()
    assert order.paid_via == "simulator" and order.paid_at is not None
    assert of(order, "order.placed").payload["paid_via"] == "simulator"


@pytest.mark.django_db
def test_reviews_and_replies_are_events(order, buyer, seller, item):
    Order.objects.filter(pk=order.pk).update(status="completed")
    review = services.review_add(buyer=buyer, order_id=order.pk, product_id=item.pk, rating=4)
    services.review_reply(seller=seller, review_id=review.pk, text="Terima kasih")
    added = Event.objects.get(kind="review.added")
    assert added.subject_type == "orders.review" and added.subject_id == str(review.pk)
    assert added.payload == {"product_id": item.pk, "rating": 4, "order_id": order.pk}
    assert Event.objects.get(kind="review.replied").actor == seller
    assert Review.objects.get().reply == "Terima kasih"


@pytest.mark.django_db
def test_taking_the_last_units_records_a_stock_out(buyer, other_buyer, seller):
    shop = delivering_shop(seller)
    last = product(shop, "Kopi Bubuk", price=45000, stock=3)
    more = product(shop, "Keripik Pisang", price=12000, stock=9)
    fill_cart(buyer, (last, 2), (more, 1))
    place(buyer, {shop.pk: "pickup"})
    assert not Event.objects.filter(kind="product.stock_out").exists()
    fill_cart(other_buyer, (last, 1))
    place(other_buyer, {shop.pk: "pickup"}, key="k-2")
    stock_out = Event.objects.get(kind="product.stock_out")
    assert stock_out.subject_type == "catalog.product" and stock_out.subject_id == str(last.pk)
    assert stock_out.payload == {"business_id": shop.pk}


@pytest.fixture
def fails_for():
    """A consumer of completed orders that fails for the orders named in `fails_for` (a set)."""
    failing: set[int] = set()

    def handle(event):
        if int(event.subject_id) in failing:
            raise RuntimeError("consumer down")

    events.subscribe("test.orders_completed", ["order.completed"], handle)
    yield failing
    events._CONSUMERS.pop("test.orders_completed", None)


def delivered_orders(buyer, seller, item, n):
    ids = []
    for index in range(n):
        fill_cart(buyer, (item, 1))
        checkout, _ = place(buyer, {item.business_id: "pickup"}, key=f"d-{index}")
        order = checkout.orders.get()
        for step in ("accepted", "ready"):
            move(seller, order, step)
        move(seller, order, "delivered", cash_amount=order.total)
        ids.append(order.pk)
    return ids


@pytest.mark.django_db
def test_autocomplete_completes_every_order_when_a_consumer_fails(buyer, seller, item, fails_for):
    ids = delivered_orders(buyer, seller, item, 3)
    fails_for.add(ids[1])
    later = timezone.now() + dt.timedelta(days=30)
    assert services.orders_autocomplete(now=later) == 3
    assert set(Order.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"completed"}
    delivery = EventDelivery.objects.get(consumer="test.orders_completed", state="pending")
    assert delivery.event.subject_id == str(ids[1])
    assert "consumer down" in delivery.last_error and delivery.attempts == 1


@pytest.mark.django_db
def test_autocomplete_goes_on_when_one_order_is_refused(buyer, seller, item):
    ids = delivered_orders(buyer, seller, item, 3)

    def refuse(event):  # a handler inside the transaction (money) refusing one order
        if int(event.subject_id) == ids[0]:
            raise ApplicationError("ditolak")

    events.within_transaction("test.refuse", ["order.completed"], refuse)
    try:
        later = timezone.now() + dt.timedelta(days=30)
        assert services.orders_autocomplete(now=later) == 2
    finally:
        events._INLINE.pop("test.refuse", None)
    statuses = dict(Order.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert statuses == {ids[0]: "delivered", ids[1]: "completed", ids[2]: "completed"}


@pytest.mark.django_db
def test_a_cancelled_order_puts_a_sold_out_product_back_on_sale(buyer, seller):
    from malpro.catalog.models import Product, SearchDoc

    last = product(delivering_shop(seller), "Sambal Terakhir", price=20000, stock=2)
    fill_cart(buyer, (last, 2))
    order = place(buyer, {last.business_id: "pickup"})[0].orders.get()
    assert not SearchDoc.objects.get(product=last).in_stock
    services.order_transition(actor=buyer, order_id=order.pk, to="cancelled")
    assert Product.objects.get(pk=last.pk).stock == 2
    assert SearchDoc.objects.get(product=last).in_stock
    restocked = Event.objects.get(kind="product.restocked")
    assert restocked.subject_id == str(last.pk) and restocked.actor == buyer
    assert restocked.payload == {"business_id": last.business_id, "reason": "order_closed"}
