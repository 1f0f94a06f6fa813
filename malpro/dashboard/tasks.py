import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from malpro.dashboard import aggregates

log = logging.getLogger(__name__)


@shared_task(name="dashboard.check_aggregates")
def check_aggregates() -> int:
    """Nightly: compares this month's and last month's aggregate rows with a recount from the
    orders; when any differ (a consumer that failed for good, a hand edit), logs how many and
    rebuilds those two months. Returns the number of rows that differed."""
    since = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    differences = aggregates.check(since=since)
    if differences:
        log.warning(
            "dashboard aggregates: %s rows differed from a recount since %s; rebuilt",
            len(differences),
            since,
        )
        aggregates.rebuild(since=since)
    return len(differences)
