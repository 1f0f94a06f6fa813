"""The open-data page (/data/): the same figures as GET /api/v1/public/stats, as tables, with
a CSV download. Public: no sign-in, aggregates only (malpro.dashboard.public)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from malpro.core import tabular
from malpro.core.exceptions import ApplicationError
from malpro.core.money import format_rupiah
from malpro.dashboard import periods, public

HIDDEN = "*"

KPI_LABELS = [
    ("gmv", gettext_lazy("Nilai transaksi (pesanan selesai)"), "money"),
    ("orders", gettext_lazy("Pesanan selesai"), "count"),
    ("buyers", gettext_lazy("Pembeli"), "count"),
    ("aov", gettext_lazy("Rata-rata per pesanan"), "money"),
    ("cashless_share", gettext_lazy("Bagian nontunai"), "share"),
    ("active_sellers", gettext_lazy("Penjual aktif di marketplace"), "count"),
    ("sellers_with_sales", gettext_lazy("Penjual yang mendapat pesanan"), "count"),
    ("zero_sale_sellers", gettext_lazy("Penjual aktif tanpa penjualan"), "count"),
    ("asn_reached_umkm", gettext_lazy("UMKM yang menerima belanja ASN"), "count"),
    ("gini", gettext_lazy("Koefisien Gini pendapatan penjual"), "ratio"),
    ("top10_share", gettext_lazy("Bagian 10 penjual terbesar"), "share"),
    ("micro_share", gettext_lazy("Bagian usaha mikro"), "share"),
    ("cancel_rate", gettext_lazy("Pesanan dibatalkan"), "share"),
    ("reject_rate", gettext_lazy("Pesanan ditolak penjual"), "share"),
]
FUNNEL_LABELS = [
    ("recorded", gettext_lazy("Tercatat")),
    ("active", gettext_lazy("Aktif (terverifikasi)")),
    ("marketplace", gettext_lazy("Di marketplace")),
    ("nib", gettext_lazy("Punya NIB")),
    ("halal", gettext_lazy("Sertifikat halal berlaku")),
]


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def show(value, kind: str = "count") -> str:
    """A figure as people read it; a hidden (or missing) one as a marker or a dash."""
    if value is None:
        return HIDDEN if kind != "none" else "—"
    if kind == "money":
        return format_rupiah(int(value))
    if kind == "share":
        return f"{value * 100:.1f}%".replace(".", ",")
    if kind == "ratio":
        return f"{value:.3f}".replace(".", ",")
    return _number(int(value))


def _month_choices(selected: str) -> list[tuple[str, str, bool]]:
    current = periods.current()
    found, period = [], current
    for _i in range(24):
        found.append((period.key, period.label, period.key == selected))
        period = period.previous()
    return found


def _context(stats: dict) -> dict:
    hidden = set(stats["suppressed"])

    def rows(table, money_key="gmv"):
        return [
            {
                "name": r["name"],
                "sellers": show(r.get("sellers")) if "sellers" in r else None,
                "orders": show(r.get("orders")) if "orders" in r else None,
                "gmv": show(r[money_key], "money"),
                "suppressed": r["suppressed"],
            }
            for r in stats[table]
        ]

    def kpi_text(name, value, kind):
        if value is None and f"kpis.{name}" not in hidden:
            return "—"
        return show(value, kind)

    return {
        "stats": stats,
        "kpis": [
            (label, kpi_text(name, stats["kpis"][name], kind)) for name, label, kind in KPI_LABELS
        ],
        "by_kecamatan": rows("by_kecamatan"),
        "by_scale": rows("by_scale"),
        "by_category": rows("by_category"),
        "by_month": [
            {
                "month": m["month"],
                "sellers": show(m["sellers"]),
                "orders": show(m["orders"]),
                "gmv": show(m["gmv"], "money"),
            }
            for m in stats["gmv_by_month"]
        ],
        "funnel": [(label, show(stats["funnel"][name])) for name, label in FUNNEL_LABELS],
        "asn": {
            "asn_months": show(stats["asn"]["asn_months"]),
            "compliant": show(stats["asn"]["compliant"]),
            "compliance": show(stats["asn"]["compliance"], "share"),
            "counted": show(stats["asn"]["counted"], "money"),
            "required": show(stats["asn"]["required"], "money"),
        },
        "hidden_count": len(hidden),
        "hidden_marker": HIDDEN,
    }


def open_data(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("periode", "")
    error = None
    try:
        stats = public.stats_for(text)
    except ApplicationError as exc:
        error = exc.message
        stats = public.stats_for("")
    context = _context(stats)
    context.update(
        error=error,
        month_choices=_month_choices(stats["period"]),
        threshold=public.THRESHOLD,
        largest_hidden=public.THRESHOLD - 1,
        today=timezone.localdate(),
    )
    return render(request, "dashboard/public/open_data.html", context, status=422 if error else 200)


def open_data_csv(request: HttpRequest) -> HttpResponse:
    try:
        stats = public.stats_for(request.GET.get("periode", ""))
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=422, content_type="text/plain; charset=utf-8")
    body = tabular.csv_text(public.CSV_HEADER, public.csv_rows(stats))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"data-terbuka-{stats['period']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
