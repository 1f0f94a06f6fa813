"""Domain events: what happened, recorded with the change; reactions after the commit.

A service that changes a stateful object calls `record()` inside its transaction (the state
machine in core.workflow does it for every move). The event row and one delivery row per
interested consumer are written with the change, so they exist exactly when it does.

Two kinds of listener, both registered here (the registry, like the menu, lives in core so
that no lower app imports a higher one):

- `subscribe(name, kinds, handle)`: a consumer (ASN standings, messages, books, dashboard
  aggregates, the catalog's sales counters). It runs after the commit, in a Celery worker
  (eagerly in the embedded default and the tests), at least once, each delivery in its own
  transaction that also marks the delivery done: a delivery that dies half way leaves
  nothing behind and is tried again; one that finished is never run twice. A failing
  consumer is retried with back-off and never touches the change that produced the event.
- `within_transaction(name, kinds, handle)`: only for money. Ledger postings run inside the
  producing transaction so money moves atomically with state; anything they raise rolls
  the change back, which is the point.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from malpro.core.logging import redact
from malpro.core.models import Event, EventDelivery

log = logging.getLogger(__name__)

# Back-off between attempts: 30 s, 1 min, 2 min, ... capped at 6 h; after MAX_ATTEMPTS the
# delivery is FAILED and waits for a city admin (the stuck deliveries page) or a replay.
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 6 * 60 * 60
MAX_ATTEMPTS = 10
# A delivery whose hand-over to the worker was lost (a crash right after the commit, a broker
# outage) is picked up by the periodic sweep once this much time has passed.
HANDOVER_GRACE = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Listener:
    name: str
    kinds: tuple[str, ...]  # exact kinds ("order.completed") or a machine's prefix ("order.*")
    handle: Callable[[Event], None]
    label: object = ""  # what it does, for people (the stuck deliveries page)

    def wants(self, kind: str) -> bool:
        return any(
            kind == pattern or (pattern.endswith(".*") and kind.startswith(pattern[:-1]))
            for pattern in self.kinds
        )


_CONSUMERS: dict[str, Listener] = {}
_INLINE: dict[str, Listener] = {}


def subscribe(
    name: str, kinds: Iterable[str], handle: Callable[[Event], None], *, label: object = ""
) -> None:
    """Registers an after-commit consumer (call it from the consumer app's AppConfig.ready()).
    `name` is stable: deliveries are stored under it. Registering again replaces."""
    _CONSUMERS[name] = Listener(name, tuple(kinds), handle, label)


def within_transaction(name: str, kinds: Iterable[str], handle: Callable[[Event], None]) -> None:
    """Registers a handler that runs inside the producing transaction. Money only."""
    _INLINE[name] = Listener(name, tuple(kinds), handle)


def consumers() -> dict[str, Listener]:
    return dict(_CONSUMERS)


def consumer(name: str) -> Listener:
    try:
        return _CONSUMERS[name]
    except KeyError:
        raise LookupError(f"no consumer named {name!r}") from None


# --- producing -----------------------------------------------------------------------------------
def record(*, kind: str, subject: models.Model, actor=None, payload: dict | None = None) -> Event:
    """Writes the event with the caller's change (call it inside the service's transaction),
    runs the money handlers, and hands the consumers' deliveries to the worker after the
    commit. `payload` is small and holds no personal numbers."""
    return record_many([dict(kind=kind, subject=subject, actor=actor, payload=payload)])[0]


def record_many(entries: list[dict]) -> list[Event]:
    """`record` for several events of one change (a checkout's orders): one INSERT for the
    events and one for their deliveries. Each entry holds record()'s keyword arguments."""
    events = [
        Event(
            kind=e["kind"],
            subject_type=e["subject"]._meta.label_lower,
            subject_id=str(e["subject"].pk),
            actor=e.get("actor") if getattr(e.get("actor"), "pk", None) else None,
            payload=e.get("payload") or {},
        )
        for e in entries
    ]
    if len(events) == 1:
        events[0].save()
    else:
        Event.objects.bulk_create(events)
    deliveries = []
    for event in events:
        for listener in _INLINE.values():
            if listener.wants(event.kind):
                listener.handle(event)
        later = event.occurred_at + HANDOVER_GRACE
        deliveries += [
            EventDelivery(event=event, consumer=c.name, next_attempt_at=later)
            for c in _CONSUMERS.values()
            if c.wants(event.kind)
        ]
    if deliveries:
        EventDelivery.objects.bulk_create(deliveries)
        event_ids = sorted({d.event.pk for d in deliveries})
        transaction.on_commit(lambda: _hand_over(event_ids), robust=True)
    return events


def _hand_over(event_ids: list[int]) -> None:
    from malpro.core import tasks  # the task module imports this one

    for event_id in event_ids:
        try:
            tasks.deliver_event.delay(event_id)
        except Exception:  # broker down: the periodic sweep delivers it later
            log.warning("event %s: hand-over to the worker failed; the sweep delivers it", event_id)


# --- consuming -----------------------------------------------------------------------------------
def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


def deliver(delivery_id: int, *, now: dt.datetime | None = None) -> bool:
    """Runs one delivery unless it is done. Returns True when it is done afterwards. Never
    raises for the consumer's own errors: they are recorded on the delivery."""
    try:
        with transaction.atomic():
            # The row lock makes a second worker on the same delivery wait and then find it
            # done; the consumer's writes and "done" commit together or not at all.
            delivery = (
                # of=self: deliveries of one event to different consumers do not queue on
                # the event's row.
                EventDelivery.objects.select_for_update(of=("self",))
                .select_related("event")
                .filter(pk=delivery_id)
                .exclude(state=EventDelivery.State.DONE)
                .first()
            )
            if delivery is None:
                return True
            listener = consumer(delivery.consumer)
            listener.handle(delivery.event)
            delivery.state = EventDelivery.State.DONE
            delivery.attempts += 1
            delivery.done_at = timezone.now()
            delivery.last_error = ""
            delivery.save(update_fields=["state", "attempts", "done_at", "last_error"])
        return True
    except Exception as exc:
        _record_failure(delivery_id, exc, now=now)
        return False


def _record_failure(delivery_id: int, exc: Exception, *, now=None) -> None:
    now = now or timezone.now()
    message = redact(f"{type(exc).__name__}: {exc}")[:1000]
    try:
        with transaction.atomic():
            delivery = EventDelivery.objects.select_for_update().filter(pk=delivery_id).first()
            if delivery is None or delivery.state == EventDelivery.State.DONE:
                return
            delivery.attempts += 1
            delivery.last_error = message
            delivery.next_attempt_at = now + backoff(delivery.attempts)
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = EventDelivery.State.FAILED
            delivery.save(update_fields=["attempts", "last_error", "next_attempt_at", "state"])
            consumer_name, attempts = delivery.consumer, delivery.attempts
    except DatabaseError:  # the database itself is gone: the sweep will find the row pending
        log.exception("delivery %s: could not record a failure", delivery_id)
        return
    log.warning(
        "event consumer %s failed (delivery %s, attempt %s): %s",
        consumer_name,
        delivery_id,
        attempts,
        message,
    )


def deliver_event(event_id: int) -> int:
    """Delivers every pending delivery of one event; returns how many are done."""
    ids = EventDelivery.objects.filter(
        event_id=event_id, state=EventDelivery.State.PENDING
    ).values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(ids))


def deliver_due(*, now: dt.datetime | None = None, limit: int = 500) -> tuple[int, int]:
    """The periodic sweep: pending deliveries whose next attempt is due (retries after
    back-off, and hand-overs that were lost). Returns (done, still failing)."""
    now = now or timezone.now()
    ids = list(
        EventDelivery.objects.filter(state=EventDelivery.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    done = sum(deliver(pk, now=now) for pk in ids)
    return done, len(ids) - done


def retry(delivery_ids: Iterable[int]) -> tuple[int, int]:
    """A city admin's retry (or a replay): failed or waiting deliveries run now, with a fresh
    count of attempts. Returns (done, still failing)."""
    ids = list(
        EventDelivery.objects.filter(pk__in=list(delivery_ids))
        .exclude(state=EventDelivery.State.DONE)
        .values_list("pk", flat=True)
    )
    # The state condition is in the UPDATE itself: a worker that finished one of them since
    # the read (PostgreSQL re-checks the condition after waiting for its row lock) keeps its
    # DONE, and deliver() below then skips it instead of running the consumer again.
    EventDelivery.objects.filter(pk__in=ids).exclude(state=EventDelivery.State.DONE).update(
        state=EventDelivery.State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    done = sum(deliver(pk) for pk in ids)
    return done, len(ids) - done


@dataclass
class ReplaySummary:
    events: int = 0
    created: int = 0
    already_done: int = 0
    delivered: int = 0
    failing: int = 0


def replay(
    *, consumer_name: str, since: dt.datetime, until: dt.datetime | None = None
) -> ReplaySummary:
    """Re-delivers to one consumer every event of its kinds since `since`: missing deliveries
    are created (a consumer added later catches up), unfinished ones run now, finished ones
    are left alone (the consumer is idempotent by event id, so a replay counts nothing twice)."""
    listener = consumer(consumer_name)
    summary = ReplaySummary()
    events = Event.objects.filter(occurred_at__gte=since).order_by("occurred_at", "pk")
    if until is not None:
        events = events.filter(occurred_at__lt=until)
    for event_id, kind in events.values_list("pk", "kind").iterator(chunk_size=2000):
        if not listener.wants(kind):
            continue
        summary.events += 1
        delivery, created = EventDelivery.objects.get_or_create(
            event_id=event_id, consumer=consumer_name
        )
        summary.created += created
        if delivery.state == EventDelivery.State.DONE:
            summary.already_done += 1
            continue
        done, failing = retry([delivery.pk])
        summary.delivered += done
        summary.failing += failing
    return summary


def describe(delivery: EventDelivery) -> dict:
    """A delivery as a city admin reads it: what happened to which object, and which reaction
    is stuck (the codes stay beside the words for whoever debugs it)."""
    event = delivery.event
    try:
        subject = str(apps.get_model(event.subject_type)._meta.verbose_name)
    except (LookupError, ValueError):
        subject = event.subject_type
    listener = _CONSUMERS.get(delivery.consumer)
    return {
        "delivery": delivery,
        "subject": f"{subject} #{event.subject_id}",
        "consumer": str(listener.label) if listener and listener.label else delivery.consumer,
    }


def stuck(*, now: dt.datetime | None = None):
    """Deliveries a city admin should look at: given up on, failed at least once, or waiting
    past the hand-over grace."""
    now = now or timezone.now()
    return (
        EventDelivery.objects.exclude(state=EventDelivery.State.DONE)
        .filter(
            models.Q(state=EventDelivery.State.FAILED)
            | models.Q(attempts__gt=0)
            | models.Q(created_at__lte=now - HANDOVER_GRACE)
        )
        .select_related("event")
        .order_by("state", "created_at", "pk")  # failed before pending
    )
