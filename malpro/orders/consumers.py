"""The orders' messages, sent after the commit of the move that produced them (core.events).

`orders.messages` tells each party of an order what they must act on or what changed for
them: the seller a new order (a cashless one once it is paid) with the time by which to
accept it, the money of a completed order, a system cancellation, a refund and a review; the
buyer each step of the order, a system cancellation and a refund (for a cashless order this
message is the buyer's only one: the payments app does not repeat the ledger's
`refund.due`). Every message is keyed by its event (notifications.services.send), so a
retried or replayed delivery sends nothing twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malpro.core.models import Event
from malpro.core.money import format_rupiah
from malpro.notifications.services import send, translation_for
from malpro.orders.models import DeliveryMethod, Order, OrderStatus, PaymentMethod, Review

MESSAGES = "orders.messages"
MESSAGES_KINDS = [
    "order.placed",
    "order.accepted",
    "order.rejected",
    "order.ready",
    "order.delivered",
    "order.completed",
    "order.cancelled",
    "order.refunded",
    "review.added",
]


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _items(order: Order, limit: int = 3) -> str:
    lines = list(order.lines.all())
    names = [
        f"{line.quantity} x {line.product_name}"
        + (f" ({line.variant_name})" if line.variant_name else "")
        for line in lines[:limit]
    ]
    if len(lines) > limit:
        names.append(f"+{len(lines) - limit}")
    return ", ".join(names)


def _facts(order: Order, event: Event) -> dict:
    return {
        "order_id": order.pk,
        "number": order.number or "",
        "shop": order.business.name,
        "buyer": order.buyer.name if order.buyer_id else "",
        "total": format_rupiah(order.total),
        "reason": (event.payload or {}).get("reason") or order.status_reason,
    }


def messages(event: Event) -> None:
    if event.kind == "review.added":
        _review(event)
        return
    order = (
        Order.objects.select_related("business__owner", "business__village", "buyer")
        .filter(pk=event.subject_id)
        .first()
    )
    if order is None:
        return
    to = (event.payload or {}).get("to") or event.kind.partition(".")[2]
    frm = (event.payload or {}).get("from", "")
    facts = _facts(order, event)
    owner = order.business.owner
    buyer = order.buyer
    if to == OrderStatus.PLACED:
        if owner is None:
            return
        deadline = event.occurred_at + timedelta(hours=settings.MALPRO_ORDER_ACCEPT_HOURS)
        paid = frm == OrderStatus.PENDING_PAYMENT
        with translation_for(owner):  # the labels in the seller's language
            delivery = str(DeliveryMethod(order.delivery_method).label).lower()
            payment = str(PaymentMethod(order.payment_method).label)
        send(
            user=owner,
            kind="order.paid_for_seller" if paid else "order.new_for_seller",
            context={
                **facts,
                "items": _items(order),
                "delivery": delivery,
                "payment": payment,
                "deadline": when(deadline),
            },
            event=event,
        )
    elif to in (OrderStatus.ACCEPTED, OrderStatus.REJECTED, OrderStatus.DELIVERED):
        send(user=buyer, kind=f"order.{to}_for_buyer", context=facts, event=event)
    elif to == OrderStatus.READY:
        pickup = order.delivery_method == DeliveryMethod.PICKUP
        business = order.business
        address = ", ".join(
            part for part in (business.address, getattr(business.village, "name", "")) if part
        )
        send(
            user=buyer,
            kind="order.ready_pickup_for_buyer" if pickup else "order.ready_delivery_for_buyer",
            context={**facts, "address": address},
            event=event,
        )
    elif to == OrderStatus.COMPLETED:
        if owner is None:
            return
        if order.payment_method == PaymentMethod.COD:
            send(user=owner, kind="order.completed_cod_for_seller", context=facts, event=event)
        else:
            path = f"{reverse('payments:balance')}?usaha={order.business_id}"
            send(
                user=owner,
                kind="order.completed_paid_for_seller",
                context={**facts, "path": path},
                event=event,
            )
    elif to == OrderStatus.REFUNDED:
        # The city admin upheld the buyer's complaint about a completed order: the buyer
        # learns the money comes back, the seller what they give back (cashless: from the
        # balance, or the next payout; COD: the cash, by hand).
        how = "cod" if order.payment_method == PaymentMethod.COD else "paid"
        send(user=buyer, kind=f"order.refunded_{how}_for_buyer", context=facts, event=event)
        if owner is not None:
            send(user=owner, kind=f"order.refunded_{how}_for_seller", context=facts, event=event)
    elif to == OrderStatus.CANCELLED and event.actor_id is not None:
        # A person's cancellation: the buyer's (the seller stops preparing it) or the city
        # admin's (both parties are told why). An unpaid order never reached the seller.
        reached_seller = frm != OrderStatus.PENDING_PAYMENT
        by_buyer = event.actor_id == order.buyer_id
        if owner is not None and reached_seller and event.actor_id != owner.pk:
            with translation_for(owner):
                by = str(_("pembeli") if by_buyer else _("admin kota"))
            send(
                user=owner,
                kind="order.cancelled_for_seller",
                context={**facts, "by": by},
                event=event,
            )
        if not by_buyer:
            send(user=buyer, kind="order.cancelled_for_buyer", context=facts, event=event)
    elif to == OrderStatus.CANCELLED:
        # The system's cancellations: not accepted in time, or the payment expired (that
        # order never reached the seller). Why, in the buyer's language.
        unpaid = frm == OrderStatus.PENDING_PAYMENT
        hours = settings.MALPRO_ORDER_ACCEPT_HOURS
        with translation_for(buyer):
            why = str(
                _("pembayarannya kedaluwarsa sebelum diterima")
                if unpaid
                else _("penjual tidak menanggapinya dalam %(hours)s jam") % {"hours": hours}
            )
        send(
            user=buyer,
            kind="order.auto_cancelled_for_buyer",
            context={**facts, "why": why},
            event=event,
        )
        if owner is not None and not unpaid:
            send(
                user=owner,
                kind="order.auto_cancelled_for_seller",
                context={**facts, "hours": hours},
                event=event,
            )


def _review(event: Event) -> None:
    review = (
        Review.objects.select_related("product__business__owner", "buyer")
        .filter(pk=event.subject_id)
        .first()
    )
    if review is None or review.product.business.owner is None:
        return
    send(
        user=review.product.business.owner,
        kind="review.added_for_seller",
        context={
            "order_id": review.order_id,
            "product": review.product.name,
            "buyer": review.buyer.name,
            "rating": review.rating,
            "text": (review.text or "-")[:200],
        },
        event=event,
    )
