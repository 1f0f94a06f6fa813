"""Who may read which messages: a person's notifications are theirs alone (the list, the
unread count and marking them read), whatever their role; nobody reads another's."""

from __future__ import annotations

from malpro.core.access import signed_in
from malpro.notifications.models import Notification


def can_view_notifications(*, user) -> bool:
    return signed_in(user)


def notifications_visible(*, user):
    """The messages `user` may read: their own, newest first."""
    if not signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def can_mark_read(*, user, notification: Notification) -> bool:
    return signed_in(user) and notification.user_id == user.pk


# Rows of docs/permissions.md: (role, action, scope).
PERMISSIONS = [
    ("anonymous", "notifications: none (sent to log in)", "-"),
    ("buyer", "notifications: list, mark read", "own messages only"),
    ("asn", "notifications: list, mark read", "own messages only"),
    ("seller", "notifications: list, mark read", "own messages only"),
    ("agency_officer", "notifications: list, mark read", "own messages only"),
    ("area_operator", "notifications: list, mark read", "own messages only"),
    ("city_admin", "notifications: list, mark read", "own messages only"),
    ("auditor", "notifications: list, mark read", "own messages only"),
]


def _make(objects) -> dict:
    from malpro.notifications.services import send

    note = send(user=objects["buyer"], kind="work.digest", context={}, key="access-case")
    return {"notification": note}


def _cases() -> list[dict]:
    cases = [
        {"role": None, "method": "get", "url": "/notifikasi/", "expect": 302},
        {"role": None, "method": "post", "url": "/notifikasi/dibaca/", "expect": 302},
        {"role": "buyer", "method": "get", "url": "/notifikasi/", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/notifikasi/dibaca/", "expect": 405},
        {"role": "buyer", "method": "post", "url": "/notifikasi/dibaca/", "expect": 302},
    ]
    for role in ("other_buyer", "seller", "officer", "operator", "city_admin", "auditor"):
        # Everyone has a list, and it holds only their own messages (see the tests).
        cases.append(
            {"role": role, "method": "get", "url": "/notifikasi/", "expect": 200, "make": _make}
        )
    return cases


ACCESS_CASES = _cases()
"""Checkable cases for the permissions test; the shape is described under
malpro.accounts.access.ACCESS_CASES ("role", "method", "url" path or callable(objects),
"expect", optional "make": callable(objects) -> dict of created objects, optional "data")."""
