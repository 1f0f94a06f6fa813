import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from malpro.accounts.models import Agency
from malpro.regions.models import District

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "agencies"
FIELDS = ("short_name", "name", "kind", "district_id", "guides_umkm")


class Command(BaseCommand):
    help = (
        "Loads the city's agencies (OPD) from a CSV (code,short_name,name,kind,district_code,"
        "guides_umkm); by default the file shipped for MALPRO_REGENCY. Idempotent; agencies are "
        "never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", help="CSV file to load instead of the shipped one")
        parser.add_argument("--regency", help="Regency code whose shipped file to load")

    def handle(self, *args, file=None, regency=None, **options):
        path = Path(file) if file else DATA_DIR / f"{regency or settings.MALPRO_REGENCY}.csv"
        if not path.exists():
            raise CommandError(f"No agency file at {path}.", returncode=2)
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        districts = set(District.objects.values_list("code", flat=True))
        created = updated = unchanged = 0
        with transaction.atomic():
            existing = {a.code: a for a in Agency.objects.all()}
            for number, row in enumerate(rows, start=2):
                code = (row.get("code") or "").strip().upper()
                district = (row.get("district_code") or "").strip() or None
                if not code or not (row.get("name") or "").strip():
                    raise CommandError(f"{path.name} row {number}: code and name are required.")
                if district and district not in districts:
                    raise CommandError(
                        f"{path.name} row {number}: kecamatan {district} is not loaded "
                        "(run load_regions first)."
                    )
                values = {
                    "short_name": row["short_name"].strip() or code,
                    "name": row["name"].strip(),
                    "kind": (row.get("kind") or "dinas").strip(),
                    "district_id": district,
                    "guides_umkm": (row.get("guides_umkm") or "0").strip() in ("1", "true", "ya"),
                }
                agency = existing.get(code)
                if agency is None:
                    Agency.objects.create(code=code, **values)
                    created += 1
                elif any(getattr(agency, f) != values[f] for f in FIELDS):
                    for f in FIELDS:
                        setattr(agency, f, values[f])
                    agency.save(update_fields=list(FIELDS))
                    updated += 1
                else:
                    unchanged += 1
        self.stdout.write(f"agencies created={created} updated={updated} unchanged={unchanged}")
