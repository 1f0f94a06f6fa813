"""Issue 18, the buyer's journey on a 360x740 phone in Indonesian: a buyer with a saved default
address finds products through a misspelled search ("Mungkin maksud Anda"), orders from a shop
that only hands over at the shop (no address asked), then from a shop that delivers: the
checkout is prefilled with the saved address and counts the shipping; paying by QRIS later, the
buyer saves the QR to the gallery, leaves, and comes back through "Bayar sekarang"."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from malpro.catalog.tests.factories import product, shop
from malpro.e2e.journey import assert_phone_ready
from malpro.orders import services
from malpro.orders.models import Order, OrderStatus
from malpro.orders.tests.factories import delivering_shop

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]

SHOTS = Path(os.environ.get("MALPRO_SHOTS") or Path(tempfile.gettempdir()) / "shots-buyer")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ready(page, name: str) -> None:
    assert_phone_ready(page)
    shot(page, name)


def add_to_cart(page, quantity: int) -> None:
    page.get_by_label("Jumlah").fill(str(quantity))
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.locator("h1")).to_have_text("Keranjang")


def test_buyer_with_a_saved_address_orders_pays_later_and_finds_by_a_misspelling(
    phone_page, sign_in, buyer, seller, other_seller
):
    sari = delivering_shop(seller, name="Dapur Bu Sari")  # delivers to Lowokwaru for Rp5.000
    product(sari, "Sambal Bawang Bu Sari", category="sambal", price=25000, stock=10)
    tin = shop(other_seller, name="Warung Bu Tin")  # hands over at the shop only
    product(tin, "Keripik Tempe Renyah", price=15000, stock=10)
    services.address_save(
        user=buyer,
        data=services.SavedAddressInput(
            label="Rumah",
            recipient="Citra Pembeli",
            phone="081234500001",
            village_code="35.73.05.1003",
            street="Jl. Sumbersari Gg. 2 No. 5",
            is_default=True,
        ),
    )

    page = phone_page
    sign_in(page, buyer)

    # Her addresses, the default marked.
    page.goto("/alamat/")
    expect(page.locator("h1")).to_have_text("Alamat saya")
    expect(page.locator("article", has_text="Rumah")).to_contain_text("Alamat utama")
    ready(page, "01-alamat-saya")

    # A misspelled search offers the catalog's spelling; following it finds the product.
    page.goto("/cari/?q=kripk")
    expect(page.get_by_text("Mungkin maksud Anda:")).to_be_visible()
    expect(page.get_by_role("heading", name="Produk populer")).to_be_visible()
    ready(page, "02-cari-salah-eja")
    page.locator(".did-you-mean").get_by_role("link", name="keripik").click()
    expect(page).to_have_url("/cari/?q=keripik")
    page.locator("#results").get_by_role("link", name="Keripik Tempe Renyah").click()
    expect(page.locator("h1")).to_have_text("Keripik Tempe Renyah")
    ready(page, "03-produk")

    # A cart from a shop that only hands over at the shop: no address is asked.
    add_to_cart(page, 1)
    ready(page, "04-keranjang")
    page.get_by_role("link", name="Lanjut: alamat dan pembayaran").click()
    expect(page.locator("h1")).to_have_text("Selesaikan pesanan")
    expect(page.get_by_role("heading", name="Alamat pengiriman")).to_have_count(0)
    expect(page.get_by_label("Kelurahan")).to_have_count(0)
    expect(page.locator("#checkout-total")).to_contain_text("Total (diambil di toko, tanpa ongkir)")
    ready(page, "05-checkout-ambil-di-toko")
    page.get_by_role("button", name="Pesan sekarang").click()
    expect(page.locator("h1")).to_have_text("Pesanan dibuat")
    ready(page, "06-pesanan-dibuat")
    pickup = Order.objects.get(buyer=buyer)
    assert pickup.village_id is None and pickup.total == 15000

    # A shop that delivers: the checkout is prefilled with the default address and, once
    # delivery is chosen, the total includes the shipping to it.
    page.goto("/cari/?q=sambal+bawang")
    page.locator("#results").get_by_role("link", name="Sambal Bawang Bu Sari").click()
    add_to_cart(page, 2)
    page.get_by_role("link", name="Lanjut: alamat dan pembayaran").click()
    expect(page.get_by_role("radio", name="Rumah")).to_be_checked()
    expect(page.get_by_label("Kelurahan")).to_be_hidden()  # shown only for "Alamat lain"
    total = page.locator("#checkout-total")
    expect(total).to_contain_text("Total (diambil di toko, tanpa ongkir)")
    page.get_by_label("Diantar penjual").check()
    expect(page.locator(".group-fee")).to_contain_text("Ongkir ke alamat Anda: Rp5.000")
    expect(total.locator("[data-when=known]")).to_contain_text("Total termasuk ongkir Rp55.000")
    expect(total.get_by_text("belum termasuk ongkir")).to_be_hidden()
    page.get_by_label("QRIS").check()
    ready(page, "07-checkout-diantar")
    page.get_by_role("button", name="Pesan sekarang").click()

    # The payment page: the QR saves to the gallery as a PNG.
    expect(page.locator("h1")).to_have_text("Pembayaran")
    expect(page.locator(".price.big")).to_have_text("Rp55.000")
    expect(page.get_by_text("Simpan QR lalu buka aplikasi bank/e-wallet")).to_be_visible()
    ready(page, "08-bayar-qris")
    with page.expect_download() as info:
        page.get_by_role("link", name="Simpan QR ke galeri").click()
    download = info.value
    assert download.suggested_filename.endswith(".png")
    assert Path(download.path()).read_bytes().startswith(b"\x89PNG")

    # She leaves, and comes back to pay from her orders.
    page.goto("/")
    page.goto("/pesanan/")
    order = Order.objects.get(buyer=buyer, status=OrderStatus.PENDING_PAYMENT)
    card = page.locator("article", has_text=order.number)
    expect(card.get_by_role("link", name="Bayar sekarang")).to_be_visible()
    expect(page.get_by_role("link", name="Bayar sekarang")).to_have_count(1)
    ready(page, "09-pesanan-saya")
    page.locator("article", has_text=order.number).get_by_role("link", name=order.number).click()
    expect(page.locator("h1")).to_have_text(order.number)
    ready(page, "10-detail-pesanan")
    page.get_by_role("link", name="Bayar sekarang").click()
    expect(page.locator("h1")).to_have_text("Pembayaran")
    expect(page.locator(".price.big")).to_have_text("Rp55.000")
    assert order.street == "Jl. Sumbersari Gg. 2 No. 5" and order.delivery_fee == 5000
    assert page.js_errors == []


def test_a_virtual_account_is_copied_and_each_bank_says_how_to_pay(
    phone_page, sign_in, buyer, seller
):
    from malpro.payments.tests.helpers import cashless_checkout

    checkout, payment, _item = cashless_checkout(buyer, seller, method="va")
    page = phone_page
    sign_in(page, buyer)
    page.goto("/pesanan/")
    page.get_by_role("link", name="Bayar sekarang").click()
    expect(page.locator("h1")).to_have_text("Pembayaran")
    expect(page.get_by_label("Nomor virtual account")).to_have_value(payment.va_number)
    expect(page.get_by_label("Jumlah transfer (harus persis)")).to_have_value(str(payment.amount))
    copy = page.get_by_role("button", name="Salin").first
    expect(copy).to_be_visible()  # the script offers it; without one the field is selectable
    copy.click()
    expect(page.get_by_role("button", name="Tersalin")).to_be_visible()
    for bank in ("BCA", "BRI", "BNI", "Mandiri", "BSI", "Bank Jatim"):
        expect(page.locator("details > summary", has_text=bank)).to_have_count(1)
    page.locator("details > summary", has_text="BRI").click()
    expect(page.get_by_text("Buka BRImo, pilih BRIVA.")).to_be_visible()
    ready(page, "11-bayar-va")
    assert checkout.pk and page.js_errors == []
