import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from malpro.regions.models import District, Province, Regency, Village

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "idn-area"
LEVELS = [
    ("provinces", Province, None),
    ("regencies", Regency, "province_id"),
    ("districts", District, "regency_id"),
    ("villages", Village, "district_id"),
]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    per_level: dict = field(default_factory=dict)


def _read(name: str, keep) -> list[dict]:
    with open(DATA_DIR / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if keep(row["code"])]


class Command(BaseCommand):
    help = (
        "Loads Indonesia's administrative areas (idn-area-data, ODbL) shipped with Malpro: the "
        "province, regency, kecamatan and kelurahan of one regency (default: MALPRO_REGENCY), or "
        "of the whole country with --all. Idempotent: loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--regency", help="Regency/city code, e.g. 35.73 (Kota Malang)")
        parser.add_argument("--all", action="store_true", help="Load every area of Indonesia")

    def handle(self, *args, regency=None, all=False, **options):
        code = regency or settings.MALPRO_REGENCY
        if all:

            def keep(c):
                return True

        else:
            regencies = {row["code"] for row in _read("regencies", lambda c: True)}
            if code not in regencies:
                raise CommandError(f"Unknown regency code {code!r} (e.g. 35.73).", returncode=2)
            province = code.split(".")[0]

            def keep(c):
                return c in (province, code) or c.startswith(code + ".")

        tally = Tally()
        with transaction.atomic():
            for name, model, parent in LEVELS:
                self._load(name, model, parent, _read(name, keep), tally)
        levels = " ".join(f"{k}={v}" for k, v in tally.per_level.items())
        self.stdout.write(
            f"{levels} created={tally.created} updated={tally.updated} unchanged={tally.unchanged}"
        )

    def _load(self, name, model, parent, rows, tally: Tally):
        parent_column = {
            "province_id": "province_code",
            "regency_id": "regency_code",
            "district_id": "district_code",
        }.get(parent)
        existing = {obj.pk: obj for obj in model.objects.all().iterator(chunk_size=5000)}
        to_create, to_update = [], []
        for row in rows:
            values = {"name": row["name"].strip()}
            if parent:
                values[parent] = row[parent_column]
            current = existing.get(row["code"])
            if current is None:
                to_create.append(model(code=row["code"], **values))
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                to_update.append(current)
            else:
                tally.unchanged += 1
        model.objects.bulk_create(to_create, batch_size=2000)
        fields = ["name"] + ([parent] if parent else [])
        model.objects.bulk_update(to_update, fields, batch_size=2000)
        tally.created += len(to_create)
        tally.updated += len(to_update)
        tally.per_level[name] = len(rows)
