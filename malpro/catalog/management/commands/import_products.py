from django.core.management.base import BaseCommand, CommandError

from malpro.catalog.importer import products_import
from malpro.core.exceptions import ApplicationError
from malpro.core.tabular import print_issues


class Command(BaseCommand):
    help = (
        "Mass upload of one business's products from CSV/XLSX (columns sku, nama, deskripsi, "
        "kategori, harga, satuan, stok, berat_gram). Good rows are created or updated (by sku, "
        "else by name) and published; bad rows are reported. Prints "
        "'created=N updated=N unchanged=N rejected=N'; exits 2 when the file cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--business", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--report")

    def handle(self, *args, file, business, dry_run, report, **options):
        try:
            result = products_import(source=file, business_id=business, dry_run=dry_run)
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=2) from None
        print_issues(result, self.stderr, report)
        self.stdout.write(("dry-run: " if dry_run else "") + result.summary())
