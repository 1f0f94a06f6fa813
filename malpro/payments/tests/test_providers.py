"""The Midtrans and SNAP BI adapters, against a local fake provider (a real HTTP server on
loopback) and with notifications signed as the providers sign them."""

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from malpro.payments.gateways.snapbi import string_to_sign
from malpro.payments.models import Payment
from malpro.payments.services import payment_charge
from malpro.payments.tests.helpers import assert_ledger_ok, cashless_checkout

SERVER_KEY = "SB-Mid-server-test-key"


class FakeMidtrans(BaseHTTPRequestHandler):
    requests: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeMidtrans.requests.append((self.path, body, self.headers.get("Authorization")))
        order_id = body["transaction_details"]["order_id"]
        answer = {
            "status_code": "201",
            "transaction_id": f"txn-{order_id}",
            "order_id": order_id,
            "transaction_status": "pending",
        }
        if body["payment_type"] == "qris":
            answer["qr_string"] = "00020101021226...FAKE"
        else:
            answer["va_numbers"] = [{"bank": "bni", "va_number": "9881234567890123"}]
        raw = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_midtrans(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeMidtrans)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MIDTRANS_SERVER_KEY = SERVER_KEY
    settings.MIDTRANS_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.MALPRO_PAYMENT_PROVIDERS = {"qris": "midtrans", "va": "midtrans"}
    FakeMidtrans.requests = []
    yield FakeMidtrans
    server.shutdown()


def midtrans_notification(payment, *, status="settlement", gross=None, key=SERVER_KEY):
    gross = gross or f"{payment.amount}.00"
    status_code = "200"
    signature = hashlib.sha512(f"{payment.reference}{status_code}{gross}{key}".encode()).hexdigest()
    return {
        "order_id": payment.reference,
        "status_code": status_code,
        "gross_amount": gross,
        "signature_key": signature,
        "transaction_status": status,
        "transaction_id": f"txn-{payment.reference}",
        "payment_type": "qris",
    }


def post_json(path, data, **headers):
    return Client().post(path, json.dumps(data), content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_midtrans_charge_and_settlement(buyer, seller, fake_midtrans):
    checkout, payment, _ = cashless_checkout(buyer, seller, charge=False)
    payment = payment_charge(payment_id=payment.pk)
    path, body, auth = fake_midtrans.requests[0]
    assert path == "/v2/charge" and body["payment_type"] == "qris"
    assert body["transaction_details"] == {"order_id": payment.reference, "gross_amount": 30000}
    assert auth.startswith("Basic ")
    assert payment.status == "pending" and payment.qris_payload.endswith("FAKE")
    response = post_json("/api/v1/payments/webhooks/midtrans", midtrans_notification(payment))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert_ledger_ok()


@pytest.mark.django_db
def test_midtrans_va_charge(buyer, seller, fake_midtrans):
    _, payment, _ = cashless_checkout(buyer, seller, method="va", charge=False)
    payment = payment_charge(payment_id=payment.pk)
    assert (payment.va_bank, payment.va_number) == ("bni", "9881234567890123")
    assert fake_midtrans.requests[0][1]["bank_transfer"] == {"bank": "bni"}


@pytest.mark.django_db
def test_midtrans_outage_keeps_the_checkout(buyer, seller, settings):
    settings.MIDTRANS_SERVER_KEY = SERVER_KEY
    settings.MIDTRANS_API_BASE_URL = "http://127.0.0.1:9"  # nothing listens
    settings.MALPRO_PAYMENT_PROVIDERS = {"qris": "midtrans", "va": "midtrans"}
    _, payment, _ = cashless_checkout(buyer, seller, charge=False)
    payment = payment_charge(payment_id=payment.pk)
    assert payment.status == "created" and payment.charge_error


@pytest.mark.django_db
@pytest.mark.parametrize("tamper", ["key", "gross"])
def test_midtrans_forged_notifications_are_refused(buyer, seller, fake_midtrans, tamper):
    _, payment, _ = cashless_checkout(buyer, seller)
    data = (
        midtrans_notification(payment, key="not-the-key")
        if tamper == "key"
        else midtrans_notification(payment, gross="1000.00")
    )
    response = post_json("/api/v1/payments/webhooks/midtrans", data)
    assert response.status_code in (401, 422)
    assert Payment.objects.get(pk=payment.pk).status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "gross", ["NaN", "Infinity", "-Infinity", "1e5", "{amount}.40", "{amount}.5"]
)
def test_midtrans_refuses_a_signed_amount_that_is_not_whole_rupiah(
    buyer, seller, fake_midtrans, gross
):
    _, payment, _ = cashless_checkout(buyer, seller)
    data = midtrans_notification(payment, gross=gross.format(amount=payment.amount))
    response = post_json("/api/v1/payments/webhooks/midtrans", data)
    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == "pending"


@pytest.mark.django_db
def test_midtrans_reads_a_whole_amount_exactly(buyer, seller, fake_midtrans):
    _, payment, _ = cashless_checkout(buyer, seller)
    data = midtrans_notification(payment, gross=str(payment.amount))
    assert post_json("/api/v1/payments/webhooks/midtrans", data).status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == "paid"


# --- SNAP BI -------------------------------------------------------------------------------------
SECRET, TOKEN = "snap-client-secret", "b2b-access-token"


@pytest.fixture
def snap(settings):
    settings.SNAPBI_CLIENT_SECRET = SECRET
    settings.SNAPBI_ACCESS_TOKEN = TOKEN
    settings.SNAPBI_PARTNER_SERVICE_ID = "088899"
    settings.MALPRO_PAYMENT_PROVIDERS = {"qris": "simulator", "va": "snapbi"}


def snap_post(payment, *, amount=None, secret=SECRET, timestamp=None, external="EXT-1", value=None):
    path = "/api/v1/payments/webhooks/snapbi"
    body = json.dumps(
        {
            "partnerServiceId": "  088899",
            "customerNo": payment.va_number[6:],
            "virtualAccountNo": "  " + payment.va_number,
            "virtualAccountName": "CITRA",
            "trxId": payment.reference,
            "paymentRequestId": "PR-1",
            "paidAmount": {
                "value": f"{amount or payment.amount}.00" if value is None else value,
                "currency": "IDR",
            },
            "trxDateTime": timezone.now().isoformat(),
        }
    ).encode()
    timestamp = timestamp or timezone.now().isoformat(timespec="seconds")
    message = string_to_sign("POST", path, TOKEN, body, timestamp)
    signature = base64.b64encode(
        hmac.new(secret.encode(), message.encode(), hashlib.sha512).digest()
    ).decode()
    return Client().post(
        path,
        body,
        content_type="application/json",
        headers={
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": "MALPRO",
            "X-EXTERNAL-ID": external,
            "CHANNEL-ID": "95221",
            "Authorization": f"Bearer {TOKEN}",
        },
    )


@pytest.mark.django_db
def test_snapbi_payment_flag_is_accepted_once(buyer, seller, snap):
    _, payment, _ = cashless_checkout(buyer, seller, method="va")
    assert payment.va_number.startswith("088899") and payment.va_bank == "Bank Jatim"
    response = snap_post(payment)
    assert response.status_code == 200 and response.json()["responseCode"] == "2002500"
    assert Payment.objects.get(pk=payment.pk).status == "paid"
    again = snap_post(payment, external="EXT-2")
    assert again.status_code == 200
    assert_ledger_ok()


@pytest.mark.django_db
def test_snapbi_bad_signature_old_timestamp_and_wrong_amount(buyer, seller, snap):
    _, payment, _ = cashless_checkout(buyer, seller, method="va")
    bad = snap_post(payment, secret="wrong")
    assert bad.status_code == 401 and bad.json()["responseCode"] == "4012500"
    old = (timezone.now() - timezone.timedelta(minutes=10)).isoformat(timespec="seconds")
    assert snap_post(payment, timestamp=old).status_code == 401
    amount = snap_post(payment, amount=1000)
    assert amount.status_code == 404 and amount.json()["responseCode"] == "4042513"
    assert Payment.objects.get(pk=payment.pk).status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e5", "{amount}.40", "{amount},00", 1e400])
def test_snapbi_refuses_an_amount_that_is_not_whole_rupiah(buyer, seller, snap, value):
    _, payment, _ = cashless_checkout(buyer, seller, method="va")
    if isinstance(value, str):
        value = value.format(amount=payment.amount)
    response = snap_post(payment, value=value)
    assert response.status_code == 400
    assert Payment.objects.get(pk=payment.pk).status == "pending"
