"""Reading a QR code from an uploaded photo (core.qrimage): clean images, phone-like photos,
and refusals that say what to do."""

import io

import pytest
from PIL import Image

from malpro.core import qrimage
from malpro.core.tests.qr_images import plain_photo, qr_photo, qr_png, upload

TEXT = "00020101021151440014ID.CO.QRIS.WWW0215ID10200212345670303UMI"


def test_a_clean_png_is_read():
    assert qrimage.qr_texts(upload(qr_png(TEXT), "qr.png", "image/png")) == [TEXT]


@pytest.mark.parametrize("rotate", [0, 90, 180])
def test_a_photo_like_jpeg_turned_on_a_grey_wall_is_read(rotate):
    assert qrimage.qr_texts(upload(qr_photo(TEXT, rotate=rotate))) == [TEXT]


def test_a_photo_stored_sideways_with_an_exif_orientation_is_read():
    assert qrimage.qr_texts(upload(qr_photo(TEXT, rotate=90, exif_orientation=6))) == [TEXT]


def test_a_photo_without_a_code_says_how_to_take_a_better_one():
    with pytest.raises(qrimage.QRImageError) as info:
        qrimage.qr_texts(upload(plain_photo()))
    assert info.value.code == "no_qr"
    assert "seluruh stiker" in info.value.message and "terang" in info.value.message


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(qrimage.QRImageError) as info:
        qrimage.qr_texts(upload(b"%PDF-1.4 not a photo", "nota.pdf", "application/pdf"))
    assert info.value.code == "not_image"
    assert info.value.message == "Berkas ini bukan foto yang bisa dibaca. Kirim foto JPG atau PNG."


def test_a_huge_canvas_is_refused_before_its_pixels_are_decoded():
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, "PNG")  # tiny file, 60 million pixels
    assert len(out.getvalue()) < 200_000
    with pytest.raises(qrimage.QRImageError) as info:
        qrimage.qr_texts(upload(out.getvalue(), "bom.png", "image/png"))
    assert info.value.code == "too_large"


def test_a_file_over_the_byte_limit_is_refused(monkeypatch):
    monkeypatch.setattr(qrimage, "MAX_BYTES", 1000)
    with pytest.raises(qrimage.QRImageError) as info:
        qrimage.qr_texts(upload(qr_photo(TEXT)))
    assert info.value.code == "too_large" and "terlalu besar" in info.value.message


def test_a_48_megapixel_phone_photo_is_opened():
    """Pillow's process-wide limit (40 MP, set for catalog photos) does not refuse a photo
    under MAX_PIXELS, such as a 48 MP camera's 8000x6000. (Opening only: reading every
    variant of so large a blank photo takes seconds.)"""
    photo = io.BytesIO()
    Image.new("1", (8000, 6000), 1).save(photo, "PNG")
    image = qrimage._open(upload(photo.getvalue(), "big.png"))
    assert image.size == (8000, 6000)
