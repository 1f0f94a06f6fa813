"""Periods, durations and quantities as people read them ("November 2026", "3 jam 5 menit",
"2 pak"), in the active language. One place for every page that prints a month, a duration or
an amount of goods (templates use the filters in malpro.core.templatetags.malpro)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# "2026-11" (or "2026-1"), "2026-Q4" and "2026": the keys forms and URLs carry.
_MONTH_KEY = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_QUARTER_KEY = re.compile(r"([0-9]{4})-[Qq]([1-4])")
_MONTH_SLASH = re.compile(r"([0-9]{1,2})/([0-9]{4})")  # 11/2026
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def month_label(value, *, short: bool = False) -> str:
    """A month in words: "November 2026". Takes a key ("2026-11"), a date or datetime, a
    (year, month) pair or anything with `year` and `month` (the ASN programme's Period);
    a quarter key ("2026-Q4") reads "Triwulan IV 2026". Anything else comes back as text.
    `short`: "Nov 2026", for chart axes."""
    if value is None or value == "":
        return ""
    year = month = None
    if isinstance(value, dt.date):
        year, month = value.year, value.month
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        year, month = value
    elif hasattr(value, "year") and hasattr(value, "month"):
        year, month = value.year, value.month
    else:
        text = str(value).strip()
        if m := _MONTH_KEY.fullmatch(text):
            year, month = int(m.group(1)), int(m.group(2))
        elif m := _MONTH_SLASH.fullmatch(text):
            year, month = int(m.group(2)), int(m.group(1))
        elif m := _QUARTER_KEY.fullmatch(text):
            return _("Triwulan %(q)s %(y)s") % {"q": _ROMAN[int(m.group(2))], "y": m.group(1)}
        else:
            return text
    try:
        return date_format(dt.date(int(year), int(month), 1), "M Y" if short else "F Y")
    except (TypeError, ValueError):
        return str(value)


def day_label(value) -> str:
    """A day in words: "3 November 2026" (a date or an ISO date string)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    return "" if value is None else str(value)


def duration_words(*, seconds=None, minutes=None, hours=None) -> str:
    """A duration in words, rounded to what matters: "kurang dari 1 menit", "12 menit",
    "3 jam 5 menit", "2 hari", "2 hari 4 jam". Give one of seconds, minutes or hours."""
    if seconds is None:
        seconds = (float(minutes) * 60) if minutes is not None else float(hours or 0) * 3600
    total_minutes = round(float(seconds) / 60)
    if float(seconds) < 60:
        return _("kurang dari 1 menit")
    total_minutes = max(total_minutes, 1)
    days, rest = divmod(total_minutes, 24 * 60)
    hours_, minutes_ = divmod(rest, 60)
    if days:
        # Days and whole hours: the minutes no longer matter.
        hours_ = round(rest / 60)
        if hours_ == 24:
            days, hours_ = days + 1, 0
        parts = [ngettext("%(n)d hari", "%(n)d hari", days) % {"n": days}]
        if hours_:
            parts.append(ngettext("%(n)d jam", "%(n)d jam", hours_) % {"n": hours_})
        return " ".join(parts)
    parts = []
    if hours_:
        parts.append(ngettext("%(n)d jam", "%(n)d jam", hours_) % {"n": hours_})
    if minutes_:
        parts.append(ngettext("%(n)d menit", "%(n)d menit", minutes_) % {"n": minutes_})
    return " ".join(parts)


def quantity_words(quantity, unit: str) -> str:
    """ "2 pak", "1 buah", "1,5 kg": a number of goods with its unit as people say it (the
    unit's label, e.g. OrderLine.unit_label, not the stored code)."""
    if isinstance(quantity, float) and not quantity.is_integer():
        number = f"{quantity:,.2f}".rstrip("0").rstrip(".")
        number = number.replace(",", "X").replace(".", ",").replace("X", ".")
    else:
        number = f"{int(quantity):,}".replace(",", ".")
    return f"{number} {unit or ''}".strip()
