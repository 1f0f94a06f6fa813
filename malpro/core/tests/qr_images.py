"""Images for tests that read QR codes from photos: a clean PNG, and "photos" made from it
(scaled, turned, on a grey background, saved as JPEG, with an EXIF orientation tag)."""

from __future__ import annotations

import io

import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter


def qr_png(text: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_photo(text: str, *, rotate: int = 90, exif_orientation: int | None = None) -> bytes:
    """A phone-like photo of a sticker: the code on a white card on a grey, uneven wall, the
    whole frame turned by `rotate` degrees, slightly soft, as a 1600x1200-ish JPEG; with
    `exif_orientation`, the pixels are stored turned and the EXIF tag says how to show them."""
    code = Image.open(io.BytesIO(qr_png(text, scale=6))).convert("RGB")
    card = Image.new("RGB", (code.width + 120, code.height + 220), (250, 250, 245))
    card.paste(code, (60, 140))
    ImageDraw.Draw(card).rectangle((0, 0, card.width, 100), fill=(200, 20, 40))  # the red band
    wall = Image.new("RGB", (1600, 1200), (128, 128, 122))
    ImageDraw.Draw(wall).rectangle((0, 900, 1600, 1200), fill=(96, 90, 84))
    card = card.resize((int(card.width * 1.3), int(card.height * 1.3)))
    wall.paste(card, (500, 80))
    photo = wall.rotate(rotate, expand=True).filter(ImageFilter.GaussianBlur(0.8))
    out = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        photo.save(out, "JPEG", quality=72, exif=exif)
    else:
        photo.save(out, "JPEG", quality=72)
    return out.getvalue()


def plain_photo() -> bytes:
    """A photo with no code in it."""
    image = Image.new("RGB", (800, 600), (140, 150, 160))
    ImageDraw.Draw(image).ellipse((200, 100, 600, 500), fill=(220, 200, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def upload(data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)
