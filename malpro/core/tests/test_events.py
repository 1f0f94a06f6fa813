"""Events after commit: a consumer runs once per event after the change commits, a failing
one never touches the change, is retried with back-off, shows on the stuck page, and a
replay counts nothing twice."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from malpro.core import events
from malpro.core.models import Event, EventDelivery


@pytest.fixture
def seen():
    """A consumer of 'test.*' that writes what it saw (in its own transaction) and can be told
    to fail."""
    state = {"fail": False, "calls": []}

    def handle(event):
        state["calls"].append(event.pk)
        if state["fail"]:
            raise RuntimeError("consumer down for NIK 3573011234560001")

    events.subscribe("test.seen", ["test.*"], handle, label="Uji: mencatat yang terlihat")
    yield state
    events._CONSUMERS.pop("test.seen", None)


def _change(subject, kind="test.happened"):
    with transaction.atomic(durable=True):
        return events.record(kind=kind, subject=subject, payload={"n": 1})


@pytest.mark.django_db
def test_a_consumer_runs_after_the_commit_once(seen, buyer):
    event = _change(buyer)
    assert seen["calls"] == [event.pk]
    delivery = EventDelivery.objects.get(event=event, consumer="test.seen")
    assert delivery.state == EventDelivery.State.DONE and delivery.attempts == 1
    assert events.deliver_event(event.pk) == 0  # nothing pending: nothing runs again
    assert seen["calls"] == [event.pk]


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_event_and_runs_nothing(seen, buyer):
    with pytest.raises(ValueError), transaction.atomic(durable=True):
        events.record(kind="test.happened", subject=buyer)
        raise ValueError("the change failed")
    assert not Event.objects.exists() and seen["calls"] == []


@pytest.mark.django_db
def test_a_failing_consumer_keeps_the_change_and_retries_with_backoff(seen, buyer):
    seen["fail"] = True
    event = _change(buyer)  # no exception reaches the producer
    assert Event.objects.filter(pk=event.pk).exists()
    delivery = EventDelivery.objects.get(event=event)
    assert delivery.state == EventDelivery.State.PENDING and delivery.attempts == 1
    assert "3573011234560001" not in delivery.last_error
    assert delivery.next_attempt_at - timezone.now() > dt.timedelta(seconds=20)
    assert events.deliver_due() == (0, 0)  # not due yet
    later = delivery.next_attempt_at + dt.timedelta(seconds=1)
    assert events.deliver_due(now=later) == (0, 1)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at > later + dt.timedelta(seconds=50)
    seen["fail"] = False
    assert events.deliver_due(now=delivery.next_attempt_at) == (1, 0)
    delivery.refresh_from_db()
    assert delivery.state == EventDelivery.State.DONE and delivery.last_error == ""


@pytest.mark.django_db
def test_after_the_last_attempt_a_delivery_waits_for_a_person(seen, buyer):
    seen["fail"] = True
    event = _change(buyer)
    delivery = EventDelivery.objects.get(event=event)
    EventDelivery.objects.filter(pk=delivery.pk).update(attempts=events.MAX_ATTEMPTS - 1)
    events.deliver_due(now=timezone.now() + dt.timedelta(days=1))
    delivery.refresh_from_db()
    assert delivery.state == EventDelivery.State.FAILED
    assert events.deliver_due(now=timezone.now() + dt.timedelta(days=30)) == (0, 0)
    seen["fail"] = False
    assert events.retry([delivery.pk]) == (1, 0)


@pytest.mark.django_db
def test_stuck_page_lists_and_retries_for_city_admins_only(seen, buyer, city_admin, auditor, web):
    seen["fail"] = True
    event = _change(buyer)
    delivery = EventDelivery.objects.get(event=event)
    assert web().get("/kota/peristiwa/").status_code == 302
    assert web(buyer).get("/kota/peristiwa/").status_code == 403
    page = web(auditor).get("/kota/peristiwa/")
    assert page.status_code == 200 and "test.happened" in page.content.decode()
    assert "Uji: mencatat yang terlihat" in page.content.decode()  # what the consumer does
    assert f"pengguna #{buyer.pk}" in page.content.decode()  # the subject in words
    assert "Coba ulang" not in page.content.decode()
    assert web(auditor).post("/kota/peristiwa/", {"all": "1"}).status_code == 403
    seen["fail"] = False
    admin = web(city_admin)
    assert "test.seen" in admin.get("/kota/peristiwa/").content.decode()
    response = admin.post("/kota/peristiwa/", {"delivery_id": delivery.pk}, follow=True)
    assert "1 berhasil dikirim ulang." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == EventDelivery.State.DONE
    assert "Tidak ada pengiriman yang macet." in admin.get("/kota/peristiwa/").content.decode()


@pytest.mark.django_db
def test_replay_creates_missing_deliveries_and_skips_finished_ones(seen, buyer):
    done = _change(buyer)
    events._CONSUMERS.pop("test.seen")
    missed = _change(buyer)  # recorded while the consumer was not registered
    events.subscribe("test.seen", ["test.*"], lambda e: seen["calls"].append(e.pk))
    out = io.StringIO()
    since = (timezone.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    call_command("replay_events", consumer="test.seen", since=since, stdout=out)
    assert seen["calls"] == [done.pk, missed.pk]
    assert "2 events, 1 deliveries created, 1 delivered, 1 already done" in out.getvalue()
    call_command("replay_events", consumer="test.seen", since=since, stdout=io.StringIO())
    assert seen["calls"] == [done.pk, missed.pk]


@pytest.mark.django_db
def test_replay_refuses_an_unknown_consumer_or_date(seen):
    with pytest.raises(CommandError, match="unknown consumer"):
        call_command("replay_events", consumer="nope", since="2026-01-01")
    with pytest.raises(CommandError, match="not a date"):
        call_command("replay_events", consumer="test.seen", since="kemarin")


@pytest.mark.django_db
def test_events_are_append_only(buyer):
    with transaction.atomic():
        event = events.record(kind="test.happened", subject=buyer)
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
