from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from malpro.demo import seeds
from malpro.regions.models import Regency


class Command(BaseCommand):
    help = (
        "Loads the demo data set (people of every role, and everything later features add) and "
        "prints the demo logins. Idempotent: running it again changes nothing. Refuses to run in "
        "production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins")
        parser.add_argument(
            "--history-orders",
            type=int,
            default=None,
            help="Orders in the six months of demo history (default 90; only on the first run)",
        )

    def handle(self, *args, **opts):
        if settings.PRODUCTION and not settings.DEBUG:
            raise CommandError("seed_demo refuses to run in production.", returncode=2)
        if not Regency.objects.filter(code=settings.MALPRO_REGENCY).exists():
            call_command("load_regions", stdout=self.stdout)
            call_command("load_agencies", stdout=self.stdout)
        context = seeds.run(
            history_orders=opts["history_orders"]
        )  # each step is idempotent and commits on its own
        self.stdout.write(context.summary())
        if not opts["quiet_logins"]:
            self.stdout.write(context.logins_table())
