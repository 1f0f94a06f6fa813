import sys

from django.core.management.base import BaseCommand

from malpro.ledger.checks import problems


class Command(BaseCommand):
    help = (
        "Verifies the ledger: every entry balances, escrow equals what buyers and sellers "
        "are owed, clearing equals paid-but-unsettled orders, nothing was posted twice, no "
        "seller was paid more than earned. Exits 1 naming each problem."
    )

    def handle(self, *args, **options):
        found = problems()
        for problem in found:
            self.stderr.write(f"LEDGER: {problem}")
        if found:
            sys.exit(1)
        self.stdout.write("ledger ok")
