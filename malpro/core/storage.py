"""Private file storage, encrypted at rest (KTP scans, permits, uploaded rosters, receipts).

Files are written as FILE_MAGIC + a Fernet token (malpro.core.crypto, keys from
MALPRO_DATA_KEYS) and decrypted when opened, so views keep reading `field.open("rb")`. A file
written before encryption (no magic line) is still read as it is until
`manage.py reencrypt_personal_data` (or the data migration) encrypts it.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

from malpro.core import crypto


def private_storage():
    """Files with personal data: never under MEDIA_URL, served by views that check access."""
    return storages["private"]


class EncryptedFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage whose files on disk are encrypted. `size()` is the encrypted size:
    callers keep the plain size themselves (Document.size)."""

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        return super()._save(name, ContentFile(crypto.encrypt_bytes(data)))

    def _open(self, name, mode="rb"):
        with super()._open(name, "rb") as handle:
            data = handle.read()
        if crypto.is_encrypted_file(data):
            data = crypto.decrypt_bytes(data)
        opened = ContentFile(data, name=name)
        opened.mode = mode
        return opened

    def read_raw(self, name) -> bytes:
        with super()._open(name, "rb") as handle:
            return handle.read()

    def rewrite_raw(self, name, data: bytes) -> None:
        """Replaces a file's bytes in place (rotation), atomically."""
        import os

        path = self.path(name)
        temporary = f"{path}.rotating"
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)


def reencrypt_file(storage, name: str) -> bool:
    """Writes `name` again encrypted with the first data key (encrypting a plain file written
    before encryption). False when there is nothing to do (already current, or missing)."""
    if not isinstance(storage, EncryptedFileSystemStorage) or not name or not storage.exists(name):
        return False
    raw = storage.read_raw(name)
    if crypto.file_is_current(raw):
        return False
    storage.rewrite_raw(name, crypto.rotate_bytes(raw))
    return True


def encrypt_files(app_label: str, model_name: str, field_name: str):
    """A RunPython pair encrypting the files already kept in a model's private file field."""

    def forward(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        field = model._meta.get_field(field_name)
        names = model.objects.exclude(**{field_name: ""}).values_list(field_name, flat=True)
        for name in names.iterator():
            reencrypt_file(field.storage, name)

    return forward, migrations_noop


def migrations_noop(apps, schema_editor):
    """Going back leaves the files encrypted (the storage still reads them)."""
