from celery import shared_task

from malpro.notifications import digest, services


@shared_task(name="notifications.send", acks_late=True)
def send_messages(ids: list[int]) -> list[int]:
    """Sends the messages queued by one commit (those still due; a repeat sends nothing)."""
    done = services.dispatch(ids=ids, limit=len(ids))
    return [done.sent, done.retrying, done.failed]


@shared_task(name="notifications.send_due")
def send_due() -> list[int]:
    """Every 30 s: retries whose back-off has passed, messages held over quiet hours, lost
    hand-overs and claims of workers that stopped."""
    done = services.send_due()
    return [done.sent, done.retrying, done.failed]


@shared_task(name="notifications.daily_digest")
def daily_digest() -> int:
    return digest.send_digests()
