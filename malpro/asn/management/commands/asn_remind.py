from django.core.management.base import BaseCommand

from malpro.asn import reminders


class Command(BaseCommand):
    help = (
        "Reminds ASN below their target, DAYS days (default 5) before the period closes, "
        "in the app (the same function will send WhatsApp/SMS/email later). Idempotent: "
        "one reminder per ASN per period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=5)
        parser.add_argument(
            "--force",
            action="store_true",
            help="send even if the period is not yet that close to its end",
        )

    def handle(self, *args, days, force, **options):
        sent, left = reminders.send_if_due(days=days, force=force)
        if left > days and not force:
            self.stdout.write(f"reminders=0 (the period closes in {left} days)")
            return
        self.stdout.write(f"reminders={sent}")
