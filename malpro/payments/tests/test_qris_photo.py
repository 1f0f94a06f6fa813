"""A seller sets the shop's static QRIS from a photo of the sticker: read on the server, shown
back (merchant name, city, NMID) and saved only when confirmed; the photo is not kept."""

import pytest

from malpro.catalog.tests.factories import shop
from malpro.core.models import AuditEvent, Event
from malpro.core.tests.qr_images import plain_photo, qr_photo, qr_png, upload
from malpro.payments import qris
from malpro.payments.models import MerchantQRIS
from malpro.payments.tests.test_qris import static_payload

NMID = "ID1026000012345"


def sticker(name="WARUNG BU SARI", nmid=NMID):
    return qris.build_static(merchant_name=name, merchant_city="MALANG", nmid=nmid)


def read(client, business, data: bytes, name="stiker.jpg"):
    return client.post(
        f"/jual/saldo/?usaha={business.pk}",
        {"form": "qris_photo", "usaha": business.pk, "photo": upload(data, name)},
    )


def test_a_static_sticker_built_here_parses_as_static_with_its_nmid():
    parsed = qris.parse(sticker())
    assert (parsed.point_of_initiation, parsed.nmid, parsed.amount) == ("static", NMID, None)


@pytest.mark.parametrize(
    ("merchant", "shop_name", "matches"),
    [
        ("WARUNG BU SARI", "Warung Bu Sari", True),
        ("SARI SNACK MALANG", "Keripik Sari", True),
        ("KERIPIK TEMPE SANAN BU SITI", "Keripik Tempe Sanan Bu Siti (Malang)", True),
        ("TOKO MAJU JAYA", "Warung Bu Sari", False),
        ("WARUNG", "Warung Bu Sari", False),
    ],
)
def test_the_merchant_name_is_compared_with_the_shop_name(merchant, shop_name, matches):
    assert qris.name_matches(merchant, shop_name) is matches


@pytest.mark.django_db
def test_the_seller_reads_the_sticker_confirms_it_and_it_is_saved_audited_and_announced(
    web, seller
):
    business = shop(seller, name="Warung Bu Sari")
    client = web(seller)
    page = client.get(f"/jual/saldo/?usaha={business.pk}").content.decode()
    # A photo from the camera or the gallery (capture would force the camera).
    assert 'accept="image/*"' in page and "capture=" not in page
    assert "Lanjutan: ketik isi QRIS" in page  # the typed text is only the fallback
    shown = read(client, business, qr_photo(sticker())).content.decode()
    assert "Periksa QRIS yang terbaca dari foto" in shown
    assert "WARUNG BU SARI" in shown and "MALANG" in shown and NMID in shown
    assert "berbeda dengan nama toko" not in shown
    assert not MerchantQRIS.objects.exists()  # nothing saved before the owner says yes
    client.post(
        f"/jual/saldo/?usaha={business.pk}",
        {"form": "qris", "usaha": business.pk, "payload": sticker()},
    )
    saved = MerchantQRIS.objects.get(business=business)
    assert (saved.payload, saved.nmid, saved.merchant_name) == (sticker(), NMID, "WARUNG BU SARI")
    assert AuditEvent.objects.filter(action="payments.static_qris_changed").count() == 1
    assert Event.objects.filter(kind="static_qris.changed").count() == 1
    after = client.get(f"/jual/saldo/?usaha={business.pk}").content.decode()
    assert "Tersimpan" in after and NMID in after


@pytest.mark.django_db
def test_a_sticker_in_another_name_is_shown_with_a_warning_but_can_be_saved(web, seller):
    business = shop(seller, name="Warung Bu Sari")
    client = web(seller)
    shown = read(client, business, qr_png(sticker(name="TOKO MAJU JAYA")), "qr.png")
    assert "berbeda dengan nama toko" in shown.content.decode()
    assert "Ya, simpan QRIS ini" in shown.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("image", "says"),
    [
        (lambda: plain_photo(), "Kode QR tidak terbaca di foto ini"),
        (lambda: qr_png("https://wa.me/6281234567890"), "bukan QRIS"),
        (lambda: qr_png(static_payload(crc="0000")), "kode pemeriksanya (CRC) tidak cocok"),
        (
            lambda: qr_png(
                qris.build_dynamic(
                    merchant_name="WARUNG BU SARI",
                    merchant_city="MALANG",
                    nmid=NMID,
                    amount=15000,
                    reference="X1",
                )
            ),
            "QRIS sekali bayar",
        ),
        (lambda: b"not an image at all", "bukan foto"),
    ],
    ids=["no-code", "not-qris", "crc", "dynamic", "not-image"],
)
def test_a_photo_that_cannot_be_the_sticker_says_why_next_to_the_field(web, seller, image, says):
    business = shop(seller)
    client = web(seller)
    response = read(client, business, image(), "qr.png")
    page = response.content.decode()
    assert response.status_code == 200 and says in page
    assert 'aria-invalid="true"' in page
    assert "Periksa QRIS yang terbaca dari foto" not in page
    assert not MerchantQRIS.objects.exists()


@pytest.mark.django_db
def test_no_photo_chosen_is_said_plainly(web, seller):
    business = shop(seller)
    response = web(seller).post(
        f"/jual/saldo/?usaha={business.pk}", {"form": "qris_photo", "usaha": business.pk}
    )
    assert "Pilih atau ambil foto stiker QRIS dulu." in response.content.decode()
