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
        for name, value in fake.settings().items():
            setattr(settings, name, value)
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
