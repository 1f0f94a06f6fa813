import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from malpro.dashboard import aggregates


class Command(BaseCommand):
    help = (
        "Recounts the dashboard's daily aggregate rows from the orders and ASN in-person "
        "purchases, from the month of --since (YYYY-MM-DD; default: the first sale) to now, "
        "and replaces what is stored, one month per transaction. With --check it changes "
        "nothing: it compares the stored rows with a recount and exits 1 naming each "
        "difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", help="first day to recount (its whole month is)")
        parser.add_argument("--check", action="store_true", help="compare only")

    def handle(self, *args, since=None, check=False, **options):
        first = None
        if since:
            try:
                first = dt.date.fromisoformat(since)
            except ValueError:
                raise CommandError("--since must be a date like 2026-01-01") from None
        if check:
            differences = aggregates.check(since=first)
            for d in differences[:50]:
                self.stderr.write(f"{d.table} {d.key}: stored {d.stored}, recount {d.counted}")
            self.stdout.write(
                f"months={len(aggregates.months_since(first))} differences={len(differences)}"
            )
            if differences:
                sys.exit(1)
            return
        written = aggregates.rebuild(since=first)
        self.stdout.write(
            " ".join(f"{name}={count}" for name, count in written.items())
            + f" months={len(aggregates.months_since(first))}"
        )
