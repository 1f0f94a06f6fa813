"""Open data: the city's figures for one month as aggregates only, for citizens and
journalists (`GET /api/v1/public/stats`, the page `/data/`).

What is published: the city-wide headline figures, sales by kecamatan, by top-level category
and by business scale, the monthly sales of the year so far, the register's funnel (now), and
the ASN programme's compliance as one city total. Never: names of shops or people, personal
numbers, per-ASN or per-OPD figures.

Suppression (so no single shop's or person's figure can be read off):
- every count from 1 to 4 is published as null (0 is published: it reveals no one);
- an amount (and a share or average made from it) is null when it is built from fewer than
  THRESHOLD sellers or THRESHOLD orders;
- in a table whose rows add up to a published total, when exactly one row is hidden the
  smallest other row with sales is hidden too (else the hidden one = total − the others);
- the top-10 share needs at least TOP_K + THRESHOLD sellers with sales (else it tells what
  the few others sold), the Gini at least THRESHOLD;
- the ASN total needs THRESHOLD ASN-months, and a count of compliant or non-compliant
  ASN-months from 1 to 4 hides the compliance.
Every hidden figure is listed by name in `suppressed`. Figures come from
malpro.dashboard.metrics (one function each); this module only selects and hides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from malpro.dashboard import access, metrics, periods
from malpro.dashboard.access import Scope
from malpro.dashboard.periods import MONTH, Period
from malpro.regions.models import Regency

THRESHOLD = 5
CACHE_SECONDS = 300


city_scope = access.city_scope


def small(count: int | None) -> bool:
    """A count that could point to a few people or shops: 1 to THRESHOLD − 1."""
    return count is not None and 0 < count < THRESHOLD


def _count(value: int | None, name: str, hidden: list[str]) -> int | None:
    if small(value):
        hidden.append(name)
        return None
    return value


@dataclass
class _Row:
    code: str
    name: str
    sellers: int | None
    orders: int | None
    gmv: int | None
    suppressed: bool = False
    complement: bool = field(default=False, repr=False)

    def hide(self):
        self.suppressed = True
        self.sellers = self.orders = self.gmv = None


def _protect(rows: list[_Row], table: str, hidden: list[str], *, sellers, orders) -> list[dict]:
    """Primary suppression by the row's own seller and order counts, then one complementary
    row when a single row is hidden (see the module's docstring)."""
    for row, n_sellers, n_orders in zip(rows, sellers, orders, strict=True):
        if small(n_sellers) or small(n_orders):
            row.hide()
    hidden_rows = [r for r in rows if r.suppressed]
    if len(hidden_rows) == 1:
        others = [r for r in rows if not r.suppressed and (r.gmv or 0) > 0]
        if others:
            min(others, key=lambda r: (r.gmv, r.code)).hide()
    for row in rows:
        if row.suppressed:
            hidden.append(f"{table}.{row.code}")
    return [
        {
            "code": r.code,
            "name": r.name,
            "sellers": r.sellers,
            "orders": r.orders,
            "gmv": r.gmv,
            "suppressed": r.suppressed,
        }
        for r in rows
    ]


def _breakdown(scope: Scope, period: Period, by: str, hidden: list[str]) -> list[dict]:
    found = metrics.breakdown(scope, period, by)
    rows = [_Row(r.key, r.label, r.sellers, r.orders, r.gmv) for r in found]
    return _protect(
        rows,
        f"by_{by}",
        hidden,
        sellers=[r.sellers for r in found],
        orders=[r.orders for r in found],
    )


def _categories(scope: Scope, period: Period, hidden: list[str]) -> list[dict]:
    found = metrics.breakdown(scope, period, "category")
    rows = [_Row(r.key, r.label, None, None, r.gmv) for r in found]
    protected = _protect(
        rows,
        "by_category",
        hidden,
        sellers=[r.sellers for r in found],
        orders=[None] * len(found),
    )
    return [
        {"key": r["code"], "name": r["name"], "gmv": r["gmv"], "suppressed": r["suppressed"]}
        for r in protected
    ]


def _months(scope: Scope, period: Period, hidden: list[str]) -> list[dict]:
    """Sales per month from January to the period's month (a month is one city total: hidden
    as a whole when it has fewer than THRESHOLD sellers or orders)."""
    points = metrics.series(scope, periods.year(period.start.year))
    rows = []
    for point in points:
        if point.start > period.start:
            break
        month = periods.month(point.start.year, point.start.month)
        sellers = sum(r.sellers for r in metrics.breakdown(scope, month, "scale"))
        row = {
            "month": month.key,
            "sellers": sellers,
            "orders": point.orders,
            "gmv": point.gmv,
            "suppressed": False,
        }
        if small(sellers) or small(point.orders):
            row.update(sellers=None, orders=None, gmv=None, suppressed=True)
            hidden.append(f"gmv_by_month.{month.key}")
        rows.append(row)
    return rows


def _kpis(
    scope: Scope, period: Period, scale_rows: list[dict], hidden: list[str]
) -> dict[str, object]:
    s = metrics.summary(scope, period)
    kpis: dict[str, object] = {}
    for name, value in (
        ("orders", s.orders),
        ("buyers", s.buyers),
        ("active_sellers", s.active_sellers),
        ("sellers_with_sales", s.sellers_with_sales),
        ("zero_sale_sellers", s.zero_sale_sellers),
        ("asn_reached_umkm", s.asn_reached),
    ):
        kpis[name] = _count(value, f"kpis.{name}", hidden)
    # active − with sales = zero-sale: a hidden zero-sale count hides one of the other two.
    if kpis["zero_sale_sellers"] is None and kpis["sellers_with_sales"] is not None:
        kpis["sellers_with_sales"] = None
        hidden.append("kpis.sellers_with_sales")
    money_ok = not (small(s.sellers_with_sales) or small(s.orders))
    micro = next((r for r in scale_rows if r["code"] == "micro"), None)
    rules = {
        "gmv": (s.gmv, money_ok),
        "aov": (s.aov, money_ok),
        "cashless_share": (s.cashless_share, money_ok),
        # A rate with the orders published gives its count back: hidden when that is small.
        "cancel_rate": (
            s.cancel_rate,
            not (small(s.closed_or_completed) or small(s.cancelled) or small(s.rejected)),
        ),
        "reject_rate": (
            s.reject_rate,
            not (small(s.closed_or_completed) or small(s.rejected) or small(s.cancelled)),
        ),
        "gini": (s.gini if s.sellers_with_sales else None, money_ok),
        "top10_share": (
            s.top10_share,
            s.sellers_with_sales == 0 or s.sellers_with_sales >= metrics.TOP_K + THRESHOLD,
        ),
        "micro_share": (s.micro_share, money_ok and not (micro and micro["suppressed"])),
    }
    for name, (value, allowed) in rules.items():
        if allowed:
            kpis[name] = value
        else:
            kpis[name] = None
            hidden.append(f"kpis.{name}")
    return kpis


def _funnel(scope: Scope, hidden: list[str]) -> dict[str, int | None]:
    return {
        name: _count(value, f"funnel.{name}", hidden)
        for name, value in metrics.funnel(scope).items()
    }


def _asn(scope: Scope, period: Period, hidden: list[str]) -> dict[str, object]:
    rows = metrics.asn_compliance(scope, period)
    asn = sum(r.asn for r in rows)
    compliant = sum(r.compliant for r in rows)
    total = {
        "asn_months": asn,
        "compliant": compliant,
        "compliance": metrics.share(compliant, asn),
        "counted": sum(r.counted for r in rows),
        "required": sum(r.required for r in rows),
        "suppressed": False,
    }
    if small(asn):
        hidden.append("asn")
        return dict.fromkeys(total, None) | {"suppressed": True}
    if small(compliant) or small(asn - compliant):
        hidden.extend(["asn.compliant", "asn.compliance"])
        total.update(compliant=None, compliance=None)
    return total


def area_name() -> str:
    regency = Regency.objects.filter(pk=settings.MALPRO_REGENCY).first()
    return regency.name if regency else settings.MALPRO_REGENCY


def build(period: Period) -> dict:
    """The open figures of one month (not cached; `stats_for` caches)."""
    scope = city_scope()
    hidden: list[str] = []
    by_scale = _breakdown(scope, period, "scale", hidden)
    return {
        "period": period.key,
        "period_label": period.label,
        "area": area_name(),
        "threshold": THRESHOLD,
        "kpis": _kpis(scope, period, by_scale, hidden),
        "by_kecamatan": _breakdown(scope, period, "kecamatan", hidden),
        "by_category": _categories(scope, period, hidden),
        "by_scale": by_scale,
        "gmv_by_month": _months(scope, period, hidden),
        "funnel": _funnel(scope, hidden),
        "asn": _asn(scope, period, hidden),
        "suppressed": hidden,
        "generated_at": timezone.now().isoformat(),
    }


def parse_period(text: str | None) -> Period:
    """A month (2026-11), not in the future; empty: this month. Else a 422 field error."""
    return periods.parse(text, field="period", kinds=(MONTH,))


def cache_key(period: Period) -> str:
    return f"dashboard:public:{period.key}:{get_language() or settings.LANGUAGE_CODE}"


def stats_for(text: str | None) -> dict:
    """The open figures of the month `text`, cached for CACHE_SECONDS per month and language."""
    period = parse_period(text)
    key = cache_key(period)
    found = cache.get(key)
    if found is None:
        found = build(period)
        cache.set(key, found, CACHE_SECONDS)
    return found


# --- CSV -----------------------------------------------------------------------------------------
CSV_HEADER = ["bagian", "kode", "nama", "penjual", "pesanan", "nilai_rupiah", "disembunyikan"]


def csv_rows(stats: dict):
    """One row per published figure or table row (a hidden value is an empty cell)."""
    yes, no = "ya", "tidak"
    for name, value in stats["kpis"].items():
        hidden = f"kpis.{name}" in stats["suppressed"]
        yield ["ringkasan", name, "", "", "", value, yes if hidden else no]
    for table in ("by_kecamatan", "by_scale"):
        for r in stats[table]:
            yield [
                table,
                r["code"],
                r["name"],
                r["sellers"],
                r["orders"],
                r["gmv"],
                yes if r["suppressed"] else no,
            ]
    for r in stats["by_category"]:
        yield ["by_category", r["key"], r["name"], "", "", r["gmv"], yes if r["suppressed"] else no]
    for r in stats["gmv_by_month"]:
        yield [
            "gmv_by_month",
            r["month"],
            "",
            r["sellers"],
            r["orders"],
            r["gmv"],
            yes if r["suppressed"] else no,
        ]
    for name, value in stats["funnel"].items():
        hidden = f"funnel.{name}" in stats["suppressed"]
        yield ["funnel", name, "", "", "", value, yes if hidden else no]
    for name, value in stats["asn"].items():
        if name != "suppressed":
            hidden = "asn" in stats["suppressed"] or f"asn.{name}" in stats["suppressed"]
            yield ["asn", name, "", "", "", value, yes if hidden else no]
