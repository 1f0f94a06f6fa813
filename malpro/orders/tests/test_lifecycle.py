import datetime as dt

import pytest
from django.utils import timezone

from malpro.catalog.models import Product
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.core.models import Event
from malpro.core.workflow import SYSTEM
from malpro.orders import services
from malpro.orders.models import Order, OrderEvent, OrderStatus, Review
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product
from malpro.orders.workflow import ADMIN, BUYER, ORDER, PARTIES, SELLER, TRANSITIONS


@pytest.fixture
def order(buyer, seller):
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 2))
    checkout, _ = place(buyer, {item.business_id: "delivery"})
    return checkout.orders.get()


def move(actor, order, to, **kwargs):
    return services.order_transition(actor=actor, order_id=order.pk, to=to, **kwargs)


def at(order, status):
    Order.objects.filter(pk=order.pk).update(status=status)
    return Order.objects.get(pk=order.pk)


@pytest.mark.django_db
def test_full_lifecycle_with_cash_on_delivery(order, buyer, seller):
    move(seller, order, "accepted")
    move(seller, order, "ready")
    with pytest.raises(ApplicationError) as info:
        move(seller, order, "delivered", cash_amount=20000)
    assert "tidak sama dengan total" in info.value.message
    move(seller, order, "delivered", cash_amount=35000)
    done = move(buyer, order, "completed")
    assert done.cash_collected == 35000 and done.completed_at is not None
    assert list(OrderEvent.objects.filter(order=order).values_list("to_status", flat=True)) == [
        "placed",
        "accepted",
        "ready",
        "delivered",
        "completed",
    ]
    assert Product.objects.get(name="Keripik Tempe").sold_count == 2


# Every pair of states times every party, through the machine: the service makes exactly the
# table's moves and refuses every other with the machine's error (409 not an edge, 403 not the
# party's edge; 404 for a user who is no party at all).
ALL = [s.value for s in OrderStatus]


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), [(f, t) for f in ALL for t in ALL if f != t])
def test_transition_table(order, buyer, seller, city_admin, other_buyer, frm, to):
    order = at(order, frm)
    actors = {BUYER: buyer, SELLER: seller, ADMIN: city_admin, SYSTEM: None}
    assert set(actors) == set(PARTIES)
    for party, user in actors.items():
        kwargs = {"reason": "alasan", "cash_amount": order.total}
        if ORDER.allows(frm, to, party):
            assert move(user, order, to, **kwargs).status == to
            assert Event.objects.filter(kind=f"order.{to}", subject_id=str(order.pk)).exists()
            order = at(order, frm)
        else:
            expected = Conflict if (frm, to) not in TRANSITIONS else PermissionDenied
            with pytest.raises(expected):
                move(user, order, to, **kwargs)
    with pytest.raises(NotFound):
        move(other_buyer, order, to, reason="alasan")
    assert Order.objects.get(pk=order.pk).status == frm


@pytest.mark.django_db
def test_another_seller_or_buyer_cannot_see_or_touch_the_order(order, other_seller, other_buyer):
    for outsider in (other_seller, other_buyer):
        with pytest.raises(NotFound):
            move(outsider, order, "accepted")


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_returns_the_stock(order, seller):
    with pytest.raises(ApplicationError):
        move(seller, order, "rejected")
    move(seller, order, "rejected", reason="Bahan habis")
    assert Product.objects.get(name="Keripik Tempe").stock == 10


@pytest.mark.django_db
def test_buyer_cancels_before_acceptance_and_the_stock_returns(order, buyer, seller):
    move(buyer, order, "cancelled")
    assert Product.objects.get(name="Keripik Tempe").stock == 10
    with pytest.raises(Conflict):
        move(seller, order, "accepted")


@pytest.mark.django_db
def test_buyer_cannot_cancel_after_acceptance(order, buyer, seller):
    move(seller, order, "accepted")
    with pytest.raises(PermissionDenied):
        move(buyer, order, "cancelled")


@pytest.mark.django_db
def test_variant_stock_returns_on_cancel(buyer, seller):
    from malpro.catalog import services as catalog_services
    from malpro.catalog.services import ProductInput

    business = delivering_shop(seller)
    item = catalog_services.product_create(
        actor=seller,
        business=business,
        data=ProductInput(
            name="Sambal",
            category_slug="sambal",
            price=0,
            variants=[{"name": "Pedas", "price": 25000, "stock": 4}],
        ),
    )
    variant = item.variants.get()
    fill_cart(buyer, (variant, 3))
    checkout, _ = place(buyer, {business.pk: "pickup"})
    variant.refresh_from_db()
    item.refresh_from_db()
    assert (variant.stock, item.stock) == (1, 1)
    move(buyer, checkout.orders.get(), "cancelled")
    variant.refresh_from_db()
    item.refresh_from_db()
    assert (variant.stock, item.stock) == (4, 4)


@pytest.mark.django_db
def test_delivered_orders_complete_by_themselves_after_n_days(order, seller, settings):
    settings.MALPRO_ORDER_AUTOCOMPLETE_DAYS = 3
    move(seller, order, "accepted")
    move(seller, order, "ready")
    move(seller, order, "delivered", cash_amount=35000)
    assert services.orders_autocomplete() == 0
    later = timezone.now() + dt.timedelta(days=3, minutes=1)
    assert services.orders_autocomplete(now=later) == 1
    order.refresh_from_db()
    assert order.status == "completed"
    assert order.events.last().actor is None


@pytest.mark.django_db
def test_reviews_after_completion_once_and_seller_reply(order, buyer, seller):
    item = Product.objects.get(name="Keripik Tempe")
    with pytest.raises(Conflict):
        services.review_add(buyer=buyer, order_id=order.pk, product_id=item.pk, rating=5)
    order = at(order, "completed")
    services.review_add(buyer=buyer, order_id=order.pk, product_id=item.pk, rating=4, text="Enak")
    with pytest.raises(Conflict):
        services.review_add(buyer=buyer, order_id=order.pk, product_id=item.pk, rating=5)
    with pytest.raises(ApplicationError):
        services.review_add(buyer=buyer, order_id=order.pk, product_id=item.pk, rating=6)
    item.refresh_from_db()
    assert item.rating == 4.0
    review = Review.objects.get()
    services.review_reply(seller=seller, review_id=review.pk, text="Terima kasih!")
    assert Review.objects.get().reply == "Terima kasih!"


def test_a_refund_is_the_city_admins_move_from_a_completed_order_only():
    refunds = {edge: who for edge, who in TRANSITIONS.items() if edge[1] == OrderStatus.REFUNDED}
    assert refunds == {(OrderStatus.COMPLETED, OrderStatus.REFUNDED): {ADMIN}}
    assert not any(frm == OrderStatus.REFUNDED for frm, _ in TRANSITIONS)  # final
