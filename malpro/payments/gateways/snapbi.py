"""SNAP BI (Bank Indonesia's open-API standard) style virtual accounts, so a regional bank such
as Bank Jatim can plug in. The VA number is the bank-assigned partnerServiceId followed by a
customer number Malpro makes; the bank calls the payment-flag notification with SNAP's
signature headers:

    X-TIMESTAMP, X-PARTNER-ID, X-EXTERNAL-ID, CHANNEL-ID, Authorization: Bearer <token>,
    X-SIGNATURE = base64(HMAC-SHA512(client secret,
        "POST:" + path + ":" + token + ":" + lowercase(hex(SHA-256(minified body))) + ":"
        + timestamp))
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from malpro.core.money import AmountError, parse_decimal_rupiah
from malpro.payments.gateways.base import (
    ChargeResult,
    Gateway,
    InvalidNotification,
    ParsedNotification,
)

MAX_CLOCK_SKEW = dt.timedelta(minutes=5)


def minify(body: bytes) -> str:
    return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)


def string_to_sign(method: str, path: str, token: str, body: bytes, timestamp: str) -> str:
    digest = hashlib.sha256(minify(body).encode()).hexdigest().lower()
    return f"{method}:{path}:{token}:{digest}:{timestamp}"


def signature(secret: str, message: str) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), message.encode(), hashlib.sha512).digest()
    ).decode()


class SnapBIGateway(Gateway):
    name = "snapbi"
    methods = ("va",)

    def charge(self, payment, *, merchant_name: str, merchant_city: str) -> ChargeResult:
        prefix = settings.SNAPBI_PARTNER_SERVICE_ID.strip()
        serial = int(hashlib.sha256(payment.reference.encode()).hexdigest(), 16) % 10**10
        return ChargeResult(
            va_bank=settings.SNAPBI_BANK_NAME,
            va_number=f"{prefix}{serial:010d}",
            provider_txn_id=payment.reference,
            expires_at=timezone.now()
            + dt.timedelta(minutes=settings.MALPRO_PAYMENT_EXPIRY_MINUTES),
        )

    def verify(self, request) -> ParsedNotification:
        if not settings.SNAPBI_CLIENT_SECRET:
            raise InvalidNotification("snapbi is not configured", status=404)
        headers = request.headers
        timestamp = headers.get("X-TIMESTAMP", "")
        external_id = headers.get("X-EXTERNAL-ID", "")
        token = headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not (timestamp and external_id and headers.get("X-SIGNATURE")):
            raise InvalidNotification("missing SNAP headers", status=400)
        if not hmac.compare_digest(token, settings.SNAPBI_ACCESS_TOKEN):
            raise InvalidNotification("bad access token")
        moment = parse_datetime(timestamp)
        if moment is None or abs(timezone.now() - moment) > MAX_CLOCK_SKEW:
            raise InvalidNotification("timestamp outside the allowed window")
        try:
            message = string_to_sign("POST", request.path, token, request.body, timestamp)
        except ValueError:
            raise InvalidNotification("unreadable body", status=400) from None
        expected = signature(settings.SNAPBI_CLIENT_SECRET, message)
        if not hmac.compare_digest(headers["X-SIGNATURE"], expected):
            raise InvalidNotification("bad SNAP signature")
        try:
            data = json.loads(request.body)
            va = str(data["virtualAccountNo"]).replace(" ", "")
            if data["paidAmount"].get("currency", "IDR") != "IDR":
                raise InvalidNotification("currency must be IDR", status=400)
            # Exactly, never through float: "10000.00" is Rp10.000; NaN, 1e5 or sen are refused.
            amount = parse_decimal_rupiah(data["paidAmount"]["value"])
        except AmountError as exc:
            raise InvalidNotification(f"bad paidAmount.value ({exc.code})", status=400) from None
        except (KeyError, TypeError, ValueError, AttributeError):
            raise InvalidNotification("unreadable SNAP payment flag", status=400) from None
        return ParsedNotification(
            reference=va,
            status="paid",
            amount=amount,
            provider_txn_id=str(data.get("paymentRequestId", "")),
            dedupe_key=f"snapbi:{va}:paid:{amount}",
        )

    def acknowledge(self, parsed, result: str) -> tuple[int, dict]:
        codes = {
            "applied": (200, "2002500", "Successful"),
            "duplicate": (200, "2002500", "Successful"),
            "ignored": (200, "2002500", "Successful"),
            "unknown_payment": (404, "4042512", "Invalid Bill/Virtual Account"),
            "amount_mismatch": (404, "4042513", "Invalid Amount"),
            "rejected": (401, "4012500", "Unauthorized. Signature"),
        }
        status, code, message = codes.get(result, (400, "4002500", "Bad Request"))
        body = {"responseCode": code, "responseMessage": message}
        if parsed is not None and status == 200:
            body["virtualAccountData"] = {
                "virtualAccountNo": parsed.reference,
                "paymentRequestId": parsed.provider_txn_id,
            }
        return status, body
