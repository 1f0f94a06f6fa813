"""Cashless payments: starting them, taking providers' notifications, expiring the unpaid."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.core import audit
from malpro.core.exceptions import Conflict, NotFound
from malpro.ledger import services as ledger
from malpro.orders import services as orders
from malpro.orders.models import Checkout, Order, OrderStatus, PaymentMethod
from malpro.payments.gateways.base import InvalidNotification
from malpro.payments.gateways.registry import gateway, provider_for
from malpro.payments.models import RANK, Notification, Payment, PaymentStatus

logger = logging.getLogger(__name__)


def payment_create(*, checkout: Checkout) -> Payment | None:
    """In the checkout's transaction: the Payment row (with its reference) exists before any
    provider is called, so a notification can always find it, even after a crash."""
    if checkout.payment_method == PaymentMethod.COD:
        return None
    payment = Payment.objects.create(
        checkout=checkout,
        method=checkout.payment_method,
        provider=provider_for(checkout.payment_method),
        amount=checkout.grand_total,
        expires_at=timezone.now() + dt.timedelta(minutes=settings.MALPRO_PAYMENT_EXPIRY_MINUTES),
    )
    transaction.on_commit(lambda: payment_charge(payment_id=payment.pk))
    return payment


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
    Payment.objects.filter(pk=payment.pk, status=PaymentStatus.CREATED).update(
        status=PaymentStatus.PENDING,
        qris_payload=result.qris_payload,
        va_bank=result.va_bank,
        va_number=result.va_number,
        provider_txn_id=result.provider_txn_id,
        expires_at=result.expires_at or payment.expires_at,
        charge_error="",
    )
    return Payment.objects.get(pk=payment.pk)


def payment_for_buyer(*, user, checkout_id) -> Payment:
    payment = (
        Payment.objects.select_related("checkout")
        .filter(checkout_id=checkout_id, checkout__buyer=user)
        .first()
    )
    if payment is None:
        raise NotFound(_("Pembayaran tidak ditemukan."))
    if payment.status == PaymentStatus.CREATED and not (payment.qris_payload or payment.va_number):
        payment = payment_charge(payment_id=payment.pk)
    return payment


# --- notifications -------------------------------------------------------------------------------
def notification_handle(*, provider: str, request) -> tuple[int, dict]:
    """Verifies and applies one provider notification. Forged, unknown or other-amount
    notifications change nothing and are answered 4xx; a repeat is accepted once; a late
    notification never moves a payment backwards."""
    try:
        adapter = gateway(provider)
    except LookupError:
        return 404, {"message": _("Penyedia pembayaran tidak dikenal.")}
    ip = audit.client_ip(request)
    body = request.body.decode("utf-8", "replace")[:20000]
    try:
        parsed = adapter.verify(request)
    except InvalidNotification as exc:
        logger.warning("rejected %s notification from %s: %s", provider, ip, exc.message)
        Notification.objects.create(
            provider=provider, body=body, result="rejected", detail=exc.message[:300], ip=ip
        )
        status, answer = adapter.acknowledge(None, "rejected")
        return (exc.status if exc.status != 401 else status), answer
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
            detail=f"got {parsed.amount}, expected {payment.amount}",
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
    payment = Payment.objects.select_for_update().select_related("checkout").get(pk=payment_id)
    new = parsed.status
    if RANK[new] <= RANK[payment.status]:
        return "ignored"
    if new == PaymentStatus.PAID:
        _capture(payment, parsed.provider_txn_id)
        return "applied"
    payment.status = new
    payment.save(update_fields=["status"])
    _cancel_unpaid_orders(
        payment, reason=_("Pembayaran %(s)s.") % {"s": PaymentStatus(new).label.lower()}
    )
    return "applied"


def _capture(payment: Payment, provider_txn_id: str) -> None:
    was_expired = payment.status in (PaymentStatus.EXPIRED, PaymentStatus.FAILED)
    payment.status, payment.paid_at = PaymentStatus.PAID, timezone.now()
    payment.provider_txn_id = provider_txn_id or payment.provider_txn_id
    payment.paid_late = was_expired
    payment.save(update_fields=["status", "paid_at", "provider_txn_id", "paid_late"])
    ledger.post_capture(checkout=payment.checkout, provider=payment.provider, amount=payment.amount)
    for order in payment.checkout.orders.all():
        if order.status == OrderStatus.PENDING_PAYMENT:
            orders.order_transition(
                actor=None,
                order_id=order.pk,
                to=OrderStatus.PLACED,
                reason=_("Pembayaran diterima (%(ref)s).") % {"ref": payment.reference},
            )
        elif order.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED):
            # Paid after the order had been closed (the payment had expired, its stock was
            # released): the money is owed back to the buyer.
            ledger.post_refund_due(order=order, provider=payment.provider)
    audit.record(
        action="payments.captured",
        target=payment,
        data={"amount": payment.amount, "late": was_expired},
    )


def _cancel_unpaid_orders(payment: Payment, *, reason: str) -> None:
    for order_id in payment.checkout.orders.filter(status=OrderStatus.PENDING_PAYMENT).values_list(
        "pk", flat=True
    ):
        orders.order_transition(
            actor=None, order_id=order_id, to=OrderStatus.CANCELLED, reason=reason
        )


def payments_expire(*, now=None) -> int:
    """Unpaid QRIS/VA past their expiry: expired, their orders cancelled, stock released."""
    now = now or timezone.now()
    done = 0
    for payment_id in Payment.objects.filter(
        status__in=[PaymentStatus.CREATED, PaymentStatus.PENDING], expires_at__lt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment_id)
            if payment.status not in (PaymentStatus.CREATED, PaymentStatus.PENDING):
                continue  # paid meanwhile
            payment.status = PaymentStatus.EXPIRED
            payment.save(update_fields=["status"])
            _cancel_unpaid_orders(payment, reason=_("Pembayaran kedaluwarsa."))
            done += 1
    return done


def buyer_cancel(*, user, checkout_id) -> Payment:
    payment = payment_for_buyer(user=user, checkout_id=checkout_id)
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
