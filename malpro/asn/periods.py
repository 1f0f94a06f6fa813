"""Months of the programme, in the city's time zone (WIB)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.core import words
from malpro.core.exceptions import ApplicationError


def parse(text: str | None) -> tuple[int, int]:
    if not text:
        today = timezone.localdate()
        return today.year, today.month
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ApplicationError.for_field(
            "period", _("Periode harus berbentuk TTTT-BB, mis. 2026-11."), status=422
        )
    return int(match.group(1)), int(match.group(2))


def first_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes in WIB."""
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end_year, end_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return start, timezone.make_aware(dt.datetime(end_year, end_month, 1))


def label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def human(year: int, month: int) -> str:
    """The month as "November 2026", in the active language (core.words.month_label)."""
    return words.month_label((year, month))


def previous(year: int, month: int, steps: int = 1) -> tuple[int, int]:
    index = year * 12 + (month - 1) - steps
    return index // 12, index % 12 + 1


def of(moment: dt.datetime) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.year, local.month
