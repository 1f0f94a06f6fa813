"""Cashless payments: starting them, taking providers' notifications, expiring the unpaid."""

from __future__ import annotations

import datetime as dt
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.accounts import services as account_services
from malpro.core import audit, events, throttle, workflow
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.core.money import format_rupiah
from malpro.core.validators import mask_middle
from malpro.ledger import services as ledger
from malpro.orders import services as orders
from malpro.orders.models import Order, OrderStatus, PaymentMethod
from malpro.payments import access, qris
from malpro.payments.gateways.base import ChargeResult, InvalidNotification
from malpro.payments.gateways.registry import gateway, provider_for
from malpro.payments.models import BankAccount, MerchantQRIS, Notification, Payment, PaymentStatus
from malpro.payments.workflow import PAYMENT, PAYMENT_CLOSED
from malpro.umkm.models import Business

logger = logging.getLogger(__name__)


def _event_payload(payment: Payment, order_ids=None) -> dict:
    """What every payment event carries: no account or VA numbers."""
    if order_ids is None:
        order_ids = payment.checkout.orders.values_list("pk", flat=True)
    return {
        "amount": payment.amount,
        "provider": payment.provider,
        "checkout_id": str(payment.checkout_id),
        "order_ids": sorted(order_ids),
    }


def payment_create(
    *, checkout_id, method: str, amount: int, actor=None, order_ids=()
) -> Payment | None:
    """In the checkout's transaction: the Payment row (with its reference) exists before any
    provider is called, so a notification can always find it, even after a crash."""
    if method == PaymentMethod.COD:
        return None
    payment = Payment.objects.create(
        checkout_id=checkout_id,
        method=method,
        provider=provider_for(method),
        amount=amount,
        expires_at=timezone.now() + dt.timedelta(minutes=settings.MALPRO_PAYMENT_EXPIRY_MINUTES),
    )
    workflow.created(
        machine=PAYMENT,
        obj=payment,
        actor=actor,
        payload=_event_payload(payment, order_ids=order_ids),
    )
    transaction.on_commit(lambda: payment_charge(payment_id=payment.pk))
    return payment


def start_payment_on_checkout(event) -> None:
    """`checkout.placed`, inside the checkout's transaction: a cashless checkout's payment
    exists when the buyer is sent to the payment page. The event says all it needs (no read
    of the checkout on the way)."""
    payload = event.payload
    payment_create(
        checkout_id=event.subject_id,
        method=payload.get("payment_method", PaymentMethod.COD),
        amount=payload["total"],
        actor=event.actor,
        order_ids=payload.get("order_ids", ()),
    )


def payment_charge(*, payment_id: int) -> Payment:
    """Asks the provider for a QRIS payload or VA number (outside any transaction: it is an
    HTTP call). Safe to repeat: a payment that has them is left alone."""
    payment = Payment.objects.select_related("checkout").get(pk=payment_id)
    if payment.status != PaymentStatus.CREATED or payment.qris_payload or payment.va_number:
        return payment
    orders_of = list(payment.checkout.orders.select_related("business"))
    name = orders_of[0].business.name if len(orders_of) == 1 else settings.MALPRO_SITE_NAME
    try:
        result = gateway(payment.provider).charge(
            payment, merchant_name=name, merchant_city=settings.MALPRO_QRIS_MERCHANT_CITY
        )
    except Exception as exc:
        logger.warning(
            "charge of payment %s at %s failed: %s",
            payment.pk,
            payment.provider,
            exc.__class__.__name__,
        )
        Payment.objects.filter(pk=payment.pk).update(charge_error=str(exc)[:300])
        return Payment.objects.get(pk=payment.pk)
    try:
        return payment_transition(
            actor=None, payment_id=payment.pk, to=PaymentStatus.PENDING, charge=result
        )
    except Conflict:  # paid, failed or expired while the provider answered: keep that
        return Payment.objects.get(pk=payment.pk)


# --- the payment machine -------------------------------------------------------------------------
def payment_transition(
    *,
    actor,
    payment_id: int,
    to: str,
    reason: str = "",
    provider_txn_id: str = "",
    charge: ChargeResult | None = None,
) -> Payment:
    """Every move of a payment: checks the table (the system's moves only), sets what the new
    status brings, records `payment.<to>` and, in the same transaction, the money and the
    orders: captured -> the ledger's capture and the orders to their sellers (or, for orders
    already closed, a refund due); failed or expired -> the waiting orders cancelled."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update().select_related("checkout").filter(pk=payment_id)
        ).first()
        if payment is None:
            raise NotFound(PAYMENT.not_found_message)
        PAYMENT.check(obj=payment, to=to, actor=actor)
        frm = payment.status
        fields: list[str] = []
        if to == PaymentStatus.PENDING and charge is not None:
            payment.qris_payload, payment.va_bank = charge.qris_payload, charge.va_bank
            payment.va_number = charge.va_number
            payment.provider_txn_id = charge.provider_txn_id
            payment.expires_at = charge.expires_at or payment.expires_at
            payment.charge_error = ""
            fields += ["qris_payload", "va_bank", "va_number", "provider_txn_id", "expires_at"]
            fields += ["charge_error"]
        elif to == PaymentStatus.PAID:
            payment.paid_at = timezone.now()
            payment.provider_txn_id = provider_txn_id or payment.provider_txn_id
            payment.paid_late = frm in PAYMENT_CLOSED
            fields += ["paid_at", "provider_txn_id", "paid_late"]
        payload = _event_payload(payment)
        if to == PaymentStatus.PAID:
            payload["late"] = payment.paid_late
        workflow.transition(
            machine=PAYMENT,
            obj=payment,
            to=to,
            actor=actor,
            reason=reason,
            fields=fields,
            payload=payload,
            checked=True,
        )
        if to == PaymentStatus.PAID:
            _capture(payment)
        elif to in PAYMENT_CLOSED:
            _cancel_unpaid_orders(
                payment,
                reason=reason or _("Pembayaran %(s)s.") % {"s": PaymentStatus(to).label.lower()},
            )
    return payment


def _capture(payment: Payment) -> None:
    ledger.post_capture(checkout=payment.checkout, provider=payment.provider, amount=payment.amount)
    for order in payment.checkout.orders.all():
        if order.status == OrderStatus.PENDING_PAYMENT:
            orders.order_transition(
                actor=None,
                order_id=order.pk,
                to=OrderStatus.PLACED,
                reason=_("Pembayaran diterima (%(ref)s).") % {"ref": payment.reference},
                paid_via=payment.provider,
            )
        elif order.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
            # Paid after the order had been closed (the payment had expired, its stock was
            # released): the money is owed back to the buyer.
            ledger.post_refund_due(order=order, provider=payment.provider)
    audit.record(
        action="payments.captured",
        target=payment,
        data={"amount": payment.amount, "late": payment.paid_late},
    )


def _cancel_unpaid_orders(payment: Payment, *, reason: str) -> None:
    for order_id in payment.checkout.orders.filter(status=OrderStatus.PENDING_PAYMENT).values_list(
        "pk", flat=True
    ):
        orders.order_transition(
            actor=None, order_id=order_id, to=OrderStatus.CANCELLED, reason=reason
        )


def payment_for_buyer(*, user, checkout_id) -> Payment:
    """The buyer's payment, charged at the provider if that has not happened yet."""
    payment = access.payment_get_for_buyer(user=user, checkout_id=checkout_id)
    if payment.status == PaymentStatus.CREATED and not (payment.qris_payload or payment.va_number):
        payment = payment_charge(payment_id=payment.pk)
    return payment


# --- notifications -------------------------------------------------------------------------------
REJECTED_NOTIFICATIONS_PER_IP = 60  # an hour; a provider's own mistakes stay far below


def _count_rejected(*, provider: str, ip: str) -> None:
    throttle.hit("webhook-rejected", provider, limit=0, window=3600)
    throttle.hit("webhook-rejected-ip", ip, limit=REJECTED_NOTIFICATIONS_PER_IP, window=3600)


def rejected_notifications(provider: str) -> int:
    """Unverifiable posts to `provider`'s webhook in the current hour (for operators)."""
    return throttle.hit("webhook-rejected", provider, limit=0, window=3600, count=False).count


def notification_handle(*, provider: str, request) -> tuple[int, dict]:
    """Verifies and applies one provider notification. Forged, unknown or other-amount
    notifications change nothing and are answered 4xx; a repeat is accepted once; a late
    notification never moves a payment backwards."""
    ip = audit.client_ip(request)
    # A sender whose posts we could not verify is counted, never stored (its body is anyone's
    # text), and one that keeps sending them is turned away before we read another.
    if throttle.hit(
        "webhook-rejected-ip", ip, limit=REJECTED_NOTIFICATIONS_PER_IP, window=3600, count=False
    ).exceeded:
        return 429, {"message": _("Terlalu banyak notifikasi yang ditolak dari alamat ini.")}
    try:
        adapter = gateway(provider)
    except LookupError:
        _count_rejected(provider="unknown", ip=ip)
        return 404, {"message": _("Penyedia pembayaran tidak dikenal.")}
    try:
        parsed = adapter.verify(request)
    except InvalidNotification as exc:
        logger.warning("rejected %s notification: %s", provider, exc.message)
        _count_rejected(provider=provider, ip=ip)
        status, answer = adapter.acknowledge(None, "rejected")
        return (exc.status if exc.status != 401 else status), answer
    body = request.body.decode("utf-8", "replace")[:20000]
    payment = (
        Payment.objects.filter(provider=provider).filter(reference=parsed.reference).first()
        or Payment.objects.filter(provider=provider, va_number=parsed.reference).first()
    )
    if payment is None:
        logger.warning("%s notification for unknown payment %s", provider, parsed.reference)
        Notification.objects.create(
            provider=provider, body=body, signature_valid=True, result="unknown_payment", ip=ip
        )
        return adapter.acknowledge(parsed, "unknown_payment")
    if parsed.amount is not None and parsed.amount != payment.amount:
        logger.warning(
            "%s notification for %s with amount %s (expected %s)",
            provider,
            payment.reference,
            parsed.amount,
            payment.amount,
        )
        Notification.objects.create(
            provider=provider,
            payment=payment,
            body=body,
            signature_valid=True,
            result="amount_mismatch",
            ip=ip,
            detail=_("jumlah %(got)s, seharusnya %(expected)s")
            % {"got": format_rupiah(parsed.amount), "expected": format_rupiah(payment.amount)},
        )
        return adapter.acknowledge(parsed, "amount_mismatch")
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                provider=provider,
                payment=payment,
                body=body,
                signature_valid=True,
                ip=ip,
                result="received",
                dedupe_key=parsed.dedupe_key,
            )
            result = _apply(payment.pk, parsed)
            note.result = result
            note.save(update_fields=["result"])
    except IntegrityError:
        Notification.objects.create(
            provider=provider,
            payment=payment,
            body=body,
            signature_valid=True,
            result="duplicate",
            ip=ip,
        )
        return adapter.acknowledge(parsed, "duplicate")
    return adapter.acknowledge(parsed, result)


def _apply(payment_id: int, parsed) -> str:
    """One verified notification, inside its claim (the notification's unique dedupe key): a
    move the table does not have is a late or repeated notification and changes nothing."""
    current = (
        Payment.objects.select_for_update().values_list("status", flat=True).get(pk=payment_id)
    )
    if not PAYMENT.allows(current, parsed.status, workflow.SYSTEM):
        return "ignored"
    payment_transition(
        actor=None,
        payment_id=payment_id,
        to=parsed.status,
        provider_txn_id=parsed.provider_txn_id,
    )
    return "applied"


def payments_expire(*, now=None) -> int:
    """Unpaid QRIS/VA past their expiry: expired, their orders cancelled, stock released."""
    now = now or timezone.now()
    done = 0
    for payment_id in Payment.objects.filter(
        status__in=[PaymentStatus.CREATED, PaymentStatus.PENDING], expires_at__lt=now
    ).values_list("pk", flat=True):
        try:
            payment_transition(
                actor=None,
                payment_id=payment_id,
                to=PaymentStatus.EXPIRED,
                reason=_("Pembayaran kedaluwarsa."),
            )
        except Conflict:
            continue  # paid (or failed) meanwhile
        done += 1
    return done


def buyer_cancel(*, user, checkout_id) -> Payment:
    """The buyer drops an unpaid checkout: its orders are cancelled and the stock returns (the
    payment itself expires later; money that still arrives is owed back)."""
    payment = access.payment_get_for_buyer(user=user, checkout_id=checkout_id)
    if payment.status == PaymentStatus.PAID:
        raise Conflict(_("Sudah dibayar: batalkan per pesanan selama belum diterima penjual."))
    for order in Order.objects.filter(checkout_id=checkout_id, status=OrderStatus.PENDING_PAYMENT):
        orders.order_transition(
            actor=user,
            order_id=order.pk,
            to=OrderStatus.CANCELLED,
            reason=_("Dibatalkan sebelum dibayar."),
        )
    return payment


# --- the seller's payout account and static QRIS -------------------------------------------------
ACCOUNT_NUMBER = re.compile(r"^[0-9]{6,20}$")


def _owner_only(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Hanya pemilik usaha yang dapat mengubah data pembayaran toko."))


def payout_account_set(
    *, actor, business: Business, bank_code: str, account_number: str, account_name: str
) -> BankAccount:
    """Where the shop's payouts go. Written by its owner only, audited (the number masked) and
    announced (`payout_account.changed`): the owner is told in the app, so a change made by
    someone else with their session does not go unnoticed."""
    _owner_only(access.can_set_payout_account(user=actor, business=business))
    # Where money goes is decided only by someone who proved the phone on the account, and
    # not in the first days after the account was moved to a new number at the desk.
    account_services.require_verified_phone(actor)
    account_services.require_no_recovery_hold(actor)
    bank_code = (bank_code or "").strip().upper()
    account_number = re.sub(r"[\s.-]", "", account_number or "")
    account_name = " ".join((account_name or "").split())
    if not bank_code or len(bank_code) > 20:
        raise ApplicationError.for_field("bank_code", _("Kode bank wajib diisi (maks. 20)."))
    if not ACCOUNT_NUMBER.match(account_number):
        raise ApplicationError.for_field("account_number", _("Nomor rekening 6–20 angka."))
    if not account_name or len(account_name) > 100:
        raise ApplicationError.for_field(
            "account_name", _("Nama pemilik rekening wajib diisi (maks. 100 huruf).")
        )
    with transaction.atomic(durable=True):
        Business.objects.select_for_update().filter(pk=business.pk).first()
        account = BankAccount.objects.filter(business=business).first()
        new = {
            "bank_code": bank_code,
            "account_number": account_number,
            "account_name": account_name,
        }
        if account is not None and all(getattr(account, k) == v for k, v in new.items()):
            return account  # nothing changed: no audit row, no notice
        created = account is None
        if created:
            account = BankAccount.objects.create(business=business, **new)
        else:
            previous = mask_middle(account.account_number, keep_start=0, keep_end=4)
            for key, value in new.items():
                setattr(account, key, value)
            account.save(update_fields=[*new, "updated_at"])
        masked = mask_middle(account_number, keep_start=0, keep_end=4)
        audit.record(
            action="payments.payout_account_changed",
            actor=actor,
            target=business,
            data={
                "bank_code": bank_code,
                "account_number": masked,
                **({} if created else {"previous": previous}),
            },
        )
        events.record(
            kind="payout_account.changed",
            subject=business,
            actor=actor,
            payload={"bank_code": bank_code, "created": created},
        )
    return account


def static_qris_set(*, actor, business: Business, payload: str) -> MerchantQRIS:
    """The shop's own static QRIS sticker: checked (structure and CRC), written by its owner
    only, audited and announced (`static_qris.changed`), like the payout account."""
    _owner_only(access.can_set_static_qris(user=actor, business=business))
    account_services.require_verified_phone(actor)
    account_services.require_no_recovery_hold(actor)
    payload = (payload or "").strip()
    try:
        parsed = qris.parse(payload)
    except qris.QRISError as exc:
        raise ApplicationError.for_field("payload", exc.message) from None
    with transaction.atomic(durable=True):
        Business.objects.select_for_update().filter(pk=business.pk).first()
        existing = MerchantQRIS.objects.filter(business=business).first()
        if existing is not None and existing.payload == payload:
            return existing
        static, created = MerchantQRIS.objects.update_or_create(
            business=business,
            defaults={
                "payload": payload,
                "merchant_name": parsed.merchant_name[:100],
                "merchant_city": parsed.merchant_city[:60],
                "nmid": parsed.nmid or "",
                "warnings": parsed.warnings,
            },
        )
        facts = {
            "merchant_name": static.merchant_name,
            "merchant_city": static.merchant_city,
            "nmid": static.nmid,
            "created": created,
        }
        audit.record(
            action="payments.static_qris_changed", actor=actor, target=business, data=facts
        )
        events.record(kind="static_qris.changed", subject=business, actor=actor, payload=facts)
    return static


def payment_page_url(checkout) -> str | None:
    """Where a fresh cashless checkout sends its buyer: its payment page (COD: nowhere)."""
    if checkout.payment_method != "cod":
        return reverse("payments:pay", args=[checkout.pk])
    return None
