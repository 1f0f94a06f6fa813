"""The ledger follows orders: its postings run inside the transaction that moves the order
(core.events.within_transaction), so money moves atomically with the order's state. They read
the order event's payload (orders.services.order_payload), not the order."""

from __future__ import annotations

from malpro.core.models import Event
from malpro.ledger import services
from malpro.ledger.services import OrderRef
from malpro.orders.models import OrderStatus, PaymentMethod

KINDS = (
    "order.completed",
    "order.cancelled",
    "order.rejected",
    "order.delivered",
    "order.refunded",
)


def _order(event: Event) -> OrderRef:
    payload = event.payload
    return OrderRef(
        pk=int(event.subject_id),
        business_id=payload["business_id"],
        total=payload["total"],
        number=payload.get("number", ""),
    )


def _paid_via(event: Event) -> str | None:
    """The provider that captured a cashless order's money, or None when it was not paid."""
    payload = event.payload
    if payload["payment_method"] == PaymentMethod.COD:
        return None
    if payload.get("paid_via"):
        return payload["paid_via"]
    # Orders paid before orders recorded the provider (Order.paid_via is empty for them): the
    # provider is that of the checkout's capture entry. Orders paid since carry it.
    return services.captured_provider_of_order(event.subject_id)


def post(event: Event) -> None:
    payload = event.payload
    to = payload["to"]
    if to == OrderStatus.DELIVERED:
        if payload["payment_method"] == PaymentMethod.COD:
            services.post_cod_collected(order=_order(event))
        return
    if to == OrderStatus.REFUNDED:  # a completed order's money goes back to its buyer
        provider = _paid_via(event)
        if provider is None:  # COD: the seller hands the cash back
            services.post_cod_refunded(order=_order(event))
        else:  # cashless: the seller's payable gives it back, the buyer's refund is due
            services.post_order_refunded(order=_order(event), provider=provider)
        return
    if to in (OrderStatus.CANCELLED, OrderStatus.REJECTED) and (
        payload["from"] == OrderStatus.PENDING_PAYMENT
    ):
        return  # never paid: a payment arriving later is refunded by the payments app
    provider = _paid_via(event)
    if provider is None:
        return
    if to == OrderStatus.COMPLETED:  # paid cashless: the seller is now owed the order's total
        services.post_order_completed(order=_order(event), provider=provider)
    else:  # cancelled or rejected after payment: the buyer gets it back
        services.post_refund_due(order=_order(event), provider=provider)
