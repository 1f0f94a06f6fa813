"""Reads of a person's messages that the pages and the API share: the bell's count, the list
and the preferences as a person sees them."""

from __future__ import annotations

from django.db.models import QuerySet

from malpro.notifications import access, preferences
from malpro.notifications.kinds import CATEGORIES, OUTSIDE_CHANNELS
from malpro.notifications.models import Notification

PAGE_SIZE = 20


def unread_count(*, user) -> int:
    """One COUNT on the partial index of unread notifications (notification_unread)."""
    return access.notifications_visible(user=user).filter(read_at__isnull=True).count()


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """`user`'s notifications, newest first (unread only when asked)."""
    rows = access.notifications_visible(user=user).order_by("-created_at", "-id")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.only("id", "kind", "title", "body", "link", "created_at", "read_at")


def preferences_of(*, user) -> dict:
    """What the preferences page and API show: per category its label, help and the outside
    channels chosen; the channels that can reach the person at all; their language."""
    chosen = preferences.chosen(user)
    return {
        "language": user.language or "id",
        "reachable": [ch for ch in OUTSIDE_CHANNELS if ch in preferences.reachable(user)],
        "categories": [
            {
                "key": key,
                "label": str(category.label),
                "help": str(category.help),
                "channels": [ch for ch in OUTSIDE_CHANNELS if ch in chosen[key]],
            }
            for key, category in CATEGORIES.items()
            if key in preferences.categories_for(user)
        ],
    }
