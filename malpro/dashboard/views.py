"""The city's dashboard pages (/dasbor/ and one page per section) and their exports.

Thin: who may see what is malpro.dashboard.access, the figures are malpro.dashboard.metrics,
the tables (shared with the exports) malpro.dashboard.tables, the charts
malpro.dashboard.charts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from malpro.core import words
from malpro.core.exceptions import ApplicationError, PermissionDenied
from malpro.core.money import format_rupiah
from malpro.core.tabular import XLSX_CONTENT_TYPE
from malpro.dashboard import access, charts, exports, periods, tables
from malpro.dashboard.tables import SECTIONS, Data, show

ASN_TABLES = {"kepatuhan-asn", "tren-asn"}
FIELDS = {"agency": "opd", "kecamatan": "kecamatan", "periode": "periode", "ukuran": "ukuran"}
CHART_ROWS = 10  # bars drawn for a long breakdown; the table below has every row
OPEN_ROWS = 12  # longer tables fold into a <details>


def compact_rupiah(amount) -> str:
    """Rp1,2 jt / Rp350 rb: short labels for the charts (the tables give the exact sums)."""
    amount = int(amount or 0)
    units = (
        (1_000_000_000, pgettext("rupiah, short for miliar", "M")),
        (1_000_000, pgettext("rupiah, short for juta", "jt")),
        (1_000, pgettext("rupiah, short for ribu", "rb")),
    )
    for size, unit in units:
        if abs(amount) >= size:
            text = f"{amount / size:.1f}".replace(".", ",").removesuffix(",0")
            return f"Rp{text} {unit}"
    return format_rupiah(amount)


def _denied(request, message: str):
    return render(request, "core/error.html", {"code": 403, "message": message}, status=403)


class Filters:
    """The GET filters of a dashboard page or export, checked against what the user may see."""

    def __init__(self, request):
        get = request.GET
        self.user = request.user
        self.values = {
            "periode": get.get("periode", "").strip(),
            "opd": get.get("opd", "").strip(),
            "kecamatan": get.get("kecamatan", "").strip(),
            "ukuran": get.get("ukuran", "").strip(),
        }
        self.errors: dict[str, str] = {}
        self.period = self.scope = None
        try:
            self.period = periods.parse(self.values["periode"], field="periode")
        except ApplicationError as exc:
            self._add(exc)
        try:
            self.scope = access.scope_for(
                user=self.user, agency=self.values["opd"], kecamatan=self.values["kecamatan"]
            )
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            self._add(exc)
        self.measure = self.values["ukuran"] or "gmv"
        if self.measure not in tables.MEASURES:
            self.errors["ukuran"] = _("Ukuran tidak dikenal.")

    def _add(self, exc: ApplicationError) -> None:
        fields = exc.extra.get("fields") or {"periode": exc.message}
        for name, message in fields.items():
            self.errors[FIELDS.get(name, name)] = message

    def query(self, **changes) -> str:
        """The filters as a query string (empty values left out), with `changes`."""
        values = {**self.values, **changes}
        return urlencode({k: v for k, v in values.items() if v})


def _period_options(current: periods.Period | None) -> list[tuple[str, list[tuple[str, str]]]]:
    today = periods.current()
    months, quarters, years = [], [], []
    p = today
    for _i in range(24):
        months.append((p.key, p.label))
        p = p.previous()
    q = periods.current(periods.QUARTER)
    for _i in range(8):
        quarters.append((q.key, q.label))
        q = q.previous()
    y = periods.current(periods.YEAR)
    for _i in range(5):
        years.append((y.key, y.label))
        y = y.previous()
    groups = [(_("Bulan"), months), (_("Triwulan"), quarters), (_("Tahun"), years)]
    if current is not None and all(current.key != k for _g, opts in groups for k, _l in opts):
        groups[{"month": 0, "quarter": 1, "year": 2}[current.kind]][1].append(
            (current.key, current.label)
        )
    return groups


def _axis(label: str) -> str:
    """A series' step under its column: the day of the month ("3") or the month ("Nov 2026")."""
    return label[-2:].lstrip("0") if len(label) == 10 else words.month_label(label, short=True)


def _chart(table: tables.Table):
    """The chart drawn above a table (None: the table alone)."""
    key, rows = table.key, table.rows
    if key == "deret":
        return charts.columns(
            [(_axis(r[0]), r[1]) for r in rows],
            title=_("GMV %(step)s") % {"step": table.title.lower()},
            desc=_("Nilai transaksi pesanan selesai, tabel di bawah memuat angkanya."),
            fmt=compact_rupiah,
        )
    if key == "pendaftaran":
        return charts.columns(
            [(_axis(r[0]), r[1] + r[2]) for r in rows],
            title=_("UMKM baru terdaftar"),
            desc=_("Pendaftaran sendiri dan oleh petugas; angka di tabel di bawah."),
        )
    if key == "corong":
        return charts.funnel(
            [(r[0], r[1]) for r in rows],
            title=table.title,
            desc=_("Tercatat, aktif, di marketplace, punya NIB, halal berlaku."),
            fmt=lambda v: show(tables.INT, v),
        )
    if key == "lorenz":
        return charts.lorenz(
            [(r[0], r[1]) for r in rows],
            title=_("Kurva Lorenz pendapatan penjual"),
            x_label=_("Bagian penjual, dari yang terkecil"),
            y_label=_("Bagian pendapatan"),
            desc=_(
                "Garis putus-putus: pemerataan sempurna. Makin jauh kurva di bawahnya, "
                "makin timpang."
            ),
        )
    if key == "waktu-verifikasi":
        items = [(r[0], r[2] or 0) for r in rows[:CHART_ROWS]]
        fmt = lambda v: show(tables.HOURS, v)  # noqa: E731
    elif key in ("cara-bayar",):
        items, fmt = [(r[0], r[1]) for r in rows], compact_rupiah
    elif key.startswith("per-") or key == "10-teratas":
        column = 2 if key == "10-teratas" else 1
        name = 1 if key == "10-teratas" else 0
        items = [(r[name], r[column]) for r in rows[:CHART_ROWS] if r[column]]
        fmt = compact_rupiah
    elif key == "kepatuhan-asn":
        items = [(r[0], r[3] or 0) for r in rows[:CHART_ROWS]]
        fmt = lambda v: show(tables.SHARE, v)  # noqa: E731
    elif key == "tren-asn":
        return charts.columns(
            [(_axis(r[0]), r[3] or 0) for r in rows],
            title=table.title,
            desc=_("Bagian ASN yang memenuhi kewajiban belanja per bulan."),
            fmt=lambda v: show(tables.SHARE, v),
            line=True,
        )
    else:
        return None
    if not items:
        return None
    more = len(rows) > len(items)
    title = table.title + (_(" (10 teratas)") if more else "")
    return charts.bars(items, title=title, desc=_("Angka lengkap di tabel di bawah."), fmt=fmt)


def _cards(table: tables.CompareTable) -> list[dict]:
    """A comparison table as cards: the figure, the previous period's and the change."""
    return [
        {"label": label[0], "value": now[0], "previous": before[0], "change": delta[0], "trend": t}
        for (label, now, before, delta), t in zip(table.display(), table.trends(), strict=True)
    ]


def _block(table: tables.Table, filters: Filters, *, shade_column: int | None = None) -> dict:
    display = table.display()
    shades = None
    if shade_column is not None:
        values = [row[shade_column] or 0 for row in table.rows]
        peak = max(values, default=0) or 1
        shades = [charts.shade(v / peak) for v in values]
    labels = [str(c.title) for c in table.columns]
    return {
        "table": table,
        "rows": [
            (list(zip(cells, labels, strict=True)), shade)
            for cells, shade in zip(display, shades or [None] * len(display), strict=True)
        ],
        "cards": _cards(table) if isinstance(table, tables.CompareTable) else None,
        "chart": _chart(table),
        "fold": len(table.rows) > OPEN_ROWS,
        "stack": len(table.columns) > 3,
        "csv": reverse("dashboard:export", args=[table.key, "csv"]),
        "xlsx": reverse("dashboard:export", args=[table.key, "xlsx"]),
        "shade_title": tables.MEASURES[filters.measure] if shades else "",
    }


def _sections(base) -> list[tuple[str, object]]:
    return [
        (name, title)
        for name, (title, _keys) in SECTIONS.items()
        if name != "asn" or access.shows_asn_programme(base)
    ]


@login_required
@require_safe
def section(request, name: str = "ringkasan"):
    if name not in SECTIONS:
        raise Http404
    user = request.user
    base = access.base_scope(user=user)
    if base is None:
        return _denied(request, _("Dasbor hanya untuk pimpinan, pejabat OPD dan petugas kota."))
    if name == "asn" and not access.shows_asn_programme(base):
        return _denied(request, _("Program ASN dilaporkan per OPD, bukan per wilayah."))
    try:
        filters = Filters(request)
    except PermissionDenied as exc:
        return _denied(request, exc.message)
    context = {
        "section": name,
        "section_title": SECTIONS[name][0],
        "sections": _sections(base),
        "filters": filters,
        "query": filters.query(ukuran=""),
        "period_groups": _period_options(filters.period),
        "can_filter_agency": access.can_filter_agency(user=user),
        "agencies": access.agencies_for(user=user),
        "districts": access.districts_for(user=user),
        "measures": list(tables.MEASURES.items()),
        "base_label": base.label,
    }
    if filters.errors:
        return render(request, "dashboard/section.html", context, status=422)
    data = Data(filters.scope, filters.period, filters.measure)
    built = {key: tables.build(key, data) for key in SECTIONS[name][1]}
    blocks = []
    for key, table in built.items():
        shade = None
        if key.startswith("wilayah-"):
            shade = {"gmv": 1, "orders": 2, "sellers": 3, "marketplace_share": 6}[data.measure]
        blocks.append(_block(table, filters, shade_column=shade))
    period = filters.period
    context.update(
        {
            "scope": filters.scope,
            "period": period,
            "previous": period.compared(),
            "prev_query": filters.query(periode=period.previous().key),
            "prev_label": period.previous().label,
            "next_query": filters.query(periode=period.next().key)
            if not period.is_current() and period.next().start <= periods.current().start
            else "",
            "blocks": blocks,
            "section_xlsx": reverse("dashboard:export_section", args=[name]),
            "export_query": filters.query(),
        }
    )
    return render(request, "dashboard/section.html", context)


def _export_filters(request, keys: list[str]):
    """The filters of an export, or the response refusing it."""
    base = access.base_scope(user=request.user)
    if base is None:
        return None, _denied(request, _("Dasbor hanya untuk pimpinan, pejabat OPD dan petugas."))
    if ASN_TABLES & set(keys) and not access.shows_asn_programme(base):
        return None, _denied(request, _("Program ASN dilaporkan per OPD, bukan per wilayah."))
    try:
        filters = Filters(request)
    except PermissionDenied as exc:
        return None, _denied(request, exc.message)
    if filters.errors:
        text = " ".join(filters.errors.values())
        return None, HttpResponse(text, status=422, content_type="text/plain; charset=utf-8")
    return filters, None


def _attachment(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def export(request, key: str, ext: str):
    if key not in tables.BUILDERS or ext not in ("csv", "xlsx"):
        raise Http404
    filters, refusal = _export_filters(request, [key])
    if refusal:
        return refusal
    table = tables.build(key, Data(filters.scope, filters.period, filters.measure))
    name = exports.filename(key, filters.period.key, filters.scope.key(), ext)
    if ext == "csv":
        return _attachment(exports.csv_text(table), "text/csv; charset=utf-8", name)
    return _attachment(exports.xlsx(table), XLSX_CONTENT_TYPE, name)


@login_required
@require_safe
def export_section(request, name: str):
    if name not in SECTIONS:
        raise Http404
    keys = SECTIONS[name][1]
    filters, refusal = _export_filters(request, keys)
    if refusal:
        return refusal
    data = Data(filters.scope, filters.period, filters.measure)
    book = exports.xlsx_book([tables.build(key, data) for key in keys])
    stem = f"bagian-{name}"
    filename = exports.filename(stem, filters.period.key, filters.scope.key(), "xlsx")
    return _attachment(book, XLSX_CONTENT_TYPE, filename)
