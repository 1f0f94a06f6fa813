"""Bulk import of agencies' UMKM spreadsheets (the command, the upload page and the benchmark
all call umkm_import).

Rules: every row is validated with the shared validators; good rows are created or updated
(matched on NIB, else on owner NIK + business name), so importing the same file twice changes
nothing; bad rows are skipped and reported with row number, column and reason; the whole file is
applied in one transaction, so a crash leaves nothing half-written. Empty cells never erase what
the register already knows: agencies' files are partial.

Scope (who may change what through a file):
- A run for an agency (an officer's, or the city admin's on an agency's behalf, recorded as
  such) updates only businesses that agency already guides. A row matching any other business
  is refused with one generic message ("terdaftar di wilayah/OPD lain ...") that names neither
  the business, its owner nor the agency guiding it. A run without an agency (the city admin's
  registry data, or the command line) covers the whole city.
- A run for an agency adds only that agency as guide; other codes in the `binaan` column are
  reported and left out (each agency adds itself). A run without an agency adds the codes of
  the `binaan` column.
- New rows of an agency's own register start verified (the agency vouches for them); a run
  without an agency creates drafts. An existing business never changes state through an
  import: a submitted one is verified only by an officer's decision on its documents.
- A business that has an owner account keeps what its owner maintains (OWNER_KEPT: owner name,
  NIK and phone, and the fields the owner edits after verification); the row's other values
  (name, kelurahan, NIB, halal, PIRT) are applied and the row gets a warning naming the kept
  fields.

Events: a run started from the upload page (an ImportJob) records ONE `business.imported` event
on the job with the counts, in the import's transaction (a dry run rolls it back with the rows).
Not one per row: a city file has 80,000 of them, and the rows' own history is the StatusChange
rows written in bulk. Runs from the command line have no job row and record no event. The
catalog's search index keeps following the `businesses_changed` signal.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.accounts import access as accounts_access
from malpro.accounts.models import Agency
from malpro.core import audit, crypto, events, validators
from malpro.core.exceptions import NotFound, PermissionDenied
from malpro.core.money import parse_rupiah
from malpro.core.tabular import (
    Columns,
    RowIssue,
    Table,
    UnreadableFile,
    match_headers,
    one_transaction,
    open_table,
)
from malpro.core.tabular import ImportResult as BaseImportResult
from malpro.regions.models import Village
from malpro.umkm import access
from malpro.umkm.models import (
    Business,
    Guidance,
    ImportJob,
    ImportRows,
    Sector,
    Status,
    StatusChange,
    name_key,
)
from malpro.umkm.scale import Scale, classify
from malpro.umkm.signals import businesses_changed

COLUMNS = Columns(
    canonical=[
        "nama_usaha",
        "nama_pemilik",
        "nik_pemilik",
        "telepon",
        "alamat",
        "kode_kelurahan",
        "sektor",
        "nib",
        "no_sertifikat_halal",
        "halal_berlaku_sampai",
        "pirt",
        "modal_usaha",
        "omzet_tahunan",
        "binaan",
    ],
    aliases={
        "nama_usaha": [
            "Nama UMKM",
            "Nama Usaha",
            "Nama Toko",
            "Usaha",
            "Nama Perusahaan",
            "Nama Unit Usaha",
        ],
        "nama_pemilik": [
            "Pemilik",
            "Nama Pemilik",
            "Nama Pelaku Usaha",
            "Pelaku Usaha",
            "Nama Pengusaha",
        ],
        "nik_pemilik": ["NIK", "NIK Pemilik", "No KTP", "Nomor KTP", "No. KTP", "NIK KTP"],
        "telepon": [
            "No. HP",
            "No HP",
            "HP",
            "Nomor HP",
            "Telp",
            "Telepon",
            "No Telp",
            "No. Telp",
            "WA",
            "No WA",
            "WhatsApp",
            "Nomor WhatsApp",
            "Kontak",
        ],
        "alamat": ["Alamat Usaha", "Alamat Lengkap", "Alamat Tempat Usaha"],
        "kode_kelurahan": [
            "Kelurahan",
            "Kode Kelurahan",
            "Desa/Kelurahan",
            "Kel",
            "Kel.",
            "Kode Wilayah",
            "Nama Kelurahan",
        ],
        "sektor": ["Sektor Usaha", "Bidang Usaha", "Jenis Usaha", "Kategori Usaha", "Kategori"],
        "nib": ["No NIB", "Nomor NIB", "Nomor Induk Berusaha"],
        "no_sertifikat_halal": [
            "Sertifikat Halal",
            "No Halal",
            "Nomor Sertifikat Halal",
            "No. Sertifikat Halal",
            "No Sertifikat Halal",
            "Halal",
        ],
        "halal_berlaku_sampai": [
            "Masa Berlaku Halal",
            "Halal Berlaku",
            "Berlaku Halal",
            "Tanggal Kedaluwarsa Halal",
            "Halal Expired",
        ],
        "pirt": ["PIRT", "No PIRT", "Nomor PIRT", "P-IRT", "SPP-IRT", "No. PIRT"],
        "modal_usaha": ["Modal", "Modal Usaha (Rp)", "Aset"],
        "omzet_tahunan": [
            "Omzet",
            "Omset",
            "Omzet per Tahun",
            "Omset Tahunan",
            "Omzet Tahunan (Rp)",
            "Penjualan Tahunan",
        ],
        "binaan": ["OPD Binaan", "Pembina", "Binaan OPD", "OPD Pembina"],
    },
    required={"nama_usaha", "nama_pemilik", "kode_kelurahan"},
)

# Each column as people name it, for the mapping page ("Nama usaha", not "nama_usaha"); the
# file itself keeps the canonical names above (the template's headers).
COLUMN_LABELS = {
    "nama_usaha": gettext_lazy("Nama usaha"),
    "nama_pemilik": gettext_lazy("Nama pemilik"),
    "nik_pemilik": gettext_lazy("NIK pemilik"),
    "telepon": gettext_lazy("Nomor HP"),
    "alamat": gettext_lazy("Alamat"),
    "kode_kelurahan": gettext_lazy("Kelurahan (nama atau kode)"),
    "sektor": gettext_lazy("Sektor usaha"),
    "nib": gettext_lazy("NIB"),
    "no_sertifikat_halal": gettext_lazy("Nomor sertifikat halal"),
    "halal_berlaku_sampai": gettext_lazy("Halal berlaku sampai"),
    "pirt": gettext_lazy("Nomor PIRT"),
    "modal_usaha": gettext_lazy("Modal usaha (Rp)"),
    "omzet_tahunan": gettext_lazy("Omzet setahun (Rp)"),
    "binaan": gettext_lazy("OPD pembina"),
}


def column_label(column: str) -> str:
    return str(COLUMN_LABELS.get(column, column))


SECTOR_WORDS = {
    Sector.FOOD: [
        "makanan",
        "minuman",
        "kuliner",
        "mamin",
        "f&b",
        "food",
        "snack",
        "kue",
        "catering",
        "katering",
        "olahan pangan",
    ],
    Sector.AGRICULTURE: [
        "pertanian",
        "peternakan",
        "perikanan",
        "tani",
        "ternak",
        "kebun",
        "hortikultura",
    ],
    Sector.RETAIL: ["perdagangan", "dagang", "kelontong", "toko", "retail", "warung", "grosir"],
    Sector.CRAFT: ["kerajinan", "kriya", "handicraft", "anyaman", "souvenir", "mebel"],
    Sector.FASHION: ["fashion", "batik", "konveksi", "busana", "pakaian", "garmen", "jahit"],
    Sector.BEAUTY: ["kecantikan", "salon", "kosmetik", "perawatan", "spa"],
    Sector.SERVICE: ["jasa", "service", "servis", "laundry", "bengkel", "percetakan"],
}
FIELDS = [
    "name",
    "owner_name",
    "owner_nik",
    "phone",
    "address",
    "village_id",
    "sector",
    "nib",
    "halal_number",
    "halal_expires_on",
    "pirt_number",
    "capital",
    "annual_sales",
]

# The spreadsheet column of each field, for remarks on a row.
FIELD_COLUMNS = {
    "name": "nama_usaha",
    "owner_name": "nama_pemilik",
    "owner_nik": "nik_pemilik",
    "phone": "telepon",
    "address": "alamat",
    "village_id": "kode_kelurahan",
    "sector": "sektor",
    "nib": "nib",
    "halal_number": "no_sertifikat_halal",
    "halal_expires_on": "halal_berlaku_sampai",
    "pirt_number": "pirt",
    "capital": "modal_usaha",
    "annual_sales": "omzet_tahunan",
}
# What the owner of a business with an owner account maintains (who they are, how to reach
# them, and what they may still edit after verification): an agency's file never overwrites it.
OWNER_KEPT = frozenset(
    {"owner_name", "owner_nik", "phone"} | (access.OWNER_EDITABLE_AFTER_VERIFICATION & set(FIELDS))
)


@dataclass
class ImportResult(BaseImportResult):
    dry_run: bool = False


def parse_date(text: str) -> dt.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(
        _("Tanggal %(value)s tidak dikenali: gunakan TTTT-BB-HH atau HH/BB/TTTT.") % {"value": text}
    )


def parse_sector(text: str) -> str | None:
    value = text.strip().lower()
    if not value:
        return None
    for sector in Sector:
        if value in (sector.value, str(sector.label).lower()):
            return sector.value
    for sector, words in SECTOR_WORDS.items():
        if any(word in value for word in words):
            return sector.value
    return None


class _Lookups:
    def __init__(self):
        regency = settings.MALPRO_REGENCY
        self.villages: set[str] = set()
        names: dict[str, list[str]] = {}
        for code, name in Village.objects.filter(district__regency_id=regency).values_list(
            "code", "name"
        ):
            self.villages.add(code)
            names.setdefault(name_key(name), []).append(code)
        self.village_names = names
        self.agencies = {a.code: a for a in Agency.objects.filter(is_active=True)}
        # Per-import caches: a city file repeats a few dozen sector spellings and the same two
        # labels 80,000 times; translating them once keeps gettext out of the row loop.
        self._sectors: dict[str, str | None] = {}
        self.money_columns = (
            ("modal_usaha", "capital", str(_("Modal usaha"))),
            ("omzet_tahunan", "annual_sales", str(_("Omzet tahunan"))),
        )

    def sector(self, text: str) -> str | None:
        if text not in self._sectors:
            self._sectors[text] = parse_sector(text)
        return self._sectors[text]

    def village(self, text: str) -> str:
        value = text.strip()
        if value in self.villages:
            return value
        if re.fullmatch(r"\d{2}\.?\d{2}\.?\d{2}\.?\d{4}", value):
            digits = re.sub(r"\D", "", value)
            dotted = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
            if dotted in self.villages:
                return dotted
        matches = self.village_names.get(
            name_key(re.sub(r"^(kel(urahan)?\.?\s+)", "", value, flags=re.IGNORECASE)), []
        )
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(
                _("Nama kelurahan %(value)s ada di beberapa kecamatan: gunakan kodenya.")
                % {"value": value}
            )
        raise ValidationError(
            _("Kelurahan %(value)s tidak ditemukan di kota ini.") % {"value": value}
        )


def _parse(number: int, record: dict[str, str], lookups: _Lookups, today: dt.date):
    """One row -> (values, agency codes, issues). values is None when the row has errors."""
    issues: list[RowIssue] = []
    values: dict = {}

    def error(column: str, message) -> None:
        issues.append(RowIssue(number, column, str(message)))

    def warn(column: str, message) -> None:
        issues.append(RowIssue(number, column, str(message), level="warning"))

    def get(column: str) -> str:
        return (record.get(column) or "").strip()

    name = re.sub(r"\s+", " ", get("nama_usaha"))
    if not name:
        error("nama_usaha", _("Nama usaha wajib diisi."))
    elif len(name) > 150:
        error("nama_usaha", _("Nama usaha terlalu panjang (maksimal 150 karakter)."))
    values["name"] = name
    owner = re.sub(r"\s+", " ", get("nama_pemilik"))
    if not owner:
        error("nama_pemilik", _("Nama pemilik wajib diisi."))
    values["owner_name"] = owner[:120]

    values["owner_nik"] = ""
    if get("nik_pemilik"):
        try:
            values["owner_nik"] = validators.clean_nik(get("nik_pemilik"), today=today).number
        except ValidationError as exc:
            error("nik_pemilik", " ".join(exc.messages))
    values["nib"] = None
    if get("nib"):
        try:
            values["nib"] = validators.clean_nib(get("nib"))
        except ValidationError as exc:
            error("nib", " ".join(exc.messages))
    if not get("nik_pemilik") and not get("nib"):
        error("nik_pemilik", _("Isi NIB atau NIK pemilik, agar data dapat dicocokkan."))

    values["phone"] = ""
    if get("telepon"):
        try:
            values["phone"] = validators.clean_phone(get("telepon"))
        except ValidationError as exc:
            error("telepon", " ".join(exc.messages))
    values["address"] = get("alamat")[:255]

    values["village_id"] = None
    if not get("kode_kelurahan"):
        error("kode_kelurahan", _("Kelurahan wajib diisi (kode atau nama)."))
    else:
        try:
            values["village_id"] = lookups.village(get("kode_kelurahan"))
        except ValidationError as exc:
            error("kode_kelurahan", " ".join(exc.messages))

    sector = lookups.sector(get("sektor"))
    if sector is None and get("sektor"):
        warn(
            "sektor",
            _("Sektor %(value)s tidak dikenali; dicatat sebagai Lainnya.")
            % {"value": get("sektor")},
        )
        sector = Sector.OTHER.value
    values["sector"] = sector  # None: not given (a new business gets "lainnya")

    values["halal_number"] = re.sub(r"\s+", "", get("no_sertifikat_halal")).upper()
    if values["halal_number"] and not re.fullmatch(r"[0-9A-Z./\-]{6,40}", values["halal_number"]):
        error("no_sertifikat_halal", _("Nomor sertifikat halal tidak valid."))
    values["halal_expires_on"] = None
    if get("halal_berlaku_sampai"):
        try:
            values["halal_expires_on"] = parse_date(get("halal_berlaku_sampai"))
        except ValidationError as exc:
            error("halal_berlaku_sampai", " ".join(exc.messages))
        else:
            if not values["halal_number"]:
                error(
                    "halal_berlaku_sampai",
                    _("Tanggal berlaku halal diisi tanpa nomor sertifikat halal."),
                )
            elif values["halal_expires_on"] < today:
                warn(
                    "halal_berlaku_sampai",
                    _(
                        "Sertifikat halal sudah kedaluwarsa sejak %(date)s: usaha dicatat, "
                        "tetapi tanpa status halal."
                    )
                    % {"date": values["halal_expires_on"].strftime("%d/%m/%Y")},
                )
    values["pirt_number"] = get("pirt")[:30]

    for column, key, label in lookups.money_columns:
        values[key] = None
        if get(column):
            try:
                values[key] = parse_rupiah(get(column), label=label)
            except ValidationError as exc:
                error(column, " ".join(exc.messages))
    if classify(capital=values["capital"], annual_sales=values["annual_sales"]) == Scale.LARGE:
        error(
            "omzet_tahunan" if values["annual_sales"] is not None else "modal_usaha",
            _("Modal/omzet melebihi batas usaha menengah (PP 7/2021): bukan UMKM."),
        )

    agencies: list[str] = []
    for code in re.split(r"[;,]", get("binaan")):
        code = code.strip().upper()
        if not code:
            continue
        if code not in lookups.agencies:
            error("binaan", _("Kode OPD %(code)s tidak dikenal.") % {"code": code})
        elif code not in agencies:
            agencies.append(code)

    if any(i.level == "error" for i in issues):
        return None, agencies, issues
    values["name_key"] = name_key(values["name"])
    return values, agencies, issues


# --- uploads parsed once -------------------------------------------------------------------------
# The upload page parses a file once, when it arrives (core.tabular checks its size, expanded
# size, rows and cells first), and keeps the header and the rows on the job: the column mapping
# page and the run read those rows, never the file again.
ROWS_PER_CHUNK = 2_000


@dataclass
class ParsedUpload:
    headers: list[str]
    rows: list[tuple[int, list[str]]]


def parse_upload(source, filename: str) -> ParsedUpload:
    """Reads an uploaded spreadsheet whole (within core.tabular's limits). Blank rows are left
    out and trailing empty cells trimmed; rows keep their spreadsheet row numbers."""
    table = open_table(source, filename, COLUMNS)
    try:
        rows = []
        for number, cells in table.rows:
            if not any(cells):
                continue
            cells = list(cells)
            while cells and not cells[-1]:
                cells.pop()
            rows.append((number, cells))
        return ParsedUpload(headers=table.headers, rows=rows)
    finally:
        table.close()


def _pack(rows) -> str:
    """Rows as compressed JSON in base64 (the column encrypts it)."""
    return base64.b64encode(
        zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 1)
    ).decode()


def _unpack(data: str) -> list:
    return json.loads(zlib.decompress(base64.b64decode(data)))


def store_rows(job: ImportJob, parsed: ParsedUpload) -> None:
    """Keeps a parsed upload on its (saved) job."""
    chunks = [
        ImportRows(job=job, index=i, data=_pack(parsed.rows[start : start + ROWS_PER_CHUNK]))
        for i, start in enumerate(range(0, len(parsed.rows), ROWS_PER_CHUNK))
    ]
    ImportRows.objects.bulk_create(chunks, batch_size=10)
    job.headers, job.row_count = parsed.headers, len(parsed.rows)
    job.save(update_fields=["headers", "row_count"])


def hand_over_rows(*, source: ImportJob, target: ImportJob) -> None:
    """The rows of a checked upload move to its real run (one UPDATE; they are then deleted
    when that run ends). The check keeps its file: importing it again reads the file."""
    ImportRows.objects.filter(job=source).update(job=target)
    target.headers, target.row_count = source.headers, source.row_count
    target.save(update_fields=["headers", "row_count"])
    source.row_count = None
    source.save(update_fields=["row_count"])


def _stored_rows(job: ImportJob) -> Iterator[tuple[int, list[str]]]:
    for data in (
        ImportRows.objects.filter(job=job).order_by("index").values_list("data", flat=True)
    ).iterator(chunk_size=1):
        yield from _unpack(data)


def stored_table(job: ImportJob) -> Table:
    """The rows kept at upload, as a Table."""
    return Table(list(job.headers), _stored_rows(job), job.row_count)


def preview(job: ImportJob, limit: int = 5) -> tuple[list[str], list[list[str]]]:
    """The header and first rows of an upload, from the rows kept at upload (jobs from before
    rows were kept: from the file, once more)."""
    if job.row_count is None:
        with job.file.open("rb") as handle:
            table = open_table(handle, job.original_name, COLUMNS)
            try:
                rows = [cells for _number, cells in zip(range(limit), table.rows, strict=False)]
            finally:
                table.close()
            return table.headers, rows
    first = ImportRows.objects.filter(job=job, index=0).values_list("data", flat=True).first()
    rows = _unpack(first)[:limit] if first is not None else []
    return list(job.headers), [cells for _number, cells in rows]


def umkm_import(
    *,
    source: str | IO[bytes],
    filename: str | None = None,
    agency_code: str | None = None,
    actor=None,
    dry_run: bool = False,
    header_map: dict[str, str] | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    chunk_size: int = 1000,
    job: ImportJob | None = None,
) -> ImportResult:
    """Imports one spreadsheet. Raises UnreadableFile when the file as a whole cannot be used
    (format, encoding, empty, missing required columns); otherwise returns the result. `job`:
    the upload this run belongs to, the subject of the run's `business.imported` event; its rows
    kept at upload are used instead of `source` when it has them."""
    agency = None
    if agency_code:
        agency = Agency.objects.filter(code__iexact=agency_code.strip()).first()
        if agency is None:
            raise NotFound(_("OPD dengan kode %(code)s tidak ditemukan.") % {"code": agency_code})
    as_admin = _check_may_import(actor, agency)
    if job is not None and job.row_count is not None:
        table = stored_table(job)  # parsed once, at upload
    else:
        table = open_table(source, filename, COLUMNS)
    try:
        match = match_headers(table.headers, COLUMNS, header_map)
        if match.missing:
            raise UnreadableFile(
                _("Kolom wajib tidak ditemukan: %(cols)s. Kolom di berkas: %(found)s.")
                % {"cols": ", ".join(match.missing), "found": ", ".join(table.headers)},
                {"missing": match.missing, "unknown": match.unknown},
            )
        result = ImportResult(dry_run=dry_run)
        for header in match.unknown:
            result.issues.append(
                RowIssue(
                    1,
                    header,
                    _("Kolom %(h)s tidak dikenal dan diabaikan.") % {"h": header},
                    level="warning",
                )
            )
        with one_transaction(dry_run=dry_run):
            _run(
                table,
                match,
                agency,
                actor,
                result,
                progress,
                chunk_size,
                source_name=filename or str(source),
                as_admin=as_admin,
            )
            if job is not None:
                events.record(
                    kind="business.imported",
                    subject=job,
                    actor=actor,
                    payload={
                        "agency_code": agency.code if agency else None,
                        "by_city_admin": as_admin,
                        "total": result.total,
                        "created": result.created,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                        "rejected": result.rejected,
                    },
                )
    finally:
        table.close()
    if job is not None and not dry_run:
        # Imported for real: the kept rows (personal data) are not needed any more.
        ImportRows.objects.filter(job=job).delete()
    return result


def _check_may_import(actor, agency) -> bool:
    """Refuses a run the actor may not start (an officer imports for their own agency; rows no
    agency vouches for are the city admin's). True when the city admin imports on behalf of an
    agency they do not serve: the run is recorded as such. Runs without an actor are the
    command line's (whoever runs it administers the server)."""
    if actor is None:
        return False
    allowed = access.import_agencies(user=actor)
    if allowed is None:
        raise PermissionDenied(_("Impor hanya untuk petugas OPD dan admin kota."))
    if agency is None:
        if not access.can_import_without_agency(user=actor):
            raise PermissionDenied(_("Pilih OPD Anda: impor tanpa OPD hanya untuk admin kota."))
        return False
    if agency.pk not in {a.pk for a in allowed}:
        raise PermissionDenied(_("Anda hanya dapat mengimpor atas nama OPD Anda sendiri."))
    return agency.pk not in accounts_access.officer_agency_ids(user=actor)


def _run(table, match, agency, actor, result, progress, chunk_size, source_name, as_admin=False):
    lookups = _Lookups()
    today = timezone.localdate()
    seen: dict[object, int] = {}
    chunk: list[tuple[int, dict, list[str]]] = []
    processed = 0
    for number, record in table.records(match):
        result.total += 1
        values, agencies, issues = _parse(number, record, lookups, today)
        result.issues.extend(issues)
        if values is not None:
            keys = [("nib", values["nib"])] if values["nib"] else []
            if values["owner_nik"]:
                keys.append(("nik", values["owner_nik"], values["name_key"]))
            first = next((seen[k] for k in keys if k in seen), None)
            if first is not None:
                result.issues.append(
                    RowIssue(
                        number,
                        "nama_usaha",
                        _("Baris duplikat: usaha yang sama sudah ada di baris %(row)d berkas ini.")
                        % {"row": first},
                    )
                )
                values = None
            else:
                for k in keys:
                    seen[k] = number
        if values is None:
            result.rejected += 1
        else:
            if agency is not None:
                others = [code for code in agencies if code != agency.code]
                if others:
                    result.issues.append(
                        RowIssue(
                            number,
                            "binaan",
                            _(
                                "OPD %(codes)s tidak ditambahkan sebagai pembina: impor atas "
                                "nama %(agency)s hanya menambahkan %(agency)s."
                            )
                            % {"codes": ", ".join(others), "agency": agency.short_name},
                            level="warning",
                        )
                    )
                agencies = [agency.code]
            chunk.append((number, values, agencies))
        if len(chunk) >= chunk_size:
            _apply(chunk, lookups, agency, actor, result, source_name, as_admin)
            chunk = []
        processed += 1
        if progress and processed % 500 == 0:
            progress(processed, table.total)
    if chunk:
        _apply(chunk, lookups, agency, actor, result, source_name, as_admin)
    if progress:
        progress(processed, processed)
    audit.record(
        action="umkm.imported",
        actor=actor,
        data={
            "file": source_name.rsplit("/", 1)[-1][:200],
            "agency": agency.code if agency else None,
            "as_city_admin": as_admin,
            "summary": result.summary(),
            "dry_run": result.dry_run,
        },
    )


def _insert(model, fields: list[str], rows: list[tuple], *, ignore_conflicts=False) -> None:
    """INSERTs plain rows (values already in database form) with one executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    # Only quoted model metadata is interpolated; the values go as parameters.
    table = quote(model._meta.db_table)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _out_of_scope(number: int, column: str) -> RowIssue:
    # Generic on purpose: the officer learns that the row is someone else's, not whose.
    return RowIssue(
        number,
        column,
        _(
            "Usaha ini terdaftar di wilayah/OPD lain, jadi baris ini tidak diterapkan. Bila usaha "
            "ini juga binaan OPD Anda, hubungi Dinas Koperasi atau admin kota untuk menambahkan "
            "OPD Anda sebagai pembina."
        ),
    )


def _apply(chunk, lookups, agency, actor, result, source_name, as_admin=False):
    nibs = {v["nib"] for _, v, _ in chunk if v["nib"]}
    niks = {v["owner_nik"] for _, v, _ in chunk if v["owner_nik"]}
    by_nib = {b.nib: b for b in Business.objects.filter(nib__in=nibs).order_by()} if nibs else {}
    by_key = {}
    if niks:
        # NIKs are encrypted: the chunk is matched on their keyed hashes. The empty-hash
        # exclusion matches the partial unique index on (owner_nik_hash, name_key), so both
        # databases look the chunk up in the index instead of scanning the register.
        hashes = {crypto.nik_hash(nik) for nik in niks}
        matched = Business.objects.filter(owner_nik_hash__in=hashes).exclude(owner_nik_hash="")
        for b in matched.order_by():
            by_key[(b.owner_nik, b.name_key)] = b
    guided = set()
    matched_ids = {b.pk for b in (*by_nib.values(), *by_key.values())}
    if matched_ids:
        guided = set(
            Guidance.objects.filter(business_id__in=matched_ids).values_list(
                "business_id", "agency_id"
            )
        )

    def in_scope(business: Business) -> bool:
        """A run for an agency updates only what that agency guides."""
        return agency is None or (business.pk, agency.pk) in guided

    now = timezone.now()
    new_status = Status.VERIFIED if agency is not None else Status.DRAFT
    file_label = source_name.rsplit("/", 1)[-1][:120]
    if agency is None:
        reason = _("Diimpor dari %(file)s.") % {"file": file_label}
    elif as_admin:
        reason = _(
            "Diimpor dari %(file)s oleh admin kota atas nama %(agency)s; diverifikasi oleh "
            "%(agency)s."
        ) % {"file": file_label, "agency": agency.short_name}
    else:
        reason = _("Diimpor dari %(file)s; diverifikasi oleh %(agency)s.") % {
            "file": file_label,
            "agency": agency.short_name,
        }

    to_create: list[tuple[Business, list[str]]] = []
    to_update: list[Business] = []
    # Plain rows, written with one executemany each: tens of thousands of model instances
    # would cost more than the rest of the import.
    guidance_rows: list[tuple] = []
    changes: list[tuple] = []

    for number, values, agencies in chunk:
        key = (values["owner_nik"], values["name_key"]) if values["owner_nik"] else None
        by_number = by_nib.get(values["nib"]) if values["nib"] else None
        by_identity = by_key.get(key) if key else None
        business = by_number or by_identity
        if by_number and by_identity and by_number.pk != by_identity.pk:
            if not (in_scope(by_number) and in_scope(by_identity)):
                result.issues.append(_out_of_scope(number, "nib"))
            else:
                result.issues.append(
                    RowIssue(
                        number,
                        "nib",
                        _(
                            "NIB ini tercatat pada usaha lain (%(other)s), sedangkan NIK dan "
                            "nama usaha cocok dengan %(this)s: periksa datanya."
                        )
                        % {"other": by_number.name, "this": by_identity.name},
                    )
                )
            result.rejected += 1
            continue
        if business is None:
            fresh = {f: values[f] for f in FIELDS}
            fresh["sector"] = fresh["sector"] or Sector.OTHER.value
            obj = Business(
                **fresh,
                name_key=values["name_key"],
                status=new_status,
                status_changed_at=now,
                source="import",
                registered_by=actor,
                created_at=now,
                updated_at=now,
            )
            obj.scale = classify(capital=obj.capital, annual_sales=obj.annual_sales)
            to_create.append((obj, agencies))
            continue
        if not in_scope(business):
            result.issues.append(_out_of_scope(number, "nib" if by_number else "nik_pemilik"))
            result.rejected += 1
            continue
        if business.nib and values["nib"] and business.nib != values["nib"]:
            result.issues.append(
                RowIssue(
                    number,
                    "nib",
                    _("NIK dan nama usaha cocok dengan %(name)s, tetapi NIB-nya berbeda (%(nib)s).")
                    % {
                        "name": business.name,
                        "nib": validators.mask_middle(business.nib, keep_start=4, keep_end=3),
                    },
                )
            )
            result.rejected += 1
            continue
        if (
            business.owner_id
            and values["owner_nik"]
            and business.owner_nik
            and values["owner_nik"] != business.owner_nik
        ):
            result.issues.append(
                RowIssue(
                    number,
                    "nik_pemilik",
                    _(
                        "Usaha ini sudah diklaim pemiliknya; NIK pemilik tidak dapat diganti "
                        "lewat impor."
                    ),
                )
            )
            result.rejected += 1
            continue
        changed = False
        kept: list[str] = []
        for f in FIELDS:
            new = values[f]
            if new in (None, ""):
                continue  # an empty cell never erases what is known
            if getattr(business, f) == new:
                continue
            if business.owner_id and f in OWNER_KEPT:
                kept.append(f)  # the owner's to change, in their account
                continue
            setattr(business, f, new)
            changed = True
        if kept:
            result.issues.append(
                RowIssue(
                    number,
                    FIELD_COLUMNS[kept[0]],
                    _(
                        "Usaha ini dikelola pemiliknya lewat akunnya: %(fields)s tidak diubah "
                        "lewat impor (minta pemilik memperbaruinya). Isian lain di baris ini "
                        "diterapkan."
                    )
                    % {"fields": ", ".join(FIELD_COLUMNS[f] for f in kept)},
                    level="warning",
                )
            )
        missing = [
            code for code in agencies if (business.pk, lookups.agencies[code].pk) not in guided
        ]
        for code in missing:
            guidance_rows.append((business.pk, lookups.agencies[code].pk))
            guided.add((business.pk, lookups.agencies[code].pk))
        changed = changed or bool(missing)
        # No state change here: an existing business is verified (or not) by an officer's
        # decision on its documents, never by a spreadsheet.
        if changed:
            business.name_key = name_key(business.name)
            business.scale = classify(capital=business.capital, annual_sales=business.annual_sales)
            business.updated_at = now
            if business not in to_update:
                to_update.append(business)
            result.updated += 1
        else:
            result.unchanged += 1

    if to_create:
        Business.objects.bulk_create([obj for obj, _ in to_create], batch_size=500)
        for obj, agencies in to_create:
            changes.append((obj.pk, "", obj.status))
            for code in agencies:
                guidance_rows.append((obj.pk, lookups.agencies[code].pk))
        result.created += len(to_create)
    if to_update:
        for business in to_update:  # bulk_update writes what it is given: the hash too
            business.owner_nik_hash = crypto.nik_hash(business.owner_nik)
        Business.objects.bulk_update(
            to_update,
            [*FIELDS, "owner_nik_hash", "name_key", "scale", "updated_at"],
            batch_size=500,
        )
    stamp = connection.ops.adapt_datetimefield_value(now)
    actor_id = actor.pk if actor is not None else None
    _insert(
        Guidance,
        ["business", "agency", "since", "source"],
        [(business_id, agency_id, stamp, "import") for business_id, agency_id in guidance_rows],
        ignore_conflicts=True,
    )
    _insert(
        StatusChange,
        ["business", "from_status", "to_status", "actor", "reason", "created_at"],
        [(pk, str(old), str(new), actor_id, str(reason), stamp) for pk, old, new in changes],
    )
    if to_update:
        # Listeners (the catalog's search index) follow changed businesses in this transaction.
        businesses_changed.send(sender=Business, ids=[b.pk for b in to_update])
