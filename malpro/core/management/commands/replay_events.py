"""replay_events --consumer NAME --since DATETIME [--until DATETIME]"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from malpro.core import events


def _moment(value: str) -> dt.datetime:
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"not a date or date-time: {value!r} (e.g. 2026-11-01T08:00)")
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # local time (Asia/Jakarta)
    return moment


class Command(BaseCommand):
    help = (
        "Re-delivers to one event consumer every event of its kinds since a moment: missing "
        "deliveries are created, unfinished ones run now, finished ones are skipped (consumers "
        "are idempotent by event id, so running this twice counts nothing twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--consumer", required=True, help="consumer name, e.g. asn.standings")
        parser.add_argument("--since", required=True, help="date or date-time, local time")
        parser.add_argument("--until", help="date or date-time, local time (exclusive)")

    def handle(self, *args, consumer, since, until=None, **options):
        if consumer not in events.consumers():
            names = ", ".join(sorted(events.consumers())) or "none"
            raise CommandError(f"unknown consumer {consumer!r}; known: {names}")
        summary = events.replay(
            consumer_name=consumer,
            since=_moment(since),
            until=_moment(until) if until else None,
        )
        self.stdout.write(
            f"{consumer}: {summary.events} events, {summary.created} deliveries created, "
            f"{summary.delivered} delivered, {summary.already_done} already done, "
            f"{summary.failing} still failing"
        )
        if summary.failing:
            raise CommandError(f"{summary.failing} deliveries still failing; see /kota/peristiwa/")
