"""The outbox and its worker against the local fake of the WhatsApp Cloud API: retries with
back-off, permanent refusals, the SMS fallback, giving up, a worker killed mid-send, quiet
hours, preferences and idempotency. Driven through services.send / send_due(now=...)."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from malpro.conftest import make_user
from malpro.notifications import channels, preferences, quiet, services, sms
from malpro.notifications.channels.base import Retry
from malpro.notifications.models import Message, MessageAttempt, Notification
from malpro.notifications.tests.fake_whatsapp import FakeWhatsApp
from malpro.notifications.tests.helpers import CONTEXT, TEST_KIND

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_kind")]

WEBHOOK = "/api/v1/notifications/webhooks/whatsapp"


@pytest.fixture
def person():
    return make_user("081288800001", "Sari")


def _send(user, key="order-1", **kw):
    return services.send(user=user, kind=TEST_KIND.key, context=CONTEXT, key=key, **kw)


def _later(minutes: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


def _whatsapp(user) -> Message:
    return Message.objects.get(user=user, channel="whatsapp")


# --- retries, refusals, fallback ------------------------------------------------------------------
def test_a_provider_that_fails_twice_then_succeeds_delivers_once(fake, person):
    fake.fail_next(2, status=503, code=131000)
    _send(person)  # the first try happens at the commit
    message = _whatsapp(person)
    assert message.state == "pending" and message.attempts == 1
    assert message.next_attempt_at > timezone.now()  # backed off
    assert services.send_due().sent == 0  # not yet due
    for minutes in (1, 3, 10, 30):
        services.send_due(now=_later(minutes))
    message.refresh_from_db()
    assert message.state == "sent" and message.provider_id.startswith("wamid.FAKE")
    assert [a.ok for a in MessageAttempt.objects.filter(message=message)] == [False, False, True]
    assert fake.uids() == [message.uid]


def test_a_permanent_refusal_fails_at_once_without_retries(settings, person):
    with FakeWhatsApp(templates={}) as fake:  # no template approved
        fake.use(settings)
        _send(person)
        services.send_due(now=_later(60))
        message = _whatsapp(person)
        assert message.state == "failed" and "132001" in message.last_error
        assert message.tries.count() == 1 and fake.received == []
        assert not Message.objects.filter(channel="sms").exists()


def test_a_number_without_whatsapp_gets_the_same_message_by_sms_once(fake, person):
    fake.no_whatsapp.add("6281288800001")
    _send(person)
    assert _whatsapp(person).state == "failed"
    for minutes in (0, 1, 5):
        services.send_due(now=_later(minutes))
    sent = [m for m in sms.outbox if m.phone == person.phone]
    assert len(sent) == 1
    assert "Pesanan P-0001 dari Dapur Bu Sari siap diambil" in sent[0].text
    row = Message.objects.get(channel="sms")
    assert row.state == "sent" and sent[0].reference == row.uid
    assert row.template == TEST_KIND.key and row.context == CONTEXT


def test_it_gives_up_after_the_maximum_attempts(fake, person, settings):
    settings.MALPRO_MESSAGE_MAX_ATTEMPTS = 3
    fake.fail_next(10, status=500)
    _send(person)
    for hours in range(1, 6):
        services.send_due(now=_later(60 * hours))
    message = _whatsapp(person)
    assert message.state == "failed" and message.last_error.startswith("gave up")
    assert message.attempts == 3 and message.tries.count() == 3
    assert fake.received == []


# --- a worker killed mid-send ---------------------------------------------------------------------
def test_a_worker_killed_after_the_provider_got_it_does_not_resend(fake, person):
    fake.fail_next(1)
    _send(person)  # first try failed: pending, due in 30 s
    now = _later(1)
    [message] = services.claim(now=now)
    # The worker sends it, then dies before recording anything.
    channels.get("whatsapp").send(services.outgoing(message))
    assert len(fake.received) == 1
    body, signature = fake.callback(fake.statuses_for("sent"))
    response = Client().post(
        WEBHOOK, body, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    )
    assert response.status_code == 200
    lease = dt.timedelta(seconds=django_settings.MALPRO_MESSAGE_LEASE_SECONDS + 1)
    services.send_due(now=now + lease)
    services.send_due(now=now + 2 * lease)
    message.refresh_from_db()
    assert message.state == "sent" and message.provider_id == fake.received[0]["_wamid"]
    assert len(fake.received) == 1


def test_a_worker_killed_before_sending_is_sent_once_after_the_lease(fake, person):
    fake.fail_next(1)
    _send(person)
    now = _later(1)
    [message] = services.claim(now=now)  # claimed, then the worker dies
    assert services.send_due(now=now).sent == 0  # still held by the dead worker's lease
    lease = dt.timedelta(seconds=django_settings.MALPRO_MESSAGE_LEASE_SECONDS + 1)
    assert services.send_due(now=now + lease).sent == 1
    services.send_due(now=now + 2 * lease)
    message.refresh_from_db()
    assert message.state == "sent" and fake.uids() == [message.uid]


# --- quiet hours ----------------------------------------------------------------------------------
def test_a_message_queued_at_night_waits_until_six(fake, person, settings, monkeypatch):
    settings.MALPRO_QUIET_HOURS = "21-6"
    night = dt.datetime(2026, 12, 1, 22, 0, tzinfo=quiet.JAKARTA)
    monkeypatch.setattr(services, "timezone", types.SimpleNamespace(now=lambda: night))
    note = _send(person)
    assert note is not None and Notification.objects.filter(user=person).count() == 1
    message = _whatsapp(person)
    morning = dt.datetime(2026, 12, 2, 6, 0, tzinfo=quiet.JAKARTA)
    assert message.state == "pending" and message.next_attempt_at == morning
    assert services.send_due(now=night + dt.timedelta(hours=3)).sent == 0
    assert fake.received == []
    assert services.send_due(now=morning).sent == 1
    assert fake.uids() == [message.uid]


# --- preferences ----------------------------------------------------------------------------------
def test_whatsapp_turned_off_for_orders_means_in_app_only(fake, person):
    preferences.preferences_set(user=person, choices={"orders": set()})
    note = _send(person)
    assert note.title == "Pesanan P-0001 siap" and note.link == "/pesanan/P-0001/"
    assert not Message.objects.filter(user=person).exists()
    assert fake.received == []


def test_an_unverified_phone_gets_no_whatsapp_or_sms(fake):
    person = make_user("081288800002", "Rini", verified=False)
    preferences.preferences_set(user=person, choices={"orders": {"whatsapp", "sms"}})
    assert _send(person) is not None
    assert Notification.objects.filter(user=person).count() == 1
    assert not Message.objects.filter(user=person).exists()


def test_email_when_chosen_goes_through_django_mail(person, mailoutbox):
    person.email = "sari@example.id"
    person.save(update_fields=["email"])
    preferences.preferences_set(user=person, choices={"orders": {"email"}})
    _send(person)
    assert [m.to for m in mailoutbox] == [["sari@example.id"]]
    assert "Pesanan P-0001 siap" in mailoutbox[0].subject
    assert "/pesanan/P-0001/" in mailoutbox[0].body
    assert mailoutbox[0].extra_headers["X-Malpro-Message"] == Message.objects.get().uid


# --- idempotency ----------------------------------------------------------------------------------
def test_sending_twice_with_one_key_writes_once_and_dispatching_twice_sends_once(fake, person):
    person.email = "sari@example.id"
    person.save(update_fields=["email"])
    preferences.preferences_set(user=person, choices={"orders": {"whatsapp", "sms", "email"}})
    assert _send(person) is not None
    assert _send(person) is None
    assert Notification.objects.filter(user=person).count() == 1
    assert sorted(Message.objects.values_list("channel", flat=True)) == ["email", "sms", "whatsapp"]
    ids = list(Message.objects.values_list("pk", flat=True))
    services.dispatch(ids=ids)
    services.dispatch(ids=ids)
    services.send_due(now=_later(60))
    assert len(fake.received) == 1 and len(sms.outbox) == 1
    assert MessageAttempt.objects.count() == 3
    # Another key is another message.
    _send(person, key="order-2")
    assert Notification.objects.filter(user=person).count() == 2
    assert len(fake.received) == 2


def test_an_answer_lost_after_meta_got_the_message_is_not_resent_once_the_callback_came(
    fake, person, monkeypatch
):
    whatsapp = channels.get("whatsapp")
    real_send = whatsapp.send

    def answer_lost(out):
        real_send(out)
        raise Retry("unreachable: ReadTimeout")

    with monkeypatch.context() as patch:
        patch.setattr(whatsapp, "send", answer_lost)
        _send(person)
    message = _whatsapp(person)
    assert message.state == "pending" and len(fake.received) == 1
    body, signature = fake.callback(fake.statuses_for("sent"))
    Client().post(
        WEBHOOK, body, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    )
    services.send_due(now=_later(10))
    message.refresh_from_db()
    assert message.state == "sent" and message.provider_id == fake.received[0]["_wamid"]
    assert len(fake.received) == 1
