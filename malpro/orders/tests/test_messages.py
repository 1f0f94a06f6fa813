"""What the buyer and the seller of an order are told, on which channel, exactly once.

Both walks go through the real services (checkout, payment notification, the seller's and
the buyer's moves) with both parties phone-verified and the default preferences: every
message is in the app, and by WhatsApp for the categories that default to it; nothing goes by
SMS or email. Replaying the events afterwards sends nothing more."""

import datetime as dt
from collections import Counter

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from malpro.core import events
from malpro.core.models import Event
from malpro.notifications import preferences, sms
from malpro.notifications.channels.base import memory_outbox
from malpro.notifications.models import Message, Notification
from malpro.orders import services
from malpro.orders.models import Order, OrderStatus
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product
from malpro.payments.tests.helpers import cashless_checkout, notify

CONSUMERS = ("orders.messages", "payments.messages", "catalog.messages", "umkm.messages")


def move(actor, order, to, **kwargs):
    return services.order_transition(actor=actor, order_id=order.pk, to=to, **kwargs)


def in_app(*users):
    ids = {u.pk: u for u in users}
    return Counter(
        (ids[user_id].name, kind)
        for user_id, kind in Notification.objects.filter(user__in=users).values_list(
            "user_id", "kind"
        )
    )


def whatsapp(*users):
    phones = {u.phone: u for u in users}
    return Counter(
        (phones[k.out.to].name, k.out.template)
        for k in memory_outbox
        if k.channel == "whatsapp" and k.out.to in phones
    )


def replay_everything(since):
    """Every consumer that sends messages, again: the deliveries (done: skipped) and the
    handlers themselves on every event (the messages are keyed by event: nothing new)."""
    for name in CONSUMERS:
        events.replay(consumer_name=name, since=since)
        listener = events.consumer(name)
        for event in Event.objects.filter(occurred_at__gte=since).order_by("pk"):
            if listener.wants(event.kind):
                with transaction.atomic():
                    listener.handle(event)


def assert_exactly(buyer, seller, expected_in_app, expected_whatsapp):
    assert in_app(buyer, seller) == Counter(expected_in_app)
    assert whatsapp(buyer, seller) == Counter(expected_whatsapp)
    assert sms.outbox == []
    assert [m for m in memory_outbox if m.channel != "whatsapp"] == []
    assert mail.outbox == []
    assert not Message.objects.exclude(state__in=["sent", "delivered", "read"]).exists()


def wa(name, key):
    return (name, "malpro_" + key.replace(".", "_"))


@pytest.mark.django_db
def test_a_cod_order_from_placed_to_completed_tells_each_party_once(buyer, seller):
    since = timezone.now() - dt.timedelta(seconds=1)
    assert preferences.reachable(buyer) == {"whatsapp", "sms"}
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 2))
    checkout, _ = place(buyer, {item.business_id: "pickup"})
    order = checkout.orders.get()
    note = Notification.objects.get(user=seller, kind="order.new_for_seller")
    assert order.number in note.title
    assert "2 x Keripik Tempe" in note.body and "Terima atau tolak sebelum" in note.body
    assert note.link == f"/pesanan/{order.pk}/"

    move(seller, order, "accepted")
    move(seller, order, "ready")
    ready = Notification.objects.get(user=buyer, kind="order.ready_pickup_for_buyer")
    assert "siap diambil" in ready.body and order.business.address in ready.body
    move(seller, order, "delivered", cash_amount=order.total)
    move(buyer, order, "completed")
    services.review_add(buyer=buyer, order_id=order.pk, product_id=item.pk, rating=5, text="Renyah")

    b, s = buyer.name, seller.name
    expected = [
        (s, "order.new_for_seller"),
        (b, "order.accepted_for_buyer"),
        (b, "order.ready_pickup_for_buyer"),
        (b, "order.delivered_for_buyer"),
        (s, "order.completed_cod_for_seller"),
        (s, "review.added_for_seller"),
    ]
    # Orders, payments and shop messages all default to WhatsApp.
    assert_exactly(buyer, seller, expected, [wa(who, key) for who, key in expected])
    sent = next(m for m in memory_outbox if m.out.template == "malpro_order_new_for_seller")
    assert sent.out.to == seller.phone
    assert sent.out.params[:2] == (order.number, buyer.name)

    replay_everything(since)
    assert_exactly(buyer, seller, expected, [wa(who, key) for who, key in expected])


@pytest.mark.django_db
def test_a_qris_order_from_placed_to_completed_tells_each_party_once(buyer, seller):
    since = timezone.now() - dt.timedelta(seconds=1)
    checkout, payment, _item = cashless_checkout(buyer, seller)
    due = Notification.objects.get(user=buyer, kind="payment.due")
    assert "Rp30.000" in due.title and due.link == f"/bayar/{checkout.pk}/"
    # The seller hears of the order only once it is paid, and is told so.
    assert not Notification.objects.filter(user=seller).exists()
    notify(payment)
    order = checkout.orders.get()
    paid = Notification.objects.get(user=seller, kind="order.paid_for_seller")
    assert "sudah dibayar" in paid.title and "Terima atau tolak sebelum" in paid.body

    move(seller, order, "accepted")
    move(seller, order, "ready")
    move(seller, order, "delivered")
    move(buyer, order, "completed")
    money = Notification.objects.get(user=seller, kind="order.completed_paid_for_seller")
    assert "Rp30.000" in money.title and money.link == f"/jual/saldo/?usaha={order.business_id}"

    b, s = buyer.name, seller.name
    expected = [
        (b, "payment.due"),
        (s, "order.paid_for_seller"),
        (b, "order.accepted_for_buyer"),
        (b, "order.ready_pickup_for_buyer"),
        (b, "order.delivered_for_buyer"),
        (s, "order.completed_paid_for_seller"),
    ]
    assert_exactly(buyer, seller, expected, [wa(who, key) for who, key in expected])

    replay_everything(since)
    assert_exactly(buyer, seller, expected, [wa(who, key) for who, key in expected])


@pytest.mark.django_db
def test_chosen_channels_are_used_and_the_unverified_phone_is_not(buyer, seller):
    preferences.preferences_set(user=buyer, choices={"orders": {"sms"}})
    seller.email = "sari@example.id"
    seller.save(update_fields=["email"])
    preferences.preferences_set(user=seller, choices={"orders": {"email", "whatsapp"}})
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 1))
    order = place(buyer, {item.business_id: "delivery"})[0].orders.get()
    move(seller, order, "accepted")
    move(seller, order, "ready")
    assert [m.subject.endswith(f"Pesanan baru {order.number}") for m in mail.outbox] == [True]
    assert mail.outbox[0].to == ["sari@example.id"]
    assert [k.out.template for k in memory_outbox if k.channel == "whatsapp"] == [
        "malpro_order_new_for_seller"
    ]
    texts = [k.out.text for k in memory_outbox if k.channel == "sms"] or [
        s.text for s in sms.outbox
    ]
    assert len(texts) == 2
    assert "diterima penjual" in texts[0] and "sedang diantar" in texts[1]


@pytest.mark.django_db
def test_a_rejection_tells_the_buyer_the_reason(buyer, seller):
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 1))
    order = place(buyer, {item.business_id: "pickup"})[0].orders.get()
    move(seller, order, "rejected", reason="Bahan habis minggu ini")
    note = Notification.objects.get(user=buyer, kind="order.rejected_for_buyer")
    assert "Bahan habis minggu ini" in note.body
    kept = next(k for k in memory_outbox if k.out.template == "malpro_order_rejected_for_buyer")
    assert "Bahan habis minggu ini" in kept.out.params


@pytest.mark.django_db
def test_unaccepted_orders_are_cancelled_and_both_parties_told(buyer, seller, settings):
    settings.MALPRO_ORDER_ACCEPT_HOURS = 24
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 3))
    order = place(buyer, {item.business_id: "pickup"})[0].orders.get()
    assert services.orders_cancel_unaccepted() == 0
    later = timezone.now() + dt.timedelta(hours=25)
    assert services.orders_cancel_unaccepted(now=later) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    item.refresh_from_db()
    assert item.stock == 10
    for user, kind in (
        (buyer, "order.auto_cancelled_for_buyer"),
        (seller, "order.auto_cancelled_for_seller"),
    ):
        note = Notification.objects.get(user=user, kind=kind)
        assert "24 jam" in note.body
    assert services.orders_cancel_unaccepted(now=later) == 0


@pytest.mark.django_db
def test_a_paid_order_cancelled_by_the_system_is_owed_back_and_the_buyer_told(buyer, seller):
    from malpro.ledger.models import EntryKind, JournalEntry
    from malpro.payments.tests.helpers import assert_ledger_ok

    checkout, payment, _item = cashless_checkout(buyer, seller)
    notify(payment)
    order = checkout.orders.get()
    later = timezone.now() + dt.timedelta(hours=25)
    assert services.orders_cancel_unaccepted(now=later) == 1
    assert JournalEntry.objects.filter(kind=EntryKind.REFUND_DUE, order_id=order.pk).exists()
    assert_ledger_ok()
    refund = Notification.objects.get(user=buyer, kind="refund.due")
    assert "Rp30.000" in refund.title and refund.link == f"/pesanan/{order.pk}/"
    assert (
        Notification.objects.filter(user=seller, kind="order.auto_cancelled_for_seller").count()
        == 1
    )


@pytest.mark.django_db
def test_a_buyer_cancelling_is_not_an_automatic_cancellation(buyer, seller):
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 1))
    order = place(buyer, {item.business_id: "pickup"})[0].orders.get()
    move(buyer, order, "cancelled")
    assert not Notification.objects.filter(kind__startswith="order.auto_cancelled").exists()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    # The seller stops preparing it; the buyer, who cancelled, is not told their own move.
    (note,) = Notification.objects.filter(user=seller, kind="order.cancelled_for_seller")
    assert "oleh pembeli" in note.body
    assert not Notification.objects.filter(user=buyer, kind__contains="cancelled").exists()


@pytest.mark.django_db
def test_an_admin_cancellation_tells_both_parties_why(buyer, seller, city_admin):
    item = product(delivering_shop(seller), "Keripik Tempe", price=15000, stock=10)
    fill_cart(buyer, (item, 1))
    order = place(buyer, {item.business_id: "pickup"})[0].orders.get()
    move(seller, order, "accepted")
    move(city_admin, order, "cancelled", reason="Laporan penipuan")
    to_seller = Notification.objects.get(user=seller, kind="order.cancelled_for_seller")
    to_buyer = Notification.objects.get(user=buyer, kind="order.cancelled_for_buyer")
    assert "oleh admin kota" in to_seller.body and "Laporan penipuan" in to_seller.body
    assert "Laporan penipuan" in to_buyer.body
