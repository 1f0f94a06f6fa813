import time

from celery import shared_task
from django.core.cache import cache

from malpro.asn import flags, obligation, periods, reminders

FULL_REFRESH_KEY = "asn:full-refresh-started"


@shared_task(name="asn.nightly")
def nightly() -> dict:
    """Flags for this month and the last (standings follow orders through asn.standings)."""
    found = {}
    for step in (0, 1):
        year, month = periods.previous(*periods.parse(None), step)
        found[periods.label(year, month)] = flags.detect(obligation.period_get(year, month))
    return found


@shared_task(name="asn.remind")
def remind(days: int = 5) -> int:
    """Daily: reminders to ASN below target in the period's last `days` days (one each)."""
    return reminders.send_if_due(days=days)[0]


@shared_task(name="asn.refresh_open")
def refresh_open(employee_ids: list[int] | None = None, requested_at: float | None = None) -> int:
    """Recomputes open periods' standings after a policy, exemption or roster change. A full
    refresh that started after this one was asked for already covers it: several changes saved
    together (a policy and its amounts) cost one recount."""
    if employee_ids is None:
        started = time.time()
        last = cache.get(FULL_REFRESH_KEY)
        if requested_at is not None and last is not None and last >= requested_at:
            return 0
        cache.set(FULL_REFRESH_KEY, started, timeout=24 * 3600)
    return obligation.refresh_open(employee_ids)
