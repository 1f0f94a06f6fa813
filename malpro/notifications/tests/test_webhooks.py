"""The providers' status callbacks: Meta's subscription check, signed WhatsApp statuses, the
SMS gateway's delivery reports, and unverifiable posts counted and turned away."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from django.utils import timezone

from malpro.conftest import make_user
from malpro.notifications import kinds, services, webhooks
from malpro.notifications.models import Message
from malpro.notifications.tests.fake_whatsapp import FakeWhatsApp

pytestmark = pytest.mark.django_db

WA = "/api/v1/notifications/webhooks/whatsapp"
SMS = "/api/v1/notifications/webhooks/sms"


@pytest.fixture
def person():
    return make_user("081277700001", "Sari")


def _message(user, channel="whatsapp", state=Message.State.SENT, **fields) -> Message:
    n = Message.objects.count() + 1
    return Message.objects.create(
        user=user,
        template="work.digest",
        channel=channel,
        dedupe_key=f"test:{n}:{channel}",
        uid=f"{n:032x}",
        state=state,
        attempts=1,
        context={"total": 1, "date": "01/12/2026", "summary": "x", "path": "/"},
        **fields,
    )


def _status(message, status, **extra) -> dict:
    entry = {
        "id": message.provider_id or "wamid.unknown",
        "status": status,
        "timestamp": "1764400000",
        "recipient_id": "6281277700001",
        **extra,
    }
    if "biz_opaque_callback_data" not in extra:
        entry["biz_opaque_callback_data"] = message.uid
    return entry


def _post(fake, statuses, *, signature=None):
    body, signed = fake.callback(statuses)
    return Client().post(
        WA,
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signed if signature is None else signature},
    )


# --- verification ---------------------------------------------------------------------------------
def test_meta_subscription_check_answers_the_challenge_only_with_the_right_token(settings):
    settings.MALPRO_WHATSAPP_VERIFY_TOKEN = "token-kota"
    ok = Client().get(
        WA,
        {"hub.mode": "subscribe", "hub.verify_token": "token-kota", "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200
    assert ok.content == b"1158201444" and ok["Content-Type"].startswith("text/plain")
    wrong = Client().get(
        WA, {"hub.mode": "subscribe", "hub.verify_token": "tebakan", "hub.challenge": "1"}
    )
    assert wrong.status_code == 403
    settings.MALPRO_WHATSAPP_VERIFY_TOKEN = ""  # not configured: nothing verifies
    empty = Client().get(
        WA, {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
    )
    assert empty.status_code == 403
    assert Client().get("/api/v1/notifications/webhooks/lain").status_code == 404


# --- WhatsApp statuses ----------------------------------------------------------------------------
def test_a_signed_status_moves_the_message_found_by_our_id(fake, person):
    message = _message(person, provider_id="wamid.A1")
    response = _post(fake, [_status(message, "delivered")])
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == "delivered" and message.delivered_at is not None


def test_found_by_the_wamid_when_our_id_is_not_echoed(fake, person):
    message = _message(person, provider_id="wamid.B2")
    entry = _status(message, "read", biz_opaque_callback_data="")
    assert _post(fake, [entry]).status_code == 200
    message.refresh_from_db()
    assert message.state == "read" and message.read_at is not None


def test_states_only_move_forward(fake, person):
    message = _message(person, provider_id="wamid.C3")
    _post(fake, [_status(message, "read")])
    _post(fake, [_status(message, "delivered"), _status(message, "sent")])
    message.refresh_from_db()
    assert message.state == "read"


def test_a_wrong_or_missing_signature_changes_nothing_and_is_counted(fake, person):
    message = _message(person, provider_id="wamid.D4")
    assert (
        _post(fake, [_status(message, "read")], signature="sha256=" + "0" * 64).status_code == 401
    )
    assert _post(fake, [_status(message, "read")], signature="").status_code == 401
    # Signed with another secret (someone who knows the format, not the secret).
    other = FakeWhatsApp(app_secret="bukan-rahasia-kita")
    body, signature = other.callback([_status(message, "read")])
    response = Client().post(
        WA, body, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    )
    assert response.status_code == 401
    message.refresh_from_db()
    assert message.state == "sent"
    assert webhooks.rejected_callbacks("whatsapp") == 3


def test_a_failed_status_fails_the_message_and_no_whatsapp_falls_back_to_sms(fake, person):
    refused = _message(person, provider_id="wamid.E5")
    no_wa = _message(person, provider_id="wamid.E6")
    errors_refused = [{"code": 131049, "title": "Meta chose not to deliver."}]
    errors_no_wa = [{"code": 131026, "title": "Message undeliverable."}]
    response = _post(
        fake,
        [
            _status(refused, "failed", errors=errors_refused),
            _status(no_wa, "failed", errors=errors_no_wa),
        ],
    )
    assert response.status_code == 200
    refused.refresh_from_db()
    no_wa.refresh_from_db()
    assert refused.state == no_wa.state == "failed"
    assert refused.last_error == "provider: 131049 Meta chose not to deliver."
    sms = Message.objects.filter(channel="sms")
    assert sms.count() == 1 and sms.get().dedupe_key == no_wa.dedupe_key.rsplit(":", 1)[0] + ":sms"
    services.send_due()
    _post(fake, [_status(no_wa, "failed", errors=errors_no_wa)])  # Meta repeats itself
    assert Message.objects.filter(channel="sms").count() == 1
    assert Message.objects.get(channel="sms").state == "sent"


def test_inbound_messages_and_strangers_are_answered_200_and_logged_without_numbers(
    fake, person, caplog
):
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {
                            "value": {
                                "contacts": [{"wa_id": "6281277700001"}],
                                "messages": [
                                    {"from": "6281277700001", "text": {"body": "halo kak"}}
                                ],
                                "statuses": [
                                    {
                                        "id": "wamid.nobody",
                                        "status": "delivered",
                                        "recipient_id": "6281277700001",
                                    },
                                    "junk",
                                ],
                            }
                        }
                    ]
                }
            ],
        }
    ).encode()
    with caplog.at_level(logging.DEBUG):
        response = Client().post(
            WA,
            body,
            content_type="application/json",
            headers={"X-Hub-Signature-256": fake.sign(body)},
        )
        garbage = b"not json"
        response2 = Client().post(
            WA,
            garbage,
            content_type="application/json",
            headers={"X-Hub-Signature-256": fake.sign(garbage)},
        )
    assert response.status_code == 200 and response2.status_code == 200
    assert "1 inbound message" in caplog.text
    assert "6281277700001" not in caplog.text and "halo kak" not in caplog.text


def test_a_sender_of_many_unverifiable_posts_is_turned_away(fake, person, monkeypatch):
    monkeypatch.setattr(webhooks, "REJECTED_PER_IP", 3)
    message = _message(person, provider_id="wamid.F7")
    codes = [
        _post(fake, [_status(message, "read")], signature="sha256=00").status_code for _ in range(4)
    ]
    assert codes == [401, 401, 401, 401]
    # Past the limit even a correct post from that address is turned away (before reading it).
    assert _post(fake, [_status(message, "read")]).status_code == 429
    assert (
        Client()
        .post("/api/v1/notifications/webhooks/lain", "{}", content_type="application/json")
        .status_code
        == 429
    )
    message.refresh_from_db()
    assert message.state == "sent"


def test_an_unknown_provider_is_404_and_counted():
    response = Client().post(
        "/api/v1/notifications/webhooks/telegram", "{}", content_type="application/json"
    )
    assert response.status_code == 404
    assert webhooks.rejected_callbacks("unknown") == 1


# --- SMS delivery reports -------------------------------------------------------------------------
def _report(body, token="rahasia-gateway"):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return Client().post(SMS, json.dumps(body), content_type="application/json", headers=headers)


def test_the_sms_gateway_reports_delivery_with_its_token(settings, person):
    settings.MALPRO_SMS_HTTP_TOKEN = "rahasia-gateway"
    by_uid = _message(person, channel="sms")
    by_id = _message(person, channel="sms", provider_id="gw-778")
    assert _report({"uid": by_uid.uid, "status": "delivered"}).status_code == 200
    assert _report({"id": "gw-778", "status": "failed", "error": "absent"}).status_code == 200
    by_uid.refresh_from_db()
    by_id.refresh_from_db()
    assert by_uid.state == "delivered" and by_uid.delivered_at <= timezone.now()
    assert by_id.state == "failed" and by_id.last_error == "provider: absent"
    assert _report({"uid": by_uid.uid, "status": "meledak"}).status_code == 400


def test_an_sms_report_without_the_token_changes_nothing(settings, person):
    settings.MALPRO_SMS_HTTP_TOKEN = "rahasia-gateway"
    message = _message(person, channel="sms")
    assert _report({"uid": message.uid, "status": "failed"}, token="salah").status_code == 401
    assert _report({"uid": message.uid, "status": "failed"}, token=None).status_code == 401
    settings.MALPRO_SMS_HTTP_TOKEN = ""  # no token configured: no report is believed
    assert _report({"uid": message.uid, "status": "failed"}, token="").status_code == 401
    message.refresh_from_db()
    assert message.state == "sent"
    assert webhooks.rejected_callbacks(kinds.SMS) == 3
