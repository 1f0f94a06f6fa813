"""Validators for the identifiers people type: NIK, NIP, NIB and phone numbers, and for free text.

One function per identifier, used by forms, API schemas and spreadsheet imports alike. Each
`clean_*` takes raw input (spaces, dots and dashes allowed), returns the normalised value (or a
parsed record) and raises django.core.exceptions.ValidationError with a specific Indonesian
message and a stable `code` otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

# Province codes of Kemendagri (including the Papua provinces created in 2022).
_PROVINCES = "11-19 21 31-36 51-53 61-65 71-76 81 82 91-96"
PROVINCE_CODES = frozenset(
    str(n) for part in _PROVINCES.split() for n in range(int(part[:2]), int(part[-2:]) + 1)
)
_SEPARATORS = re.compile(r"[\s.\-/]")


def _digits(value: object, label: str, length: int) -> str:
    text = _SEPARATORS.sub("", str(value or ""))
    if not text:
        raise ValidationError(_("%(label)s wajib diisi.") % {"label": label}, code="required")
    if not text.isdigit():
        raise ValidationError(
            _("%(label)s hanya boleh berisi angka.") % {"label": label}, code="not_digits"
        )
    if len(text) != length:
        raise ValidationError(
            _("%(label)s harus %(length)d digit (yang diisi %(got)d digit).")
            % {"label": label, "length": length, "got": len(text)},
            code="length",
        )
    return text


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# --- NIK ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NIK:
    number: str
    province_code: str
    regency_code: str  # "35.73"
    district_code: str  # "35.73.01"
    birth_date: dt.date
    gender: str  # "L" (laki-laki) or "P" (perempuan)


def clean_nik(value: object, *, today: dt.date | None = None) -> NIK:
    """A 16-digit NIK: PP RR DD (region) DDMMYY (birth date, day + 40 for women) SSSS."""
    number = _digits(value, "NIK", 16)
    today = today or timezone.localdate()
    province, regency, district = number[0:2], number[2:4], number[4:6]
    if province not in PROVINCE_CODES:
        raise ValidationError(
            _("Kode provinsi %(code)s pada NIK tidak dikenal.") % {"code": province},
            code="nik_province",
        )
    if regency == "00" or district == "00":
        raise ValidationError(
            _("Kode kabupaten/kota dan kecamatan pada NIK tidak boleh 00."), code="nik_region"
        )
    day, month, year2 = int(number[6:8]), int(number[8:10]), int(number[10:12])
    gender = "L"
    if day > 40:
        day -= 40
        gender = "P"
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    birth_date = _date(year, month, day)
    if birth_date is None or birth_date > today:
        raise ValidationError(
            _("Tanggal lahir pada NIK (digit 7–12) tidak valid."), code="nik_birth_date"
        )
    if number[12:] == "0000":
        raise ValidationError(_("Nomor urut NIK tidak boleh 0000."), code="nik_sequence")
    return NIK(
        number=number,
        province_code=province,
        regency_code=f"{province}.{regency}",
        district_code=f"{province}.{regency}.{district}",
        birth_date=birth_date,
        gender=gender,
    )


def validate_nik(value: object) -> None:
    clean_nik(value)


# --- NIP ----------------------------------------------------------------------------------------
PPPK_MARKER = "21"


@dataclass(frozen=True)
class NIP:
    number: str
    birth_date: dt.date
    appointment_year: int
    appointment_month: int | None  # None for PPPK, whose NIP carries the year only
    kind: str  # "PNS" or "PPPK"
    gender: str  # "L" or "P"


def clean_nip(value: object, *, today: dt.date | None = None) -> NIP:
    """An 18-digit NIP: YYYYMMDD (birth) YYYYMM (appointment; PPPK: YYYY + 21) G (1/2) NNN."""
    number = _digits(value, "NIP", 18)
    today = today or timezone.localdate()
    birth_date = _date(int(number[0:4]), int(number[4:6]), int(number[6:8]))
    if birth_date is None or not (1940 <= birth_date.year <= today.year - 17):
        raise ValidationError(
            _("Tanggal lahir pada NIP (digit 1–8, TTTTBBHH) tidak valid."), code="nip_birth_date"
        )
    appointment_year, marker = int(number[8:12]), number[12:14]
    if marker == PPPK_MARKER:
        kind, appointment_month = "PPPK", None
    elif 1 <= int(marker) <= 12:
        kind, appointment_month = "PNS", int(marker)
    else:
        raise ValidationError(
            _("Bulan pengangkatan pada NIP (digit 13–14) tidak valid."), code="nip_appointment"
        )
    if not (birth_date.year + 17 <= appointment_year <= today.year):
        raise ValidationError(
            _(
                "Tahun pengangkatan pada NIP (digit 9–12) tidak masuk akal untuk tanggal lahir "
                "tersebut."
            ),
            code="nip_appointment",
        )
    if number[14] not in "12":
        raise ValidationError(
            _("Digit jenis kelamin pada NIP (digit 15) harus 1 atau 2."), code="nip_gender"
        )
    if number[15:] == "000":
        raise ValidationError(_("Nomor urut NIP tidak boleh 000."), code="nip_sequence")
    return NIP(
        number=number,
        birth_date=birth_date,
        appointment_year=appointment_year,
        appointment_month=appointment_month,
        kind=kind,
        gender="L" if number[14] == "1" else "P",
    )


def validate_nip(value: object) -> None:
    clean_nip(value)


# --- NIB ----------------------------------------------------------------------------------------
def clean_nib(value: object) -> str:
    """A 13-digit Nomor Induk Berusaha from OSS (no public check digit)."""
    number = _digits(value, "NIB", 13)
    if set(number) == {"0"}:
        raise ValidationError(_("NIB tidak boleh berisi nol semua."), code="nib_zero")
    return number


def validate_nib(value: object) -> None:
    clean_nib(value)


# --- phone --------------------------------------------------------------------------------------
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def clean_phone(value: object) -> str:
    """An Indonesian mobile number in any common spelling (0812-..., +62 812 ..., 62812...),
    returned in E.164 (+62812...)."""
    raw = str(value or "").strip()
    if not raw:
        raise ValidationError(_("Nomor HP wajib diisi."), code="required")
    if re.search(r"[^\d\s+().\-]", raw):
        raise ValidationError(
            _("Nomor HP hanya boleh berisi angka, spasi, tanda + dan -."), code="phone_chars"
        )
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("62") and not raw.startswith("+"):
        raw = "+" + digits
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Nomor HP tidak dapat dibaca."), code="phone_invalid") from exc
    if number.country_code != 62:
        raise ValidationError(
            _("Gunakan nomor HP Indonesia (+62 atau 08...)."), code="phone_country"
        )
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Nomor HP %(value)s tidak valid: periksa jumlah digitnya.") % {"value": raw},
            code="phone_invalid",
        )
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValidationError(
            _("Nomor %(value)s bukan nomor HP; gunakan nomor seluler (08...).") % {"value": raw},
            code="phone_not_mobile",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: object) -> None:
    clean_phone(value)


def format_phone(e164: str) -> str:
    """+6281234567890 -> 0812-3456-7890, the way people write it."""
    try:
        number = phonenumbers.parse(e164, "ID")
    except phonenumbers.NumberParseException:
        return e164
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return national.replace(" ", "-")


# --- masking ------------------------------------------------------------------------------------
def mask_middle(value: str, *, keep_start: int, keep_end: int, char: str = "•") -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return char * len(value)
    return value[:keep_start] + char * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_phone(e164: str) -> str:
    """+6281234567890 -> +62812••••7890."""
    return mask_middle(e164 or "", keep_start=6, keep_end=4)


def mask_nik(nik: str) -> str:
    """Shows the region (6 digits) and the last 2: 357301••••••••34."""
    return mask_middle(nik or "", keep_start=6, keep_end=2)


def mask_nip(nip: str) -> str:
    return mask_middle(nip or "", keep_start=4, keep_end=3)


# --- free text ----------------------------------------------------------------------------------
# C0 controls, DEL and C1 controls; multi-line text may keep tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates: they make a name read differently from
# what it is ("Toko\u202eabc" shows as "Tokocba").
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Names and free text people type: no control characters (a multi-line text may hold tab
    and line breaks) and no bidirectional override or isolate characters."""
    text = "" if value is None else str(value)
    if (_CONTROL_MULTILINE if multiline else _CONTROL).search(text):
        raise ValidationError(
            _("Teks tidak boleh berisi karakter kontrol (mis. NUL atau tab)."),
            code="control_character",
        )
    if _BIDI.search(text):
        raise ValidationError(
            _("Teks tidak boleh berisi karakter pembalik arah tulisan (bidi override)."),
            code="bidi_character",
        )
    return text


def validate_line(value: object) -> None:
    """For forms: a one-line text (a name, a title, a reason)."""
    clean_text(value)


def validate_multiline_text(value: object) -> None:
    """For forms: a text area (a description, a note)."""
    clean_text(value, multiline=True)


def _pydantic(multiline: bool):
    def check(value: str) -> str:
        try:
            return clean_text(value, multiline=multiline)
        except ValidationError as exc:
            raise PydanticCustomError(exc.code or "text", str(exc.messages[0])) from None

    return AfterValidator(check)


# For API schemas: `name: SafeLine = Field(..., max_length=120)`.
SafeLine = Annotated[str, _pydantic(False)]
SafeText = Annotated[str, _pydantic(True)]
