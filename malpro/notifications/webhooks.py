"""Providers' status callbacks, under /api/v1/notifications/webhooks/:

- `GET  /whatsapp`: Meta's subscription check (hub.mode=subscribe and hub.verify_token equal
  to MALPRO_WHATSAPP_VERIFY_TOKEN → hub.challenge as text/plain, else 403).
- `POST /whatsapp`: Meta's webhook. Signed with the app secret (X-Hub-Signature-256: sha256=
  HMAC-SHA256 of the raw body with MALPRO_WHATSAPP_APP_SECRET) → 401 when the signature is
  missing or wrong. Each entry[].changes[].value.statuses[] moves its message on
  (services.status_update, found by our id in biz_opaque_callback_data, else by the wamid).
  Inbound `messages` (people writing to the number) are not handled: counted in the log
  only. A verified body is always answered 200 (Meta retries anything else for days).
- `POST /sms`: a delivery report of the generic SMS gateway, JSON {"uid": our reference, or
  "id": the gateway's id, "status": "delivered" | "failed", "error": optional}, with
  `Authorization: Bearer MALPRO_SMS_HTTP_TOKEN`.

Posts that cannot be verified change nothing, are counted per provider (for operators:
`rejected_callbacks`) and per address, and an address past REJECTED_PER_IP of them in an
hour is answered 429 before its body is read. No number or text goes into the log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from malpro.core import netaddr, throttle
from malpro.notifications import kinds, services
from malpro.notifications.channels.whatsapp import NO_WHATSAPP_CODES

log = logging.getLogger(__name__)

router = Router(tags=["notifications"])

PROVIDERS = (kinds.WHATSAPP, kinds.SMS)
REJECTED_PER_IP = 60  # an hour; a provider's own mistakes stay far below
STATUSES = {"sent", "delivered", "read", "failed"}


# --- unverifiable posts --------------------------------------------------------------------------
def _count_rejected(provider: str, ip: str) -> None:
    throttle.hit("message-webhook-rejected", provider, limit=0, window=3600)
    throttle.hit("message-webhook-rejected-ip", ip, limit=REJECTED_PER_IP, window=3600)


def rejected_callbacks(provider: str) -> int:
    """Unverifiable posts to `provider`'s callback in the current hour (for operators)."""
    return throttle.hit(
        "message-webhook-rejected", provider, limit=0, window=3600, count=False
    ).count


def _turned_away(ip: str) -> bool:
    return throttle.hit(
        "message-webhook-rejected-ip", ip, limit=REJECTED_PER_IP, window=3600, count=False
    ).exceeded


def _answer(status: int, message: str = "", **extra) -> JsonResponse:
    if status >= 400:
        return JsonResponse({"message": message, "extra": extra}, status=status)
    return JsonResponse({"ok": True, **extra}, status=status)


def _too_many() -> JsonResponse:
    return _answer(429, _("Terlalu banyak notifikasi yang ditolak dari alamat ini."))


def _ip(request) -> str:
    # As every rate limit counts: an IPv6 client by its /64, so rotating addresses gains nothing.
    return netaddr.rate_key(request) or "-"


# --- WhatsApp ------------------------------------------------------------------------------------
def _whatsapp_verify(request) -> HttpResponse:
    ip = _ip(request)
    if _turned_away(ip):
        return _too_many()
    expected = settings.MALPRO_WHATSAPP_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if (
        request.GET.get("hub.mode") == "subscribe"
        and expected
        and hmac.compare_digest(given.encode(), expected.encode())
    ):
        challenge = request.GET.get("hub.challenge", "")[:200]
        return HttpResponse(challenge, content_type="text/plain; charset=utf-8")
    _count_rejected(kinds.WHATSAPP, ip)
    return _answer(403, _("Token verifikasi salah."))


def _signed(raw: bytes, header: str) -> bool:
    secret = settings.MALPRO_WHATSAPP_APP_SECRET
    if not secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header[len("sha256=") :].strip().lower().encode(), expected.encode())


def _when(value) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _error_of(status: dict) -> tuple[str, int]:
    errors = status.get("errors")
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return "", 0
    try:
        code = int(errors[0].get("code") or 0)
    except (TypeError, ValueError):
        code = 0
    title = str(errors[0].get("title") or "")[:120]
    return f"{code} {title}".strip(), code


def _whatsapp_statuses(body) -> tuple[int, int, int]:
    """Applies the statuses of a verified body; returns (statuses, found, inbound messages)."""
    seen = found = inbound = 0
    entries = body.get("entry") if isinstance(body, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict):
                continue
            messages = value.get("messages")
            inbound += len(messages) if isinstance(messages, list) else 0
            statuses = value.get("statuses")
            for status in statuses if isinstance(statuses, list) else []:
                if not isinstance(status, dict) or status.get("status") not in STATUSES:
                    continue
                seen += 1
                error, code = _error_of(status)
                found += services.status_update(
                    channel=kinds.WHATSAPP,
                    status=status["status"],
                    provider_id=str(status.get("id") or "")[:128],
                    uid=str(status.get("biz_opaque_callback_data") or "")[:32],
                    at=_when(status.get("timestamp")),
                    error=error,
                    fallback=code in NO_WHATSAPP_CODES,
                )
    return seen, found, inbound


def _whatsapp_callback(request) -> JsonResponse:
    ip = _ip(request)
    raw = request.body
    if not _signed(raw, request.headers.get("X-Hub-Signature-256", "")):
        log.warning("whatsapp callback with a missing or wrong signature refused")
        _count_rejected(kinds.WHATSAPP, ip)
        return _answer(401, _("Tanda tangan tidak sah."))
    try:
        body = json.loads(raw)
    except ValueError:
        log.warning("whatsapp callback: a signed body that is not JSON, ignored")
        return _answer(200)
    seen, found, inbound = _whatsapp_statuses(body)
    if inbound:
        log.info("whatsapp callback: %d inbound message(s) ignored", inbound)
    if seen != found:
        log.info(
            "whatsapp callback: %d of %d status(es) for no message of ours", seen - found, seen
        )
    return _answer(200, statuses=seen, found=found)


# --- SMS gateway ---------------------------------------------------------------------------------
def _sms_report(request) -> JsonResponse:
    ip = _ip(request)
    token = settings.MALPRO_SMS_HTTP_TOKEN
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        log.warning("sms delivery report without the gateway's token refused")
        _count_rejected(kinds.SMS, ip)
        return _answer(401, _("Token tidak sah."))
    try:
        body = json.loads(request.body)
    except ValueError:
        body = None
    status = body.get("status") if isinstance(body, dict) else None
    uid = str(body.get("uid") or "")[:32] if isinstance(body, dict) else ""
    provider_id = str(body.get("id") or "")[:128] if isinstance(body, dict) else ""
    if status not in STATUSES or not (uid or provider_id):
        return _answer(400, _("Laporan pengiriman tidak dapat dibaca."))
    found = services.status_update(
        channel=kinds.SMS,
        status=status,
        uid=uid,
        provider_id=provider_id,
        at=_when(body.get("timestamp")),
        error=str(body.get("error") or "")[:120],
    )
    return _answer(200, found=int(found))


# --- routes --------------------------------------------------------------------------------------
@router.get("/{provider}", auth=None, url_name="message_webhook_verify", include_in_schema=False)
def verify(request: HttpRequest, provider: str):
    if provider != kinds.WHATSAPP:
        return _answer(404, _("Penyedia tidak dikenal."))
    return _whatsapp_verify(request)


@router.post(
    "/{provider}",
    auth=None,
    url_name="message_webhook",
    summary="Providers' delivery reports (signed)",
)
def callback(request: HttpRequest, provider: str):
    ip = _ip(request)
    if _turned_away(ip):
        return _too_many()
    if provider not in PROVIDERS:
        _count_rejected("unknown", ip)
        return _answer(404, _("Penyedia tidak dikenal."))
    if provider == kinds.WHATSAPP:
        return _whatsapp_callback(request)
    return _sms_report(request)
