from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from malpro.core import permissions


class Command(BaseCommand):
    help = "Writes docs/permissions.md from the apps' access modules (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="fail if the file is stale")

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
        text = permissions.render()
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if check:
            if current != text:
                raise CommandError(f"{path.name} is stale: run manage.py permissions_doc")
            self.stdout.write(f"{path.name} is up to date ({len(permissions.rules())} rules)")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path.name}: {len(permissions.rules())} rules")
