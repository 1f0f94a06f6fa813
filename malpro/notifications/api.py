"""API of messages: the person's notifications and preferences (`router`) and the providers'
status callbacks (`webhook_router`, notifications.webhooks)."""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from malpro.core.exceptions import ApplicationError
from malpro.notifications import access, preferences, selectors, services
from malpro.notifications.kinds import CATEGORIES, OUTSIDE_CHANNELS
from malpro.notifications.schemas import (
    ListQuery,
    NotificationOut,
    NotificationPage,
    PreferencesIn,
    PreferencesOut,
)
from malpro.notifications.webhooks import router as webhook_router

router = Router(tags=["notifications"])

__all__ = ["router", "webhook_router"]


@router.get("/notifications", response=NotificationPage, summary="The caller's notifications")
def notification_list(request: HttpRequest, query: Query[ListQuery]):
    """Newest first; `?unread=1` for the unread ones only. `unread` is the bell's count."""
    rows = selectors.notification_list(user=request.auth, unread_only=query.unread)
    start = (query.page - 1) * query.page_size
    return {
        "total": rows.count(),
        "unread": selectors.unread_count(user=request.auth),
        "page": query.page,
        "page_size": query.page_size,
        "results": list(rows[start : start + query.page_size]),
    }


@router.post(
    "/notifications/{int:notification_id}/read",
    response=NotificationOut,
    summary="Mark one notification read",
)
def notification_read(request: HttpRequest, notification_id: int):
    """404 for a notification that is not the caller's."""
    note = access.notification_get_for_user(user=request.auth, notification_id=notification_id)
    services.mark_read(user=request.auth, notification_ids=[note.pk])
    note.refresh_from_db(fields=["read_at"])
    return note


@router.get(
    "/me/notification-preferences",
    response=PreferencesOut,
    summary="The caller's channels per category, reachable channels and language",
)
def preferences_get(request: HttpRequest):
    return selectors.preferences_of(user=request.auth)


@router.put(
    "/me/notification-preferences",
    response=PreferencesOut,
    summary="Choose channels per category and the language of messages",
)
def preferences_put(request: HttpRequest, payload: PreferencesIn):
    """Channels are among whatsapp, sms, email (in-app is always on); a channel that cannot
    reach the caller yet (no verified phone, no email) is kept and used once it can. 422 names
    the field of an unknown category, channel or language."""
    choices: dict[str, set[str]] = {}
    for i, row in enumerate(payload.categories):
        if row.key not in CATEGORIES:
            raise ApplicationError.for_field(
                f"categories.{i}.key",
                _("Kategori tidak dikenal; yang ada: %(keys)s.") % {"keys": ", ".join(CATEGORIES)},
                status=422,
            )
        if CATEGORIES[row.key].locked:
            raise ApplicationError.for_field(
                f"categories.{i}.key",
                _(
                    "Peringatan keamanan akun selalu dikirim lewat WhatsApp dan SMS; pilihannya "
                    "tidak dapat diubah."
                ),
                status=422,
            )
        for j, channel in enumerate(row.channels):
            if channel not in OUTSIDE_CHANNELS:
                raise ApplicationError.for_field(
                    f"categories.{i}.channels.{j}",
                    _("Saluran tidak dikenal; yang ada: %(keys)s.")
                    % {"keys": ", ".join(OUTSIDE_CHANNELS)},
                    status=422,
                )
        choices[row.key] = set(row.channels)
    languages = dict(settings.LANGUAGES)
    if payload.language is not None and payload.language not in languages:
        raise ApplicationError.for_field(
            "language",
            _("Bahasa tidak dikenal; yang ada: %(keys)s.") % {"keys": ", ".join(languages)},
            status=422,
        )
    with transaction.atomic():
        if choices:
            preferences.preferences_set(user=request.auth, choices=choices)
        if payload.language is not None:
            services.language_set(user=request.auth, language=payload.language)
    return selectors.preferences_of(user=request.auth)
