"""What buyers and sellers are told about money: payment due and expiring, refund due, payout
sent."""

import datetime as dt

import pytest
from django.utils import timezone

from malpro.accounts.roles import Role
from malpro.conftest import make_user
from malpro.notifications.channels.base import memory_outbox
from malpro.notifications.models import Notification
from malpro.orders import services as orders
from malpro.orders.models import OrderStatus
from malpro.payments import consumers, services, settlements
from malpro.payments.tests.helpers import cashless_checkout, completed_payable_order, notify


def notes(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).order_by("pk"))


def whatsapp(template):
    return [k.out for k in memory_outbox if k.out.template == template]


@pytest.mark.django_db
def test_the_expiring_reminder_is_sent_once_per_payment(buyer, seller):
    checkout, payment, _item = cashless_checkout(buyer, seller)
    payment.refresh_from_db()
    assert consumers.remind_expiring() == 0  # 30 minutes left: not yet
    soon = payment.expires_at - dt.timedelta(minutes=10)
    assert consumers.remind_expiring(now=soon) == 1
    assert consumers.remind_expiring(now=soon + dt.timedelta(minutes=5)) == 0
    (note,) = notes(buyer, "payment.expiring")
    assert "Rp30.000" in note.title and note.link == f"/bayar/{checkout.pk}/"
    assert len(whatsapp("malpro_payment_expiring")) == 1
    # A paid payment is never reminded.
    other, paid, _ = cashless_checkout(buyer, seller, key="p-2")
    notify(paid)
    paid.refresh_from_db()
    assert consumers.remind_expiring(now=paid.expires_at - dt.timedelta(minutes=5)) == 0
    # Nor one whose buyer dropped the checkout (the payment stays open until it expires).
    dropped, open_payment, _ = cashless_checkout(buyer, seller, key="p-3")
    services.buyer_cancel(user=buyer, checkout_id=dropped.pk)
    open_payment.refresh_from_db()
    assert consumers.remind_expiring(now=open_payment.expires_at - dt.timedelta(minutes=5)) == 0


@pytest.mark.django_db
def test_money_arriving_after_expiry_is_owed_back_and_the_buyer_told(buyer, seller):
    checkout, payment, _item = cashless_checkout(buyer, seller)
    services.payments_expire(now=timezone.now() + dt.timedelta(hours=1))
    order = checkout.orders.get()
    assert order.status == OrderStatus.CANCELLED
    (cancelled,) = notes(buyer, "order.auto_cancelled_for_buyer")
    assert "kedaluwarsa" in cancelled.body
    notify(payment)  # the money arrives anyway
    (refund,) = notes(buyer, "refund.due")
    assert "Rp30.000" in refund.title and refund.link == f"/pesanan/{order.pk}/"
    # The seller never saw this order: told nothing at all.
    assert not Notification.objects.filter(user=seller).exists()


@pytest.mark.django_db
def test_a_paid_order_rejected_tells_the_buyer_the_reason_and_the_refund(buyer, seller):
    checkout, payment, _item = cashless_checkout(buyer, seller)
    notify(payment)
    order = checkout.orders.get()
    orders.order_transition(actor=seller, order_id=order.pk, to="rejected", reason="Toko tutup")
    assert "Toko tutup" in notes(buyer, "order.rejected_for_buyer")[0].body
    (refund,) = notes(buyer, "refund.due")
    assert "Toko tutup" in refund.body
    assert len(whatsapp("malpro_refund_due")) == 1


@pytest.mark.django_db
def test_a_payout_tells_each_business_its_own_amount(buyer, other_buyer, seller, city_admin):
    # Two shops of the same owner in one batch: one message each, with its own amount.
    first = completed_payable_order(buyer, seller, key="one")
    second = completed_payable_order(other_buyer, seller, key="two")
    assert first.business_id != second.business_id
    batch = settlements.batch_create(actor=None, provider="simulator")
    settlements.batch_approve(actor=city_admin, batch_id=batch.pk)
    assert notes(seller, "payout.sent") == []  # approved is not sent
    second_admin = make_user("081234500098", "Admin Kedua", [(Role.CITY_ADMIN, None, None)])
    settlements.batch_mark_paid(actor=second_admin, batch_id=batch.pk)
    sent = notes(seller, "payout.sent")
    assert len(sent) == 2
    assert {n.link for n in sent} == {
        f"/jual/saldo/?usaha={first.business_id}",
        f"/jual/saldo/?usaha={second.business_id}",
    }
    assert all("Rp30.000" in n.title for n in sent)
    assert first.business.name in sent[0].body + sent[1].body
    assert len(whatsapp("malpro_payout_sent")) == 2


@pytest.mark.django_db
def test_a_payment_message_in_quiet_hours_stays_in_the_app(settings, buyer, seller):
    """Quiet hours would hold a WhatsApp until long after the payment expired: the buyer is
    told in the app only, never on the phone too late."""
    from malpro.notifications.models import Message
    from malpro.notifications.quiet import JAKARTA

    hour = timezone.now().astimezone(JAKARTA).hour
    settings.MALPRO_QUIET_HOURS = f"{hour}-{(hour + 2) % 24}"  # quiet now, for over an hour
    cashless_checkout(buyer, seller)
    assert notes(buyer, "payment.due")
    assert not Message.objects.filter(user=buyer, template="payment.due").exists()
    assert not whatsapp("malpro_payment_due")


@pytest.mark.django_db
def test_a_payment_message_not_sent_before_the_deadline_is_dropped(buyer, seller):
    from malpro.notifications import services as messaging
    from malpro.notifications.models import Message

    checkout, payment, _item = cashless_checkout(buyer, seller)
    message = Message.objects.get(user=buyer, template="payment.due")
    Message.objects.filter(pk=message.pk).update(state="pending")  # as if the send had failed
    messaging.send_due(now=payment.expires_at + dt.timedelta(seconds=1))
    message.refresh_from_db()
    assert message.state == "skipped" and "too late" in message.last_error
