"""Who may read which messages: a person's notifications are theirs alone (the list, the
unread count and marking them read), whatever their role; nobody reads another's."""

from __future__ import annotations

from django.utils.translation import gettext as _

from malpro.core.access import signed_in
from malpro.core.exceptions import NotFound
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


def notification_get_for_user(*, user, notification_id: int) -> Notification:
    """`user`'s own notification; 404 for anyone else's (its existence is not told)."""
    note = notifications_visible(user=user).filter(pk=notification_id).first()
    if note is None:
        raise NotFound(_("Notifikasi tidak ditemukan."))
    return note


def can_edit_preferences(*, user) -> bool:
    """Everyone who logged in chooses their own channels and language (nobody else's)."""
    return signed_in(user)


# Rows of docs/permissions.md: (role, action, scope).
_ROLES = ("buyer", "asn", "seller", "agency_officer", "area_operator", "city_admin", "auditor")
PERMISSIONS = [
    ("anonymous", "notifications: none (pages send to log in, API 401, bell fragment 204)", "-"),
    *(
        (
            role,
            "notifications: bell, list, open, mark read; preferences and language (pages, API)",
            "own messages and preferences only (another's: 404)",
        )
        for role in _ROLES
    ),
]


def _make(objects) -> dict:
    from malpro.notifications.services import send

    note = send(user=objects["buyer"], kind="work.digest", context={}, key="access-case")
    return {"notification": note}


def _note(path: str):
    def url(objects):
        return path.format(id=objects["notification"].pk)

    url.__name__ = path  # the case's id in the test report
    return url


def _cases() -> list[dict]:
    cases = [
        {"role": None, "method": "get", "url": "/notifikasi/", "expect": 302},
        {"role": None, "method": "get", "url": "/notifikasi/jumlah/", "expect": 204},
        {"role": None, "method": "post", "url": "/notifikasi/dibaca/", "expect": 302},
        {"role": None, "method": "get", "url": "/akun/notifikasi/", "expect": 302},
        {"role": None, "method": "get", "url": "/api/v1/notifications", "expect": 401},
        {
            "role": None,
            "method": "get",
            "url": "/api/v1/me/notification-preferences",
            "expect": 401,
        },
        {"role": "buyer", "method": "get", "url": "/notifikasi/", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/notifikasi/jumlah/", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/notifikasi/dibaca/", "expect": 405},
        {"role": "buyer", "method": "post", "url": "/notifikasi/dibaca/", "expect": 302},
        {"role": "buyer", "method": "get", "url": "/akun/notifikasi/", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/api/v1/notifications", "expect": 200},
        {
            "role": "buyer",
            "method": "get",
            "url": "/api/v1/me/notification-preferences",
            "expect": 200,
        },
        # The owner opens and marks their own; anyone else is told it does not exist.
        {
            "role": "buyer",
            "method": "get",
            "url": _note("/notifikasi/{id}/"),
            "expect": 302,
            "make": _make,
        },
        {
            "role": "buyer",
            "method": "post",
            "url": _note("/notifikasi/{id}/dibaca/"),
            "expect": 302,
            "make": _make,
        },
        {
            "role": "buyer",
            "method": "post",
            "url": _note("/api/v1/notifications/{id}/read"),
            "expect": 200,
            "make": _make,
        },
    ]
    for role in ("other_buyer", "seller", "officer", "operator", "city_admin", "auditor"):
        # Everyone has a list, and it holds only their own messages (see the tests).
        cases += [
            {"role": role, "method": "get", "url": "/notifikasi/", "expect": 200, "make": _make},
            {"role": role, "method": "get", "url": "/akun/notifikasi/", "expect": 200},
            {
                "role": role,
                "method": "get",
                "url": _note("/notifikasi/{id}/"),
                "expect": 404,
                "make": _make,
            },
            {
                "role": role,
                "method": "post",
                "url": _note("/notifikasi/{id}/dibaca/"),
                "expect": 404,
                "make": _make,
            },
            {
                "role": role,
                "method": "post",
                "url": _note("/api/v1/notifications/{id}/read"),
                "expect": 404,
                "make": _make,
            },
        ]
    return cases


ACCESS_CASES = _cases()
"""Checkable cases for the permissions test; the shape is described under
malpro.accounts.access.ACCESS_CASES ("role", "method", "url" path or callable(objects),
"expect", optional "make": callable(objects) -> dict of created objects, optional "data")."""
