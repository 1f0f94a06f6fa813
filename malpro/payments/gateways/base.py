"""One interface for every payment provider. Adapters: the local simulator (the embedded
default), Midtrans Core API, and a SNAP BI style bank virtual-account adapter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class InvalidNotification(Exception):
    """A forged, unreadable or unverifiable notification (answered 4xx, logged, ignored)."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class ChargeResult:
    qris_payload: str = ""
    va_bank: str = ""
    va_number: str = ""
    provider_txn_id: str = ""
    expires_at: dt.datetime | None = None


@dataclass
class ParsedNotification:
    reference: str  # our Payment.reference
    status: str  # a PaymentStatus value
    amount: int | None
    provider_txn_id: str
    dedupe_key: str


class Gateway:
    name = ""
    methods: tuple[str, ...] = ()

    def charge(self, payment, *, merchant_name: str, merchant_city: str) -> ChargeResult:
        raise NotImplementedError

    def verify(self, request) -> ParsedNotification:
        """Checks the signature of an incoming notification and reads it."""
        raise NotImplementedError

    # Accepted results are 200 (so the provider stops retrying); refusals are 4xx.
    HTTP_STATUS = {
        "applied": 200,
        "duplicate": 200,
        "ignored": 200,
        "rejected": 401,
        "unknown_payment": 404,
        "amount_mismatch": 422,
    }

    def acknowledge(self, parsed: ParsedNotification | None, result: str) -> tuple[int, dict]:
        """The HTTP answer the provider expects."""
        return self.HTTP_STATUS.get(result, 400), {"status": result}
