"""Every figure of the city's dashboard, computed by one function each from the aggregate rows
(sales) or the register (businesses), for a scope (malpro.dashboard.access.Scope) and a period
(malpro.dashboard.periods.Period). Pages, the API, exports, the monthly report and the open
data all read these functions; docs/dashboard.md says what each one counts.

Money is whole rupiah (int). Shares are fractions in [0, 1] rounded to 4 decimals, computed
exactly from integers; None where there is nothing to divide by.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from malpro.accounts.models import Agency
from malpro.asn.models import IntegrityFlag, Standing
from malpro.catalog.models import Category
from malpro.dashboard import access, equity, periods
from malpro.dashboard.access import Scope
from malpro.dashboard.models import (
    SELLER_FIELDS,
    BuyerMonth,
    CategoryDay,
    SellerDay,
    SellerMonth,
)
from malpro.dashboard.periods import MONTH, Period
from malpro.ledger.models import AccountKind, JournalLine
from malpro.orders.models import Order, OrderStatus
from malpro.regions.models import District, Village
from malpro.umkm.models import Business, Guidance, StatusChange, halal_valid_q
from malpro.umkm.models import Status as BusinessStatus
from malpro.umkm.scale import Scale

DIGITS = equity.DIGITS
TOP_K = 10
# Statuses of a business the city counts as "active" (verified as operating).
ACTIVE_STATUSES = (BusinessStatus.VERIFIED, BusinessStatus.ACTIVE)
ASSISTED_SOURCES = ("operator", "import")


def share(part: int, whole: int) -> float | None:
    """part / whole, exactly, rounded once; None when whole is 0."""
    if not whole:
        return None
    return round(float(Fraction(part, whole)), DIGITS)


def change(current: int | float | None, previous: int | float | None) -> float | None:
    """Relative change from the previous period (0.25 = +25%); None when it cannot be said."""
    if current is None or previous in (None, 0):
        return None
    return round((current - previous) / previous, DIGITS)


# --- caching -------------------------------------------------------------------------------------
# The sales figures of a scope and period are kept in the cache for CACHE_SECONDS, under a key
# that holds a version per month: the aggregates consumer and rebuild_aggregates bump the
# month they rewrite, so a change to a finished period shows at once. A period still running
# changes with every sale: its figures may be MALPRO_DASHBOARD_LIVE_SECONDS old. Figures
# read from the register (active sellers) may lag by up to CACHE_SECONDS (docs/dashboard.md).
CACHE_SECONDS = 300


def _version_key(month: dt.date) -> str:
    return f"dashboard:v:{month:%Y-%m}"


def bump_versions(months) -> None:
    """Marks the cached figures of these months stale (called after their rows changed)."""
    for month in {m.replace(day=1) for m in months}:
        key = _version_key(month)
        cache.add(key, 0, None)
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, None)


def _cached(function):
    @functools.wraps(function)
    def wrapper(scope: Scope, period: Period, *args, **kwargs):
        months = [_version_key(m) for m in period.months()]
        found = cache.get_many(months)
        versions = ".".join(str(found.get(k, 0)) for k in months)
        named = sorted(kwargs.items())
        raw = f"{function.__name__}|{scope.key()}|{period.start}|{period.end}|{args}|{named}"
        raw += f"|{get_language()}"
        live_key = "dashboard:l:" + hashlib.sha256(raw.encode()).hexdigest()
        key = "dashboard:f:" + hashlib.sha256(f"{raw}|{versions}".encode()).hexdigest()
        value = cache.get(key)
        live = settings.MALPRO_DASHBOARD_LIVE_SECONDS
        if value is None and live and period.is_current():
            value = cache.get(live_key)  # a running period: up to `live` seconds old
        if value is None:
            value = function(scope, period, *args, **kwargs)
            cache.set(key, value, CACHE_SECONDS)
            if live and period.is_current():
                cache.set(live_key, value, live)
        return value

    wrapper.uncached = function
    return wrapper


def _sales(scope: Scope, period: Period, *, daily: bool = False):
    """The sellers' aggregate rows of the period: month rows for whole months (a few
    thousand a month), day rows for a period cut short or when asked (`daily`)."""
    if daily or period.truncated:
        return SellerDay.objects.filter(scope.q(), day__gte=period.start, day__lt=period.end)
    return SellerMonth.objects.filter(scope.q(), month__gte=period.start, month__lt=period.end)


# --- the headline figures ------------------------------------------------------------------------
@dataclass
class Summary:
    period: Period
    scope: Scope
    gmv: int = 0
    items: int = 0
    orders: int = 0
    buyers: int = 0
    cod_gmv: int = 0
    cod_orders: int = 0
    asn_gmv: int = 0
    asn_orders: int = 0
    instore_count: int = 0
    instore_amount: int = 0
    asn_reached: int = 0  # distinct UMKM that ASN money reached (orders or in-person)
    cancelled: int = 0
    rejected: int = 0
    timed_orders: int = 0
    fulfil_seconds: int = 0
    sellers_with_sales: int = 0
    active_sellers: int = 0
    zero_sale_sellers: int = 0
    micro_gmv: int = 0
    revenues: list[int] = field(default_factory=list, repr=False)  # one per seller counted

    @property
    def aov(self) -> int | None:
        return self.gmv // self.orders if self.orders else None

    @property
    def cashless_gmv(self) -> int:
        return self.gmv - self.cod_gmv

    @property
    def cashless_share(self) -> float | None:
        return share(self.cashless_gmv, self.gmv)

    @property
    def cod_share(self) -> float | None:
        return share(self.cod_gmv, self.gmv)

    @property
    def asn_share(self) -> float | None:
        return share(self.asn_gmv, self.gmv)

    @property
    def closed_or_completed(self) -> int:
        return self.orders + self.cancelled + self.rejected

    @property
    def cancel_rate(self) -> float | None:
        return share(self.cancelled, self.closed_or_completed)

    @property
    def reject_rate(self) -> float | None:
        return share(self.rejected, self.closed_or_completed)

    @property
    def mean_fulfil_hours(self) -> float | None:
        if not self.timed_orders:
            return None
        return round(self.fulfil_seconds / self.timed_orders / 3600, 1)

    @property
    def gini(self) -> float:
        return equity.gini(self.revenues)

    @property
    def top10_share(self) -> float | None:
        return equity.top_share(self.revenues, TOP_K) if self.gmv else None

    @property
    def micro_share(self) -> float | None:
        return share(self.micro_gmv, self.gmv)

    def lorenz(self) -> list[tuple[float, float]]:
        """The curve at every 5% of sellers (a table of thousands of sellers says no more)."""
        return equity.lorenz_sampled(self.revenues)

    def kpis(self) -> dict:
        """The figures the API and the exports publish, by name."""
        return {
            "gmv": self.gmv,
            "orders": self.orders,
            "buyers": self.buyers,
            "aov": self.aov,
            "cashless_gmv": self.cashless_gmv,
            "cod_gmv": self.cod_gmv,
            "cashless_share": self.cashless_share,
            "asn_gmv": self.asn_gmv,
            "asn_orders": self.asn_orders,
            "asn_instore_amount": self.instore_amount,
            "asn_reached_umkm": self.asn_reached,
            "active_sellers": self.active_sellers,
            "sellers_with_sales": self.sellers_with_sales,
            "zero_sale_sellers": self.zero_sale_sellers,
            "gini": self.gini,
            "top10_share": self.top10_share,
            "micro_share": self.micro_share,
            "cancelled": self.cancelled,
            "rejected": self.rejected,
            "cancel_rate": self.cancel_rate,
            "reject_rate": self.reject_rate,
            "mean_fulfil_hours": self.mean_fulfil_hours,
        }


def active_seller_ids(scope: Scope, period: Period) -> set[int]:
    """Sellers on the marketplace now that had joined the register before the period ended
    (the register keeps no history of being on the marketplace; docs/dashboard.md)."""
    _start, end = period.bounds()
    return set(
        Business.objects.filter(
            scope.q(""),
            on_marketplace=True,
            status=BusinessStatus.ACTIVE,
            created_at__lt=end,
        ).values_list("pk", flat=True)
    )


@_cached
def summary(scope: Scope, period: Period) -> Summary:
    result = Summary(period=period, scope=scope)
    per_seller = (
        _sales(scope, period)
        .values("business_id", "business__scale")
        .annotate(**{name: Sum(name) for name in SELLER_FIELDS})
        .order_by()
    )
    revenue: dict[int, int] = {}
    for row in per_seller:
        for name in SELLER_FIELDS:
            setattr(result, name, getattr(result, name) + (row[name] or 0))
        if row["gmv"]:
            revenue[row["business_id"]] = row["gmv"]
            if row["business__scale"] == Scale.MICRO:
                result.micro_gmv += row["gmv"]
        if row["asn_gmv"] or row["instore_amount"]:
            result.asn_reached += 1
    active = active_seller_ids(scope, period)
    result.sellers_with_sales = len(revenue)
    result.active_sellers = len(active)
    result.zero_sale_sellers = len(active - revenue.keys())
    result.revenues = [revenue.get(pk, 0) for pk in active | revenue.keys()]
    if period.truncated:  # part of a month: its buyer rows cover the whole month
        start, end = period.bounds()
        result.buyers = (
            Order.objects.filter(scope.q(), status=OrderStatus.COMPLETED)
            .filter(completed_at__gte=start, completed_at__lt=end)
            .values("buyer_id")
            .distinct()
            .count()
        )
    else:
        result.buyers = (
            BuyerMonth.objects.filter(scope.q(), month__in=period.months())
            .values("buyer_id")
            .distinct()
            .count()
        )
    return result


# --- breakdowns ----------------------------------------------------------------------------------
@dataclass
class Row:
    key: str
    label: str
    gmv: int = 0
    orders: int = 0
    cod_gmv: int = 0
    sellers: int = 0
    buyers: int = 0

    @property
    def cashless_share(self) -> float | None:
        return share(self.gmv - self.cod_gmv, self.gmv)

    @property
    def aov(self) -> int | None:
        return self.gmv // self.orders if self.orders else None


BREAKDOWNS = ("kecamatan", "kelurahan", "agency", "category", "scale")


@_cached
def breakdown(scope: Scope, period: Period, by: str) -> list[Row]:
    """Sales of the period split by an area, guiding agency, category or business scale,
    largest first: GMV, orders, sellers, distinct buyers (a buyer of two areas counts in
    each), COD part. A business guided by two agencies counts under each (so the agency rows
    may add up to more than the total); categories split items only (no delivery fees, no
    orders or buyers)."""
    if by == "category":
        return _by_category(scope, period)
    group = {
        "kecamatan": "business__village__district_id",
        "kelurahan": "business__village_id",
        "agency": "business__guidance__agency_id",
        "scale": "business__scale",
    }[by]
    found = (
        _sales(scope, period)
        .filter(orders__gt=0)
        .values(group)
        .annotate(
            gmv=Sum("gmv"),
            orders=Sum("orders"),
            cod_gmv=Sum("cod_gmv"),
            sellers=Count("business_id", distinct=True),
        )
        .order_by()
    )
    buyers = dict(
        BuyerMonth.objects.filter(scope.q(), month__in=period.months())
        .values(group)
        .annotate(n=Count("buyer_id", distinct=True))
        .values_list(group, "n")
        .order_by()
    )
    labels = _labels(scope, by)
    rows = {key: Row(str(key), label) for key, label in labels.items()}
    for item in found:
        key = item[group]
        row = rows.setdefault(key, Row(str(key or ""), labels.get(key) or _none_label(by)))
        row.gmv, row.orders = item["gmv"], item["orders"]
        row.cod_gmv, row.sellers = item["cod_gmv"], item["sellers"]
        row.buyers = buyers.get(key, 0)
    return sorted(rows.values(), key=lambda r: (-r.gmv, r.label))


def _none_label(by: str) -> str:
    return {"agency": _("Tanpa OPD pembina"), "scale": _("Skala belum diisi")}.get(by, "—")


def _labels(scope: Scope, by: str) -> dict:
    """Every area (or agency, scale) of the scope, so those with no sales show as zero."""
    if by == "kecamatan":
        districts = District.objects.filter(regency_id=_regency())
        if scope.area_restricted:
            districts = districts.filter(
                Q(pk__in=scope.district_codes or ()) | Q(villages__pk__in=scope.village_codes or ())
            ).distinct()
        return {d.pk: d.name for d in districts}
    if by == "kelurahan":
        return {v.pk: f"{v.name} ({v.district.name})" for v in _villages(scope)}
    if by == "agency":
        # Every guiding agency has its label: a business of the officer's agency that another
        # agency guides too shows under that one as well.
        agencies = Agency.objects.filter(pk__in=Guidance.objects.values("agency_id"))
        if scope.agency_ids is not None:
            agencies = Agency.objects.filter(pk__in={*scope.agency_ids, *_guiding(scope)})
        return {a.pk: a.short_name for a in agencies}
    if by == "scale":
        shown = {value: str(label) for value, label in Scale.choices if value != Scale.LARGE}
        if Business.objects.filter(scope.q(""), scale=Scale.LARGE).exists():
            shown[Scale.LARGE] = str(Scale.LARGE.label)
        return shown
    return {}


def _guiding(scope: Scope) -> set[int]:
    """The agencies guiding any business of the scope."""
    guided = Guidance.objects.filter(
        business_id__in=Business.objects.filter(scope.q("")).values("pk")
    )
    return set(guided.values_list("agency_id", flat=True))


def _regency() -> str:
    return settings.MALPRO_REGENCY


def _villages(scope: Scope):
    villages = Village.objects.filter(district__regency_id=_regency()).select_related("district")
    if scope.area_restricted:
        villages = villages.filter(
            Q(district_id__in=scope.district_codes or ()) | Q(pk__in=scope.village_codes or ())
        )
    return villages.order_by("district__name", "name")


def _by_category(scope: Scope, period: Period) -> list[Row]:
    """Items sold per top-level category (a sub-category counts under its root)."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    names = dict(Category.objects.values_list("pk", "name"))

    def root(pk):
        seen = set()
        while parents.get(pk) and pk not in seen:
            seen.add(pk)
            pk = parents[pk]
        return pk

    found = (
        CategoryDay.objects.filter(scope.q(), day__gte=period.start, day__lt=period.end)
        .values("category_id", "business_id")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    rows: dict[int, Row] = {}
    sellers: dict[int, set[int]] = defaultdict(set)
    for item in found:
        top = root(item["category_id"]) if item["category_id"] else 0
        row = rows.setdefault(top, Row(str(top), names.get(top) or _("Tanpa kategori")))
        row.gmv += item["amount"]
        sellers[top].add(item["business_id"])
    for top, row in rows.items():
        row.sellers = len(sellers[top])
    return sorted(rows.values(), key=lambda r: (-r.gmv, r.label))


@_cached
def top_sellers(scope: Scope, period: Period, k: int = TOP_K) -> list[Row]:
    """The k sellers with the most sales (public shop names, no owners)."""
    found = (
        _sales(scope, period)
        .values("business_id", "business__name")
        .annotate(gmv=Sum("gmv"), orders=Sum("orders"), cod_gmv=Sum("cod_gmv"))
        .filter(gmv__gt=0)
        .order_by("-gmv", "business__name")[:k]
    )
    return [
        Row(str(r["business_id"]), r["business__name"], r["gmv"], r["orders"], r["cod_gmv"], 1)
        for r in found
    ]


# --- over time -----------------------------------------------------------------------------------
@dataclass
class Point:
    start: dt.date
    label: str
    gmv: int = 0
    orders: int = 0
    cod_gmv: int = 0
    asn_gmv: int = 0

    @property
    def cashless_gmv(self) -> int:
        return self.gmv - self.cod_gmv


@_cached
def series(scope: Scope, period: Period) -> list[Point]:
    """Sales per day (a month) or per month (a quarter or year), every step present."""
    daily = period.kind == MONTH or period.truncated
    step = "day" if daily else "month"
    rows = (
        _sales(scope, period, daily=daily)
        .values(step)
        .annotate(
            gmv=Sum("gmv"), orders=Sum("orders"), cod_gmv=Sum("cod_gmv"), asn_gmv=Sum("asn_gmv")
        )
        .order_by()
    )
    if period.kind == MONTH:
        points = {d: Point(d, f"{d.day}") for d in period.days()}
    else:
        points = {m: Point(m, m.strftime("%m/%Y")) for m in period.months()}
    for row in rows:
        point = points[row[step] if period.kind == MONTH else row[step].replace(day=1)]
        point.gmv += row["gmv"]
        point.orders += row["orders"]
        point.cod_gmv += row["cod_gmv"]
        point.asn_gmv += row["asn_gmv"]
    return [points[k] for k in sorted(points)]


# --- the register --------------------------------------------------------------------------------
def funnel(scope: Scope) -> dict[str, int]:
    """The register now: recorded → active (verified as operating) → on the marketplace →
    with an NIB → with a valid halal certificate. Not a strict funnel: each stage is a count
    of the register, as the city reports them."""
    return Business.objects.filter(scope.q("")).aggregate(
        recorded=Count("pk"),
        active=Count("pk", filter=Q(status__in=ACTIVE_STATUSES)),
        marketplace=Count("pk", filter=Q(on_marketplace=True, status=BusinessStatus.ACTIVE)),
        nib=Count("pk", filter=Q(nib__isnull=False) & ~Q(nib="")),
        halal=Count("pk", filter=halal_valid_q()),
    )


@dataclass
class RegisterPoint:
    start: dt.date
    label: str
    registered_self: int = 0
    registered_assisted: int = 0
    verified: int = 0

    @property
    def registered(self) -> int:
        return self.registered_self + self.registered_assisted


def register_series(scope: Scope, period: Period) -> list[RegisterPoint]:
    """New businesses in the register (by themselves or by an operator/agency) and
    verifications, per day (a month) or per month."""
    start, end = period.bounds()
    monthly = period.kind != MONTH
    keys = period.months() if monthly else period.days()
    points = {k: RegisterPoint(k, k.strftime("%m/%Y") if monthly else str(k.day)) for k in keys}

    def bucket(moment):
        day = timezone.localtime(moment).date()
        return day.replace(day=1) if monthly else day

    created = Business.objects.filter(scope.q(""), created_at__gte=start, created_at__lt=end)
    for moment, source, registered_by in created.values_list(
        "created_at", "source", "registered_by_id"
    ):
        point = points[bucket(moment)]
        if registered_by or source in ASSISTED_SOURCES:
            point.registered_assisted += 1
        else:
            point.registered_self += 1
    verified = StatusChange.objects.filter(
        scope.q(), to_status=BusinessStatus.VERIFIED, created_at__gte=start, created_at__lt=end
    )
    for (moment,) in verified.values_list("created_at"):
        points[bucket(moment)].verified += 1
    return [points[k] for k in sorted(points)]


@dataclass
class VerificationRow:
    label: str
    verified: int
    median_hours: float | None
    mean_hours: float | None


def verification_times(scope: Scope, period: Period) -> list[VerificationRow]:
    """For businesses verified in the period: hours from the last submission before the
    verification to the verification, per guiding agency (a business guided by two counts
    under each), slowest median first."""
    start, end = period.bounds()
    verified = list(
        StatusChange.objects.filter(
            scope.q(), to_status=BusinessStatus.VERIFIED, created_at__gte=start, created_at__lt=end
        ).values_list("business_id", "created_at")
    )
    ids = {b for b, _ in verified}
    submitted: dict[int, list[dt.datetime]] = defaultdict(list)
    for business_id, moment in StatusChange.objects.filter(
        business_id__in=ids, to_status=BusinessStatus.SUBMITTED
    ).values_list("business_id", "created_at"):
        submitted[business_id].append(moment)
    agencies: dict[int, list[int]] = defaultdict(list)
    for business_id, agency_id in Guidance.objects.filter(business_id__in=ids).values_list(
        "business_id", "agency_id"
    ):
        agencies[business_id].append(agency_id)
    names = dict(Agency.objects.values_list("pk", "short_name"))
    hours: dict[object, list[float]] = defaultdict(list)
    for business_id, moment in verified:
        before = [s for s in submitted.get(business_id, ()) if s <= moment]
        if not before:
            continue
        waited = (moment - max(before)).total_seconds() / 3600
        for agency_id in agencies.get(business_id) or [None]:
            if scope.agency_ids is None or agency_id in scope.agency_ids:
                hours[agency_id].append(waited)
    rows = [
        VerificationRow(
            names.get(agency_id, _("Tanpa OPD pembina")),
            len(values),
            round(statistics.median(values), 1),
            round(statistics.fmean(values), 1),
        )
        for agency_id, values in hours.items()
    ]
    return sorted(rows, key=lambda r: (-(r.median_hours or 0), r.label))


# --- ASN programme -------------------------------------------------------------------------------
@dataclass
class ComplianceRow:
    agency: str
    asn: int
    compliant: int
    counted: int
    required: int

    @property
    def compliance(self) -> float | None:
        return share(self.compliant, self.asn)


def asn_compliance(scope: Scope, period: Period) -> list[ComplianceRow]:
    """Per OPD, for the period's months together: ASN-months owed, those met, and the
    spending counted against what was required (from the programme's standings). An area
    scope has no OPD of its own: empty (access.shows_asn_programme)."""
    if not access.shows_asn_programme(scope):
        return []
    standings = Standing.objects.filter(
        Q(
            *[Q(period__year=m.year, period__month=m.month) for m in period.months()],
            _connector=Q.OR,
        )
    )
    if scope.agency_ids is not None:
        standings = standings.filter(agency_id__in=scope.agency_ids)
    found = (
        standings.values("agency_id", "agency__short_name")
        .annotate(
            asn=Count("pk"),
            compliant=Count("pk", filter=Q(counted__gte=F("required"))),
            counted=Sum("counted"),
            required=Sum("required"),
        )
        .order_by("agency__short_name")
    )
    rows = [
        ComplianceRow(
            r["agency__short_name"], r["asn"], r["compliant"], r["counted"] or 0, r["required"] or 0
        )
        for r in found
    ]
    return sorted(rows, key=lambda r: (r.compliance if r.compliance is not None else 2, r.agency))


def asn_trend(scope: Scope, period: Period, months: int = 6) -> list[tuple[dt.date, ComplianceRow]]:
    """The programme's compliance and counted spending over the last `months` months up to
    the period's end, all OPDs of the scope together."""
    trend = []
    last = period.months()[-1]
    for i in range(months - 1, -1, -1):
        index = last.year * 12 + last.month - 1 - i
        month_start = dt.date(index // 12, index % 12 + 1, 1)
        rows = asn_compliance(scope, _month_period(month_start))
        total = ComplianceRow(
            month_start.strftime("%m/%Y"),
            sum(r.asn for r in rows),
            sum(r.compliant for r in rows),
            sum(r.counted for r in rows),
            sum(r.required for r in rows),
        )
        trend.append((month_start, total))
    return trend


def _month_period(first: dt.date) -> Period:
    return periods.month(first.year, first.month)


# --- operations ----------------------------------------------------------------------------------
def open_flags(scope: Scope) -> int:
    """Integrity flags waiting for review, on a business or an OPD of the scope."""
    flags = IntegrityFlag.objects.filter(state=IntegrityFlag.State.OPEN)
    if scope.whole_city:
        return flags.count()
    q = Q(business__in=Business.objects.filter(scope.q("")))
    if scope.agency_ids is not None and not scope.area_restricted:
        q |= Q(agency_id__in=scope.agency_ids)
    return flags.filter(q).count()


def outstanding_payouts(scope: Scope) -> dict[str, int]:
    """What the platform owes sellers of the scope now (their payable balances, ledger)."""
    lines = JournalLine.objects.filter(
        scope.q("account__business"), account__kind=AccountKind.SELLER_PAYABLE
    )
    per_seller = lines.values("account__business_id").annotate(total=Sum("amount")).order_by()
    owed = [-row["total"] for row in per_seller if row["total"] and row["total"] < 0]
    return {"amount": sum(owed), "sellers": len(owed)}


# --- socialisation -------------------------------------------------------------------------------
@dataclass
class AreaRow:
    code: str
    label: str
    recorded: int = 0
    registered_self: int = 0
    registered_assisted: int = 0
    on_marketplace: int = 0
    selling: int = 0  # with at least one completed order in the period

    @property
    def marketplace_share(self) -> float | None:
        return share(self.on_marketplace, self.recorded)

    @property
    def selling_share(self) -> float | None:
        return share(self.selling, self.on_marketplace)


def socialisation(scope: Scope, period: Period) -> list[AreaRow]:
    """Per kelurahan: businesses in the register (registered by themselves, or by an
    operator or an agency import), on the marketplace, and selling in the period; those where
    the fewest registered businesses have joined the marketplace first (where sessions and
    tutorials are needed most)."""
    rows = {v.pk: AreaRow(v.pk, f"{v.name} ({v.district.name})") for v in _villages(scope)}
    register = (
        Business.objects.filter(scope.q(""))
        .values("village_id")
        .annotate(
            recorded=Count("pk"),
            assisted=Count(
                "pk", filter=Q(registered_by__isnull=False) | Q(source__in=ASSISTED_SOURCES)
            ),
            marketplace=Count("pk", filter=Q(on_marketplace=True, status=BusinessStatus.ACTIVE)),
        )
        .order_by()
    )
    for item in register:
        row = rows.get(item["village_id"])
        if row is None:
            continue
        row.recorded = item["recorded"]
        row.registered_assisted = item["assisted"]
        row.registered_self = item["recorded"] - item["assisted"]
        row.on_marketplace = item["marketplace"]
    selling = (
        _sales(scope, period)
        .filter(orders__gt=0)
        .values("business__village_id")
        .annotate(n=Count("business_id", distinct=True))
        .order_by()
    )
    for item in selling:
        if item["business__village_id"] in rows:
            rows[item["business__village_id"]].selling = item["n"]
    return sorted(
        rows.values(),
        key=lambda r: (
            r.marketplace_share if r.marketplace_share is not None else -1,
            r.recorded,
            r.label,
        ),
    )
