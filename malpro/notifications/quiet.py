"""Quiet hours: nothing but one-time codes reaches a phone or a mailbox between 21:00 and
06:00 Jakarta time (settings MALPRO_QUIET_HOURS, "21-6"). What falls due then waits until
the morning; the bell in the app is not a ring and is always written at once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

JAKARTA = ZoneInfo("Asia/Jakarta")


def _hours() -> tuple[int, int] | None:
    value = settings.MALPRO_QUIET_HOURS
    if not value:
        return None
    start, _, end = value.partition("-")
    return int(start), int(end)


def is_quiet(at: dt.datetime) -> bool:
    hours = _hours()
    if hours is None:
        return False
    start, end = hours
    hour = at.astimezone(JAKARTA).hour
    return hour >= start or hour < end if start > end else start <= hour < end


def next_allowed(at: dt.datetime) -> dt.datetime:
    """`at` itself outside quiet hours, else the end of the quiet hours that hold it."""
    if not is_quiet(at):
        return at
    _start, end = _hours()
    local = at.astimezone(JAKARTA)
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= local:
        morning += dt.timedelta(days=1)
    return morning.astimezone(dt.UTC)
