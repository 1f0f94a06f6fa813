"""The dashboard's periods: a month (2026-11), a quarter (2026-Q4) or a year (2026), always
whole calendar months in the city's time zone, each with the period before it to compare."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from malpro.core.exceptions import ApplicationError

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_LENGTH = {MONTH: 1, QUARTER: 3, YEAR: 12}
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
EARLIEST_YEAR = 2000


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date  # first day
    end: dt.date  # first day after

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def truncated(self) -> bool:
        """A period cut short to compare with one still running (1–29 October)."""
        return self.end != _add_months(self.start, _LENGTH[self.kind])

    @property
    def label(self) -> str:
        if self.truncated:  # 1–29 Oktober 2026; 1 Juli–29 Agustus 2026
            first = str(self.start.day) if self.kind == MONTH else date_format(self.start, "j F")
            return _("%(first)s–%(last)s") % {
                "first": first,
                "last": date_format(self.last_day, "j F Y"),
            }
        if self.kind == MONTH:
            return date_format(self.start, "F Y")
        if self.kind == QUARTER:
            quarter = _ROMAN[(self.start.month - 1) // 3 + 1]
            return _("Triwulan %(q)s %(y)s") % {"q": quarter, "y": self.start.year}
        return str(self.start.year)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        months = _LENGTH[self.kind]
        return Period(self.kind, _add_months(self.start, -months), self.start)

    def compared(self, today: dt.date | None = None) -> Period:
        """The period this one is compared with: the one before it, cut to as many days as
        this one has had when it is still running (November 1–29 against October 1–29),
        so a month under way is not measured against a whole one."""
        before = self.previous()
        today = today or timezone.localdate()
        if not self.contains(today):
            return before
        elapsed = today - self.start + dt.timedelta(days=1)
        return Period(self.kind, before.start, min(before.start + elapsed, before.end))

    def next(self) -> Period:
        months = _LENGTH[self.kind]
        return Period(self.kind, self.end, _add_months(self.end, months))

    def months(self) -> list[dt.date]:
        """The first day of each month in the period."""
        return [_add_months(self.start, i) for i in range(_LENGTH[self.kind])]

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days)]

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes in the city's time zone."""
        return _midnight(self.start), _midnight(self.end)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    def is_current(self, today: dt.date | None = None) -> bool:
        return self.contains(today or timezone.localdate())


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month(year: int, month_: int) -> Period:
    start = dt.date(year, month_, 1)
    return Period(MONTH, start, _add_months(start, 1))


def quarter(year: int, number: int) -> Period:
    start = dt.date(year, 3 * (number - 1) + 1, 1)
    return Period(QUARTER, start, _add_months(start, 3))


def year(year_: int) -> Period:
    return Period(YEAR, dt.date(year_, 1, 1), dt.date(year_ + 1, 1, 1))


def current(kind: str = MONTH, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    if kind == QUARTER:
        return quarter(today.year, (today.month - 1) // 3 + 1)
    if kind == YEAR:
        return year(today.year)
    return month(today.year, today.month)


def parse(text: str | None, *, field: str = "period", kinds=(MONTH, QUARTER, YEAR)) -> Period:
    """`2026-11`, `2026-Q4` or `2026` (those of `kinds`); empty means the current month."""
    text = (text or "").strip()
    if not text:
        return current()
    today = timezone.localdate()
    # [0-9], not \d: other scripts' digits are not periods.
    shapes = (
        (MONTH, r"([0-9]{4})-([0-9]{1,2})"),
        (QUARTER, r"([0-9]{4})-[Qq]([1-4])"),
        (YEAR, r"([0-9]{4})()"),
    )
    kind = year_ = number = None
    for candidate, pattern in shapes:
        if m := re.fullmatch(pattern, text):
            kind, year_, number = candidate, int(m.group(1)), int(m.group(2) or 0)
            break
    if kind is None or kind not in kinds or (kind == MONTH and not 1 <= number <= 12):
        formats = {MONTH: "2026-11", QUARTER: "2026-Q4", YEAR: "2026"}
        raise ApplicationError.for_field(
            field,
            _("Periode harus berbentuk %(formats)s.")
            % {"formats": _(" atau ").join(formats[k] for k in kinds)},
            status=422,
        )
    # The year is checked before a date is built (year 0, or the month after 9999-12, is
    # no date at all).
    too_far = not EARLIEST_YEAR <= year_ <= today.year
    found = None
    if not too_far:
        found = {MONTH: month, QUARTER: quarter, YEAR: lambda y, _n: year(y)}[kind](year_, number)
    if too_far or found.start > today:
        raise ApplicationError.for_field(
            field, _("Periode ini belum dimulai atau terlalu lampau."), status=422
        )
    return found
