"""The local simulator: behaves like a provider. It issues QRIS payloads and VA numbers, and its
"pay" page sends a signed HTTP notification to the webhook, as a provider would."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

from django.conf import settings
from django.utils import timezone

from malpro.payments import qris
from malpro.payments.gateways.base import (
    ChargeResult,
    Gateway,
    InvalidNotification,
    ParsedNotification,
)

SIGNATURE_HEADER = "X-Simulator-Signature"


def secret() -> bytes:
    configured = getattr(settings, "MALPRO_SIMULATOR_SECRET", "")
    base = configured or settings.SECRET_KEY
    return hashlib.sha256(("malpro-simulator:" + base).encode()).digest()


def sign(body: bytes) -> str:
    return hmac.new(secret(), body, hashlib.sha256).hexdigest()


class SimulatorGateway(Gateway):
    name = "simulator"
    methods = ("qris", "va")
    VA_PREFIX = "88077"  # the simulator's "bank"

    def charge(self, payment, *, merchant_name: str, merchant_city: str) -> ChargeResult:
        expires = timezone.now() + dt.timedelta(minutes=settings.MALPRO_PAYMENT_EXPIRY_MINUTES)
        if payment.method == "qris":
            return ChargeResult(
                qris_payload=qris.build_dynamic(
                    merchant_name=merchant_name,
                    merchant_city=merchant_city,
                    nmid="ID1026000000001",
                    amount=payment.amount,
                    reference=payment.reference,
                    acquirer="ID.CO.MALPRO.SIM",
                ),
                provider_txn_id=f"SIM-{payment.reference}",
                expires_at=expires,
            )
        serial = int(hashlib.sha256(payment.reference.encode()).hexdigest(), 16) % 10**11
        number = f"{self.VA_PREFIX}{serial:011d}"
        return ChargeResult(
            va_bank="SIMBANK",
            va_number=number,
            provider_txn_id=f"SIM-{payment.reference}",
            expires_at=expires,
        )

    @staticmethod
    def notification_body(payment, *, status: str = "paid", amount: int | None = None) -> bytes:
        return json.dumps(
            {
                "reference": payment.reference,
                "transaction_id": payment.provider_txn_id,
                "status": status,
                "amount": payment.amount if amount is None else amount,
                "paid_at": timezone.now().isoformat(),
            },
            separators=(",", ":"),
        ).encode()

    def verify(self, request) -> ParsedNotification:
        body = request.body
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given or not hmac.compare_digest(given, sign(body)):
            raise InvalidNotification("bad simulator signature")
        try:
            data = json.loads(body)
            status = {
                "paid": "paid",
                "expired": "expired",
                "failed": "failed",
                "pending": "pending",
            }[data["status"]]
            return ParsedNotification(
                reference=str(data["reference"]),
                status=status,
                amount=int(data["amount"]),
                provider_txn_id=str(data.get("transaction_id", "")),
                dedupe_key=f"simulator:{data['reference']}:{status}:{int(data['amount'])}",
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidNotification(f"unreadable notification: {exc}", status=400) from None
