"""Reading QR codes from a photo a person uploads (a QRIS sticker on a shop's wall or counter).

Phone photos are large, tilted, dim and often stored sideways with an EXIF orientation tag, so
the decoder tries the photo as it is and then a few variants (upright per EXIF, grayscale with
the contrast stretched, smaller, rotated, sharper) until one yields a code. The file is checked
before any pixel is decoded: its size in bytes, that Pillow knows it as one of a few image types
and its pixel count (a small file can declare a huge canvas: a decompression bomb). Nothing is
stored; the caller keeps only the text read.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import zxingcpp
from django.utils.translation import gettext as _
from PIL import Image, ImageFilter, ImageOps

from malpro.core.exceptions import ApplicationError

MAX_BYTES = 12 * 1024 * 1024  # a 50 MP phone photo as JPEG is 10-12 MB
MAX_PIXELS = 50_000_000
# MPO: the JPEG variant some phone cameras write; HEIC is not listed (Pillow cannot open it
# without a plug-in): Android browsers send JPEG from the camera.
FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP"}
WORKING_SIDE = 2400  # larger photos are scaled down first: a sticker fills much of the frame


class QRImageError(ApplicationError):
    """The upload is not a usable image, or no QR code is in it. `extra["code"]`: too_large,
    not_image, no_qr."""

    status = 422

    def __init__(self, message: str, code: str):
        super().__init__(message, {"code": code})
        self.code = code


def _open(upload) -> Image.Image:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise QRImageError(
            _("Foto terlalu besar (lebih dari %(mb)d MB). Kirim foto yang lebih kecil.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            "too_large",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    not_image = QRImageError(
        _("Berkas ini bukan foto yang bisa dibaca. Kirim foto JPG atau PNG."), "not_image"
    )
    try:
        with warnings.catch_warnings():
            # MAX_PIXELS below is the limit here; Pillow's process-wide one (set for catalog
            # photos) would refuse a 48-megapixel phone photo, and beyond twice it Pillow
            # still raises DecompressionBombError.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in FORMATS:
                raise not_image
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise QRImageError(
                    _("Foto terlalu besar (%(w)d×%(h)d piksel). Kirim foto yang lebih kecil.")
                    % {"w": width, "h": height},
                    "too_large",
                )
            image.load()
    except QRImageError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning, EOFError) as exc:
        if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
            raise QRImageError(
                _("Foto terlalu besar. Kirim foto yang lebih kecil."), "too_large"
            ) from None
        raise not_image from None
    return image


def _variants(image: Image.Image) -> Iterator[Image.Image]:
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    yield upright
    if max(upright.size) > WORKING_SIDE:
        upright = upright.copy()
        upright.thumbnail((WORKING_SIDE, WORKING_SIDE))
        yield upright
    gray = ImageOps.autocontrast(upright.convert("L"), cutoff=1)
    yield gray
    for side in (1200, 800):
        if max(gray.size) > side:
            small = gray.copy()
            small.thumbnail((side, side))
            yield small
    yield gray.filter(ImageFilter.SHARPEN)
    for angle in (90, 180, 270):
        yield gray.rotate(angle, expand=True)
    if image is not upright:  # the photo as stored, in case its EXIF orientation is wrong
        yield ImageOps.autocontrast(image.convert("L"), cutoff=1)


def _read(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return [code.text for code in found if code.valid and code.text]


def qr_texts(upload) -> list[str]:
    """The texts of the QR codes in an uploaded photo (at least one), or QRImageError."""
    image = _open(upload)
    for variant in _variants(image):
        texts = _read(variant)
        if texts:
            return list(dict.fromkeys(texts))
    raise QRImageError(
        _(
            "Kode QR tidak terbaca di foto ini. Foto ulang: seluruh stiker masuk bingkai, "
            "cukup terang, tidak silau, dan tidak buram (tahan HP sebentar sampai fokus)."
        ),
        "no_qr",
    )
