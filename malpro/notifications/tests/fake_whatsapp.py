"""A local stand-in for the WhatsApp Business Cloud API, for tests and the benchmark.

It checks requests as the real API does (the path with the phone number id, the bearer
token, a template message whose name is registered and whose body takes as many values as
the template has placeholders) and answers like it: 200 with a wamid, or an error object
with the real codes. Failures can be scripted. For every message it accepted it can produce
the status callbacks Meta would post (sent, delivered, read), signed with the app secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = "v21.0"


class FakeWhatsApp:
    def __init__(
        self,
        *,
        token: str = "test-wa-token",
        phone_number_id: str = "109876543210",
        app_secret: str = "test-wa-app-secret",
        templates: dict[str, int] | None = None,  # name -> number of body values
        delay: float = 0.0,
    ):
        self.token = token
        self.phone_number_id = phone_number_id
        self.app_secret = app_secret
        self.templates = templates
        self.delay = delay
        self.received: list[dict] = []  # accepted payloads, in order
        self.refused: list[tuple[int, dict]] = []
        self.no_whatsapp: set[str] = set()  # numbers (digits) without WhatsApp
        self._failures: list[tuple[int, int]] = []  # (http status, error code) to answer next
        self._lock = threading.Lock()
        self._count = 0
        self._server: ThreadingHTTPServer | None = None

    # --- scripting ---------------------------------------------------------------------------
    def fail_next(self, times: int = 1, *, status: int = 500, code: int = 131000) -> None:
        with self._lock:
            self._failures += [(status, code)] * times

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/{VERSION}"

    def settings(self) -> dict:
        """The Django settings that point the cloud backend here."""
        return {
            "MALPRO_WHATSAPP_BACKEND": "cloud",
            "MALPRO_WHATSAPP_API_URL": self.url,
            "MALPRO_WHATSAPP_PHONE_NUMBER_ID": self.phone_number_id,
            "MALPRO_WHATSAPP_TOKEN": self.token,
            "MALPRO_WHATSAPP_APP_SECRET": self.app_secret,
        }

    def use(self, settings) -> None:
        """Points the app at this fake (pytest-django's `settings` fixture)."""
        for name, value in self.settings().items():
            setattr(settings, name, value)

    def uids(self) -> list[str]:
        with self._lock:
            return [p.get("biz_opaque_callback_data", "") for p in self.received]

    # --- status callbacks --------------------------------------------------------------------
    def callback(self, statuses: list[dict]) -> tuple[bytes, str]:
        """A webhook body with `statuses` and its X-Hub-Signature-256 header."""
        body = json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "100200300400500",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {
                                        "display_phone_number": "6281100000000",
                                        "phone_number_id": self.phone_number_id,
                                    },
                                    "statuses": statuses,
                                },
                            }
                        ],
                    }
                ],
            }
        ).encode()
        return body, self.sign(body)

    def sign(self, body: bytes) -> str:
        digest = hmac.new(self.app_secret.encode(), body, hashlib.sha256).hexdigest()
        return f"sha256={digest}"

    def statuses_for(self, status: str = "delivered") -> list[dict]:
        """One status entry per accepted message, as Meta reports them."""
        with self._lock:
            accepted = list(self.received)
        now = str(int(time.time()))
        out = []
        for payload in accepted:
            entry = {
                "id": payload["_wamid"],
                "status": status,
                "timestamp": now,
                "recipient_id": payload["to"],
                "conversation": {
                    "id": "c-" + payload["_wamid"][-8:],
                    "origin": {"type": "utility"},
                },
                "pricing": {"billable": True, "pricing_model": "CBP", "category": "utility"},
            }
            if payload.get("biz_opaque_callback_data"):
                entry["biz_opaque_callback_data"] = payload["biz_opaque_callback_data"]
            out.append(entry)
        return out

    # --- the server --------------------------------------------------------------------------
    def _answer(self, path: str, headers, raw: bytes) -> tuple[int, dict]:
        if path != f"/{VERSION}/{self.phone_number_id}/messages":
            return 400, _error(100, "Unsupported post request.")
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, _error(190, "Invalid OAuth access token.")
        try:
            payload = json.loads(raw)
        except ValueError:
            return 400, _error(100, "Invalid JSON.")
        to = str(payload.get("to", ""))
        template = payload.get("template") or {}
        if (
            payload.get("messaging_product") != "whatsapp"
            or payload.get("type") != "template"
            or not to.isdigit()
            or not template.get("name")
            or not (template.get("language") or {}).get("code")
        ):
            return 400, _error(100, "Invalid parameter.")
        values = [
            p
            for c in template.get("components") or []
            if c.get("type") == "body"
            for p in c.get("parameters") or []
        ]
        if any(not str(p.get("text", "")).strip() for p in values):
            return 400, _error(131008, "Required parameter is missing.")
        if self.templates is not None:
            if template["name"] not in self.templates:
                return 404, _error(132001, "Template name does not exist in the translation.")
            if len(values) != self.templates[template["name"]]:
                return 400, _error(132000, "Number of parameters does not match.")
        with self._lock:
            if self._failures:
                status, code = self._failures.pop(0)
                return status, _error(code, "Scripted failure.")
            if to in self.no_whatsapp:
                return 400, _error(131026, "Message undeliverable.")
            self._count += 1
            wamid = f"wamid.FAKE{self._count:010d}"
            payload["_wamid"] = wamid
            self.received.append(payload)
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }

    def __enter__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the real API
            # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm
            # and the client's delayed ACK add ~40 ms to every answer on a kept-alive socket.
            disable_nagle_algorithm = True

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if len(raw) < length:
                    # The client died mid-request (a killed worker): like a real server, drop
                    # the connection; nothing was received.
                    self.close_connection = True
                    return
                if fake.delay:
                    time.sleep(fake.delay)
                status, answer = fake._answer(self.path, self.headers, raw)
                if status != 200:
                    with fake._lock:
                        fake.refused.append((status, answer))
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()


def _error(code: int, message: str) -> dict:
    return {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "AbCdEfGh",
        }
    }
