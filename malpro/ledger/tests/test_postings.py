"""The ledger follows the order's events inside the order's transaction: what it posts comes
from the event's payload (how the order was paid, by which provider, its total)."""

import pytest

from malpro.ledger import postings
from malpro.ledger import services as ledger
from malpro.ledger.models import AccountKind, EntryKind, JournalEntry
from malpro.orders import services as orders
from malpro.orders.models import Order
from malpro.orders.tests.factories import address, delivering_shop, fill_cart, product


@pytest.fixture
def shop(seller):
    return delivering_shop(seller)


def checkout(buyer, shop, *, method="qris", key="k-1"):
    item = product(shop, f"Keripik {key}", price=15000, stock=10)
    fill_cart(buyer, (item, 2))
    placed, _ = orders.checkout_place(
        buyer=buyer,
        cart=orders.cart_for(user=buyer),
        idempotency_key=key,
        data=orders.CheckoutInput(
            address=address(), deliveries={shop.pk: "pickup"}, payment_method=method
        ),
    )
    return placed, placed.orders.get()


def move(actor, order, *steps, **kwargs):
    for step in steps:
        orders.order_transition(actor=actor, order_id=order.pk, to=step, **kwargs)


def entries(kind):
    return list(JournalEntry.objects.filter(kind=kind).values_list("order_id", "provider"))


@pytest.fixture(autouse=True)
def cashless(settings):
    settings.MALPRO_PAYMENT_METHODS = ["cod", "qris"]


@pytest.mark.django_db
def test_a_completed_order_owes_the_seller_through_the_provider_it_names(buyer, seller, shop):
    _, order = checkout(buyer, shop)
    move(None, order, "placed", paid_via="simulator")  # no capture entry is read
    move(seller, order, "accepted", "ready", "delivered")
    move(buyer, order, "completed")
    assert entries(EntryKind.ORDER_COMPLETED) == [(order.pk, "simulator")]
    entry = JournalEntry.objects.get(kind=EntryKind.ORDER_COMPLETED)
    assert (entry.business_id, entry.memo) == (shop.pk, order.number)
    assert ledger.balance_of(AccountKind.SELLER_PAYABLE, business=shop) == -30000


@pytest.mark.django_db
def test_an_order_paid_before_paid_via_existed_uses_the_capture_entry(buyer, seller, shop):
    placed, order = checkout(buyer, shop)
    ledger.post_capture(checkout=placed, provider="midtrans", amount=placed.grand_total)
    move(None, order, "placed")  # paid_via left empty, as for orders paid before it existed
    move(seller, order, "accepted")
    move(seller, order, "rejected", reason="Habis")
    assert entries(EntryKind.REFUND_DUE) == [(order.pk, "midtrans")]


@pytest.mark.django_db
def test_an_unpaid_cancellation_posts_nothing(buyer, shop):
    _, order = checkout(buyer, shop)
    move(buyer, order, "cancelled")
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_cash_on_delivery_is_recorded_when_delivered(buyer, seller, shop):
    _, order = checkout(buyer, shop, method="cod")
    move(seller, order, "accepted", "ready")
    move(seller, order, "delivered", cash_amount=30000)
    move(buyer, order, "completed")
    assert entries(EntryKind.COD_COLLECTED) == [(order.pk, "")]
    assert not entries(EntryKind.ORDER_COMPLETED)
    assert ledger.balance_of(AccountKind.SELLER_CASH, business=shop) == 30000


@pytest.mark.django_db
def test_a_posting_that_fails_leaves_the_order_where_it_was(buyer, seller, shop, monkeypatch):
    _, order = checkout(buyer, shop)
    move(None, order, "placed", paid_via="simulator")
    move(seller, order, "accepted", "ready", "delivered")

    def broken(**kwargs):
        raise ledger.UnbalancedEntry("broken")

    monkeypatch.setattr(postings.services, "post_order_completed", broken)
    with pytest.raises(ledger.UnbalancedEntry):
        move(buyer, order, "completed")
    assert Order.objects.get(pk=order.pk).status == "delivered"
    assert not order.events.filter(to_status="completed").exists()


@pytest.mark.django_db
def test_a_paid_order_rejected_records_one_refund_due_event(buyer, seller, shop):
    from malpro.core.models import Event

    _, order = checkout(buyer, shop)
    move(None, order, "placed", paid_via="simulator")
    move(seller, order, "rejected", reason="Stok habis")
    refund = Event.objects.get(kind="refund.due")
    assert refund.payload == {
        "order_id": order.pk,
        "business_id": shop.pk,
        "amount": 30000,
        "provider": "simulator",
    }
    ledger.post_refund_due(order=order, provider="simulator")  # the same key again: no event
    assert Event.objects.filter(kind="refund.due").count() == 1


@pytest.mark.django_db
def test_a_refunded_order_gives_back_through_the_provider_it_names(buyer, seller, shop, city_admin):
    _, order = checkout(buyer, shop)
    move(None, order, "placed", paid_via="simulator")
    move(seller, order, "accepted", "ready", "delivered")
    move(buyer, order, "completed")
    move(city_admin, order, "refunded", reason="Komplain diterima")
    assert entries(EntryKind.ORDER_REFUNDED) == [(order.pk, "simulator")]
    assert ledger.balance_of(AccountKind.SELLER_PAYABLE, business=shop) == 0
    assert ledger.balance_of(AccountKind.REFUNDS_PAYABLE) == -30000


@pytest.mark.django_db
def test_a_refunded_cod_order_reverses_the_cash_recorded(buyer, seller, shop, city_admin):
    _, order = checkout(buyer, shop, method="cod")
    move(seller, order, "accepted", "ready")
    move(seller, order, "delivered", cash_amount=30000)
    move(buyer, order, "completed")
    move(city_admin, order, "refunded", reason="Komplain diterima")
    assert entries(EntryKind.COD_REFUNDED) == [(order.pk, "")]
    assert ledger.balance_of(AccountKind.SELLER_CASH, business=shop) == 0
    assert not entries(EntryKind.ORDER_REFUNDED) and not entries(EntryKind.REFUND_DUE)
