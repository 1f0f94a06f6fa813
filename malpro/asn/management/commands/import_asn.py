import sys

from django.core.management.base import BaseCommand, CommandError

from malpro.asn.importer import roster_import
from malpro.core.exceptions import ApplicationError
from malpro.core.tabular import print_issues


class Command(BaseCommand):
    help = (
        "Imports BKPSDM's ASN roster (CSV/XLSX: nip, nama, kode_opd, jenis, golongan, "
        "eselon, kelas_tpp, telepon, aktif). Good rows are created or updated by NIP; bad "
        "rows are reported; aktif=0 marks an ASN inactive (never deleted); with --full, ASN "
        "missing from the file are marked inactive too. Exits 2 when the file cannot be "
        "read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--full",
            action="store_true",
            help="the file is the whole roster: deactivate who is missing",
        )
        parser.add_argument("--report")

    def handle(self, *args, file, dry_run, full, report, **options):
        try:
            result = roster_import(source=file, dry_run=dry_run, full=full)
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from None
        print_issues(result, self.stderr, report)
        self.stdout.write(("dry-run: " if dry_run else "") + result.summary())
        sys.stdout.flush()
