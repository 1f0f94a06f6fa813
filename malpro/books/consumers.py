"""The books follow the marketplace, after the change that produced the event committed.

- `order.completed`: the sale is entered in the seller's cash book (income, "Penjualan", on
  the day it completed, Jakarta time), with its lines as the entry's items. The stock was
  taken when the order was placed, so the entry moves none.
- `order.refunded`: a reversal entry (the same amount, negative) pointing at that sale; a
  refund delivered before its sale enters the sale first.
- `offline_purchase.confirmed`: the ASN's in-store purchase the shop confirmed is entered.

Every entry carries the key of what it mirrors (`source_key`, unique), so an event delivered
twice, or replayed, finds its entry and writes nothing. A business gets its book on its first
such entry.
"""

from __future__ import annotations

from django.utils import timezone

from malpro.books.models import Category, Direction, Entry, EntryItem, Method, Source
from malpro.books.services import book_open
from malpro.core.models import Event

CONSUMER = "books.entries"
KINDS = ("order.completed", "order.refunded", "offline_purchase.confirmed")
METHODS = {"cod": Method.CASH, "qris": Method.QRIS, "va": Method.TRANSFER}


def consume(event: Event) -> None:
    if event.kind == "order.completed":
        order_entered(int(event.subject_id))
    elif event.kind == "order.refunded":
        order_reversed(int(event.subject_id), on=timezone.localdate(event.occurred_at))
    elif event.kind == "offline_purchase.confirmed":
        offline_entered(int(event.subject_id))


def order_entered(order_id: int) -> Entry | None:
    from malpro.orders.models import Order

    key = f"order:{order_id}"
    existing = Entry.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.completed_at is None:
        return None
    book = book_open(business_id=order.business_id)
    entry = Entry.objects.create(
        book=book,
        direction=Direction.IN,
        category=Category.SALES,
        amount=order.total,
        occurred_on=timezone.localdate(order.completed_at),
        method=METHODS.get(order.payment_method, Method.CASH),
        note=f"Pesanan {order.number}"[:200],
        source=Source.MARKETPLACE,
        source_key=key,
    )
    linked = dict(book.items.filter(product__isnull=False).values_list("product_id", "pk"))
    EntryItem.objects.bulk_create(
        EntryItem(
            entry=entry,
            item_id=linked.get(line.product_id),
            name=(line.product_name + (f" ({line.variant_name})" if line.variant_name else ""))[
                :120
            ],
            quantity=line.quantity,
            total=line.line_total,
        )
        for line in order.lines.all()
    )
    return entry


def order_reversed(order_id: int, *, on) -> Entry | None:
    key = f"order_refund:{order_id}"
    existing = Entry.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    sale = order_entered(order_id)
    if sale is None:
        return None
    reversal = Entry.objects.create(
        book=sale.book,
        direction=sale.direction,
        category=sale.category,
        amount=-sale.amount,
        occurred_on=on,
        method=sale.method,
        note=f"Dana dikembalikan: {sale.note}"[:200],
        source=Source.REVERSAL,
        source_key=key,
        reverses=sale,
    )
    # The same goods, so that the best sellers net the refund out.
    EntryItem.objects.bulk_create(
        EntryItem(
            entry=reversal, item_id=i.item_id, name=i.name, quantity=i.quantity, total=i.total
        )
        for i in sale.items.all()
    )
    return reversal


def offline_entered(purchase_id: int) -> Entry | None:
    from malpro.asn.models import OfflinePurchase

    key = f"offline:{purchase_id}"
    existing = Entry.objects.filter(source_key=key).first()
    if existing is not None:
        return existing
    purchase = OfflinePurchase.objects.filter(
        pk=purchase_id, state=OfflinePurchase.State.CONFIRMED
    ).first()
    if purchase is None:
        return None
    note = "Belanja langsung ASN"
    if purchase.description:
        note += f": {purchase.description}"
    return Entry.objects.create(
        book=book_open(business_id=purchase.business_id),
        direction=Direction.IN,
        category=Category.SALES,
        amount=purchase.amount,
        occurred_on=purchase.purchased_on,
        method=Method.CASH,
        note=note[:200],
        source=Source.ASN_INSTORE,
        source_key=key,
    )
