from django.core.management.base import BaseCommand
from django.db import connection, transaction

from malpro.catalog.models import Product, SearchDoc, SearchTerm
from malpro.catalog.search.engine import reindex


class Command(BaseCommand):
    help = "Rebuilds the product search index and vocabulary from the catalog."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, batch, **options):
        with transaction.atomic():
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute("INSERT INTO catalog_fts(catalog_fts) VALUES('delete-all')")
            SearchDoc.objects.all().delete()
            SearchTerm.objects.all().delete()
        ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            with transaction.atomic():
                reindex(ids[start : start + batch])
        self.stdout.write(
            f"indexed={SearchDoc.objects.count()} of products={len(ids)} "
            f"terms={SearchTerm.objects.count()}"
        )
