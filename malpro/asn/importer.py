"""Import of the personnel agency's ASN roster (CSV/XLSX): `nip, nama, kode_opd, jenis,
golongan, eselon, kelas_tpp, telepon, aktif`. Same rules as the UMKM import: good rows kept,
every bad row reported, re-import idempotent, one transaction. ASN who left are marked
inactive, never deleted (aktif=0, or absent from a --full roster)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.accounts.models import Agency
from malpro.asn.models import Employee, EmploymentType
from malpro.core import audit, crypto, validators
from malpro.core.tabular import (
    Columns,
    RowIssue,
    UnreadableFile,
    match_headers,
    one_transaction,
    open_table,
)
from malpro.core.tabular import ImportResult as BaseImportResult

COLUMNS = Columns(
    canonical=[
        "nip",
        "nama",
        "kode_opd",
        "jenis",
        "golongan",
        "eselon",
        "kelas_tpp",
        "telepon",
        "aktif",
    ],
    aliases={
        "nip": ["NIP Baru", "Nomor Induk Pegawai"],
        "nama": ["Nama Pegawai", "Nama ASN", "Nama Lengkap"],
        "kode_opd": ["OPD", "Kode Unit Kerja", "Unit Kerja", "Perangkat Daerah"],
        "jenis": ["Jenis Pegawai", "Status Kepegawaian"],
        "golongan": ["Gol", "Gol.", "Pangkat/Golongan", "Golongan Ruang"],
        "eselon": ["Jabatan", "Kelas Jabatan", "Eselon/Jabatan"],
        "kelas_tpp": ["TPP", "Kelas TPP", "Kelompok TPP"],
        "telepon": ["No. HP", "No HP", "HP", "Nomor HP", "Telp", "WhatsApp"],
        "aktif": ["Status Aktif", "Aktif?"],
    },
    required={"nip", "nama", "kode_opd"},
)
PNS_GOLONGAN = re.compile(r"^(I|II|III|IV)/[a-e]$")
PPPK_GOLONGAN = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII|XIII|XIV|XV|XVI|XVII)$")
FALSE = {"0", "tidak", "t", "no", "n", "false", "nonaktif", "non-aktif", "keluar", "pensiun"}
FIELDS = [
    "name",
    "agency_id",
    "employment_type",
    "golongan",
    "eselon",
    "tpp_class",
    "phone",
    "birth_date",
    "is_active",
    "left_on",
]


@dataclass
class ImportResult(BaseImportResult):
    deactivated: int = 0

    def summary(self) -> str:
        text = super().summary()
        return text + (f" deactivated={self.deactivated}" if self.deactivated else "")


def _parse(number: int, record: dict, agencies: dict[str, Agency], today):
    issues: list[RowIssue] = []

    def error(column, message):
        issues.append(RowIssue(number, column, str(message)))

    def get(column):
        return (record.get(column) or "").strip()

    values: dict = {}
    nip = None
    try:
        nip = validators.clean_nip(get("nip"), today=today)
    except ValidationError as exc:
        error("nip", " ".join(exc.messages))
    values["name"] = " ".join(get("nama").split())[:120]
    if not values["name"]:
        error("nama", _("Nama wajib diisi."))
    agency = agencies.get(get("kode_opd").upper())
    if agency is None:
        error("kode_opd", _("Kode OPD %(v)s tidak dikenal.") % {"v": get("kode_opd")})
    values["agency_id"] = agency.pk if agency else None
    kind = get("jenis").upper() or (nip.kind if nip else "")
    if kind not in EmploymentType.values:
        error("jenis", _("Jenis harus PNS atau PPPK."))
    elif nip and kind != nip.kind:
        error(
            "jenis",
            _("Jenis %(j)s tidak sesuai dengan NIP (NIP ini milik %(n)s).")
            % {"j": kind, "n": nip.kind},
        )
    values["employment_type"] = kind
    golongan = get("golongan").replace(" ", "")
    golongan = golongan[:-1] + golongan[-1].lower() if "/" in golongan else golongan.upper()
    pattern = PPPK_GOLONGAN if kind == EmploymentType.PPPK else PNS_GOLONGAN
    if golongan and not pattern.match(golongan):
        error(
            "golongan",
            _("Golongan %(g)s tidak valid untuk %(k)s (contoh: III/a untuk PNS, IX untuk PPPK).")
            % {"g": get("golongan"), "k": kind or "ASN"},
        )
    values["golongan"] = golongan
    values["eselon"] = get("eselon").upper()[:10]
    values["tpp_class"] = get("kelas_tpp").upper()[:10]
    values["phone"] = ""
    if get("telepon"):
        try:
            values["phone"] = validators.clean_phone(get("telepon"))
        except ValidationError as exc:
            error("telepon", " ".join(exc.messages))
    values["is_active"] = get("aktif").lower() not in FALSE
    values["left_on"] = None if values["is_active"] else today
    values["birth_date"] = nip.birth_date if nip else None
    if issues:
        return None, None, issues
    return nip.number, values, issues


def roster_import(
    *,
    source: str | IO[bytes],
    filename: str | None = None,
    actor=None,
    dry_run: bool = False,
    full: bool = False,
) -> ImportResult:
    table = open_table(source, filename, COLUMNS)
    result = ImportResult()
    try:
        match = match_headers(table.headers, COLUMNS)
        if match.missing:
            raise UnreadableFile(
                _("Kolom wajib tidak ditemukan: %(cols)s. Kolom di berkas: %(found)s.")
                % {"cols": ", ".join(match.missing), "found": ", ".join(table.headers)}
            )
        with one_transaction(dry_run=dry_run):
            _run(table, match, result, full)
            if result.created or result.updated or result.deactivated:
                # bulk writes send no signals: one recount of the open periods for the file
                from malpro.asn.receivers import refresh_after_commit

                refresh_after_commit()
            audit.record(
                action="asn.roster_imported",
                actor=actor,
                data={
                    "file": (filename or str(source))[-100:],
                    "summary": result.summary(),
                    "dry_run": dry_run,
                },
            )
    finally:
        table.close()
    return result


def _run(table, match, result: ImportResult, full: bool) -> None:
    today = timezone.localdate()
    agencies = {a.code: a for a in Agency.objects.all()}
    existing = {e.nip: e for e in Employee.objects.all()}
    seen: dict[str, int] = {}
    create: list[Employee] = []
    update: list[Employee] = []
    for number, record in table.records(match):
        result.total += 1
        nip, values, issues = _parse(number, record, agencies, today)
        result.issues.extend(issues)
        if nip is None:
            result.rejected += 1
            continue
        if nip in seen:
            result.issues.append(
                RowIssue(
                    number,
                    "nip",
                    _("NIP ini sudah ada di baris %(row)d berkas ini.") % {"row": seen[nip]},
                )
            )
            result.rejected += 1
            continue
        seen[nip] = number
        employee = existing.get(nip)
        if employee is None:
            create.append(Employee(nip=nip, **values))
            result.created += 1
            continue
        if not values["phone"]:
            values["phone"] = employee.phone  # an empty cell does not erase a number
        if employee.is_active == values["is_active"]:
            values["left_on"] = employee.left_on
        changed = [f for f in FIELDS if getattr(employee, f) != values[f]]
        if changed:
            for f in changed:
                setattr(employee, f, values[f])
            update.append(employee)
            result.updated += 1
        else:
            result.unchanged += 1
    Employee.objects.bulk_create(create, batch_size=1000)
    Employee.objects.bulk_update(update, FIELDS, batch_size=1000)
    if full:
        # NIPs are encrypted: those on the file are matched on their keyed hashes.
        kept = [crypto.nip_hash(nip) for nip in seen]
        gone = Employee.objects.filter(is_active=True).exclude(nip_hash__in=kept)
        result.deactivated = gone.update(is_active=False, left_on=today)
