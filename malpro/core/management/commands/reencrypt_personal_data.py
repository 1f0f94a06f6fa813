"""Key rotation for personal data: every encrypted column and private file written again with
the first key of MALPRO_DATA_KEYS, and every keyed hash checked against MALPRO_LOOKUP_KEY.

    MALPRO_DATA_KEYS=<new>,<old> manage.py reencrypt_personal_data
    (then MALPRO_DATA_KEYS=<new> alone)

Idempotent (values already under the first key, hashes already right and files already
current are left alone), batched by primary key (one transaction per batch), with counts.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from malpro.core import crypto
from malpro.core.storage import EncryptedFileSystemStorage, reencrypt_file


def _encrypted_models():
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        encrypted = [f for f in model._meta.concrete_fields if isinstance(f, crypto.EncryptedMixin)]
        hashes = [f for f in model._meta.concrete_fields if isinstance(f, crypto.LookupHashField)]
        files = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.FileField) and isinstance(f.storage, EncryptedFileSystemStorage)
        ]
        if encrypted or files:
            yield model, encrypted, hashes, files


class Command(BaseCommand):
    help = (
        "Re-encrypts NIK, NIP, birth dates, bank accounts and private files with the first key "
        "of MALPRO_DATA_KEYS and repairs keyed hashes (key rotation). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; write nothing."
        )

    def handle(self, *args, batch_size: int, dry_run: bool, **options):
        totals = {"rows": 0, "values": 0, "hashes": 0, "files": 0}
        for model, encrypted, hashes, files in _encrypted_models():
            label = model._meta.label
            if encrypted:
                counts = self._rows(model, encrypted, hashes, batch_size, dry_run)
                for key, value in counts.items():
                    totals[key] += value
                self.stdout.write(
                    f"{label}: {counts['rows']} rows, {counts['values']} values re-encrypted, "
                    f"{counts['hashes']} hashes repaired"
                )
            for field in files:
                done = self._files(model, field, dry_run)
                totals["files"] += done
                self.stdout.write(f"{label}.{field.name}: {done} files re-encrypted")
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"Done ({verb}): {totals['values']} values, {totals['hashes']} hashes and "
                f"{totals['files']} files, over {totals['rows']} rows."
            )
        )

    def _rows(self, model, encrypted, hashes, batch_size, dry_run) -> dict:
        """Raw columns, so that a token is rotated without the model decrypting it first."""
        quote = connection.ops.quote_name
        table, pk = model._meta.db_table, model._meta.pk.column
        columns = [f.column for f in encrypted] + [f.column for f in hashes]
        by_name = {f.name: f for f in encrypted}
        select = (
            f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608
            f"WHERE {quote(pk)} > %s ORDER BY {quote(pk)} LIMIT %s"
        )
        counts = {"rows": 0, "values": 0, "hashes": 0}
        last = 0  # every model with personal data has an integer key
        while True:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(select, [last, batch_size])
                    rows = cursor.fetchall()
                if not rows:
                    break
                last = rows[-1][0]
                counts["rows"] += len(rows)
                for row in rows:
                    changes = {}
                    tokens = dict(zip([f.name for f in encrypted], row[1:], strict=False))
                    for field in encrypted:
                        token = tokens[field.name] or ""
                        if token and not crypto.is_current(token):
                            changes[field.column] = crypto.rotate_text(token)
                            counts["values"] += 1
                    for field, stored in zip(hashes, row[1 + len(encrypted) :], strict=True):
                        source = by_name.get(field.source)
                        token = (tokens.get(field.source) or "") if source else ""
                        plain = crypto.decrypt_text(token) if token else ""
                        expected = crypto.lookup_hash(field.kind, plain)
                        if (stored or "") != expected:
                            changes[field.column] = expected
                            counts["hashes"] += 1
                    if changes and not dry_run:
                        sets = ", ".join(f"{quote(c)} = %s" for c in changes)
                        with connection.cursor() as cursor:
                            cursor.execute(
                                f"UPDATE {quote(table)} SET {sets} WHERE {quote(pk)} = %s",  # noqa: S608
                                [*changes.values(), row[0]],
                            )
        return counts

    def _files(self, model, field, dry_run) -> int:
        done = 0
        names = model._default_manager.exclude(**{field.name: ""}).values_list(
            field.name, flat=True
        )
        for name in names.order_by("pk").iterator(chunk_size=500):
            if dry_run:
                storage = field.storage
                if name and storage.exists(name):
                    done += not crypto.file_is_current(storage.read_raw(name))
            elif reencrypt_file(field.storage, name):
                done += 1
        return done
