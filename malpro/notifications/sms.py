"""Short text messages to a phone: the channel one-time codes go through.

One function, `send_text(phone, text)`, behind a backend chosen by MALPRO_SMS_BACKEND:

- "console" (the embedded default): the message is printed on the server's console with the
  number masked, so `make run` shows the code without any account;
- "memory": kept in `outbox` (tests read codes from it);
- "http": a generic SMS gateway. POST {"to", "text", "sender"} as JSON to MALPRO_SMS_HTTP_URL
  with `Authorization: Bearer MALPRO_SMS_HTTP_TOKEN`; any 2xx answer is accepted.

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


outbox: list[Sent] = []


def _console(phone: str, text: str) -> None:
    sys.stdout.write(f"[SMS to {validators.mask_phone(phone)}] {text}\n")
    sys.stdout.flush()


def _memory(phone: str, text: str) -> None:
    outbox.append(Sent(phone=phone, text=text))


def _http(phone: str, text: str) -> None:
    url = settings.MALPRO_SMS_HTTP_URL
    if not url.startswith(("https://", "http://")):
        raise SendFailed("MALPRO_SMS_HTTP_URL is not an http(s) URL")
    headers = {}
    if settings.MALPRO_SMS_HTTP_TOKEN:
        headers["Authorization"] = f"Bearer {settings.MALPRO_SMS_HTTP_TOKEN}"
    payload = {"to": phone, "text": text, "sender": settings.MALPRO_SMS_SENDER}
    try:
        response = requests.post(url, json=payload, headers=headers, timeout=10)
    except requests.RequestException as exc:
        logger.warning("SMS gateway unreachable: %s", type(exc).__name__)
        raise SendFailed("gateway unreachable") from None
    if not 200 <= response.status_code < 300:
        logger.warning("SMS gateway refused a message: HTTP %s", response.status_code)
        raise SendFailed(f"gateway answered {response.status_code}")


_BACKENDS = {"console": _console, "memory": _memory, "http": _http}


def send_text(*, phone: str, text: str) -> None:
    """Sends `text` to `phone` (E.164) now; raises SendFailed when the channel refuses."""
    _BACKENDS[settings.MALPRO_SMS_BACKEND](phone, text)
