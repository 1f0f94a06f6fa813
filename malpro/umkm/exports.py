"""Exports of the filtered register, streamed so a city-wide list does not fill memory.
Personal numbers are masked: an export travels further than the screen it came from. Written
by core.tabular's safe writers: names people typed never become spreadsheet formulas."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from malpro.core import tabular, validators

HEADERS = [
    "id",
    "nama_usaha",
    "nama_pemilik",
    "nik_pemilik",
    "telepon",
    "alamat",
    "kode_kelurahan",
    "kelurahan",
    "kecamatan",
    "sektor",
    "skala",
    "nib",
    "no_sertifikat_halal",
    "halal_berlaku_sampai",
    "halal_berlaku",
    "pirt",
    "modal_usaha",
    "omzet_tahunan",
    "binaan",
    "status",
    "di_marketplace",
    "terdaftar",
]


def rows(queryset) -> Iterator[list]:
    # iterator() with a chunk size keeps prefetching (agencies) per chunk, not for all rows.
    for b in queryset.iterator(chunk_size=2000):
        yield [
            b.pk,
            b.name,
            b.owner_name,
            validators.mask_nik(b.owner_nik),
            validators.mask_phone(b.phone),
            b.address,
            b.village_id,
            b.village.name,
            b.village.district.name,
            b.get_sector_display(),
            b.get_scale_display(),
            b.nib or "",
            b.halal_number,
            b.halal_expires_on.isoformat() if b.halal_expires_on else "",
            "ya" if b.halal_valid else "tidak",
            b.pirt_number,
            b.capital if b.capital is not None else "",
            b.annual_sales if b.annual_sales is not None else "",
            ";".join(a.code for a in b.agencies.all()),
            b.get_status_display(),
            "ya" if b.on_marketplace else "tidak",
            timezone.localtime(b.created_at).date().isoformat(),
        ]


def csv_stream(queryset) -> Iterator[str]:
    return tabular.csv_stream(HEADERS, rows(queryset))


def xlsx_bytes(queryset) -> bytes:
    return tabular.xlsx_bytes(HEADERS, rows(queryset), title="UMKM")
