import sys

from django.core.management.base import BaseCommand

from malpro.asn import obligation, periods
from malpro.asn.models import Standing


class Command(BaseCommand):
    help = (
        "Recounts every standing of a period from the orders themselves and compares it "
        "with the precomputed figures the reports use; exits 1 naming any difference. "
        "(A closed period's figures are frozen: they are compared with a recount under the "
        "period's own policy.)"
    )

    def add_arguments(self, parser):
        parser.add_argument("--period")

    def handle(self, *args, period=None, **options):
        year, month = periods.parse(period)
        found = obligation.period_get(year, month)
        differences = 0
        checked = 0
        for standing in Standing.objects.filter(period=found).select_related("employee"):
            fresh = obligation.compute(standing.employee, year, month, policy=found.policy)
            checked += 1
            if (fresh.required, fresh.counted) != (standing.required, standing.counted):
                differences += 1
                self.stderr.write(
                    f"ASN {standing.employee_id}: stored {standing.required}/{standing.counted}"
                    f", recount {fresh.required}/{fresh.counted}"
                )
        self.stdout.write(f"checked={checked} differences={differences}")
        if differences:
            sys.exit(1)
