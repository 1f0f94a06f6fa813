from django.core.management.base import BaseCommand

from malpro.orders.services import orders_autocomplete


class Command(BaseCommand):
    help = (
        "Completes orders delivered more than MALPRO_ORDER_AUTOCOMPLETE_DAYS ago that the "
        "buyer did not confirm (also run hourly by Celery beat)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int)

    def handle(self, *args, days=None, **options):
        self.stdout.write(f"completed={orders_autocomplete(days=days)}")
