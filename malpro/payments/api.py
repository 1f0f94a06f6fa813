import datetime as dt
from uuid import UUID

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router, Schema
from pydantic import Field

from malpro.core.exceptions import ApplicationError
from malpro.payments import access, qris, services, settlements

router = Router(tags=["payments"])


class PaymentOut(Schema):
    method: str
    status: str
    amount: int
    qris_payload: str | None = None
    va_number: str | None = None
    va_bank: str | None = None
    expires_at: dt.datetime
    reference: str


class QRISIn(Schema):
    payload: str = Field(..., max_length=1000)


class QRISOut(Schema):
    point_of_initiation: str
    merchant_name: str
    merchant_city: str
    nmid: str | None
    amount: int | None
    crc_valid: bool
    reference: str | None
    warnings: list[str]


class BalanceQuery(Schema):
    business: int


class BalanceOut(Schema):
    business_id: int
    payable: int
    debt: int  # owed back after a refund of money already paid out: netted from payouts
    pending: int
    paid_out: int
    in_payout: int
    cod_collected: int


@router.get("/checkouts/{checkout_id}/payment", response=PaymentOut)
def checkout_payment(request: HttpRequest, checkout_id: UUID):
    payment = services.payment_for_buyer(user=request.auth, checkout_id=checkout_id)
    data = {
        "method": payment.method,
        "status": payment.status,
        "amount": payment.amount,
        "expires_at": payment.expires_at,
        "reference": payment.reference,
    }
    if payment.method == "qris":
        data["qris_payload"] = payment.qris_payload or None
    else:
        data["va_number"], data["va_bank"] = payment.va_number or None, payment.va_bank or None
    return data


@router.post("/payments/qris/parse", response=QRISOut, auth=None)
def qris_parse(request: HttpRequest, payload: QRISIn):
    try:
        parsed = qris.parse(payload.payload)
    except qris.QRISError as exc:
        raise ApplicationError(
            exc.message, {"fields": {"payload": exc.message}, "position": exc.position}, status=422
        ) from None
    return {
        "point_of_initiation": parsed.point_of_initiation,
        "merchant_name": parsed.merchant_name,
        "merchant_city": parsed.merchant_city,
        "nmid": parsed.nmid,
        "amount": parsed.amount,
        "crc_valid": parsed.crc_valid,
        "reference": parsed.reference,
        "warnings": parsed.warnings,
    }


@router.post(
    "/payments/webhooks/{provider}",
    auth=None,
    url_name="payment_webhook",
    include_in_schema=True,
    summary="Provider notifications (signed)",
)
def webhook(request: HttpRequest, provider: str):
    status, body = services.notification_handle(provider=provider, request=request)
    return JsonResponse(body, status=status)


@router.get("/ledger/balances", response=BalanceOut)
def balances(request: HttpRequest, query: Query[BalanceQuery]):
    business = access.balance_business_get_for_user(user=request.auth, business_id=query.business)
    return settlements.seller_balance(business=business)
