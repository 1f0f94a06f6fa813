"""Issue 18, an ASN and a seller on a 360x740 phone, in Indonesian.

An ASN whose programme counts staples only sees on the product page and on each cart line
whether it counts (a batik shirt does not, and says why); the obligation page shows the order
still under way next to what counts, and "Belanja sekarang" leads to the counting category. At a
shop's till the ASN records an in-store purchase, finding the shop from a photo of its QRIS.
A warung owner sets the shop's static QRIS from a photo of the sticker and confirms what was
read before it is saved."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from malpro.asn.models import OfflinePurchase
from malpro.asn.tests.factories import delivered_order, delivering_shop, employee, policy, product
from malpro.catalog.models import Category
from malpro.catalog.tests.test_products import jpeg
from malpro.core.tests.qr_images import qr_photo
from malpro.e2e.journey import assert_fits_phone, assert_phone_ready, open_menu
from malpro.payments import qris
from malpro.payments.models import MerchantQRIS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]

SHOTS = Path(os.environ.get("MALPRO_SHOTS", "/tmp/shots-asn"))  # noqa: S108 (screenshots only)
NMID = "ID1026000055555"


def ready(page, name: str) -> None:
    assert_phone_ready(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def photo(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def test_asn_sees_what_counts_what_is_under_way_and_finds_a_shop_by_its_qris(
    phone_page, sign_in, asn_user, seller, other_seller
):
    programme = policy(default=1_000_000, effective_from=dt.date(timezone.localdate().year, 1, 1))
    programme.eligible_categories.add(Category.objects.get(slug="sembako"))
    employee(user=asn_user, agency="DISKOPINDAG", name=asn_user.name)
    staples = delivering_shop(seller, name="Toko Sembako Barokah")
    beras = product(staples, "Beras Pandan Wangi 5 kg", category="beras", price=70_000)
    batik = product(
        delivering_shop(other_seller, name="Batik Celaket"),
        "Kemeja Batik Tulis",
        category="keripik",  # any category outside staples
        price=150_000,
    )
    delivered_order(asn_user, beras, 2, key="under-way")  # Rp140.000, not yet completed
    till = qris.build_static(merchant_name="SEMBAKO BAROKAH", merchant_city="MALANG", nmid=NMID)
    MerchantQRIS.objects.create(
        business=staples,
        payload=till,
        merchant_name="SEMBAKO BAROKAH",
        merchant_city="MALANG",
        nmid=NMID,
    )

    page = phone_page
    sign_in(page, asn_user)

    page.goto(f"/produk/{beras.pk}-{beras.slug}/")
    expect(page.locator("[data-asn-verdict=counts]")).to_have_text("Dihitung untuk kewajiban ASN")
    ready(page, "1-product-counts")
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.locator("h1")).to_have_text("Keranjang")

    page.goto(f"/produk/{batik.pk}-{batik.slug}/")
    expect(page.locator("[data-asn-verdict=not]")).to_have_text(
        "Tidak dihitung: kategori Keripik tidak termasuk program belanja ASN"
    )
    ready(page, "2-product-not-counted")
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.locator("h1")).to_have_text("Keranjang")
    lines = page.locator(".cart-line")
    expect(lines.filter(has_text="Beras Pandan Wangi").locator("[data-asn-verdict]")).to_have_text(
        "Dihitung untuk kewajiban ASN"
    )
    expect(lines.filter(has_text="Kemeja Batik").locator("[data-asn-verdict]")).to_have_text(
        "Tidak dihitung: kategori produk ini tidak termasuk program belanja ASN"
    )
    ready(page, "3-cart")

    open_menu(page, "Kewajiban ASN")
    expect(page.locator("h1")).to_have_text("Kewajiban belanja UMKM")
    expect(page.locator("[data-figure=counted]")).to_have_text("Rp0")
    expect(page.locator("[data-figure=pending]")).to_have_text("Rp140.000")
    expect(page.get_by_text("Sedang diproses: Rp140.000")).to_be_visible()
    ready(page, "4-obligation")
    page.get_by_role("link", name="Belanja sekarang").click()
    expect(page).to_have_url(re.compile(r"category=sembako"))
    # The search page's own filter chip ("Bahan pokok & sembako ✕") is 35 px tall (reported
    # to the search page's owner); this journey checks that it arrives there, at phone width.
    assert_fits_phone(page)
    page.screenshot(path=str(SHOTS / "5-shop-now.png"), full_page=True)

    page.goto("/asn/")
    page.get_by_role("link", name="Catat pembelian langsung").click()
    expect(page.get_by_label("Nama toko atau kelurahan")).to_be_visible()
    ready(page, "6-finder")
    page.get_by_label("Foto QRIS di kasir toko").set_input_files(
        photo("qris-kasir.jpg", qr_photo(till))
    )
    page.get_by_role("button", name="Cari toko dari foto QRIS").click()
    expect(page.get_by_text("Toko ditemukan dari QRIS: Toko Sembako Barokah.")).to_be_visible()
    expect(page.locator(f"[data-chosen-shop='{staples.pk}']")).to_contain_text(
        "Toko Sembako Barokah"
    )
    ready(page, "7-shop-from-qris")
    page.get_by_label("Jumlah belanja (Rp)").fill("85.000")
    page.get_by_label("Tanggal belanja").fill(timezone.localdate().isoformat())
    page.get_by_label("Foto nota").set_input_files(photo("nota.jpg", jpeg(600, 800).read()))
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Tercatat; menunggu konfirmasi penjual.")).to_be_visible()
    expect(page.locator("[data-figure=pending]")).to_have_text("Rp225.000")
    ready(page, "8-obligation-after-in-store")
    purchase = OfflinePurchase.objects.get()
    assert (purchase.business_id, purchase.amount) == (staples.pk, 85_000)
    assert not page.js_errors, page.js_errors


def test_a_warung_owner_sets_the_static_qris_from_a_photo_of_the_sticker(
    phone_page, sign_in, seller
):
    from malpro.catalog.tests.factories import shop

    business = shop(seller, name="Warung Bu Sari")
    sticker = qris.build_static(merchant_name="WARUNG BU SARI", merchant_city="MALANG", nmid=NMID)

    page = phone_page
    sign_in(page, seller)
    page.goto(f"/jual/saldo/?usaha={business.pk}")
    expect(page.get_by_role("heading", name="QRIS statis toko")).to_be_visible()
    expect(page.get_by_label("Isi QRIS statis toko Anda")).to_be_hidden()  # under "Lanjutan"
    ready(page, "9-seller-qris")
    page.get_by_label("Foto stiker QRIS toko").set_input_files(
        photo("stiker.jpg", qr_photo(sticker, rotate=90, exif_orientation=6))
    )
    page.get_by_role("button", name="Baca foto QRIS").click()
    expect(page.get_by_role("heading", name="Periksa QRIS yang terbaca dari foto")).to_be_visible()
    expect(page.locator("[data-qris=name]")).to_have_text("WARUNG BU SARI")
    expect(page.locator("[data-qris=city]")).to_have_text("MALANG")
    expect(page.locator("[data-qris=nmid]")).to_have_text(NMID)
    assert not MerchantQRIS.objects.exists()
    ready(page, "10-seller-qris-confirm")
    page.get_by_role("button", name="Ya, simpan QRIS ini").click()
    expect(page.get_by_text("QRIS statis disimpan.")).to_be_visible()
    expect(page.locator("#qris")).to_contain_text(NMID)
    ready(page, "11-seller-qris-saved")
    assert MerchantQRIS.objects.get(business=business).payload == sticker
    assert not page.js_errors, page.js_errors
