"""Short text messages to a phone: the channel one-time codes go through.

One function, `send_text(phone, text, reference="")`, behind a backend chosen by MALPRO_SMS_BACKEND:

- "console" (the embedded default): the message is printed on the server's console with the
  number masked, so `make run` shows the code without any account;
- "memory": kept in `outbox` (tests read codes from it);
- "http": a generic SMS gateway. POST {"to", "text", "sender", "reference"} as JSON to
  MALPRO_SMS_HTTP_URL with `Authorization: Bearer MALPRO_SMS_HTTP_TOKEN`; any 2xx answer is
  accepted, and an "id" in its JSON answer is kept as the provider's id. `reference` is our
  message id: the gateway's delivery reports (POST /api/v1/notifications/webhooks/sms, the
  same bearer token) name it as "uid", or the gateway's own id as "id".

Numbers and texts never go into logs (a text may hold a code).
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

import requests
from django.conf import settings

from malpro.core import validators

logger = logging.getLogger(__name__)


class SendFailed(Exception):
    """The channel did not accept the message (the caller decides what to tell the person)."""


@dataclass(frozen=True)
class Sent:
    phone: str
    text: str
    reference: str = ""


outbox: list[Sent] = []


def _console(phone: str, text: str, reference: str) -> str:
    sys.stdout.write(f"[SMS to {validators.mask_phone(phone)}] {text}\n")
    sys.stdout.flush()
    return ""


def _memory(phone: str, text: str, reference: str) -> str:
    outbox.append(Sent(phone=phone, text=text, reference=reference))
    return ""


def _http(phone: str, text: str, reference: str) -> str:
    url = settings.MALPRO_SMS_HTTP_URL
    if not url.startswith(("https://", "http://")):
        raise SendFailed("MALPRO_SMS_HTTP_URL is not an http(s) URL")
    headers = {}
    if settings.MALPRO_SMS_HTTP_TOKEN:
        headers["Authorization"] = f"Bearer {settings.MALPRO_SMS_HTTP_TOKEN}"
    payload = {"to": phone, "text": text, "sender": settings.MALPRO_SMS_SENDER}
    if reference:
        payload["reference"] = reference
    try:
        response = requests.post(url, json=payload, headers=headers, timeout=10)
    except requests.RequestException as exc:
        logger.warning("SMS gateway unreachable: %s", type(exc).__name__)
        raise SendFailed("gateway unreachable") from None
    if not 200 <= response.status_code < 300:
        logger.warning("SMS gateway refused a message: HTTP %s", response.status_code)
        raise SendFailed(f"gateway answered {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        return ""
    return str(answer.get("id") or "")[:128] if isinstance(answer, dict) else ""


_BACKENDS = {"console": _console, "memory": _memory, "http": _http}


def send_text(*, phone: str, text: str, reference: str = "") -> str:
    """Sends `text` to `phone` (E.164) now; returns the gateway's id for it ("" when it gives
    none). Raises SendFailed when the channel refuses."""
    return _BACKENDS[settings.MALPRO_SMS_BACKEND](phone, text, reference)
