"""The dashboard's aggregate rows, derived from the orders and ASN in-person purchases.

One function, `tally`, counts a span of days from the source rows. Everything else uses it:

- the `dashboard.aggregates` consumer recounts the one seller and day an event touched and
  replaces those rows (so a replayed or twice-delivered event changes nothing: the result
  is the same recount);
- `rebuild` recounts whole months and replaces what was stored (`manage.py
  rebuild_aggregates --since`);
- `check` recounts and compares with what is stored (`manage.py rebuild_aggregates --check`),
  listing every row that differs.

What is counted is written in docs/dashboard.md: completed orders on the day they completed
(Asia/Jakarta), cancellations and rejections on the day the order closed, ASN in-person
purchases once confirmed on the day of purchase.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from malpro.asn.models import OfflinePurchase
from malpro.core.models import Event
from malpro.dashboard import metrics
from malpro.dashboard.models import (
    SELLER_FIELDS,
    BuyerMonth,
    CategoryDay,
    SellerDay,
    SellerMonth,
)
from malpro.orders.models import Order, OrderLine, OrderStatus, PaymentMethod

CONSUMER = "dashboard.aggregates"
KINDS = [
    "order.completed",
    "order.cancelled",
    "order.rejected",
    "order.refunded",  # recounts the day it completed: a refunded order is no longer counted
    "offline_purchase.*",
]
BATCH = 5000


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@dataclass
class Tally:
    """Counted rows keyed like the tables: (day, business) -> {field: value};
    (day, business, category) -> [amount, quantity]; (month, business, buyer) -> orders."""

    sellers: dict = field(
        default_factory=lambda: defaultdict(lambda: dict.fromkeys(SELLER_FIELDS, 0))
    )
    categories: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    buyers: dict = field(default_factory=lambda: defaultdict(int))


def _span(start: dt.date, end: dt.date, business_id: int | None, prefix: str = "") -> Q:
    q = Q(
        **{
            f"{prefix}completed_at__gte": _midnight(start),
            f"{prefix}completed_at__lt": _midnight(end),
        }
    )
    q &= Q(**{f"{prefix}status": OrderStatus.COMPLETED})
    if business_id is not None:
        q &= Q(**{f"{prefix}business_id": business_id})
    return q


def tally(
    *, start: dt.date, end: dt.date, business_id: int | None = None, buyers: bool = True
) -> Tally:
    """Counts the days [start, end) from the source rows (all sellers, or one). Buyer rows
    are counted over the same days: call it with whole months when they matter."""
    result = Tally()
    completed = (
        Order.objects.filter(_span(start, end, business_id))
        .values_list(
            "business_id",
            "buyer_id",
            "total",
            "items_total",
            "payment_method",
            "placed_at",
            "paid_at",
            "delivered_at",
            "completed_at",
            "buyer_asn",
        )
        .order_by()
    )
    for (
        business,
        buyer,
        total,
        items,
        method,
        placed,
        paid,
        delivered,
        completed_at,
        asn,
    ) in completed.iterator(chunk_size=BATCH):
        day = local_day(completed_at)
        row = result.sellers[(day, business)]
        row["orders"] += 1
        row["gmv"] += total
        row["items"] += items
        if method == PaymentMethod.COD:
            row["cod_orders"] += 1
            row["cod_gmv"] += total
        if asn:
            row["asn_orders"] += 1
            row["asn_gmv"] += total
        reached = paid or placed
        if delivered and reached:
            row["timed_orders"] += 1
            row["fulfil_seconds"] += max(int((delivered - reached).total_seconds()), 0)
        if buyers:
            result.buyers[(month_of(day), business, buyer)] += 1
    lines = (
        OrderLine.objects.filter(_span(start, end, business_id, prefix="order__"))
        .values_list(
            "order__business_id", "order__completed_at", "category_id", "line_total", "quantity"
        )
        .order_by()
    )
    for business, completed_at, category, amount, quantity in lines.iterator(chunk_size=BATCH):
        cell = result.categories[(local_day(completed_at), business, category or 0)]
        cell[0] += amount
        cell[1] += quantity
    closed = Order.objects.filter(
        status__in=[OrderStatus.CANCELLED, OrderStatus.REJECTED],
        closed_at__gte=_midnight(start),
        closed_at__lt=_midnight(end),
    )
    if business_id is not None:
        closed = closed.filter(business_id=business_id)
    for business, closed_at, status in (
        closed.values_list("business_id", "closed_at", "status")
        .order_by()
        .iterator(chunk_size=BATCH)
    ):
        key = "cancelled" if status == OrderStatus.CANCELLED else "rejected"
        result.sellers[(local_day(closed_at), business)][key] += 1
    instore = OfflinePurchase.objects.filter(
        state=OfflinePurchase.State.CONFIRMED, purchased_on__gte=start, purchased_on__lt=end
    )
    if business_id is not None:
        instore = instore.filter(business_id=business_id)
    for business, day, amount in (
        instore.values_list("business_id", "purchased_on", "amount")
        .order_by()
        .iterator(chunk_size=BATCH)
    ):
        row = result.sellers[(day, business)]
        row["instore_count"] += 1
        row["instore_amount"] += amount
    return result


# --- writing -------------------------------------------------------------------------------------
def _seller_objects(t: Tally) -> Iterator[SellerDay]:
    for (day, business), values in t.sellers.items():
        yield SellerDay(day=day, business_id=business, **values)


def _month_sums(t: Tally) -> dict[tuple[dt.date, int], dict]:
    sums: dict[tuple[dt.date, int], dict] = {}
    for (day, business), values in t.sellers.items():
        total = sums.setdefault((month_of(day), business), dict.fromkeys(SELLER_FIELDS, 0))
        for name in SELLER_FIELDS:
            total[name] += values[name]
    return sums


def _month_objects(t: Tally) -> Iterator[SellerMonth]:
    for (month, business), values in _month_sums(t).items():
        yield SellerMonth(month=month, business_id=business, **values)


def _category_objects(t: Tally) -> Iterator[CategoryDay]:
    for (day, business, category), (amount, quantity) in t.categories.items():
        yield CategoryDay(
            day=day, business_id=business, category_id=category, amount=amount, quantity=quantity
        )


def _buyer_objects(t: Tally) -> Iterator[BuyerMonth]:
    for (month, business, buyer), orders in t.buyers.items():
        yield BuyerMonth(month=month, business_id=business, buyer_id=buyer, orders=orders)


def _insert(model, objects: Iterator) -> int:
    count, batch = 0, []
    for obj in objects:
        batch.append(obj)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


# pg_advisory_xact_lock keys: this namespace in the high bits, the seller's id in the low.
LOCK_NAMESPACE = 0x16D0 << 40


def _lock_seller(business_id: int) -> None:
    """One recount of a seller at a time (two workers finishing two orders of one shop on one
    day would both delete and insert the same rows). An advisory lock, not the business row:
    order moves lock that row and must not queue behind the dashboard. SQLite has one
    writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_NAMESPACE | business_id])


def _lock_tables() -> None:
    """A rebuild holds the aggregate tables against the consumer's writes until it commits (the
    consumer waits, then writes its own recount over it: both are counts of committed
    orders, so the later one is right)."""
    if connection.vendor == "postgresql":
        models = (SellerDay, SellerMonth, CategoryDay, BuyerMonth)
        tables = ", ".join(m._meta.db_table for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _buyer_rows(business_id: int, month: dt.date) -> Iterator[BuyerMonth]:
    """One seller's buyers in one month, in one GROUP BY."""
    found = (
        Order.objects.filter(_span(month, _next_month(month), business_id))
        .values("buyer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in found:
        yield BuyerMonth(
            month=month, business_id=business_id, buyer_id=row["buyer_id"], orders=row["n"]
        )


def refresh(*, business_id: int, day: dt.date) -> None:
    """Recounts one seller's day (and its month's buyers) and replaces the stored rows."""
    with transaction.atomic():
        _lock_seller(business_id)
        counted = tally(
            start=day, end=day + dt.timedelta(days=1), business_id=business_id, buyers=False
        )
        SellerDay.objects.filter(day=day, business_id=business_id).delete()
        CategoryDay.objects.filter(day=day, business_id=business_id).delete()
        _insert(SellerDay, _seller_objects(counted))
        _insert(CategoryDay, _category_objects(counted))
        month = month_of(day)
        SellerMonth.objects.filter(month=month, business_id=business_id).delete()
        days = SellerDay.objects.filter(
            business_id=business_id, day__gte=month, day__lt=_next_month(month)
        )
        sums = days.aggregate(**{name: Sum(name) for name in SELLER_FIELDS})
        if any(sums.values()):
            SellerMonth.objects.create(month=month, business_id=business_id, **sums)
        BuyerMonth.objects.filter(month=month, business_id=business_id).delete()
        _insert(BuyerMonth, _buyer_rows(business_id, month))
        transaction.on_commit(lambda: metrics.bump_versions([month]))


def _touched(event: Event) -> set[tuple[int, dt.date]]:
    """The (seller, day) pairs an event changes."""
    if event.subject_type == "orders.order":
        order = (
            Order.objects.filter(pk=event.subject_id)
            .values_list("business_id", "completed_at", "closed_at")
            .first()
        )
        if order is None:
            return set()
        business, completed_at, closed_at = order
        return {(business, local_day(t)) for t in (completed_at, closed_at) if t}
    if event.subject_type == "asn.offlinepurchase":
        row = (
            OfflinePurchase.objects.filter(pk=event.subject_id)
            .values_list("business_id", "purchased_on")
            .first()
        )
        return {row} if row else set()
    return set()


def consume(event: Event) -> None:
    """The consumer: recounts what the event touched. Running it again changes nothing."""
    for business_id, day in sorted(_touched(event)):
        refresh(business_id=business_id, day=day)


# --- rebuilding and checking ---------------------------------------------------------------------
def _first_day() -> dt.date | None:
    candidates = [
        Order.objects.filter(status=OrderStatus.COMPLETED)
        .order_by("completed_at")
        .values_list("completed_at", flat=True)
        .first(),
        Order.objects.filter(closed_at__isnull=False)
        .order_by("closed_at")
        .values_list("closed_at", flat=True)
        .first(),
    ]
    days = [local_day(c) for c in candidates if c]
    first_instore = (
        OfflinePurchase.objects.order_by("purchased_on")
        .values_list("purchased_on", flat=True)
        .first()
    )
    if first_instore:
        days.append(first_instore)
    return min(days) if days else None


def months_since(since: dt.date | None) -> list[dt.date]:
    """Whole months from `since`'s (or the first sale's) to the current one."""
    start = since or _first_day()
    if start is None:
        return []
    month, last = month_of(start), month_of(timezone.localdate())
    months = []
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def rebuild(*, since: dt.date | None = None) -> dict[str, int]:
    """Replaces the rows of every month from `since`'s on with a recount, one month per
    transaction (a month is all or nothing). Returns the rows written per table."""
    written = {"seller_days": 0, "seller_months": 0, "category_days": 0, "buyer_months": 0}
    for month in months_since(since):
        end = _next_month(month)
        with transaction.atomic():
            _lock_tables()
            # Deleted first, counted after: on SQLite the delete takes the write lock, so no
            # consumer writes between the count and the insert (PostgreSQL: the table lock).
            SellerDay.objects.filter(day__gte=month, day__lt=end).delete()
            SellerMonth.objects.filter(month=month).delete()
            CategoryDay.objects.filter(day__gte=month, day__lt=end).delete()
            BuyerMonth.objects.filter(month=month).delete()
            counted = tally(start=month, end=end)
            written["seller_days"] += _insert(SellerDay, _seller_objects(counted))
            written["seller_months"] += _insert(SellerMonth, _month_objects(counted))
            written["category_days"] += _insert(CategoryDay, _category_objects(counted))
            written["buyer_months"] += _insert(BuyerMonth, _buyer_objects(counted))
        metrics.bump_versions([month])
    _vacuum()
    return written


def _vacuum() -> None:
    """Fresh statistics and visibility after a rebuild on PostgreSQL, so that counting a
    rebuilt month's buyers stays an index-only scan (VACUUM cannot run in a transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for model in (SellerDay, SellerMonth, CategoryDay, BuyerMonth):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple
    stored: object
    counted: object


def check(*, since: dt.date | None = None) -> list[Difference]:
    """Every stored row that differs from a recount (missing, extra or other values)."""
    found: list[Difference] = []
    for month in months_since(since):
        end = _next_month(month)
        counted = tally(start=month, end=end)
        stored_sellers = {
            (r["day"], r["business_id"]): {f: r[f] for f in SELLER_FIELDS}
            for r in SellerDay.objects.filter(day__gte=month, day__lt=end).values(
                "day", "business_id", *SELLER_FIELDS
            )
        }
        found += _compare("seller_day", stored_sellers, dict(counted.sellers))
        stored_months = {
            (r["month"], r["business_id"]): {f: r[f] for f in SELLER_FIELDS}
            for r in SellerMonth.objects.filter(month=month).values(
                "month", "business_id", *SELLER_FIELDS
            )
        }
        found += _compare("seller_month", stored_months, _month_sums(counted))
        stored_categories = {
            (r[0], r[1], r[2]): [r[3], r[4]]
            for r in CategoryDay.objects.filter(day__gte=month, day__lt=end).values_list(
                "day", "business_id", "category_id", "amount", "quantity"
            )
        }
        found += _compare("category_day", stored_categories, dict(counted.categories))
        stored_buyers = {
            (r[0], r[1], r[2]): r[3]
            for r in BuyerMonth.objects.filter(month=month).values_list(
                "month", "business_id", "buyer_id", "orders"
            )
        }
        found += _compare("buyer_month", stored_buyers, dict(counted.buyers))
    return found


def _compare(table: str, stored: dict, counted: dict) -> list[Difference]:
    return [
        Difference(table, key, stored.get(key), counted.get(key))
        for key in sorted(stored.keys() | counted.keys(), key=str)
        if stored.get(key) != counted.get(key)
    ]
