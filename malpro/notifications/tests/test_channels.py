"""Each outside channel against a local fake of its provider: the WhatsApp Cloud API request
(template, language, values in order, our id, the token), the SMS gateway (our id as its
reference, its id kept), email by SMTP to a tiny local server; and nothing personal in logs."""

from __future__ import annotations

import io
import json
import logging
import re
import socketserver
import threading

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client

from malpro.conftest import make_user
from malpro.notifications import kinds, preferences, services, sms
from malpro.notifications.models import Message
from malpro.notifications.tests.fake_whatsapp import FakeWhatsApp
from malpro.notifications.tests.helpers import CONTEXT, TEST_KIND
from malpro.notifications.tests.test_sms import _Gateway

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("test_kind")]


@pytest.fixture
def person():
    return make_user("081233300001", "Sari")


# --- WhatsApp Cloud API ---------------------------------------------------------------------------
def test_the_cloud_request_is_a_template_message_with_the_values_in_order(fake, person):
    services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k1")
    message = Message.objects.get(channel="whatsapp")
    [payload] = fake.received
    assert payload["messaging_product"] == "whatsapp" and payload["type"] == "template"
    assert payload["to"] == "6281233300001"
    assert payload["template"]["name"] == "malpro_test_order_ready"
    assert payload["template"]["language"] == {"code": "id"}
    assert payload["template"]["components"] == [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "P-0001"},
                {"type": "text", "text": "Dapur Bu Sari"},
                {"type": "text", "text": "Rp82.000"},
            ],
        },
        # The "open" button: registered as <site>/pesanan/{{1}}, the value is the link's end.
        {
            "type": "button",
            "sub_type": "url",
            "index": "0",
            "parameters": [{"type": "text", "text": "P-0001/"}],
        },
    ]
    assert payload["biz_opaque_callback_data"] == message.uid
    assert message.state == "sent" and message.provider_id == payload["_wamid"]


def test_a_wrong_token_is_retried_not_lost(fake, person, settings):
    settings.MALPRO_WHATSAPP_TOKEN = "kedaluwarsa"
    services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k1")
    message = Message.objects.get(channel="whatsapp")
    assert message.state == "pending" and "code 190" in message.last_error
    assert fake.refused[0][0] == 401 and fake.received == []


def test_a_person_reading_english_gets_english(fake, person, settings):
    person.language = "en"
    person.save(update_fields=["language"])
    preferences.preferences_set(user=person, choices={"asn": {"whatsapp", "sms"}})
    note = services.send(
        user=person, kind="asn.claim_approved", context={"name": "Sari Dewi"}, key="k1"
    )
    assert "Your account is now linked" in note.body
    [payload] = fake.received
    assert payload["template"]["name"] == "malpro_asn_claim_approved"
    assert payload["template"]["language"] == {"code": "en"}
    assert payload["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "Sari Dewi"}
    ]
    [text] = sms.outbox
    assert "Your account is now linked to the civil servant record of Sari Dewi." in text.text


# --- SMS gateway ----------------------------------------------------------------------------------
@pytest.fixture
def gateway(settings):
    fake = _Gateway()
    settings.MALPRO_SMS_BACKEND = "http"
    settings.MALPRO_SMS_HTTP_URL = fake.url
    settings.MALPRO_SMS_HTTP_TOKEN = "rahasia-gateway"
    yield fake
    fake.close()


def test_an_sms_carries_our_id_and_its_delivery_report_finds_the_row(gateway, person):
    preferences.preferences_set(user=person, choices={"orders": {"sms"}})
    services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k1")
    message = Message.objects.get(channel="sms")
    [request] = gateway.received
    assert request["body"]["reference"] == message.uid
    assert request["body"]["to"] == "+6281233300001"
    assert request["body"]["text"].startswith("Pesanan P-0001 siap\nPesanan P-0001 dari")
    assert request["body"]["text"].endswith("/pesanan/P-0001/")
    assert message.state == "sent" and message.provider_id == "abc"  # the gateway's id
    report = Client().post(
        "/api/v1/notifications/webhooks/sms",
        {"id": "abc", "status": "delivered"},
        content_type="application/json",
        headers={"Authorization": "Bearer rahasia-gateway"},
    )
    assert report.status_code == 200 and report.json()["found"] == 1
    message.refresh_from_db()
    assert message.state == "delivered"


def test_a_gateway_that_fails_is_retried(gateway, person):
    preferences.preferences_set(user=person, choices={"orders": {"sms"}})
    gateway.status = 502
    services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k1")
    message = Message.objects.get(channel="sms")
    assert message.state == "pending" and message.attempts == 1
    assert message.last_error == "gateway answered 502"


# --- email by SMTP --------------------------------------------------------------------------------
class _SMTP(socketserver.StreamRequestHandler):
    """Just enough SMTP: one message per connection; RCPT to refuse@ is refused (550)."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 fake ESMTP")
        data = None
        while line := self.rfile.readline():
            text = line.decode().rstrip("\r\n")
            if data is not None:
                if text == ".":
                    self.server.mails.append("\n".join(data))
                    data = None
                    self.reply("250 queued")
                else:
                    data.append(text)
                continue
            verb = text[:4].upper()
            if verb == "EHLO" or verb == "HELO":
                self.reply("250 fake")
            elif verb == "RCPT" and "refuse@" in text:
                self.reply("550 no such user")
            elif verb == "DATA":
                data = []
                self.reply("354 go on")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


@pytest.fixture
def smtp(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTP)
    server.daemon_threads = True
    server.mails = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.shutdown()
    server.server_close()


def _email_person(address: str):
    person = make_user("081233300002", "Dewi")
    person.email = address
    person.save(update_fields=["email"])
    preferences.preferences_set(user=person, choices={"orders": {"email"}})
    return person


def test_email_by_smtp_carries_our_id(smtp):
    person = _email_person("dewi@example.id")
    services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k1")
    message = Message.objects.get(channel="email")
    assert message.state == "sent"
    [mail] = smtp.mails
    assert "Subject: [" in mail and "Pesanan P-0001 siap" in mail
    assert f"X-Malpro-Message: {message.uid}" in mail
    assert "dewi@example.id" in mail


def test_a_refused_mailbox_fails_and_an_absent_server_is_retried(smtp, settings):
    person = _email_person("refuse@example.id")
    services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k1")
    refused = Message.objects.get(channel="email")
    assert refused.state == "failed" and refused.last_error == "refused: recipient refused"
    assert smtp.mails == []
    settings.EMAIL_PORT = 9  # nothing listens
    person.email = "dewi@example.id"
    person.save(update_fields=["email"])
    services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k2")
    later = Message.objects.get(channel="email", dedupe_key__startswith="k2:")
    assert later.state == "pending" and later.attempts == 1


# --- logs ---------------------------------------------------------------------------------------
def test_no_number_or_text_in_logs_when_sending_and_failing(fake, person, caplog):
    preferences.preferences_set(user=person, choices={"orders": {"whatsapp", "sms"}})
    with caplog.at_level(logging.DEBUG):
        services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k1")
        fake.fail_next(1, status=500)
        fake.no_whatsapp.add("6281233300001")
        services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k2")
        services.send_due()
    assert len(fake.received) == 1 and Message.objects.filter(state="pending").exists()
    assert caplog.records  # something was logged: the test would see a leak
    for secret in ("6281233300001", "81233300001", "Dapur Bu Sari", "P-0001", "Rp82.000"):
        assert secret not in caplog.text


# --- templates to register with Meta ------------------------------------------------------------
def _listed() -> list[dict]:
    out = io.StringIO()
    call_command("whatsapp_templates", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_whatsapp_templates_lists_every_kind_and_the_codes():
    listed = {t["name"]: t for t in _listed()}
    for kind in kinds.all_kinds():
        entry = listed[kind.whatsapp_name]
        assert entry["category"] == "UTILITY" and entry["parameters"] == list(kind.placeholders)
        for language in ("id", "en"):
            body = entry["languages"][language]["body"]
            assert sorted(set(re.findall(r"\{\{(\d+)\}\}", body)), key=int) == [
                str(n) for n in range(1, len(kind.placeholders) + 1)
            ]
            assert "%(" not in body
    mine = listed["malpro_test_order_ready"]
    assert mine["languages"]["id"]["body"] == "Pesanan {{1}} dari {{2}} siap diambil. Total {{3}}."
    assert "header" not in mine["languages"]["id"]  # the title has a value: no fixed header
    [button] = mine["languages"]["en"]["buttons"]
    assert button["type"] == "URL" and button["text"] == "Open"
    assert button["url"] == f"{django_settings.MALPRO_PUBLIC_URL}/pesanan/{{{{1}}}}"
    asn = listed["malpro_asn_claim_approved"]
    assert asn["languages"]["en"] == {
        "header": "Your NIP is verified",
        "body": "Your account is now linked to the civil servant record of {{1}}.",
        "buttons": [
            {"type": "URL", "text": "Open", "url": f"{django_settings.MALPRO_PUBLIC_URL}/asn/"}
        ],
    }
    for purpose in ("verify", "reset"):
        otp = listed[f"malpro_otp_{purpose}"]
        assert otp["category"] == "AUTHENTICATION" and otp["parameters"] == ["code"]
        assert otp["languages"]["en"]["buttons"] == [{"type": "OTP", "otp_type": "COPY_CODE"}]


def test_the_listed_templates_are_the_ones_the_worker_sends(settings, person):
    """A fake that knows only the listed templates (name and number of values) takes what the
    worker sends, codes included."""
    approved = {t["name"]: len(t["parameters"]) for t in _listed()}
    with FakeWhatsApp(templates=approved) as fake:
        fake.use(settings)
        settings.MALPRO_OTP_CHANNELS = ["whatsapp", "sms"]
        services.send(user=person, kind=TEST_KIND.key, context=CONTEXT, key="k1")
        services.send(user=person, kind="asn.claim_approved", context={"name": "Sari"}, key="k2")
        services.send_code(phone=person.phone, text="-", purpose="reset", code="123456")
    assert fake.refused == [] and len(fake.received) == 3
    assert fake.received[-1]["template"]["name"] == "malpro_otp_reset"


def test_whatsapp_templates_prints_a_readable_list():
    out = io.StringIO()
    call_command("whatsapp_templates", stdout=out)
    text = out.getvalue()
    assert "malpro_test_order_ready  [UTILITY]" in text
    assert "{{1}}=number, {{2}}=shop, {{3}}=total" in text
    assert "malpro_otp_verify  [AUTHENTICATION]" in text
