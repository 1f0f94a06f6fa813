"""After-commit consumers of the payments' own events (core.events)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from malpro.core.money import format_rupiah
from malpro.notifications.services import send, translation_for
from malpro.orders.models import Order, OrderStatus, PaymentMethod
from malpro.payments.models import Payment, PaymentStatus, PayoutLine
from malpro.umkm.models import Business


def tell_owner(event) -> None:
    """`payout_account.changed` / `static_qris.changed`: the business owner is told (once per
    event: the message is keyed by the event)."""
    business = Business.objects.select_related("owner").filter(pk=event.subject_id).first()
    if business is None or business.owner is None:
        return
    send(
        user=business.owner,
        kind=event.kind,
        context={
            "shop": business.name,
            "when": timezone.localtime(event.occurred_at).strftime("%d/%m/%Y %H:%M"),
            "bank": event.payload.get("bank_code", ""),
            "merchant": event.payload.get("merchant_name", ""),
            "path": f"{reverse('payments:balance')}?usaha={business.pk}",
        },
        event=event,
    )


# --- messages of payments: payment due and expiring, refund due, payout sent ----------------------
MESSAGES = "payments.messages"
MESSAGES_KINDS = ["checkout.placed", "refund.due", "payout_batch.paid"]
EXPIRING_WITHIN = dt.timedelta(minutes=15)


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _payment_facts(payment: Payment) -> dict:
    with translation_for(payment.checkout.buyer):
        method = str(dict(PaymentMethod.choices).get(payment.method, payment.method))
    numbers = list(payment.checkout.orders.order_by("pk").values_list("number", flat=True))
    return {
        "amount": format_rupiah(payment.amount),
        "numbers": ", ".join(n for n in numbers if n),
        "method": method,
        "deadline": when(payment.expires_at),
        "path": reverse("payments:pay", args=[payment.checkout_id]),
    }


def messages(event) -> None:
    if event.kind == "checkout.placed":
        _payment_due(event)
    elif event.kind == "refund.due":
        _refund_due(event)
    elif event.kind == "payout_batch.paid":
        _payout_sent(event)


def _payment_due(event) -> None:
    """A cashless checkout: its buyer is told what to pay, by when, and where."""
    payment = (
        Payment.objects.select_related("checkout__buyer").filter(checkout_id=event.subject_id)
    ).first()
    if payment is None or payment.status not in (PaymentStatus.CREATED, PaymentStatus.PENDING):
        return  # COD, or already paid (or expired) by the time this runs: nothing to ask
    send(
        user=payment.checkout.buyer,
        kind="payment.due",
        context=_payment_facts(payment),
        event=event,
        expires_at=payment.expires_at,
    )


def remind_expiring(*, now=None) -> int:
    """Unpaid payments that expire within EXPIRING_WITHIN: their buyer is reminded once
    (keyed by the payment, so the job running every few minutes never repeats it)."""
    now = now or timezone.now()
    sent = 0
    due = (
        Payment.objects.filter(
            status__in=[PaymentStatus.CREATED, PaymentStatus.PENDING],
            expires_at__gt=now,
            expires_at__lte=now + EXPIRING_WITHIN,
        )
        # A checkout its buyer dropped keeps its payment open until it expires: no reminder.
        .filter(
            Exists(
                Order.objects.filter(
                    checkout_id=OuterRef("checkout_id"), status=OrderStatus.PENDING_PAYMENT
                )
            )
        )
        .select_related("checkout__buyer")
        .order_by("pk")
    )
    for payment in due:
        with transaction.atomic():
            note = send(
                user=payment.checkout.buyer,
                kind="payment.expiring",
                context=_payment_facts(payment),
                key=f"payment-expiring:{payment.pk}",
                expires_at=payment.expires_at,
            )
        sent += note is not None
    return sent


def _refund_due(event) -> None:
    """The ledger recorded that an order's money is owed back (a paid order cancelled or
    rejected, or money that arrived after the payment had expired): its buyer is told."""
    payload = event.payload or {}
    if payload.get("cause") == "refunded":
        return  # a completed order refunded: the order's own message told the buyer
    order = (
        Order.objects.select_related("buyer", "business").filter(pk=payload.get("order_id")).first()
    )
    if order is None:
        return
    send(
        user=order.buyer,
        kind="refund.due",
        context={
            "order_id": order.pk,
            "number": order.number or "",
            "shop": order.business.name,
            "amount": format_rupiah(int(payload.get("amount", order.total))),
            "reason": order.status_reason,
        },
        event=event,
    )


def _payout_sent(event) -> None:
    """A payout batch was transferred: each business's owner learns its own amount."""
    lines = (
        PayoutLine.objects.filter(batch_id=event.subject_id)
        .select_related("business__owner")
        .order_by("pk")
    )
    for line in lines:
        owner = line.business.owner
        if owner is None:
            continue
        send(
            user=owner,
            kind="payout.sent",
            context={
                "amount": format_rupiah(line.amount),
                "shop": line.business.name,
                "bank": line.bank_code,
                "path": f"{reverse('payments:balance')}?usaha={line.business_id}",
            },
            event=event,
            # One owner may have several businesses in a batch: one message per line.
            key=f"{event.uid}:line:{line.pk}",
        )
