"""The catalog's sales counters, kept from other apps' events after their commit.

`catalog.sales` counts what sold (`order.completed`, taken back by `order.refunded`: a sale
whose money went back is not a sale) and what buyers thought of it (`review.added`) on the
products, and the search index's best-selling order follows. It
reads only the event's payload: orders sit above the catalog, so the catalog never imports
them. Each delivery runs in the transaction that marks it done, and every effect here is a
database write, so a delivery repeated (a retry, a replay) counts nothing twice.
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Greatest

from malpro.catalog.models import Product, SearchDoc
from malpro.core.models import Event
from malpro.notifications.services import send

SALES = "catalog.sales"
SALES_KINDS = ("order.completed", "order.refunded", "review.added")


def _positive_int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return max(number, 0)


def _count_sold(payload: dict, *, sign: int = 1) -> None:
    """Adds the lines' quantities to the products' counters (sign -1 takes them back, never
    below zero: a counter set by hand, as the demo does, may hold less than was sold)."""
    sold: dict[int, int] = {}
    for line in payload.get("lines") or []:
        product_id, quantity = line.get("product_id"), _positive_int(line.get("quantity"))
        if product_id and quantity:  # a line whose product was deleted keeps no id
            sold[int(product_id)] = sold.get(int(product_id), 0) + quantity
    for product_id in sorted(sold):  # primary-key order, as every writer of products locks
        change = Greatest(F("sold_count") + sign * sold[product_id], 0)
        Product.objects.filter(pk=product_id).update(sold_count=change)
        SearchDoc.objects.filter(product_id=product_id).update(sold_count=change)


def _count_review(payload: dict) -> None:
    product_id, rating = payload.get("product_id"), _positive_int(payload.get("rating"))
    if product_id and 1 <= rating <= 5:
        Product.objects.filter(pk=int(product_id)).update(
            rating_sum=F("rating_sum") + rating, rating_count=F("rating_count") + 1
        )


def sales(event: Event) -> None:
    if event.kind == "order.completed":
        _count_sold(event.payload)
    elif event.kind == "order.refunded":
        _count_sold(event.payload, sign=-1)
    elif event.kind == "review.added":
        _count_review(event.payload)


# --- messages to the seller ----------------------------------------------------------------------
MESSAGES = "catalog.messages"
MESSAGES_KINDS = ("product.hidden", "product.stock_low", "product.stock_out")


def messages(event: Event) -> None:
    """A product hidden by a moderator (with the reason), or brought low or out of stock by a
    sale: its business's owner is told, once per event. A seller's own edit that empties the
    stock is not announced back to them."""
    product = Product.objects.select_related("business__owner").filter(pk=event.subject_id)
    product = product.first()
    if product is None or product.business.owner is None:
        return
    owner = product.business.owner
    payload = event.payload or {}
    if event.kind == "product.stock_out" and "reason" in payload:
        return  # an edit of the stock (catalog.services.stock_moved), not a sale
    send(
        user=owner,
        kind=f"{event.kind}_for_seller",
        context={
            "product_id": product.pk,
            "product": product.name,
            "reason": payload.get("reason") or product.hidden_reason,
            "stock": int(payload.get("stock", product.stock)),
        },
        event=event,
    )
