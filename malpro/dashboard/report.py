"""The monthly report for leadership: one PDF per month and scope (`manage.py monthly_report`).

`content(scope, period)` gathers every figure (from malpro.dashboard.metrics, one function
each) into plain sections; `pdf(report)` draws them with fpdf2; `build(scope, period)` does
both and returns the PDF's bytes, so a page can offer the same file later. The PDF's built-in
font covers Latin-1 only: other characters become "?" (as in malpro.asn.reports).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.core.money import format_rupiah
from malpro.dashboard import access, metrics
from malpro.dashboard.access import Scope
from malpro.dashboard.periods import Period

DOCS = "docs/dashboard.md"
LEAST_COVERED = 10


# --- the scope of a report made on the command line ----------------------------------------------
def scope_named(*, agency: str | None = None, kecamatan: str | None = None) -> Scope:
    """The whole city, narrowed to a guiding agency (code, short name or id) and/or a
    kecamatan (code or name). Unknown values: a field error."""
    return access.narrow(access.city_scope(), agency=agency, kecamatan=kecamatan)


# --- what the report says ------------------------------------------------------------------------
@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    widths: list[int]
    note: str = ""


@dataclass
class Report:
    title: str
    scope_label: str
    generated: str
    kpis: Table
    equity: Table
    lorenz: list[tuple[float, float]]
    days: list[tuple[str, int]]  # (day label, gmv)
    tables: list[Table] = field(default_factory=list)
    footnote: str = ""
    figures: dict = field(default_factory=dict)  # the period's KPIs, by name (raw numbers)

    def texts(self) -> list[str]:
        """Every text of the report, in order (what the PDF shows)."""
        found = [self.title, self.scope_label, self.generated]
        for table in [self.kpis, self.equity, *self.tables]:
            found += [table.title, *table.header, table.note]
            for row in table.rows:
                found += row
        return [*found, self.footnote]


def _count(value) -> str:
    return "-" if value is None else f"{value:,}".replace(",", ".")


def _money(value) -> str:
    return "-" if value is None else format_rupiah(int(value))


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _ratio(value) -> str:
    return "-" if value is None else f"{value:.3f}".replace(".", ",")


def _hours(value) -> str:
    return "-" if value is None else _("%(h)s jam") % {"h": str(value).replace(".", ",")}


def _change(now, before) -> str:
    moved = metrics.change(now, before)
    if moved is None:
        return "-"
    return f"{moved * 100:+.1f}%".replace(".", ",")


KPI_ROWS = [
    ("gmv", _money, gettext_lazy("Nilai transaksi")),
    ("orders", _count, gettext_lazy("Pesanan selesai")),
    ("buyers", _count, gettext_lazy("Pembeli")),
    ("aov", _money, gettext_lazy("Rata-rata per pesanan")),
    ("cashless_share", _pct, gettext_lazy("Bagian nontunai")),
    ("asn_gmv", _money, gettext_lazy("Belanja ASN lewat pesanan")),
    ("asn_instore_amount", _money, gettext_lazy("Belanja ASN langsung di toko")),
    ("active_sellers", _count, gettext_lazy("Penjual aktif")),
    ("sellers_with_sales", _count, gettext_lazy("Penjual yang mendapat pesanan")),
]


def content(scope: Scope, period: Period) -> Report:
    now = metrics.summary(scope, period)
    before = metrics.summary(scope, period.compared())
    k_now, k_before = now.kpis(), before.kpis()
    kpis = Table(
        _("Angka utama"),
        [_("Angka"), period.label, period.compared().label, _("Perubahan")],
        [
            [
                _(label),
                show(k_now[name]),
                show(k_before[name]),
                _change(k_now[name], k_before[name]),
            ]
            for name, show, label in KPI_ROWS
        ],
        [70, 40, 40, 30],
    )
    equity = Table(
        _("Pemerataan"),
        [_("Angka"), period.label, period.compared().label],
        [
            [_("Koefisien Gini pendapatan penjual"), _ratio(now.gini), _ratio(before.gini)],
            [
                _("Bagian 10 penjual terbesar"),
                _pct(now.top10_share),
                _pct(before.top10_share),
            ],
            [_("Bagian usaha mikro"), _pct(now.micro_share), _pct(before.micro_share)],
            [
                _("Penjual aktif tanpa penjualan"),
                _count(now.zero_sale_sellers),
                _count(before.zero_sale_sellers),
            ],
            [
                _("UMKM yang menerima belanja ASN"),
                _count(now.asn_reached),
                _count(before.asn_reached),
            ],
        ],
        [90, 45, 45],
    )
    areas = metrics.breakdown(scope, period, "kecamatan")
    by_area = Table(
        _("Penjualan per kecamatan"),
        [_("Kecamatan"), _("Penjual"), _("Pesanan"), _("Nilai"), _("Nontunai")],
        [
            [r.label, _count(r.sellers), _count(r.orders), _money(r.gmv), _pct(r.cashless_share)]
            for r in areas
        ],
        [60, 25, 25, 40, 30],
    )
    compliance = metrics.asn_compliance(scope, period)
    asn = Table(
        _("Kepatuhan belanja ASN per OPD"),
        [_("OPD"), _("ASN"), _("Patuh"), _("% patuh"), _("Dihitung"), _("Kewajiban")],
        [
            [
                r.agency,
                _count(r.asn),
                _count(r.compliant),
                _pct(r.compliance),
                _money(r.counted),
                _money(r.required),
            ]
            for r in compliance
        ],
        [50, 18, 18, 22, 36, 36],
        note="" if compliance else _("Belum ada data kepatuhan ASN untuk periode dan cakupan ini."),
    )
    owed = metrics.outstanding_payouts(scope)
    operations = Table(
        _("Operasional"),
        [_("Angka"), _("Nilai")],
        [
            [_("Rata-rata waktu pemenuhan pesanan"), _hours(now.mean_fulfil_hours)],
            [_("Pesanan dibatalkan"), f"{_count(now.cancelled)} ({_pct(now.cancel_rate)})"],
            [_("Pesanan ditolak penjual"), f"{_count(now.rejected)} ({_pct(now.reject_rate)})"],
            [_("Tanda integritas terbuka (saat ini)"), _count(metrics.open_flags(scope))],
            [
                _("Pembayaran ke penjual yang belum dicairkan (saat ini)"),
                _("%(amount)s untuk %(n)s penjual")
                % {"amount": _money(owed["amount"]), "n": _count(owed["sellers"])},
            ],
        ],
        [110, 70],
    )
    areas = metrics.socialisation(scope, period)
    # Kelurahan with no business in the register have no coverage to rank: they are named in
    # the title's count, and the table ranks those where some businesses are registered.
    empty = sum(1 for r in areas if not r.recorded)
    least = [r for r in areas if r.recorded][:LEAST_COVERED]
    coverage = Table(
        _(
            "%(n)s kelurahan dengan cakupan marketplace terendah "
            "(%(empty)s kelurahan belum punya UMKM terdaftar)"
        )
        % {"n": LEAST_COVERED, "empty": empty},
        [
            _("Kelurahan"),
            _("Tercatat"),
            _("Mandiri"),
            _("Dibantu"),
            _("Marketplace"),
            _("Berjualan"),
        ],
        [
            [
                r.label,
                _count(r.recorded),
                _count(r.registered_self),
                _count(r.registered_assisted),
                f"{_count(r.on_marketplace)} ({_pct(r.marketplace_share)})",
                _count(r.selling),
            ]
            for r in least
        ],
        [62, 20, 20, 20, 34, 24],
    )
    return Report(
        title=_("Laporan bulanan UMKM - %(period)s") % {"period": period.label},
        scope_label=scope.label,
        generated=_("Dibuat %(when)s") % {"when": timezone.localtime().strftime("%d/%m/%Y %H:%M")},
        kpis=kpis,
        equity=equity,
        lorenz=now.lorenz(),
        days=[(p.label, p.gmv) for p in metrics.series(scope, period)],
        tables=[by_area, asn, operations, coverage],
        footnote=_(
            "Yang dihitung: pesanan selesai pada tanggal selesai (WIB), termasuk ongkos kirim; "
            "pembatalan dan penolakan pada tanggal pesanan ditutup; belanja ASN langsung di toko "
            "setelah dikonfirmasi. Rincian setiap angka: %(docs)s."
        )
        % {"docs": DOCS},
        figures=k_now,
    )


# --- the PDF -------------------------------------------------------------------------------------
def latin1(text: str) -> str:
    """The PDF's built-in font covers Latin-1: anything else becomes "?" instead of an error."""
    return (
        str(text)
        .replace("—", "-")
        .replace("→", "->")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def _document(footnote: str):
    from fpdf import FPDF

    class _Pdf(FPDF):
        def footer(self):
            self.set_y(-15)
            self.set_font("helvetica", "I", 7)
            self.multi_cell(150, 3.5, latin1(footnote), new_x="RIGHT", new_y="TOP", align="L")
            self.set_font("helvetica", "", 8)
            self.cell(0, 7, latin1(_("Halaman %(n)s") % {"n": self.page_no()}), align="R")

    return _Pdf(orientation="P", unit="mm", format="A4")


def _fit(doc, text: str, width: float) -> str:
    """The text, shortened with ".." until it fits a cell of `width` mm."""
    text = latin1(text)
    room = width - 2 * doc.c_margin
    if doc.get_string_width(text) <= room:
        return text
    while text and doc.get_string_width(text + "..") > room:
        text = text[:-1]
    return text + ".."


def _heading(doc, text: str) -> None:
    doc.ln(3)
    doc.set_font("helvetica", "B", 11)
    doc.cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")


def _table(doc, table: Table) -> None:
    if doc.will_page_break(7 * 3):
        doc.add_page()
    _heading(doc, table.title)
    doc.set_font("helvetica", "B", 8)
    for width, text in zip(table.widths, table.header, strict=True):
        doc.cell(width, 6, latin1(text), border=1)
    doc.ln()
    doc.set_font("helvetica", "", 8)
    for row in table.rows:
        if doc.will_page_break(6):
            doc.add_page()
        for i, (width, text) in enumerate(zip(table.widths, row, strict=True)):
            doc.cell(width, 5.5, _fit(doc, text, width), border=1, align="L" if i == 0 else "R")
        doc.ln()
    if table.note:
        doc.set_font("helvetica", "I", 8)
        doc.multi_cell(0, 5, latin1(table.note), new_x="LMARGIN", new_y="NEXT")


def _lorenz(doc, points: list[tuple[float, float]], x: float, y: float, size: float) -> None:
    """The Lorenz curve (share of sellers -> share of revenue) against the line of equality."""
    doc.set_draw_color(150, 150, 150)
    doc.rect(x, y, size, size)
    doc.set_dash_pattern(dash=1, gap=1)
    doc.line(x, y + size, x + size, y)
    doc.set_dash_pattern()
    doc.set_draw_color(11, 110, 79)
    doc.set_line_width(0.6)
    if len(points) >= 2:
        doc.polyline([(x + px * size, y + size - py * size) for px, py in points])
    doc.set_line_width(0.2)
    doc.set_draw_color(0, 0, 0)
    doc.set_font("helvetica", "", 7)
    doc.set_xy(x, y + size + 1)
    doc.cell(size, 4, latin1(_("bagian penjual (termiskin dulu)")), align="C")
    doc.set_xy(x + size + 2, y)
    doc.multi_cell(
        70,
        3.5,
        latin1(
            _(
                "Sumbu tegak: bagian pendapatan. Garis putus: semua penjual mendapat sama "
                "besar; garis hijau: kenyataan. Makin jauh dari garis putus, makin timpang."
            )
        ),
    )


def _bars(doc, days: list[tuple[str, int]], x: float, y: float, width: float, height: float):
    """GMV per day as bars, with the largest day's amount written at the top."""
    doc.set_draw_color(150, 150, 150)
    doc.line(x, y + height, x + width, y + height)
    top = max((gmv for _label, gmv in days), default=0)
    step = width / max(len(days), 1)
    doc.set_fill_color(11, 110, 79)
    doc.set_font("helvetica", "", 6)
    for i, (label, gmv) in enumerate(days):
        if top and gmv:
            bar = height * gmv / top
            doc.rect(x + i * step + step * 0.15, y + height - bar, step * 0.7, bar, style="F")
        if len(days) <= 12 or i % 5 == 0:
            doc.set_xy(x + i * step, y + height + 0.5)
            doc.cell(step, 3, latin1(label), align="C")
    doc.set_xy(x, y - 4)
    doc.cell(width, 4, latin1(_("tertinggi: %(amount)s") % {"amount": _money(top)}), align="L")
    doc.set_draw_color(0, 0, 0)


def pdf(report: Report, *, compress: bool = True) -> bytes:
    doc = _document(report.footnote)
    doc.set_compression(compress)
    doc.set_title(latin1(report.title))
    doc.set_auto_page_break(True, margin=20)
    doc.add_page()
    doc.set_font("helvetica", "B", 15)
    doc.multi_cell(0, 8, latin1(report.title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", "", 10)
    doc.multi_cell(0, 6, latin1(report.scope_label), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", "", 8)
    doc.cell(0, 5, latin1(report.generated), new_x="LMARGIN", new_y="NEXT")
    _table(doc, report.kpis)
    _table(doc, report.equity)
    if doc.will_page_break(70):
        doc.add_page()
    _heading(doc, _("Kurva Lorenz pendapatan penjual"))
    top = doc.get_y() + 2
    _lorenz(doc, report.lorenz, doc.l_margin, top, 50)
    doc.set_y(top + 58)
    if doc.will_page_break(50):
        doc.add_page()
    _heading(doc, _("Nilai transaksi per hari"))
    top = doc.get_y() + 6
    _bars(doc, report.days, doc.l_margin, top, doc.epw, 35)
    doc.set_y(top + 42)
    for table in report.tables:
        _table(doc, table)
    return bytes(doc.output())


def build(scope: Scope, period: Period, *, compress: bool = True) -> bytes:
    """The monthly report of `scope` for `period` as PDF bytes."""
    return pdf(content(scope, period), compress=compress)
