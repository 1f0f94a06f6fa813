"""Compliance reports for OPD heads, BKPSDM and the Inspektorat, read from Standing rows
(precomputed; `manage.py asn_recount` proves they equal a recount from the orders)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from malpro.accounts.models import Agency
from malpro.asn import obligation, periods
from malpro.asn.models import Employee, Period, Standing
from malpro.core.money import format_rupiah


@dataclass
class AgencyRow:
    agency: Agency
    asn_count: int
    compliant: int
    total_counted: int
    total_required: int
    top: list = field(default_factory=list)
    bottom: list = field(default_factory=list)

    @property
    def share(self) -> float:
        return round(self.compliant * 100 / self.asn_count, 1) if self.asn_count else 0.0


def ensure_standings(period: Period) -> int:
    """Every active ASN has a standing for an open period (computed once, then kept current
    by the asn.standings consumer)."""
    if period.closed_at is not None:
        return 0
    missing = Employee.objects.filter(is_active=True).exclude(standings__period=period)
    return obligation.standings_store(period, missing)


def opd_report(
    *, year: int, month: int, agency_ids: set[int] | None = None, extremes: int = 3
) -> list[AgencyRow]:
    period = obligation.period_get(year, month)
    ensure_standings(period)
    standings = Standing.objects.filter(period=period)
    if agency_ids is not None:
        standings = standings.filter(agency_id__in=agency_ids)
    rows = {}
    for row in standings.values("agency_id").annotate(
        n=Count("id"),
        ok=Count("id", filter=Q(counted__gte=F("required"))),
        counted=Sum("counted"),
        required=Sum("required"),
    ):
        rows[row["agency_id"]] = row
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=rows)}
    # Top and bottom of every OPD in one query (a rank per OPD each way), not two per OPD.
    top: dict[int, list] = {pk: [] for pk in rows}
    bottom: dict[int, list] = {pk: [] for pk in rows}
    ranked = (
        standings.select_related("employee")
        .annotate(
            high=Window(
                RowNumber(),
                partition_by=[F("agency_id")],
                order_by=[F("counted").desc(), F("employee__name").asc(), F("pk").asc()],
            ),
            low=Window(
                RowNumber(),
                partition_by=[F("agency_id")],
                order_by=[F("counted").asc(), F("employee__name").asc(), F("pk").asc()],
            ),
        )
        .filter(Q(high__lte=extremes) | Q(low__lte=extremes))
    )
    for standing in ranked:
        if standing.high <= extremes:
            top[standing.agency_id].append(standing)
        if standing.low <= extremes:
            bottom[standing.agency_id].append(standing)
    result = []
    for agency_id, row in sorted(rows.items(), key=lambda kv: agencies[kv[0]].short_name):
        result.append(
            AgencyRow(
                agency=agencies[agency_id],
                asn_count=row["n"],
                compliant=row["ok"],
                total_counted=row["counted"] or 0,
                total_required=row["required"] or 0,
                top=sorted(top[agency_id], key=lambda s: s.high),
                bottom=sorted(bottom[agency_id], key=lambda s: s.low),
            )
        )
    return result


def trend(
    *, year: int, month: int, count: int = 12, agency_ids: set[int] | None = None
) -> list[tuple[str, float, int]]:
    """(period, compliant share %, total counted) for the last `count` periods that exist."""
    out = []
    for step in range(count - 1, -1, -1):
        y, m = periods.previous(year, month, step)
        period = Period.objects.filter(year=y, month=m).first()
        if period is None:
            continue
        qs = Standing.objects.filter(period=period)
        if agency_ids is not None:
            qs = qs.filter(agency_id__in=agency_ids)
        agg = qs.aggregate(
            n=Count("id"),
            ok=Count("id", filter=Q(counted__gte=F("required"))),
            total=Sum("counted"),
        )
        share = round(agg["ok"] * 100 / agg["n"], 1) if agg["n"] else 0.0
        out.append((periods.label(y, m), share, agg["total"] or 0))
    return out


def asn_detail(*, year: int, month: int, agency_id: int):
    period = obligation.period_get(year, month)
    ensure_standings(period)
    return (
        Standing.objects.filter(period=period, agency_id=agency_id)
        .select_related("employee")
        .order_by("employee__name")
    )


def _headers() -> list[str]:
    return [
        _("OPD"),
        _("Jumlah ASN"),
        _("Patuh"),
        _("Persentase patuh"),
        _("Total dihitung (Rp)"),
        _("Total kewajiban (Rp)"),
    ]


def xlsx(rows: list[AgencyRow], label: str, *, full_nip: bool = False) -> bytes:
    """The report as a workbook: one sheet per OPD row, one per ASN. NIPs are masked unless
    the reader keeps the roster (full_nip)."""
    from malpro.core.tabular import XlsxBook
    from malpro.core.validators import mask_nip

    workbook = XlsxBook()  # names are written as text, never as formulas
    sheet = workbook.sheet(_("Kepatuhan %(p)s") % {"p": label})
    sheet.append([_("Laporan kepatuhan belanja ASN di UMKM"), label])
    sheet.append(_headers())
    for row in rows:
        sheet.append(
            [
                row.agency.name,
                row.asn_count,
                row.compliant,
                row.share,
                row.total_counted,
                row.total_required,
            ]
        )
    detail = workbook.sheet("ASN")
    detail.append([_("OPD"), _("NIP"), _("Nama"), _("Kewajiban"), _("Dihitung"), _("Patuh")])
    for row in rows:
        for standing in (
            Standing.objects.filter(
                period__year=int(label[:4]), period__month=int(label[5:]), agency=row.agency
            )
            .select_related("employee")
            .order_by("employee__name")
        ):
            detail.append(
                [
                    row.agency.short_name,
                    standing.employee.nip if full_nip else mask_nip(standing.employee.nip),
                    standing.employee.name,
                    standing.required,
                    standing.counted,
                    _("ya") if standing.compliant else _("tidak"),
                ]
            )
    return workbook.to_bytes()


def _pdf_text(text: str) -> str:
    """The PDF's built-in font covers Latin-1: anything else becomes "?" instead of an error."""
    return text.encode("latin-1", "replace").decode("latin-1")


def pdf(rows: list[AgencyRow], label: str, trend_rows) -> bytes:
    from fpdf import FPDF

    doc = FPDF(orientation="P", unit="mm", format="A4")
    title = _("Kepatuhan belanja ASN di UMKM - %(p)s") % {"p": label}
    doc.set_title(title)
    doc.add_page()
    doc.set_font("helvetica", "B", 14)
    doc.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", "", 9)
    widths = (70, 20, 18, 22, 30, 30)
    doc.set_font("helvetica", "B", 9)
    for width, heading in zip(
        widths,
        [_("OPD"), _("ASN"), _("Patuh"), _("% patuh"), _("Dihitung"), _("Kewajiban")],
        strict=True,
    ):
        doc.cell(width, 7, heading, border=1)
    doc.ln()
    doc.set_font("helvetica", "", 9)
    for row in rows:
        cells = [
            _pdf_text(row.agency.short_name[:40]),
            str(row.asn_count),
            str(row.compliant),
            f"{row.share}%",
            format_rupiah(row.total_counted),
            format_rupiah(row.total_required),
        ]
        for width, text in zip(widths, cells, strict=True):
            doc.cell(width, 6, text, border=1)
        doc.ln()
    if any(row.top or row.bottom for row in rows):
        doc.ln(4)
        doc.set_font("helvetica", "B", 11)
        doc.cell(0, 8, _("Teratas dan terbawah per OPD"), new_x="LMARGIN", new_y="NEXT")
        for row in rows:
            doc.set_font("helvetica", "B", 9)
            doc.cell(0, 6, _pdf_text(row.agency.short_name), new_x="LMARGIN", new_y="NEXT")
            doc.set_font("helvetica", "", 9)
            for heading, standings in ((_("Teratas"), row.top), (_("Terbawah"), row.bottom)):
                listed = "; ".join(
                    f"{s.employee.name} ({format_rupiah(s.counted)}/{format_rupiah(s.required)})"
                    for s in standings
                )
                doc.multi_cell(
                    0, 5, _pdf_text(f"{heading}: {listed or '-'}"), new_x="LMARGIN", new_y="NEXT"
                )
    if trend_rows:
        doc.ln(4)
        doc.set_font("helvetica", "B", 11)
        doc.cell(0, 8, _("Tren 12 bulan"), new_x="LMARGIN", new_y="NEXT")
        doc.set_font("helvetica", "", 9)
        for period_label, share, total in trend_rows:
            doc.cell(
                0,
                6,
                _("%(p)s: %(s)s%% patuh, %(t)s")
                % {"p": period_label, "s": share, "t": format_rupiah(total)},
                new_x="LMARGIN",
                new_y="NEXT",
            )
    return bytes(doc.output())
