"""Money is whole rupiah in integers. One way to show it (Rp15.000) and one way to read it."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def format_rupiah(amount: int | None) -> str:
    """15000 -> 'Rp15.000'; -2500 -> '-Rp2.500'. Indonesian grouping with dots, no decimals."""
    if amount is None:
        return ""
    if isinstance(amount, float) or not isinstance(amount, int):
        raise TypeError(f"rupiah amounts are integers, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


# ASCII digits only (\d would take other scripts' digits, as parse_decimal_rupiah refuses too).
_GROUPED = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$")
_PLAIN = re.compile(r"^[0-9]+$")


def parse_rupiah(value: object, *, label: str = "Jumlah") -> int:
    """Reads a whole-rupiah amount as people write it: 15000, 15.000, Rp 15.000, 15.000,00.

    Refuses anything with a real fractional part, negative amounts, and text.
    """
    if isinstance(value, bool):
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label}, code="number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(
                _("%(label)s harus rupiah bulat, tanpa sen.") % {"label": label}, code="fraction"
            )
        number = int(value)
    else:
        text = str(value or "").strip()
        text = re.sub(r"^(rp\.?)\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
        text = re.sub(r",0{1,2}$", "", text)  # "15.000,00" is how spreadsheets print rupiah
        if not text:
            raise ValidationError(_("%(label)s wajib diisi.") % {"label": label}, code="required")
        if text.startswith("-"):
            raise ValidationError(
                _("%(label)s tidak boleh negatif.") % {"label": label}, code="negative"
            )
        if _GROUPED.match(text):
            number = int(text.replace(".", ""))
        elif _PLAIN.match(text):
            number = int(text)
        else:
            raise ValidationError(
                _("%(label)s harus berupa angka rupiah bulat (contoh: 15000 atau 15.000).")
                % {"label": label},
                code="number",
            )
    if number < 0:
        raise ValidationError(
            _("%(label)s tidak boleh negatif.") % {"label": label}, code="negative"
        )
    return number


# "rb"/"ribu"/"k" = thousand, "jt"/"juta" = million.
_WORDS = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000}
_WORDED = re.compile(r"^([0-9][0-9.,]{0,20})(rb|ribu|k|jt|juta)\.?$")
_UNREADABLE = _(
    "%(label)s tidak terbaca: tulis angka rupiah, misalnya 15000, 15.000, 15rb atau 1,5 jt."
)


def parse_amount_words(value, *, label: str = "Jumlah") -> int:
    """Whole rupiah as people in a warung write it: "15000", "15.000", "Rp15.000",
    "Rp 15.000,-", "15rb", "15 ribu", "1,5 jt", "1.5jt", "5 juta", "Rp 5 jt".
    ValidationError (Indonesian) otherwise; codes as parse_rupiah's."""
    text = str(value if value is not None else "").strip().lower()
    if len(text) > 40:
        raise ValidationError(_("%(label)s terlalu panjang.") % {"label": label}, code="number")
    text = re.sub(r"^rp\.?", "", text).replace(" ", "")
    text = re.sub(r",-$", "", text)  # "Rp15.000,-"
    match = _WORDED.match(text)
    if match is None:
        try:
            return parse_rupiah(text, label=label)
        except ValidationError as exc:
            if exc.code != "number":
                raise
            raise ValidationError(_UNREADABLE % {"label": label}, code="number") from None
    number, word = match.groups()
    if _GROUPED.match(number):  # "1.500rb"
        number = number.replace(".", "")
    elif number.count(",") + number.count(".") > 1:
        raise ValidationError(_UNREADABLE % {"label": label}, code="number")
    try:
        amount = Decimal(number.replace(",", ".")) * _WORDS[word]
    except InvalidOperation:
        raise ValidationError(_UNREADABLE % {"label": label}, code="number") from None
    if amount != amount.to_integral_value():
        raise ValidationError(
            _("%(label)s harus rupiah bulat, tanpa sen.") % {"label": label}, code="fraction"
        )
    return int(amount)


class AmountError(ValueError):
    """A decimal amount that is not a whole, finite, plainly written rupiah amount.
    `code`: "format" (not digits with an optional dot and at most two decimals: signs,
    exponents, NaN, infinity, separators, other scripts' digits) or "fraction" (sen)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# ASCII digits only (\d would take other scripts' digits); at most 15 of them before the dot,
# so the result fits a BigIntegerField with room to spare.
_DECIMAL = re.compile(r"^([0-9]{1,15})(?:\.([0-9]{1,2}))?$")


def parse_decimal_rupiah(value: object) -> int:
    """Reads an amount as QRIS (EMVCo tag 54) and the payment providers write it: digits with an
    optional '.' and up to two decimals ("15000", "15000.00"), exactly (no float on the way).
    Returns whole rupiah; refuses sen, since every amount in Malpro is whole rupiah."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AmountError(_("Jumlah harus berupa angka."), code="format")
    text = repr(value) if isinstance(value, float) else str(value)
    match = _DECIMAL.match(text)
    if match is None:
        raise AmountError(
            _("Jumlah harus berupa angka, dengan titik desimal opsional: 15000 atau 15000.00."),
            code="format",
        )
    whole, cents = match.groups()
    if cents and int(cents):
        raise AmountError(
            _("Jumlah memuat sen; hanya rupiah bulat yang diterima."), code="fraction"
        )
    return int(whole)
