"""Journeys of orders in phone-sized browsers, in Indonesian: a buyer fills a basket (a product
and a variant of another), checks out with cash on delivery; the seller accepts, delivers and
records the cash in the order inbox; the buyer confirms receipt and reviews, the seller replies.
A buyer whose basket outgrew the stock meanwhile is told so clearly, and nothing is oversold."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from malpro.catalog import services as catalog
from malpro.catalog.models import Product, Variant
from malpro.catalog.tests.factories import product
from malpro.e2e.journey import open_menu
from malpro.orders.models import Order, OrderStatus, Review
from malpro.orders.tests.factories import delivering_shop, fill_cart, place

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]


def find_and_open(page, words: str, name: str) -> None:
    open_menu(page, "Cari produk")
    box = page.get_by_role("searchbox", name="Cari produk")
    box.fill(words)
    box.press("Enter")
    page.locator("#results").get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_have_text(name)


def add_to_cart(page, quantity: int, variant: str | None = None) -> None:
    if variant:
        page.get_by_label("Varian").select_option(label=variant)
    page.get_by_label("Jumlah").fill(str(quantity))
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.get_by_text("Masuk keranjang.")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Keranjang")


def fill_address(page, village: str = "Sumbersari") -> None:
    page.get_by_label("Kelurahan").select_option(label=village)
    page.get_by_label("Alamat (jalan, nomor, RT/RW, patokan)").fill(
        "Jl. Sumbersari Gg. 2 No. 5, pagar hijau"
    )


def flash(page, text: str):
    return page.locator(".messages").get_by_text(text)


def test_cod_order_from_basket_to_inbox_to_review(
    phone_page, another_phone, sign_in, fits_phone, seller, buyer
):
    shop = delivering_shop(seller, name="Dapur Bu Sari")  # delivers to Lowokwaru for Rp5.000
    sambal = product(shop, "Sambal Bawang Bu Sari", category="sambal", price=25000, stock=5)
    keripik = product(shop, "Keripik Tempe Pedas", price=15000, stock=0)
    catalog.variant_add(actor=seller, product=keripik, name="Original", price=15000, stock=4)
    level5 = catalog.variant_add(
        actor=seller, product=keripik, name="Level 5", price=17500, stock=3
    )

    # --- the buyer shops ---
    page = phone_page
    sign_in(page, buyer)
    find_and_open(page, "sambel", "Sambal Bawang Bu Sari")  # "sambel": a spelling variant
    expect(page.locator(".price.big")).to_contain_text("Rp25.000")
    add_to_cart(page, 2)
    expect(page.locator(".cart-line", has_text="Sambal Bawang Bu Sari")).to_contain_text("Rp50.000")
    find_and_open(page, "keripik tempe", "Keripik Tempe Pedas")
    add_to_cart(page, 1, variant="Level 5 · Rp17.500")
    expect(page.locator(".cart-line", has_text="Keripik Tempe Pedas (Level 5)")).to_contain_text(
        "Rp17.500"
    )
    total = page.locator(".total-bar")
    expect(total).to_contain_text("Total (3 barang)")
    expect(total).to_contain_text("Rp67.500")
    fits_phone(page)
    page.get_by_role("link", name="Lanjut: alamat dan pembayaran").click()

    expect(page.locator("h1")).to_have_text("Selesaikan pesanan")
    expect(page.get_by_label("Nama penerima")).to_have_value("Citra Pembeli")
    expect(page.get_by_label("Nomor HP penerima")).to_have_value("0812-3450-0001")
    fill_address(page)
    page.get_by_label("Diantar penjual").check()
    expect(page.get_by_label("Bayar di tempat (COD)")).to_be_checked()
    expect(page.get_by_text("Kec. Lowokwaru Rp5.000")).to_be_visible()
    fits_phone(page)
    page.get_by_role("button", name="Pesan sekarang").click()

    expect(page.locator("h1")).to_have_text("Pesanan dibuat")
    expect(page.get_by_text("Bayar tunai saat pesanan diterima.")).to_be_visible()
    order = Order.objects.get(buyer=buyer)
    expect(page.locator("main li", has_text=order.number)).to_contain_text("Rp72.500")
    assert order.status == OrderStatus.PLACED and order.payment_method == "cod"
    assert (order.items_total, order.delivery_fee, order.total) == (67500, 5000, 72500)
    assert sorted(order.lines.values_list("product_name", "variant_name", "quantity")) == [
        ("Keripik Tempe Pedas", "Level 5", 1),
        ("Sambal Bawang Bu Sari", "", 2),
    ]
    # The stock was taken at checkout.
    assert Product.objects.get(pk=sambal.pk).stock == 3
    assert Variant.objects.get(pk=level5.pk).stock == 2
    assert Product.objects.get(pk=keripik.pk).stock == 6
    assert page.js_errors == []

    # --- the seller works through the inbox ---
    desk = another_phone()
    sign_in(desk, seller)
    open_menu(desk, "Pesanan masuk")
    expect(desk.locator("h1")).to_have_text("Pesanan masuk")
    expect(desk.get_by_role("link", name="Baru (1)")).to_be_visible()
    card = desk.locator("article", has_text=order.number)
    expect(card).to_contain_text("Citra Pembeli")
    expect(card).to_contain_text("Diantar penjual ke Kec. Lowokwaru")
    expect(card).to_contain_text("Rp72.500")
    expect(card).to_contain_text("2 × Sambal Bawang Bu Sari, 1 × Keripik Tempe Pedas (Level 5)")
    fits_phone(desk)
    card.get_by_role("button", name="Terima pesanan").click()
    expect(flash(desk, f"Pesanan {order.number}: diterima penjual.")).to_be_visible()

    desk.get_by_role("link", name="Dikemas (1)").click()
    card = desk.locator("article", has_text=order.number)
    expect(card.locator("[data-status]")).to_have_text("Diterima penjual")
    card.get_by_role("button", name="Sedang diantar").click()
    expect(flash(desk, f"Pesanan {order.number}: siap diambil / sedang diantar.")).to_be_visible()

    desk.get_by_role("link", name="Diantar/diambil (1)").click()
    card = desk.locator("article", has_text=order.number)
    # Cash on delivery: the seller records the cash received, the total by default.
    expect(card.get_by_label("Tunai diterima")).to_have_value("72500")
    card.get_by_role("button", name="Sudah diterima pembeli").click()
    expect(flash(desk, f"Pesanan {order.number}: sudah diterima pembeli.")).to_be_visible()
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.cash_collected == 72500
    assert desk.js_errors == []

    # --- the buyer confirms and reviews ---
    open_menu(page, "Pesanan saya")
    mine = page.locator("article", has_text=order.number)
    expect(mine.locator("[data-status]")).to_have_text("Sudah diterima pembeli")
    mine.get_by_role("link", name=order.number).click()
    expect(page.locator("h1")).to_have_text(order.number)
    expect(page.get_by_text("tunai diterima Rp72.500")).to_be_visible()
    page.get_by_role("button", name="Pesanan sudah saya terima").click()
    expect(flash(page, f"Pesanan {order.number}: selesai.")).to_be_visible()
    expect(page.locator("h1 + p [data-status]")).to_have_text("Selesai")
    timeline = page.locator("ol.timeline li strong")
    expect(timeline).to_have_text(
        [
            "Menunggu konfirmasi penjual",
            "Diterima penjual",
            "Siap diambil / sedang diantar",
            "Sudah diterima pembeli",
            "Selesai",
        ]
    )

    form = page.locator("form", has_text="Sambal Bawang Bu Sari")
    form.get_by_label("Nilai").select_option(label="★★★★")
    form.get_by_label("Ulasan (opsional)").fill("Pedasnya pas, bawangnya banyak. Kemasan rapi.")
    form.get_by_role("button", name="Kirim ulasan").click()
    expect(flash(page, "Terima kasih atas ulasannya.")).to_be_visible()
    expect(page.get_by_text("Sambal Bawang Bu Sari: sudah diulas")).to_be_visible()
    # The other line can still be reviewed.
    expect(page.get_by_role("button", name="Kirim ulasan")).to_have_count(1)
    fits_phone(page)
    assert page.js_errors == []

    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and order.completed_at is not None
    review = Review.objects.get(order=order)
    assert (review.product_id, review.rating, review.buyer) == (sambal.pk, 4, buyer)
    assert review.text == "Pedasnya pas, bawangnya banyak. Kemasan rapi."
    sambal.refresh_from_db()
    assert (sambal.rating_count, sambal.rating_sum, sambal.stock) == (1, 4, 3)

    # The seller sees the review on the order and replies.
    desk.get_by_role("link", name="Selesai").click()
    desk.locator("article", has_text=order.number).get_by_role("link", name=order.number).click()
    expect(desk.get_by_text("Pedasnya pas, bawangnya banyak. Kemasan rapi.")).to_be_visible()
    desk.get_by_label("Balasan").fill("Terima kasih, Bu Citra!")
    desk.get_by_role("button", name="Balas").click()
    expect(desk.get_by_text("Balasan Anda: Terima kasih, Bu Citra!")).to_be_visible()
    review.refresh_from_db()
    assert review.reply == "Terima kasih, Bu Citra!"
    assert desk.js_errors == []


def test_a_basket_that_outgrew_the_stock_is_refused_clearly_and_nothing_is_oversold(
    phone_page, sign_in, seller, buyer, other_buyer
):
    shop = delivering_shop(seller, name="Dapur Bu Sari")
    sambal = product(shop, "Sambal Bawang Bu Sari", category="sambal", price=25000, stock=5)

    # A buyer puts 4 of the 5 jars in the basket.
    late = phone_page
    sign_in(late, other_buyer)
    find_and_open(late, "sambal bawang", "Sambal Bawang Bu Sari")
    expect(late.locator(".badge", has_text="Stok 5")).to_be_visible()
    add_to_cart(late, 4)
    expect(late.get_by_role("alert")).to_have_count(0)

    # Meanwhile somebody else buys 2 (the order journey above shows that on the pages).
    fill_cart(buyer, (sambal, 2))
    place(buyer, {shop.pk: "pickup"})
    assert Product.objects.get(pk=sambal.pk).stock == 3

    # The basket says so, and the checkout refuses the 4 with the numbers.
    open_menu(late, "Keranjang")
    expect(late.get_by_role("alert")).to_have_text("Stok Sambal Bawang Bu Sari tinggal 3.")
    late.get_by_role("link", name="Lanjut: alamat dan pembayaran").click()
    fill_address(late, "Ketawanggede")
    late.get_by_role("button", name="Pesan sekarang").click()
    expect(
        late.get_by_text("Stok Sambal Bawang Bu Sari tidak cukup: tersisa 3, diminta 4.")
    ).to_be_visible()
    assert not Order.objects.filter(buyer=other_buyer).exists()
    assert Product.objects.get(pk=sambal.pk).stock == 3

    # Lowering the quantity to what is left lets them order; then the jars are sold out.
    open_menu(late, "Keranjang")
    late.get_by_label("Jumlah Sambal Bawang Bu Sari").fill("3")
    late.get_by_label("Jumlah Sambal Bawang Bu Sari").dispatch_event("change")
    expect(late.locator(".total-bar")).to_contain_text("Rp75.000")
    expect(late.get_by_role("alert")).to_have_count(0)
    late.get_by_role("link", name="Lanjut: alamat dan pembayaran").click()
    fill_address(late, "Ketawanggede")
    late.get_by_label("Ambil di toko").check()
    late.get_by_role("button", name="Pesan sekarang").click()
    expect(late.locator("h1")).to_have_text("Pesanan dibuat")
    order = Order.objects.get(buyer=other_buyer)
    assert order.lines.get().quantity == 3 and order.total == 75000
    assert Product.objects.get(pk=sambal.pk).stock == 0

    # Sold out: the product page says so and offers no basket button that works.
    find_and_open(late, "sambal bawang", "Sambal Bawang Bu Sari")
    expect(late.locator(".badge", has_text="Stok habis")).to_be_visible()
    expect(late.get_by_role("button", name="Stok habis")).to_be_disabled()
    assert late.js_errors == []
