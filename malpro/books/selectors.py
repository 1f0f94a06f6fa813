"""Reads of the books that pages, the API, the exports and the agency's view share.

Every figure is a sum of live entries (deleted ones are kept for the history but count for
nothing), so a summary always equals the entries it summarises:
- income: money in (sales and other income), excluding capital the owner put in;
- spending: money out, excluding what the owner took for themselves (prive);
- profit = income - spending; the owner's capital and withdrawals are shown beside it;
- cash flow = every entry in less every entry out;
- receivables (kasbon) and payables: what was owed at the end of the period.
A reversal (a marketplace order refunded) is a negative entry, so sums net it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from malpro.books.models import (
    NOT_PROFIT,
    Book,
    Category,
    Contact,
    Debt,
    DebtPayment,
    Direction,
    Entry,
    EntryItem,
    Method,
    Share,
    StockItem,
)
from malpro.core.exceptions import ApplicationError

MAX_RANGE_DAYS = 366 * 3
OLDEST = dt.date(2000, 1, 1)
MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
]  # fmt: skip


# --- periods -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    kind: str = "custom"  # day, week, month, custom

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period before, for "is my business growing": the previous day, week or month
        (a month cut short today compares with as many days of the month before), else as
        many days just before."""
        if self.kind == "month":
            first = (self.start - dt.timedelta(days=1)).replace(day=1)
            last_of_prev = self.start - dt.timedelta(days=1)
            if self.end >= _last_day(self.start):  # a whole month: the whole month before
                return Period(first, last_of_prev, "month")
            end = min(first + dt.timedelta(days=self.days - 1), last_of_prev)
            return Period(first, end, "month")
        return Period(
            self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1), self.kind
        )

    @property
    def label(self) -> str:
        if self.kind == "day":
            return _date(self.start)
        if self.kind == "month":
            label = f"{MONTHS[self.start.month - 1]} {self.start.year}"
            last = _last_day(self.start)
            if self.end < last:
                return f"{self.start.day}–{self.end.day} {label}"
            return label
        if self.start.year == self.end.year and self.start.month == self.end.month:
            return f"{self.start.day}–{_date(self.end)}"
        return f"{_date(self.start)} – {_date(self.end)}"


def _date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _last_day(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def period_of(kind: str, day: dt.date, *, today: dt.date | None = None) -> Period:
    """The day, week (Monday to Sunday) or month holding `day`, cut at today while running."""
    if kind == "day":
        start = end = day
    elif kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
    elif kind == "month":
        start, end = day.replace(day=1), _last_day(day)
    else:
        raise ApplicationError.for_field("period", _("Pilih harian, mingguan atau bulanan."))
    if today is not None and start <= today < end:
        end = today
    return Period(start, end, kind)


def parse_date(value, field_name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ApplicationError.for_field(
            field_name, _("Tanggal harus berformat TTTT-BB-HH, contoh 2026-11-30.")
        ) from None


def period_between(start, end, *, today: dt.date) -> Period:
    """A range the person chose (`from`/`to`): a whole month when it is one, else custom.
    Missing ends: the month so far."""
    start = parse_date(start, "from")
    end = parse_date(end, "to")
    for name, day in (("from", start), ("to", end)):
        if day is not None and day < OLDEST:
            raise ApplicationError.for_field(name, _("Tanggal terlalu lama (paling awal 2000)."))
        if day is not None and day > today + dt.timedelta(days=1):
            raise ApplicationError.for_field(name, _("Tanggal tidak boleh di masa depan."))
    if start is None and end is None:
        return period_of("month", today, today=today)
    if start is None:
        start = end.replace(day=1)
    if end is None:
        end = max(start, today) if start.month == today.month else _last_day(start)
    if end < start:
        raise ApplicationError.for_field("to", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
    if (end - start).days > MAX_RANGE_DAYS:
        raise ApplicationError.for_field("to", _("Rentang paling panjang 3 tahun."))
    if start.day == 1 and (
        end == _last_day(start) or (end == today and start.month == today.month)
    ):
        return Period(start, end, "month")
    return Period(start, end, "custom")


# --- entries -------------------------------------------------------------------------------------
def live_entries(book: Book | int) -> QuerySet[Entry]:
    book_id = book.pk if isinstance(book, Book) else book
    return Entry.objects.filter(book_id=book_id, deleted_at__isnull=True)


def entry_list(
    *,
    book: Book,
    period: Period | None = None,
    direction: str = "",
    category: str = "",
    method: str = "",
    deleted: bool = False,
) -> QuerySet[Entry]:
    rows = Entry.objects.filter(book=book, deleted_at__isnull=not deleted)
    if period is not None:
        rows = rows.filter(occurred_on__range=(period.start, period.end))
    if direction:
        rows = rows.filter(direction=direction)
    if category:
        rows = rows.filter(category=category)
    if method:
        rows = rows.filter(method=method)
    return rows.order_by("-occurred_on", "-id")


# --- summaries -----------------------------------------------------------------------------------
@dataclass
class Summary:
    period: Period
    income: int = 0
    spending: int = 0
    capital_in: int = 0
    withdrawals: int = 0
    entries: int = 0
    receivables: int = 0
    payables: int = 0
    by_category: list[dict] = field(default_factory=list)
    by_method: list[dict] = field(default_factory=list)
    top_items: list[dict] = field(default_factory=list)
    days: list[dict] = field(default_factory=list)

    @property
    def profit(self) -> int:
        return self.income - self.spending

    @property
    def cash_flow(self) -> int:
        return self.income + self.capital_in - self.spending - self.withdrawals

    def as_dict(self) -> dict:
        return {
            "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(),
            "label": self.period.label,
            "income": self.income,
            "spending": self.spending,
            "profit": self.profit,
            "capital_in": self.capital_in,
            "withdrawals": self.withdrawals,
            "cash_flow": self.cash_flow,
            "entries": self.entries,
            "receivables": self.receivables,
            "payables": self.payables,
        }


def _money_sums(rows: QuerySet[Entry]) -> dict:
    in_profit = ~Q(category__in=NOT_PROFIT)
    return rows.aggregate(
        income=Sum("amount", filter=Q(direction=Direction.IN) & in_profit, default=0),
        spending=Sum("amount", filter=Q(direction=Direction.OUT) & in_profit, default=0),
        capital_in=Sum("amount", filter=Q(category=Category.CAPITAL_IN), default=0),
        withdrawals=Sum("amount", filter=Q(category=Category.WITHDRAWAL), default=0),
        entries=Count("id"),
    )


def debts_at(book_id: int, day: dt.date) -> tuple[int, int]:
    """(receivables, payables) outstanding at the end of `day`."""
    owed = dict(
        Debt.objects.filter(book_id=book_id, occurred_on__lte=day)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    paid = dict(
        DebtPayment.objects.filter(debt__book_id=book_id, paid_on__lte=day)
        .values_list("debt__kind")
        .annotate(total=Sum("amount"))
        .values_list("debt__kind", "total")
    )
    return (
        (owed.get(Debt.Kind.RECEIVABLE) or 0) - (paid.get(Debt.Kind.RECEIVABLE) or 0),
        (owed.get(Debt.Kind.PAYABLE) or 0) - (paid.get(Debt.Kind.PAYABLE) or 0),
    )


def summary(*, book: Book | int, period: Period, detail: bool = True) -> Summary:
    """The book's figures over `period`. `detail`: also the breakdowns, top items and days
    (the agency's list and the comparison need only the totals)."""
    book_id = book.pk if isinstance(book, Book) else book
    rows = live_entries(book_id).filter(occurred_on__range=(period.start, period.end))
    result = Summary(period=period, **_money_sums(rows))
    result.receivables, result.payables = debts_at(book_id, period.end)
    if not detail:
        return result
    labels = dict(Category.choices)
    result.by_category = [
        {
            "category": row["category"],
            "label": str(labels.get(row["category"], row["category"])),
            "direction": row["direction"],
            "amount": row["amount"],
        }
        for row in rows.values("direction", "category")
        .annotate(amount=Sum("amount"))
        .order_by("direction", "-amount")
        if row["amount"]
    ]
    methods = dict(Method.choices)
    result.by_method = [
        {
            "method": row["method"],
            "label": str(methods.get(row["method"], row["method"])),
            "income": row["income"],
            "spending": row["spending"],
        }
        for row in rows.values("method")
        .annotate(
            income=Sum("amount", filter=Q(direction=Direction.IN), default=0),
            spending=Sum("amount", filter=Q(direction=Direction.OUT), default=0),
        )
        .order_by("method")
    ]
    result.top_items = top_items(book_id=book_id, period=period)
    result.days = day_series(rows, period)
    return result


def top_items(*, book_id: int, period: Period, limit: int = 5) -> list[dict]:
    """What sold most, by money (sales entries' items, reversals netted)."""
    rows = (
        EntryItem.objects.filter(
            entry__book_id=book_id,
            entry__deleted_at__isnull=True,
            entry__direction=Direction.IN,
            entry__occurred_on__range=(period.start, period.end),
        )
        .annotate(sign=F("entry__amount"))
        .values("name", "entry__reverses")
        .annotate(quantity=Sum("quantity"), total=Sum("total"))
    )
    merged: dict[str, dict] = {}
    for row in rows:
        sign = -1 if row["entry__reverses"] else 1
        key = row["name"].strip().lower()
        slot = merged.setdefault(key, {"name": row["name"], "quantity": 0, "total": 0})
        slot["quantity"] += sign * row["quantity"]
        slot["total"] += sign * row["total"]
    ranked = sorted(
        (v for v in merged.values() if v["total"] > 0), key=lambda v: (-v["total"], v["name"])
    )
    return ranked[:limit]


def day_series(rows: QuerySet[Entry], period: Period) -> list[dict]:
    """Income and spending per day (a month or shorter) or per month (longer)."""
    per_month = period.days > 62
    found: dict = {}
    for row in (
        rows.filter(~Q(category__in=NOT_PROFIT))
        .values("occurred_on", "direction")
        .annotate(amount=Sum("amount"))
    ):
        day = row["occurred_on"]
        key = day.replace(day=1) if per_month else day
        slot = found.setdefault(key, {"income": 0, "spending": 0})
        slot["income" if row["direction"] == Direction.IN else "spending"] += row["amount"]
    series = []
    day = period.start.replace(day=1) if per_month else period.start
    while day <= period.end:
        slot = found.get(day, {"income": 0, "spending": 0})
        label = f"{MONTHS[day.month - 1][:3]} {day.year}" if per_month else str(day.day)
        series.append({"day": day.isoformat(), "label": label, **slot})
        day = (_last_day(day) + dt.timedelta(days=1)) if per_month else day + dt.timedelta(days=1)
    return series


@dataclass
class Growth:
    current: Summary
    previous: Summary

    def change(self, name: str) -> dict:
        now, before = getattr(self.current, name), getattr(self.previous, name)
        pct = None if not before else round((now - before) * 100 / abs(before), 1)
        return {"now": now, "before": before, "diff": now - before, "pct": pct}

    def as_dict(self) -> dict:
        return {
            "previous": self.previous.as_dict(),
            "change": {n: self.change(n) for n in ("income", "spending", "profit")},
        }


def growth(*, book: Book | int, period: Period) -> Growth:
    current = summary(book=book, period=period)
    previous = summary(book=book, period=period.previous(), detail=False)
    return Growth(current, previous)


# --- debts and stock -----------------------------------------------------------------------------
def contacts_with_balance(*, book: Book, kind: str | None = None) -> QuerySet[Contact]:
    rows = book.contacts.annotate(
        owed=Sum("debts__amount", default=0),
        paid_back=Sum("debts__paid", default=0),
    ).annotate(balance=F("owed") - F("paid_back"))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-balance", "name")


def debts_due(*, book: Book, on: dt.date) -> QuerySet[Debt]:
    return book.debts.filter(paid__lt=F("amount"), due_on__lte=on).select_related("contact")


def stock_items(*, book: Book, archived: bool = False) -> list[StockItem]:
    items = list(book.items.filter(archived=archived).select_related("product"))
    for item in items:
        item.current = item.product.stock if item.product_id else item.quantity
    return items


# --- the agency's view ---------------------------------------------------------------------------
@dataclass
class SharedPage:
    """The agency's list: one page of rows (with receivables), the number of shared books
    and the totals over all of them."""

    rows: list[dict]
    count: int
    totals: dict


def _receivables(book_ids, day: dt.date, *, grouped: bool = True):
    """Receivables at the end of `day`: per book (a dict), or their total."""
    debts = Debt.objects.filter(
        book_id__in=book_ids, kind=Debt.Kind.RECEIVABLE, occurred_on__lte=day
    )
    paid = DebtPayment.objects.filter(
        debt__book_id__in=book_ids, debt__kind=Debt.Kind.RECEIVABLE, paid_on__lte=day
    )
    if not grouped:
        owed = debts.aggregate(total=Sum("amount", default=0))["total"]
        return owed - paid.aggregate(total=Sum("amount", default=0))["total"]
    owed = dict(debts.values("book_id").annotate(t=Sum("amount")).values_list("book_id", "t"))
    back = dict(
        paid.values("debt__book_id").annotate(t=Sum("amount")).values_list("debt__book_id", "t")
    )
    return {b: owed.get(b, 0) - back.get(b, 0) for b in set(owed) | set(back)}


def shared_summaries(
    *, shares: QuerySet[Share], period: Period, page: int | None = None, page_size: int = 50
) -> SharedPage:
    """The books shared with an agency over `period` (income, spending, profit, entries,
    receivables), the highest income first. `page` (from 1): only that page's rows, with
    receivables counted for those books alone, so an agency with thousands of shared books
    gets its page in a few grouped queries; None: every row (the export)."""
    # The books as a subquery, not a list of thousands of ids sent back to the database.
    shared_books = shares.values("book_id")
    # Plain rows, not model instances: an agency may read thousands of shared books, and
    # building five models per row cost more than the sums (bench/books.py).
    shares = list(
        shares.values(
            "book_id",
            "granted_at",
            "agency__short_name",
            "book__business_id",
            "book__business__name",
            "book__business__village__name",
        )
    )
    in_profit = ~Q(category__in=NOT_PROFIT)
    sums = {
        row["book_id"]: row
        for row in Entry.objects.filter(
            book_id__in=shared_books,
            deleted_at__isnull=True,
            occurred_on__range=(period.start, period.end),
        )
        .values("book_id")
        .annotate(
            income=Sum("amount", filter=Q(direction=Direction.IN) & in_profit, default=0),
            spending=Sum("amount", filter=Q(direction=Direction.OUT) & in_profit, default=0),
            entries=Count("id"),
        )
    }
    zero = {"income": 0, "spending": 0, "entries": 0}
    shares.sort(key=lambda s: (-sums.get(s["book_id"], zero)["income"], s["book__business__name"]))
    totals = {
        key: sum(row[key] for row in sums.values()) for key in ("income", "spending", "entries")
    }
    totals["profit"] = totals["income"] - totals["spending"]
    if page is not None:
        chosen = shares[(page - 1) * page_size : page * page_size]
        receivables = _receivables([s["book_id"] for s in chosen], period.end)
        totals["receivables"] = _receivables(shared_books, period.end, grouped=False)
    else:
        chosen = shares
        receivables = _receivables(shared_books, period.end)
        totals["receivables"] = sum(receivables.values())
    rows = []
    for share in chosen:
        book_id = share["book_id"]
        row = sums.get(book_id, zero)
        rows.append(
            {
                "business_id": share["book__business_id"],
                "business": share["book__business__name"],
                "kelurahan": share["book__business__village__name"],
                "agency": share["agency__short_name"],
                "shared_at": share["granted_at"],
                "income": row["income"],
                "spending": row["spending"],
                "profit": row["income"] - row["spending"],
                "entries": row["entries"],
                "receivables": receivables.get(book_id, 0),
            }
        )
    return SharedPage(rows=rows, count=len(shares), totals=totals)
