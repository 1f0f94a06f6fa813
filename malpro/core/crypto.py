"""Encryption at rest for personal numbers (NIK, NIP, birth dates, bank accounts) and files.

Keys come from the environment, never from SECRET_KEY:
- MALPRO_DATA_KEYS: comma-separated Fernet keys; the first encrypts, every one decrypts
  (key rotation: put a new key first, run `manage.py reencrypt_personal_data`, then drop the
  old one);
- MALPRO_LOOKUP_KEY: the key of the keyed hashes (HMAC-SHA256) that equality lookups and
  uniqueness checks use, since an encrypted value never equals another encryption of itself.

Built on `cryptography`'s MultiFernet (AES-128-CBC with HMAC-SHA256, versioned tokens with
rotation built in). An encrypted column holds the Fernet token as text; an empty value stays
empty (so "no NIK" remains queryable), every other value is a token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models.lookups import Exact, In, IsNull

TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80, base64url) starts with it
FILE_MAGIC = b"MALPROENC1\n"  # encrypted files: this line, then the Fernet token


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.MALPRO_DATA_KEYS)
    if not keys:
        raise ImproperlyConfigured("MALPRO_DATA_KEYS is empty: personal data cannot be stored.")
    try:
        return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "MALPRO_DATA_KEYS must be Fernet keys (32 url-safe base64 bytes each)."
        ) from exc


@cache
def _current() -> Fernet:
    key = settings.MALPRO_DATA_KEYS[0]
    return Fernet(key.encode() if isinstance(key, str) else key)


@cache
def _lookup_key() -> bytes:
    key = settings.MALPRO_LOOKUP_KEY
    if not key:
        raise ImproperlyConfigured("MALPRO_LOOKUP_KEY is empty: lookups cannot be hashed.")
    return key.encode() if isinstance(key, str) else key


def _reset(**kwargs) -> None:
    if kwargs.get("setting") in {"MALPRO_DATA_KEYS", "MALPRO_LOOKUP_KEY"}:
        _fernet.cache_clear()
        _current.cache_clear()
        _lookup_key.cache_clear()


setting_changed.connect(_reset)


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt_text(value: str) -> str:
    if not value:
        return ""
    return _fernet().encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    if not token:
        return ""
    return _fernet().decrypt(token.encode()).decode()


def is_current(token: str | bytes) -> bool:
    """Whether `token` was written with the first key (nothing left to rotate)."""
    if not token:
        return True
    try:
        _current().decrypt(token.encode() if isinstance(token, str) else token)
    except InvalidToken:
        return False
    return True


def rotate_text(token: str) -> str:
    if not token:
        return ""
    return _fernet().rotate(token.encode()).decode()


def encrypt_bytes(data: bytes) -> bytes:
    return FILE_MAGIC + _fernet().encrypt(data)


def is_encrypted_file(data: bytes) -> bool:
    return data.startswith(FILE_MAGIC)


def decrypt_bytes(data: bytes) -> bytes:
    if not is_encrypted_file(data):
        raise InvalidToken("not an encrypted file")
    return _fernet().decrypt(data[len(FILE_MAGIC) :])


def rotate_bytes(data: bytes) -> bytes:
    """Re-encrypts an encrypted file with the first key; encrypts a plaintext one."""
    if not is_encrypted_file(data):
        return encrypt_bytes(data)
    return FILE_MAGIC + _fernet().rotate(data[len(FILE_MAGIC) :])


def file_is_current(data: bytes) -> bool:
    return is_encrypted_file(data) and is_current(data[len(FILE_MAGIC) :])


def lookup_hash(kind: str, value: str) -> str:
    """The keyed hash of a personal number, for equality: "" for no value. `kind` separates
    the kinds (a NIK and a NIP with the same digits hash differently)."""
    if not value:
        return ""
    message = f"{kind}:{value}".encode()
    return hmac.new(_lookup_key(), message, hashlib.sha256).hexdigest()


def nik_hash(nik: str) -> str:
    return lookup_hash("nik", nik)


def nip_hash(nip: str) -> str:
    return lookup_hash("nip", nip)


# --- fields -------------------------------------------------------------------------------


class _EmptyOnlyExact(Exact):
    """`field=""` (no value) works; equality with a value cannot (the column holds tokens):
    query the keyed-hash column instead."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: filter on its keyed hash, not the value."
            )
        return ""


class _Refused(In):
    def get_prep_lookup(self):
        raise FieldError(
            f"{self.lhs.target.name} is encrypted: filter on its keyed hash, not the value."
        )


class EncryptedMixin:
    """Stores the Fernet token of the value as text; the model sees the plain value."""

    def get_internal_type(self):
        # A text column of tokens; also keeps the backends' own converters (SQLite parses
        # DateField values) away from the token.
        return "TextField"

    def db_type(self, connection):
        return connection.data_types["TextField"] % {}

    def rel_db_type(self, connection):  # pragma: no cover - never a foreign key target
        return self.db_type(connection)

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        text = self._plain_text(value if prepared else self.get_prep_value(value))
        return encrypt_text(text)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self.to_python("") if self.null is False else None
        return self.to_python(decrypt_text(value))

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return _Refused

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if getattr(self, "unique", False) or getattr(self, "db_index", False):
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique or indexed: use its keyed hash.",
                    obj=self,
                    id="malpro.E901",
                )
            )
        return errors


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField (max_length checks the plain value) stored encrypted."""

    def _plain_text(self, value) -> str:
        return "" if value is None else str(value)

    def get_prep_value(self, value):
        return self.to_python(value)


class EncryptedDateField(EncryptedMixin, models.DateField):
    """A date stored encrypted (ISO text inside the token). Not orderable in SQL."""

    def _plain_text(self, value) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value or "")

    def get_prep_value(self, value):
        return self.to_python(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return dt.date.fromisoformat(decrypt_text(value))


class LookupHashField(models.CharField):
    """The keyed hash of another field of the model, refreshed whenever the row is written
    through save() or bulk_create() (for update() and bulk_update(), name it too)."""

    def __init__(self, *args, source: str = "", kind: str = "", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        # Also in the database: rows written by raw SQL without the column hash to "no value".
        kwargs.setdefault("db_default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["kind"] = self.source, self.kind
        for key, default in (("max_length", 64), ("blank", True), ("editable", False)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if kwargs.get("default") == "":
            kwargs.pop("default")
        if kwargs.get("db_default") == "":
            kwargs.pop("db_default")
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = lookup_hash(self.kind, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


class HashedModel(models.Model):
    """Keeps the keyed hashes in step on save(update_fields=[...source...])."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is not None:
            extra = {
                f.name
                for f in self._meta.concrete_fields
                if isinstance(f, LookupHashField) and f.source in fields
            }
            kwargs["update_fields"] = set(fields) | extra
        return super().save(*args, **kwargs)


# --- data migrations ------------------------------------------------------------------------


def encrypt_columns(table: str, columns: list[tuple[str, str | None, str | None]], batch=2000):
    """A RunPython pair that encrypts plain values of `table`'s columns in place and fills
    their keyed hashes: columns are (column, hash column or None, hash kind or None). Raw SQL,
    so it works whatever the historical field classes are, on SQLite and PostgreSQL alike;
    values already encrypted are left alone (it may run twice)."""

    def _run(schema_editor, forward: bool) -> None:
        quote = schema_editor.quote_name
        connection = schema_editor.connection
        names = [c for c, _, _ in columns]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {', '.join(quote(n) for n in names)} FROM {quote(table)}"  # noqa: S608
            )
            rows = cursor.fetchall()
        sets = []
        for column, hash_column, _kind in columns:
            sets.append(f"{quote(column)} = %s")
            if hash_column:
                sets.append(f"{quote(hash_column)} = %s")
        sql = f"UPDATE {quote(table)} SET {', '.join(sets)} WHERE id = %s"  # noqa: S608
        params = []
        for row in rows:
            values = []
            for (_column, hash_column, kind), value in zip(columns, row[1:], strict=True):
                text = "" if value is None else str(value)
                if forward:
                    plain = decrypt_text(text) if text.startswith(TOKEN_PREFIX) else text
                    values.append(encrypt_text(plain) if plain else value)
                else:
                    plain = decrypt_text(text) if text.startswith(TOKEN_PREFIX) else text
                    values.append(plain if plain else value)
                if hash_column:
                    values.append(lookup_hash(kind, plain) if forward else "")
            params.append([*values, row[0]])
        with connection.cursor() as cursor:
            for start in range(0, len(params), batch):
                cursor.executemany(sql, params[start : start + batch])

    def forward(apps, schema_editor):
        _run(schema_editor, True)

    def backward(apps, schema_editor):
        _run(schema_editor, False)

    return forward, backward


def constraints_now(apps, schema_editor):
    """After a data step, before the schema changes of the same migration: PostgreSQL refuses
    ALTER TABLE while the updates' deferred foreign-key checks are pending."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
