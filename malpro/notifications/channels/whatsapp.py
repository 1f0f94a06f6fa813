"""WhatsApp: template messages through the WhatsApp Business Cloud API.

Backends (MALPRO_WHATSAPP_BACKEND):
- "console" (the embedded default): printed on the server's console, the number masked;
- "memory": kept in channels.base.memory_outbox (tests);
- "cloud": POST {MALPRO_WHATSAPP_API_URL}/{MALPRO_WHATSAPP_PHONE_NUMBER_ID}/messages with
  the access token, a template message whose body takes the message's values, and our id in
  `biz_opaque_callback_data` so that status callbacks (notifications.webhooks) find the row
  even when the answer to the send was lost.

Business-initiated messages must be approved templates (`manage.py whatsapp_templates`): the
body takes the message's values; a template whose message has a link has an "open" URL
button, whose value (when the link has values) is the link's end.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys

import requests
from django.conf import settings

from malpro.core import validators
from malpro.notifications import kinds
from malpro.notifications.channels.base import (
    Channel,
    Kept,
    Outgoing,
    Refused,
    Retry,
    memory_outbox,
)

logger = logging.getLogger(__name__)

# Cloud API error codes after which the same request will never succeed.
REFUSED_CODES = {
    100,  # invalid parameter
    131008,  # required parameter missing
    131009,  # parameter value not valid
    131051,  # unsupported message type
    132000,  # template parameter count mismatch
    132001,  # template does not exist (in this language)
    132005,  # translated text too long
    132007,  # template format policy
    132012,  # template parameter format mismatch
    132015,  # template paused
    132016,  # template disabled
    133010,  # phone number not registered
}
# The number has no WhatsApp account (or cannot receive): send by SMS instead.
NO_WHATSAPP_CODES = {131026, 131030}  # undeliverable; recipient not allowed (test numbers)


def _to(phone: str) -> str:
    return phone.lstrip("+")


OTP_PREFIX = "malpro_otp_"  # authentication templates: the code is the one value
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def url_button(link: str) -> tuple[str, bool] | None:
    """A template's link as its URL button: (the URL as registered with Meta, whether it ends
    in a value). A link with values is registered as "<site><fixed part up to its last
    slash>{{1}}"; the rest of the rendered link is the button's value. None without a link."""
    if not link:
        return None
    base = settings.MALPRO_PUBLIC_URL
    first = _PLACEHOLDER.search(link)
    if first is None:
        return f"{base}{link}", False
    fixed = link[: first.start()]
    fixed = fixed[: fixed.rfind("/") + 1] or "/"
    return f"{base}{fixed}{{{{1}}}}", True


def _link_value(out: Outgoing) -> str | None:
    """The value of the message's URL button, or None when its template has none to fill."""
    kind = next((k for k in kinds.all_kinds() if k.whatsapp_name == out.template), None)
    button = url_button(kind.link) if kind is not None else None
    if button is None or not button[1]:
        return None
    prefix = button[0].removesuffix("{{1}}")
    return out.link[len(prefix) :] if out.link.startswith(prefix) else "-"


def _components(out: Outgoing) -> list[dict]:
    components = [
        {"type": "body", "parameters": [{"type": "text", "text": p or "-"} for p in out.params]}
    ]
    value = _link_value(out)
    if value is not None:
        # The template's "open" button: the page where the person acts.
        components.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": value or "-"}],
            }
        )
    if out.template.startswith(OTP_PREFIX) and out.params:
        # An authentication template's copy-code button takes the code again.
        components.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": out.params[0]}],
            }
        )
    return components


def _payload(out: Outgoing) -> dict:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": _to(out.to),
        "type": "template",
        "template": {
            "name": out.template,
            "language": {"code": out.language or "id"},
            "components": _components(out),
        },
        "biz_opaque_callback_data": out.uid,
    }


def _cloud(out: Outgoing) -> str:
    base = settings.MALPRO_WHATSAPP_API_URL.rstrip("/")
    url = f"{base}/{settings.MALPRO_WHATSAPP_PHONE_NUMBER_ID}/messages"
    headers = {"Authorization": f"Bearer {settings.MALPRO_WHATSAPP_TOKEN}"}
    try:
        response = _session().post(
            url, json=_payload(out), headers=headers, timeout=15, proxies=_proxies(base)
        )
    except requests.RequestException as exc:
        raise Retry(f"unreachable: {type(exc).__name__}") from None
    if 200 <= response.status_code < 300:
        try:
            return str(response.json()["messages"][0]["id"])[:128]
        except (ValueError, KeyError, IndexError, TypeError):
            return ""
    try:
        error = response.json().get("error") or {}
        code = int(error.get("code") or 0)
    except (ValueError, AttributeError, TypeError):
        code = 0
    reason = f"HTTP {response.status_code}, code {code}"
    if code in NO_WHATSAPP_CODES:
        raise Refused(reason, fallback=True)
    if code in REFUSED_CODES or (response.status_code in (400, 404) and not code):
        raise Refused(reason)
    raise Retry(reason)  # 429, 5xx, rate limits (130429, 131056), an expired token (190)


_SESSION: requests.Session | None = None


def _session() -> requests.Session:
    """One keep-alive connection pool per process. The environment (proxies, a CA bundle) is
    read once, not by requests on every call: that alone cost the worker 1-3 ms of CPU per
    message (bench `messages`)."""
    global _SESSION
    if _SESSION is None:
        session = requests.Session()
        session.trust_env = False
        # Room for every sender thread of the worker (notifications.services.dispatch).
        pool = max(10, settings.MALPRO_MESSAGE_SENDERS)
        for scheme in ("https://", "http://"):
            session.mount(scheme, requests.adapters.HTTPAdapter(pool_maxsize=pool))
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
        _SESSION = session
    return _SESSION


@functools.lru_cache(maxsize=8)
def _proxies(url: str) -> dict:
    """HTTPS_PROXY and friends for this address (NO_PROXY honoured), read once."""
    return requests.utils.get_environ_proxies(url)


def _console(out: Outgoing) -> str:
    sys.stdout.write(f"[WhatsApp to {validators.mask_phone(out.to)}, {out.template}]\n{out.text}\n")
    sys.stdout.flush()
    return ""


def _memory(out: Outgoing) -> str:
    memory_outbox.append(Kept("whatsapp", out))
    return f"wamid.memory.{out.uid}"


_BACKENDS = {"console": _console, "memory": _memory, "cloud": _cloud}


class WhatsAppChannel(Channel):
    name = "whatsapp"

    def address(self, user) -> str | None:
        return user.phone if user is not None and user.phone and user.phone_verified else None

    def send(self, out: Outgoing) -> str:
        return _BACKENDS[settings.MALPRO_WHATSAPP_BACKEND](out)
