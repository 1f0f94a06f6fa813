"""A book's report as files: XLSX (through malpro.core.tabular: a summary sheet, the entries,
by category) and a one- or two-page PDF (fpdf2: the summary, categories, top items and the
comparison with the previous period). Money is whole rupiah: integers in the workbook."""

from __future__ import annotations

from django.utils.translation import gettext as _

from malpro.books import selectors
from malpro.books.models import Book, Category, Direction, Method, Source
from malpro.core.money import format_rupiah


def summary_rows(summary: selectors.Summary) -> list[tuple[str, int]]:
    """The report's figures in order, as (label, whole rupiah)."""
    return [
        (_("Pemasukan"), summary.income),
        (_("Pengeluaran"), summary.spending),
        (_("Laba"), summary.profit),
        (_("Tambahan modal"), summary.capital_in),
        (_("Diambil pemilik (prive)"), summary.withdrawals),
        (_("Arus kas (uang masuk - uang keluar)"), summary.cash_flow),
        (_("Piutang (kasbon pelanggan) di akhir periode"), summary.receivables),
        (_("Utang ke pemasok di akhir periode"), summary.payables),
    ]


def xlsx(*, book: Book, growth: selectors.Growth, lines: list[str]) -> bytes:
    from malpro.core.tabular import XlsxBook

    summary, previous = growth.current, growth.previous
    period = summary.period
    workbook = XlsxBook()  # texts are written as text, never as formulas
    sheet = workbook.sheet(_("Ringkasan"))
    sheet.append([_("Laporan buku kas"), book.business.name])
    sheet.append([_("Periode"), period.label])
    sheet.append([_("Dari"), period.start])
    sheet.append([_("Sampai"), period.end])
    sheet.append([])
    sheet.append([_("Angka"), period.label, previous.period.label])
    previous_rows = dict(summary_rows(previous))
    for label, value in summary_rows(summary):
        sheet.append([label, value, previous_rows[label]])
    sheet.append([_("Jumlah catatan"), summary.entries, previous.entries])
    sheet.append([])
    sheet.append([_("Apakah usaha saya tumbuh?")])
    for line in lines:
        sheet.append([line])
    if summary.top_items:
        sheet.append([])
        sheet.append([_("Barang terlaris"), _("Jumlah"), _("Total (Rp)")])
        for item in summary.top_items:
            sheet.append([item["name"], item["quantity"], item["total"]])

    entries = workbook.sheet(_("Catatan"))
    entries.append(
        [
            _("Tanggal"),
            _("Jenis"),
            _("Kategori"),
            _("Cara bayar"),
            _("Jumlah (Rp)"),
            _("Catatan"),
            _("Sumber"),
        ]
    )
    directions = dict(Direction.choices)
    categories = dict(Category.choices)
    methods = dict(Method.choices)
    sources = dict(Source.choices)
    for entry in selectors.entry_list(book=book, period=period).order_by("occurred_on", "id"):
        entries.append(
            [
                entry.occurred_on,
                str(directions.get(entry.direction, entry.direction)),
                str(categories.get(entry.category, entry.category)),
                str(methods.get(entry.method, entry.method)),
                entry.amount,
                entry.note,
                str(sources.get(entry.source, entry.source)),
            ]
        )

    by_category = workbook.sheet(_("Per kategori"))
    by_category.append([_("Jenis"), _("Kategori"), _("Jumlah (Rp)")])
    for row in summary.by_category:
        by_category.append(
            [str(directions.get(row["direction"], row["direction"])), row["label"], row["amount"]]
        )
    by_method = workbook.sheet(_("Per cara bayar"))
    by_method.append([_("Cara bayar"), _("Masuk (Rp)"), _("Keluar (Rp)")])
    for row in summary.by_method:
        by_method.append([row["label"], row["income"], row["spending"]])
    return workbook.to_bytes()


def _pdf_text(text: str) -> str:
    """The PDF's built-in font covers Latin-1: anything else becomes "?" instead of an error
    (an en dash in a period label becomes a hyphen first)."""
    text = str(text).replace("\u2013", "-").replace("\u2014", "-")
    return text.encode("latin-1", "replace").decode("latin-1")


def pdf(*, book: Book, growth: selectors.Growth, lines: list[str], note: str = "") -> bytes:
    from fpdf import FPDF

    summary, previous = growth.current, growth.previous
    doc = FPDF(orientation="P", unit="mm", format="A4")
    title = _("Laporan buku kas %(shop)s") % {"shop": book.business.name}
    doc.set_title(_pdf_text(title))
    doc.add_page()
    doc.set_font("helvetica", "B", 14)
    doc.multi_cell(0, 8, _pdf_text(title), new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", "", 10)
    doc.cell(
        0,
        6,
        _pdf_text(_("Periode: %(p)s") % {"p": summary.period.label}),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(2)

    def heading(text: str) -> None:
        doc.ln(3)
        doc.set_font("helvetica", "B", 11)
        doc.cell(0, 7, _pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("helvetica", "", 10)

    def row(label: str, *values: str, bold: bool = False) -> None:
        doc.set_font("helvetica", "B" if bold else "", 10)
        doc.cell(100, 6, _pdf_text(label), border="B")
        for value in values:
            doc.cell(40, 6, _pdf_text(value), border="B", align="R")
        doc.ln()

    heading(_("Ringkasan"))
    row(_("Angka"), summary.period.label, previous.period.label, bold=True)
    previous_rows = dict(summary_rows(previous))
    for label, value in summary_rows(summary):
        row(label, format_rupiah(value), format_rupiah(previous_rows[label]))

    heading(_("Apakah usaha saya tumbuh?"))
    for line in [*lines, note]:
        if line:
            doc.multi_cell(0, 5, _pdf_text(line), new_x="LMARGIN", new_y="NEXT")

    if summary.by_category:
        heading(_("Per kategori"))
        directions = dict(Direction.choices)
        for item in summary.by_category:
            row(
                f"{directions.get(item['direction'], '')}: {item['label']}",
                format_rupiah(item["amount"]),
            )
    if summary.top_items:
        heading(_("Barang terlaris"))
        for item in summary.top_items:
            row(f"{item['name']} ({item['quantity']})", format_rupiah(item["total"]))
    doc.ln(4)
    doc.set_font("helvetica", "", 8)
    doc.multi_cell(
        0,
        4,
        _pdf_text(
            _(
                "Laba = pemasukan - pengeluaran (tanpa tambahan modal dan prive). Kasbon dihitung "
                "sebagai pemasukan saat dibayar."
            )
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(doc.output())


def shared_xlsx(rows: list[dict], label: str) -> bytes:
    """The agency's list of shared summaries (selectors.shared_summaries) as one sheet."""
    from malpro.core.tabular import xlsx_bytes

    header = [
        _("UMKM"),
        _("Kelurahan"),
        _("OPD"),
        _("Pemasukan (Rp)"),
        _("Pengeluaran (Rp)"),
        _("Laba (Rp)"),
        _("Piutang (Rp)"),
        _("Jumlah catatan"),
        _("Dibagikan sejak"),
    ]
    body = (
        [
            r["business"],
            r["kelurahan"],
            r["agency"],
            r["income"],
            r["spending"],
            r["profit"],
            r["receivables"],
            r["entries"],
            r["shared_at"].date(),
        ]
        for r in rows
    )
    return xlsx_bytes(header, body, title=_("Ringkasan %(p)s") % {"p": label})
