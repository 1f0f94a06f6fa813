"""A completed order refunded: the city admin upholds the buyer's complaint (page or API,
reason required); the money goes back (ledger), the goods do not (stock), the buyer and the
seller are told, and the order's event carries its lines for the consumers."""

import pytest

from malpro.catalog.models import Product
from malpro.core.models import Event
from malpro.ledger import services as ledger
from malpro.ledger.checks import problems
from malpro.ledger.models import AccountKind, EntryKind, JournalEntry
from malpro.notifications.models import Notification
from malpro.orders import services
from malpro.orders.models import Order, OrderStatus
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product
from malpro.payments.tests.helpers import completed_payable_order


def move(actor, order, to, **kwargs):
    return services.order_transition(actor=actor, order_id=order.pk, to=to, **kwargs)


@pytest.fixture
def cod_order(buyer, seller):
    """A COD order of 2 x Rp15.000 (pickup), delivered with the cash and completed."""
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 2))
    checkout, _ = place(buyer, {item.business_id: "pickup"})
    order = checkout.orders.get()
    move(seller, order, "accepted")
    move(seller, order, "ready")
    move(seller, order, "delivered", cash_amount=30000)
    return move(buyer, order, "completed")


def refund_url(order):
    return f"/api/v1/orders/{order.pk}/transition"


@pytest.mark.django_db
def test_admin_refunds_a_completed_cod_order_through_the_api(api, cod_order, city_admin):
    response = api(city_admin).post(
        refund_url(cod_order), {"to": "refunded", "reason": "Keripik apek, pembeli komplain"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "refunded"
    assert response.json()["status_label"] == "Dikembalikan dananya"
    order = Order.objects.get(pk=cod_order.pk)
    assert order.refunded_at is not None and order.completed_at is not None
    assert order.status_reason == "Keripik apek, pembeli komplain"
    # The seller handed the cash back: the cash recorded at delivery is reversed.
    shop = order.business
    assert ledger.balance_of(AccountKind.SELLER_CASH, business=shop) == 0
    assert ledger.balance_of(AccountKind.COD_SALES, business=shop) == 0
    reversal = JournalEntry.objects.get(key=f"cod_refunded:{order.pk}")
    assert reversal.kind == EntryKind.COD_REFUNDED and reversal.business_id == shop.pk
    assert not JournalEntry.objects.filter(kind=EntryKind.REFUND_DUE).exists()
    assert problems() == []
    # The goods are not restocked; the sale no longer counts on the product.
    item = Product.objects.get(name="Keripik Tempe")
    assert (item.stock, item.sold_count) == (8, 0)


@pytest.mark.django_db
def test_the_refund_event_carries_the_order_payload_with_lines(cod_order, city_admin):
    move(city_admin, cod_order, "refunded", reason="Barang rusak")
    event = Event.objects.get(kind="order.refunded")
    item = Product.objects.get(name="Keripik Tempe")
    assert event.subject_id == str(cod_order.pk) and event.actor_id == city_admin.pk
    assert event.payload == {
        "from": "completed",
        "to": "refunded",
        "reason": "Barang rusak",
        "number": cod_order.number,
        "buyer_id": cod_order.buyer_id,
        "business_id": cod_order.business_id,
        "total": 30000,
        "payment_method": "cod",
        "paid_via": "",
        "lines": [{"product_id": item.pk, "quantity": 2, "amount": 30000}],
    }


@pytest.mark.django_db
def test_buyer_and_seller_cannot_refund(api, cod_order, buyer, seller):
    for user in (buyer, seller):
        response = api(user).post(refund_url(cod_order), {"to": "refunded", "reason": "x"})
        assert response.status_code == 403, user
    assert Order.objects.get(pk=cod_order.pk).status == OrderStatus.COMPLETED


@pytest.mark.django_db
def test_only_a_completed_order_can_be_refunded(api, buyer, seller, city_admin):
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 1))
    checkout, _ = place(buyer, {item.business_id: "pickup"})
    order = checkout.orders.get()
    move(seller, order, "accepted")
    move(seller, order, "ready")
    move(seller, order, "delivered", cash_amount=15000)
    response = api(city_admin).post(refund_url(order), {"to": "refunded", "reason": "x"})
    assert response.status_code == 409
    assert response.json()["extra"] == {"from": "delivered", "to": "refunded"}


@pytest.mark.django_db
def test_a_refund_needs_a_reason(api, cod_order, city_admin):
    response = api(city_admin).post(refund_url(cod_order), {"to": "refunded", "reason": "  "})
    # The same field error as a rejection without a reason (400 with extra.fields).
    assert response.status_code == 400
    assert "reason" in response.json()["extra"]["fields"]
    assert Order.objects.get(pk=cod_order.pk).status == OrderStatus.COMPLETED
    assert not JournalEntry.objects.filter(kind=EntryKind.COD_REFUNDED).exists()


@pytest.mark.django_db
def test_admin_refunds_from_the_order_page(web, cod_order, city_admin, buyer):
    admin = web(city_admin)
    page = admin.get(f"/pesanan/{cod_order.pk}/").content.decode()
    assert 'value="refunded"' in page and "Kembalikan dana pembeli" in page
    assert 'name="reason"' in page
    assert 'value="refunded"' not in web(buyer).get(f"/pesanan/{cod_order.pk}/").content.decode()
    response = admin.post(
        f"/pesanan/{cod_order.pk}/status/", {"to": "refunded", "reason": "Komplain diterima"}
    )
    assert response.status_code == 302
    assert Order.objects.get(pk=cod_order.pk).status == OrderStatus.REFUNDED
    # The buyer's page shows the refund and why.
    mine = web(buyer).get(f"/pesanan/{cod_order.pk}/").content.decode()
    assert "Dikembalikan dananya" in mine and "Komplain diterima" in mine
    assert "Dana dikembalikan" in mine


@pytest.mark.django_db
def test_the_refunded_order_sits_in_the_sellers_done_tab(web, cod_order, city_admin, seller):
    move(city_admin, cod_order, "refunded", reason="Komplain diterima")
    page = web(seller).get("/jual/pesanan/?tab=selesai").content.decode()
    assert cod_order.number in page and 'data-status="refunded"' in page


@pytest.mark.django_db
def test_buyer_and_seller_are_told_of_a_cod_refund(cod_order, city_admin, buyer, seller):
    move(city_admin, cod_order, "refunded", reason="Keripik apek")
    to_buyer = Notification.objects.get(user=buyer, kind="order.refunded_cod_for_buyer")
    assert "Keripik apek" in to_buyer.body and "Rp30.000" in to_buyer.body
    assert to_buyer.link == f"/pesanan/{cod_order.pk}/"
    to_seller = Notification.objects.get(user=seller, kind="order.refunded_cod_for_seller")
    assert "Kembalikan uang tunai Rp30.000" in to_seller.body


@pytest.mark.django_db
def test_a_cashless_refund_is_due_to_the_buyer_and_told_once(buyer, seller, city_admin, settings):
    settings.MALPRO_PAYMENT_METHODS = ["cod", "qris"]
    order = completed_payable_order(buyer, seller)
    move(city_admin, order, "refunded", reason="Tidak sesuai pesanan")
    refund = Event.objects.get(kind="refund.due")
    assert refund.payload["cause"] == "refunded" and refund.payload["amount"] == 30000
    # One message to the buyer about the money: the order's, not the ledger's refund.due.
    kinds = set(Notification.objects.filter(user=buyer).values_list("kind", flat=True))
    assert "order.refunded_paid_for_buyer" in kinds and "refund.due" not in kinds
    to_seller = Notification.objects.get(user=seller, kind="order.refunded_paid_for_seller")
    assert "dipotong dari pencairan berikutnya" in to_seller.body
