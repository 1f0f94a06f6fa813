"""One-time codes through the channels (MALPRO_OTP_CHANNELS): WhatsApp's authentication
template first when configured, SMS when WhatsApp refuses or fails; each try is a Message row
that holds no code. And the recovery notice to an old number: SMS, recorded without its text."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client
from django.utils import timezone

from malpro.accounts.models import User
from malpro.conftest import make_user
from malpro.core.crypto import nik_hash
from malpro.notifications import quiet, sms
from malpro.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(fake, settings):
    """The shared fake, with codes going by WhatsApp first."""
    settings.MALPRO_OTP_CHANNELS = ["whatsapp", "sms"]
    return fake


def _code_from_whatsapp(fake) -> str:
    body = fake.received[-1]["template"]["components"][0]
    return body["parameters"][0]["text"]


def _no_code_kept(code: str) -> None:
    for row in Message.objects.all():
        kept = json.dumps(row.context) + row.last_error + row.provider_id + row.template
        assert code not in kept


def test_a_code_goes_by_whatsapp_first_and_proves_the_number(fake, api, caplog):
    user = make_user("081266600001", "Wulan", verified=False)
    client = api(user)
    with caplog.at_level(logging.DEBUG):
        assert client.post("/api/v1/auth/otp/request", {"purpose": "verify"}).status_code == 200
    payload = fake.received[-1]
    assert payload["to"] == "6281266600001"
    assert payload["template"]["name"] == "malpro_otp_verify"
    assert payload["template"]["language"] == {"code": "id"}
    code = _code_from_whatsapp(fake)
    assert re.fullmatch(r"\d{6}", code)
    # The authentication template's copy-code button carries the code too.
    button = payload["template"]["components"][1]
    assert button["type"] == "button" and button["parameters"][0]["text"] == code
    assert sms.outbox == []
    row = Message.objects.get()
    assert (row.channel, row.template, row.state, row.context) == (
        "whatsapp",
        "otp.verify",
        "sent",
        {},
    )
    assert row.provider_id.startswith("wamid.")
    _no_code_kept(code)
    assert code not in caplog.text and "6281266600001" not in caplog.text
    assert client.post("/api/v1/auth/otp/verify", {"code": code}).status_code == 200
    user.refresh_from_db()
    assert user.phone_verified


def test_a_number_without_whatsapp_gets_the_code_by_sms(fake, api):
    user = make_user("081266600002", "Yanti", verified=False)
    fake.no_whatsapp.add("6281266600002")
    assert api(user).post("/api/v1/auth/otp/request", {"purpose": "verify"}).status_code == 200
    assert fake.received == []
    [sent] = sms.outbox
    code = re.search(r"\b(\d{6})\b", sent.text).group(1)
    rows = {r.channel: r for r in Message.objects.all()}
    assert rows["whatsapp"].state == "failed" and "131026" in rows["whatsapp"].last_error
    assert rows["sms"].state == "sent" and sent.reference == rows["sms"].uid
    _no_code_kept(code)


def test_whatsapp_down_sends_the_code_by_sms_and_both_down_is_503(fake, api, settings):
    user = make_user("081266600003", "Zaki", verified=False)
    client = api(user)
    fake.fail_next(1, status=503, code=131000)
    assert client.post("/api/v1/auth/otp/request", {"purpose": "verify"}).status_code == 200
    assert len(sms.outbox) == 1 and fake.received == []
    # Both channels failing: the person is told to try again.
    other = make_user("081266600013", "Dewi", verified=False)
    fake.fail_next(1, status=500)
    settings.MALPRO_SMS_BACKEND = "http"
    settings.MALPRO_SMS_HTTP_URL = "http://127.0.0.1:9/nothing-listens"
    assert api(other).post("/api/v1/auth/otp/request", {"purpose": "verify"}).status_code == 503
    assert set(Message.objects.filter(user=other).values_list("channel", "state")) == {
        ("whatsapp", "failed"),
        ("sms", "failed"),
    }


def test_the_default_is_sms_only(api, settings):
    assert settings.MALPRO_OTP_CHANNELS == ["sms"]
    user = make_user("081266600004", "Agus", verified=False)
    assert api(user).post("/api/v1/auth/otp/request", {"purpose": "verify"}).status_code == 200
    [sent] = sms.outbox
    row = Message.objects.get()
    assert (row.channel, row.template, row.state) == ("sms", "otp.verify", "sent")
    _no_code_kept(re.search(r"\b(\d{6})\b", sent.text).group(1))


def test_a_code_is_not_held_by_quiet_hours(api, settings):
    hour = timezone.now().astimezone(quiet.JAKARTA).hour
    settings.MALPRO_QUIET_HOURS = f"{hour}-{(hour + 2) % 24}"  # quiet now
    assert quiet.is_quiet(timezone.now())
    user = make_user("081266600005", "Bayu", verified=False)
    assert api(user).post("/api/v1/auth/otp/request", {"purpose": "verify"}).status_code == 200
    assert len(sms.outbox) == 1 and Message.objects.get().state == "sent"


def test_the_old_number_is_told_of_a_recovery_by_sms_and_the_row_keeps_no_text(web, operator):
    person = make_user("081266600006", "Citra")
    User.objects.filter(pk=person.pk).update(
        nik="3573014107850003", nik_hash=nik_hash("3573014107850003")
    )
    old = person.phone
    response = web(operator).post(
        "/akun/pemulihan/",
        {
            "phone": old,
            "ktp_nik": "3573014107850003",
            "new_phone": "081266600099",
            "ktp_seen": "on",
        },
    )
    assert response.status_code == 302
    [told] = [m for m in sms.outbox if m.phone == old]
    assert "dipindah petugas" in told.text
    row = Message.objects.get(template="account.recovered_old_number")
    assert (row.channel, row.state, row.context) == ("sms", "sent", {})
    assert told.reference == row.uid


def test_a_code_whatsapp_later_reports_undeliverable_makes_the_next_one_go_by_sms(fake, api):
    """Meta often accepts a message and only then reports that the number has no WhatsApp:
    that code is lost (it exists nowhere in clear), and the next code goes by SMS."""
    user = make_user("081266600007", "Eko", verified=False)
    assert api(user).post("/api/v1/auth/otp/request", {"purpose": "verify"}).status_code == 200
    assert len(fake.received) == 1 and sms.outbox == []
    failed = fake.statuses_for("failed")
    failed[0]["errors"] = [{"code": 131026, "title": "Message undeliverable."}]
    body, signature = fake.callback(failed)
    response = Client().post(
        "/api/v1/notifications/webhooks/whatsapp",
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )
    assert response.status_code == 200
    assert Message.objects.get(channel="whatsapp").state == "failed"
    assert not Message.objects.filter(channel="sms").exists()  # no code to send again
    again = api().post("/api/v1/auth/otp/request", {"purpose": "reset", "phone": user.phone})
    assert again.status_code == 200
    assert len(fake.received) == 1 and len(sms.outbox) == 1
    assert Message.objects.filter(channel="sms", template="otp.reset", state="sent").exists()
