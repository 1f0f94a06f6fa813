from celery import shared_task

from malpro.core import events


@shared_task(name="events.deliver", acks_late=True)
def deliver_event(event_id: int) -> int:
    """Delivers one event to its consumers after the commit that recorded it."""
    return events.deliver_event(event_id)


@shared_task(name="events.deliver_due")
def deliver_due() -> list[int]:
    """Every minute: retries whose back-off has passed and hand-overs that were lost."""
    return list(events.deliver_due())
