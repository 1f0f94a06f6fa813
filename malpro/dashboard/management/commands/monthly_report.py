from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from malpro.core.exceptions import ApplicationError
from malpro.dashboard import report
from malpro.dashboard.periods import MONTH, parse


class Command(BaseCommand):
    help = (
        "Writes the monthly PDF report for leadership: headline figures with the month before, "
        "equity (Gini, Lorenz curve, top-10 and micro shares, zero-sale sellers, ASN reach), "
        "sales per day and per kecamatan, ASN compliance per OPD, operations and the least "
        "covered kelurahan. The whole city, or one guiding agency (--agency) and/or kecamatan "
        "(--kecamatan). What every figure counts: docs/dashboard.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="the month, YYYY-MM (e.g. 2026-11)")
        parser.add_argument("--out", required=True, help="the PDF file to write")
        parser.add_argument("--agency", default="", help="a guiding agency's code or short name")
        parser.add_argument("--kecamatan", default="", help="a kecamatan's code or name")

    def handle(self, *args, period, out, agency="", kecamatan="", **options):
        try:
            month = parse(period, field="period", kinds=(MONTH,))
            scope = report.scope_named(agency=agency, kecamatan=kecamatan)
        except ApplicationError as exc:
            name = next(iter(exc.extra.get("fields", {})), "")
            raise CommandError(f"--{name}: {exc.message}" if name else exc.message) from None
        content = report.content(scope, month)
        data = report.pdf(content)
        try:
            Path(out).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"--out: cannot write {out}: {exc.strerror}") from None
        figures = content.figures
        self.stdout.write(
            f"{out}: {month.key} {scope.key()} gmv={figures['gmv']} orders={figures['orders']} "
            f"gini={figures['gini']} bytes={len(data)}"
        )
