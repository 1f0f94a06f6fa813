"""The SMS channel's HTTP backend, against a local fake gateway that checks the requests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from malpro.accounts.models import OneTimeCode
from malpro.notifications import sms


class _Gateway:
    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.received.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        "type": self.headers.get("Content-Type"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "queued", "id": "abc"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    fake = _Gateway()
    settings.MALPRO_SMS_BACKEND = "http"
    settings.MALPRO_SMS_HTTP_URL = fake.url
    settings.MALPRO_SMS_HTTP_TOKEN = "rahasia-gateway"
    settings.MALPRO_SMS_SENDER = "MALPRO"
    yield fake
    fake.close()


def test_a_message_is_posted_as_json_with_the_bearer_token(gateway):
    sms.send_text(phone="+6281234567890", text="123456 adalah kode Anda")
    assert gateway.received == [
        {
            "path": "/v1/send",
            "auth": "Bearer rahasia-gateway",
            "type": "application/json",
            "body": {"to": "+6281234567890", "text": "123456 adalah kode Anda", "sender": "MALPRO"},
        }
    ]


def test_a_refusal_raises_and_logs_neither_number_nor_text(gateway, caplog):
    gateway.status = 500
    with pytest.raises(sms.SendFailed):
        sms.send_text(phone="+6281234567890", text="654321 adalah kode Anda")
    assert "+6281234567890" not in caplog.text and "654321" not in caplog.text


def test_an_unreachable_gateway_raises(settings):
    settings.MALPRO_SMS_BACKEND = "http"
    settings.MALPRO_SMS_HTTP_URL = "http://127.0.0.1:9/nothing-listens"
    with pytest.raises(sms.SendFailed):
        sms.send_text(phone="+6281234567890", text="x")


@pytest.mark.django_db
def test_a_code_the_gateway_refused_is_not_left_usable_and_may_be_asked_again(gateway, api):
    from malpro.conftest import make_user

    user = make_user("081299911111", "Rudi", verified=False)
    client = api(user)
    gateway.status = 503
    failed = client.post("/api/v1/auth/otp/request", {"purpose": "verify"})
    assert failed.status_code == 503
    assert not OneTimeCode.objects.filter(used_at__isnull=True).exists()
    gateway.status = 200
    assert client.post("/api/v1/auth/otp/request", {"purpose": "verify"}).status_code == 200
    assert gateway.received[-1]["body"]["to"] == user.phone


def test_our_reference_goes_along_and_the_gateways_id_comes_back(gateway):
    provider_id = sms.send_text(phone="+6281234567890", text="Pesanan siap", reference="ab12")
    assert gateway.received[-1]["body"]["reference"] == "ab12"
    assert provider_id == "abc"
