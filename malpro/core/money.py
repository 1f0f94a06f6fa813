"""Money is whole rupiah in integers. One way to show it (Rp15.000) and one way to read it."""

from __future__ import annotations

import re

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


_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN = re.compile(r"^\d+$")


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
