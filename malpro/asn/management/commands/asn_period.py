from django.core.management.base import BaseCommand, CommandError

from malpro.asn import flags, obligation, periods
from malpro.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Keeps a period's figures: --refresh computes every active ASN's standing, --close "
        "freezes the period (its figures never change afterwards, whatever the policy "
        "becomes), --flags runs the integrity checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (default: this month)")
        parser.add_argument("--refresh", action="store_true")
        parser.add_argument("--close", action="store_true")
        parser.add_argument("--flags", action="store_true", dest="run_flags")

    def handle(self, *args, period=None, refresh=False, close=False, run_flags=False, **options):
        try:
            year, month = periods.parse(period)
            found = obligation.period_get(year, month)
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from None
        if refresh:
            made = obligation.period_refresh(found)
            self.stdout.write(f"standings computed={made}")
        if run_flags:
            self.stdout.write(" ".join(f"{k}={v}" for k, v in flags.detect(found).items()))
        if close:
            obligation.period_close(year=year, month=month)
            self.stdout.write(f"period {periods.label(year, month)} closed")
