"""A worker keeps several provider calls in flight (MALPRO_MESSAGE_SENDERS): every message of
a batch is settled once and correctly, whatever order the provider answers in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from malpro.conftest import make_user
from malpro.notifications import preferences, services
from malpro.notifications.models import Message, MessageAttempt
from malpro.notifications.tests.fake_whatsapp import FakeWhatsApp

pytestmark = pytest.mark.django_db


def _queue(people: int, *, quiet_now=True):
    """One WhatsApp message per person, held (quiet hours) so that one batch takes them all."""
    users = [make_user(f"0812777{i:05d}", f"Orang {i}") for i in range(people)]
    for user in users:
        preferences.preferences_set(user=user, choices={"work": ["whatsapp"]})
        services.send(
            user=user,
            kind="work.digest",
            context={"total": "2", "date": "30/11/2026", "summary": "x", "path": "/"},
            key="batch",
        )
    return users


def test_a_batch_sent_by_several_senders_is_settled_once_each(settings):
    with FakeWhatsApp(delay=0.01) as fake:
        fake.use(settings)
        hour = timezone.localtime().hour
        settings.MALPRO_QUIET_HOURS = f"{hour}-{(hour + 2) % 24}"  # queued, not sent yet
        _queue(45)
        assert Message.objects.filter(state="pending").count() == 45
        fake.fail_next(3, status=503)  # three temporary failures somewhere in the batch
        settings.MALPRO_QUIET_HOURS = ""
        done = services.dispatch(limit=100, now=timezone.now() + dt.timedelta(hours=3), senders=6)
        assert (done.sent, done.retrying, done.failed) == (42, 3, 0)
        assert Message.objects.filter(state="sent").count() == 42
        assert Message.objects.filter(state="pending", attempts=1).count() == 3
        sent_ids = set(Message.objects.filter(state="sent").values_list("uid", flat=True))
        assert sorted(fake.uids()) == sorted(sent_ids)  # each sent message reached it once
        assert all(m.provider_id.startswith("wamid.") for m in Message.objects.filter(state="sent"))
        assert MessageAttempt.objects.filter(ok=True).count() == 42
        assert MessageAttempt.objects.filter(ok=False).count() == 3
        # The retries go out later, once each.
        services.send_due(now=timezone.now() + dt.timedelta(hours=4))
        assert Message.objects.filter(state="sent").count() == 45
        assert len(fake.uids()) == len(set(fake.uids())) == 45


class _TakenBack:
    """A channel whose first send is slow enough for the sweep to take the rest of the batch
    back and give it to another worker (simulated by re-marking their claims)."""

    name = "whatsapp"

    def __init__(self):
        self.sent = []

    def address(self, user):
        return user.phone

    def send(self, out):
        if not self.sent:
            Message.objects.exclude(uid=out.uid).update(claimed_by="another-worker")
        self.sent.append(out.uid)
        return ""


def test_a_slow_batch_does_not_send_what_the_sweep_gave_to_another_worker(settings, monkeypatch):
    from malpro.notifications import channels

    settings.MALPRO_MESSAGE_LEASE_SECONDS = 0  # every send checks the claim
    hour = timezone.localtime().hour
    settings.MALPRO_QUIET_HOURS = f"{hour}-{(hour + 2) % 24}"
    _queue(4)
    settings.MALPRO_QUIET_HOURS = ""
    slow = _TakenBack()
    monkeypatch.setitem(channels._CHANNELS, "whatsapp", slow)
    done = services.dispatch(limit=10, now=timezone.now() + dt.timedelta(hours=3), senders=1)
    assert done.sent == 1 and len(slow.sent) == 1
    others = Message.objects.exclude(uid=slow.sent[0])
    assert all(m.claimed_by == "another-worker" and m.state == "sending" for m in others)


def test_quiet_hours_hold_a_message_that_falls_due_at_night(settings):
    """A backlog or a lost hand-over makes a message due after 21:00: the worker does not
    send it at night, it waits for the morning."""
    _queue(1)  # sent at once (no quiet hours in tests)
    message = Message.objects.get()
    Message.objects.filter(pk=message.pk).update(state="pending", attempts=0)
    hour = timezone.localtime().hour
    settings.MALPRO_QUIET_HOURS = f"{hour}-{(hour + 2) % 24}"
    done = services.dispatch(limit=10)
    message.refresh_from_db()
    assert done.sent == 0 and message.state == "pending" and message.attempts == 0
    assert message.next_attempt_at > timezone.now() + dt.timedelta(minutes=59)


def test_the_sms_fallback_keeps_the_deadline(settings, django_capture_on_commit_callbacks):
    with FakeWhatsApp() as fake:
        fake.use(settings)
        user = make_user("081277700999", "Tanpa WA")
        fake.no_whatsapp.add(user.phone.lstrip("+"))
        preferences.preferences_set(user=user, choices={"work": ["whatsapp"]})
        deadline = timezone.now() + dt.timedelta(minutes=30)
        with django_capture_on_commit_callbacks(execute=True):
            services.send(
                user=user,
                kind="work.digest",
                context={"total": "1", "date": "x", "summary": "y", "path": "/"},
                key="deadline",
                expires_at=deadline,
            )
        sms_row = Message.objects.get(channel="sms")
        assert sms_row.expires_at == deadline
