"""The dashboard's tables as CSV and XLSX, through malpro.core.tabular only: the same Table the
page shows (malpro.dashboard.tables), its raw values (money as whole rupiah, shares as
fractions), never the page's formatted text."""

from __future__ import annotations

from malpro.core import tabular
from malpro.dashboard.tables import Table


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def _rows(table: Table):
    return [[_cell(v) for v in row] for row in table.rows]


def filename(stem: str, period_key: str, scope_key: str, ext: str) -> str:
    """`dasbor-per-kecamatan-2026-11-kota.csv`: the table, the period and the scope."""
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in scope_key)
    return f"dasbor-{stem}-{period_key}-{safe}.{ext}"


def csv_text(table: Table) -> str:
    return tabular.csv_text(table.header, _rows(table))


def xlsx(table: Table) -> bytes:
    return tabular.xlsx_bytes(table.header, _rows(table), title=table.title)


def xlsx_book(tables: list[Table]) -> bytes:
    """One workbook, a sheet per table (a section of the dashboard)."""
    book = tabular.XlsxBook()
    used: set[str] = set()
    for table in tables:
        title = table.title[:28]
        n = 2
        while title.lower() in used:
            title = f"{table.title[:26]} {n}"
            n += 1
        used.add(title.lower())
        sheet = book.sheet(title)
        sheet.append(table.header)
        for row in _rows(table):
            sheet.append(row)
    return book.to_bytes()
