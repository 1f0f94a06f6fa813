"""Midtrans Core API (the `midtransclient` package) for QRIS and bank VA charges, and its HTTP
notifications (verified with `signature_key` = SHA512(order_id + status_code + gross_amount +
server key))."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import midtransclient
from django.conf import settings
from django.utils import timezone

from malpro.core.money import AmountError, parse_decimal_rupiah
from malpro.payments.gateways.base import (
    ChargeResult,
    Gateway,
    InvalidNotification,
    ParsedNotification,
)

STATUS = {
    "capture": "paid",
    "settlement": "paid",
    "pending": "pending",
    "expire": "expired",
    "cancel": "failed",
    "deny": "failed",
    "failure": "failed",
}


class MidtransGateway(Gateway):
    name = "midtrans"
    methods = ("qris", "va")

    def _client(self) -> midtransclient.CoreApi:
        if not settings.MIDTRANS_SERVER_KEY:
            raise RuntimeError("MIDTRANS_SERVER_KEY is not set")
        core = midtransclient.CoreApi(
            is_production=settings.MIDTRANS_IS_PRODUCTION, server_key=settings.MIDTRANS_SERVER_KEY
        )
        if settings.MIDTRANS_API_BASE_URL:  # a proxy, or the local fake server of the tests
            core.api_config.CORE_SANDBOX_BASE_URL = settings.MIDTRANS_API_BASE_URL
            core.api_config.CORE_PRODUCTION_BASE_URL = settings.MIDTRANS_API_BASE_URL
        return core

    def charge(self, payment, *, merchant_name: str, merchant_city: str) -> ChargeResult:
        minutes = settings.MALPRO_PAYMENT_EXPIRY_MINUTES
        params = {
            "transaction_details": {"order_id": payment.reference, "gross_amount": payment.amount},
            "custom_expiry": {"expiry_duration": minutes, "unit": "minute"},
        }
        if payment.method == "qris":
            params.update({"payment_type": "qris", "qris": {"acquirer": "gopay"}})
        else:
            params.update(
                {
                    "payment_type": "bank_transfer",
                    "bank_transfer": {"bank": settings.MIDTRANS_VA_BANK},
                }
            )
        response = self._client().charge(params)
        expires = timezone.now() + dt.timedelta(minutes=minutes)
        result = ChargeResult(
            provider_txn_id=str(response.get("transaction_id", "")), expires_at=expires
        )
        if payment.method == "qris":
            result.qris_payload = response.get("qr_string", "")
        else:
            numbers = response.get("va_numbers") or []
            if numbers:
                result.va_bank = numbers[0].get("bank", "")
                result.va_number = numbers[0].get("va_number", "")
            elif response.get("permata_va_number"):
                result.va_bank, result.va_number = "permata", response["permata_va_number"]
        return result

    @staticmethod
    def expected_signature(order_id: str, status_code: str, gross_amount: str) -> str:
        raw = f"{order_id}{status_code}{gross_amount}{settings.MIDTRANS_SERVER_KEY}"
        return hashlib.sha512(raw.encode()).hexdigest()

    def verify(self, request) -> ParsedNotification:
        if not settings.MIDTRANS_SERVER_KEY:
            raise InvalidNotification("midtrans is not configured", status=404)
        try:
            data = json.loads(request.body)
            order_id, status_code = str(data["order_id"]), str(data["status_code"])
            gross = str(data["gross_amount"])
            given = str(data["signature_key"])
        except (ValueError, KeyError, TypeError):
            raise InvalidNotification("unreadable midtrans notification", status=400) from None
        if not hmac.compare_digest(given, self.expected_signature(order_id, status_code, gross)):
            raise InvalidNotification("bad midtrans signature_key")
        state = STATUS.get(str(data.get("transaction_status", "")))
        if state is None:
            raise InvalidNotification("unknown transaction_status", status=400)
        try:
            # Exactly, never through float: "10000.00" is Rp10.000; NaN, 1e5 or sen are refused.
            amount = parse_decimal_rupiah(gross)
        except AmountError as exc:
            raise InvalidNotification(f"bad gross_amount ({exc.code})", status=400) from None
        txn = str(data.get("transaction_id", ""))
        return ParsedNotification(
            reference=order_id,
            status=state,
            amount=amount,
            provider_txn_id=txn,
            dedupe_key=f"midtrans:{txn or order_id}:{state}:{amount}",
        )
