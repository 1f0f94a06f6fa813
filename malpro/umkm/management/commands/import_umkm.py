import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from malpro.core.exceptions import ApplicationError
from malpro.core.tabular import print_issues
from malpro.umkm.importer import umkm_import


class Command(BaseCommand):
    help = (
        "Imports an agency's UMKM spreadsheet (CSV or XLSX; columns in docs/import-umkm.md). "
        "Good rows are created or updated (matched on NIB, else owner NIK + business name), bad "
        "rows are reported; re-importing the same file changes nothing. With --agency CODE the "
        "run updates only businesses that agency guides (rows matching others are reported, "
        "not applied), never changes an existing business's state, and its new rows are "
        "guided by that agency and start verified. Prints "
        "'created=N updated=N unchanged=N rejected=N'; exits 0 when the file was processed "
        "(bad rows included) and 2 when it cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check everything, write nothing"
        )
        parser.add_argument("--agency", help="Agency code vouching for the rows, e.g. DISKOPINDAG")
        parser.add_argument("--report", help="Write every problem to this CSV file")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, dry_run, agency, report, no_progress, **options):
        bar = None

        def progress(done, total):
            nonlocal bar
            if no_progress:
                return
            if bar is None:
                bar = tqdm(total=total or None, unit="baris", file=sys.stderr, leave=False)
            bar.update(done - bar.n)

        try:
            result = umkm_import(
                source=file, agency_code=agency, dry_run=dry_run, progress=progress
            )
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from None
        finally:
            if bar is not None:
                bar.close()
        print_issues(result, self.stderr, report)
        prefix = "dry-run: " if dry_run else ""
        self.stdout.write(f"{prefix}{result.summary()}")
