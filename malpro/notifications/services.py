"""Every message to a person goes through notify(), whatever the channel will be."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from malpro.notifications.models import Notification


def notify(
    *, user, kind: str, title: str, body: str = "", link: str = "", dedupe_key: str | None = None
) -> Notification | None:
    """Queues a message for `user`; with a dedupe_key, sending the same one twice is a no-op
    (returns None)."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                user=user,
                kind=kind,
                title=title[:150],
                body=body[:2000],
                link=link[:300],
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None


def mark_read(*, user, notification_ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
