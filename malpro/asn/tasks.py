from celery import shared_task

from malpro.asn import flags, obligation, periods


@shared_task(name="asn.nightly")
def nightly() -> dict:
    """Flags for this month and the last; standings are kept current by order signals."""
    found = {}
    for step in (0, 1):
        year, month = periods.previous(*periods.parse(None), step)
        found[periods.label(year, month)] = flags.detect(obligation.period_get(year, month))
    return found
