"""Product photos: checked to be real images, resized for phones, with a small thumbnail."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from malpro.core.exceptions import ApplicationError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_SIDE = 1280
THUMB_SIDE = 320
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
Image.MAX_IMAGE_PIXELS = 40_000_000  # refuse decompression bombs


def prepare(upload) -> tuple[ContentFile, ContentFile]:
    """(image, thumbnail) as JPEG files, or ApplicationError saying what is wrong."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ApplicationError.for_field("photo", _("Foto terlalu besar (maksimal 8 MB)."))
    try:
        image = Image.open(upload)
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ApplicationError.for_field(
            "photo", _("Berkas ini bukan foto yang dapat dibaca (JPG, PNG atau WebP).")
        ) from None
    if fmt not in ALLOWED_FORMATS:
        raise ApplicationError.for_field(
            "photo",
            _("Format foto %(fmt)s tidak didukung: gunakan JPG, PNG atau WebP.") % {"fmt": fmt},
        )
    image = ImageOps.exif_transpose(image).convert("RGB")
    stem = Path(upload.name or "foto").stem[:40] or "foto"
    return (_jpeg(image, MAX_SIDE, f"{stem}.jpg"), _jpeg(image, THUMB_SIDE, f"{stem}-kecil.jpg"))


def _jpeg(image: Image.Image, side: int, name: str) -> ContentFile:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    return ContentFile(out.getvalue(), name=name)
