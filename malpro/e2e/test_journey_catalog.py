"""Journey through the catalog in phone-sized browsers, in Indonesian: a seller with an open shop
lists a product with two variants and two photos from the web pages; a buyer finds it by a
spelling variant with an affix and by a typo, and opens its page."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from malpro.catalog.models import Product, ProductStatus
from malpro.catalog.tests.factories import product, shop
from malpro.e2e.journey import open_menu

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]


def photo_file(tmp_path, name: str, colour, fmt: str):
    path = tmp_path / name
    image = Image.new("RGB", (640, 480), colour)
    # A stripe, so the picture is not one flat colour.
    for x in range(0, 640, 4):
        for y in range(200, 280):
            image.putpixel((x, y), (250, 250, 250))
    image.save(path, fmt)
    return path


def expect_images_shown(page, selector: str, count: int) -> None:
    """`count` pictures at `selector`, each really fetched and decoded by the browser (lazy ones
    are scrolled to first)."""
    images = page.locator(selector)
    expect(images).to_have_count(count)
    images.last.scroll_into_view_if_needed()
    page.wait_for_function(
        "([sel, n]) => { const imgs = [...document.querySelectorAll(sel)];"
        " return imgs.length === n && imgs.every(i => i.complete && i.naturalWidth > 0); }",
        arg=[selector, count],
    )


def search_for(page, words: str) -> None:
    box = page.get_by_role("searchbox", name="Cari produk")
    box.fill("")
    box.press_sequentially(words, delay=15)
    box.press("Enter")
    # The live search puts the query in the address once its results are shown.
    wanted = r"(\+|%20)".join(re.escape(w) for w in words.split())
    expect(page).to_have_url(re.compile(rf"[?&]q={wanted}(&|$)"))
    expect(page.locator("#searching")).not_to_have_class(re.compile(r"\bhtmx-request\b"))


def test_seller_lists_a_product_with_variants_and_photos_and_a_buyer_finds_it(
    phone_page, another_phone, sign_in, fits_phone, seller, other_seller, buyer, tmp_path
):
    business = shop(seller, name="Keripik Tempe Bu Sari")
    # Other products, so that the search has to choose.
    neighbour = shop(other_seller, name="Camilan Pak Joko")
    product(neighbour, "Keripik Singkong Balado", price=12000, description="Singkong renyah.")
    product(
        neighbour, "Tempe Mendoan Beku", category="makanan-beku", price=18000, description="Isi 10."
    )

    page = phone_page
    sign_in(page, seller)
    open_menu(page, "Produk saya")
    expect(page.locator("h1")).to_have_text("Produk saya")
    expect(page.get_by_text("Belum ada produk.")).to_be_visible()
    page.get_by_role("link", name="Tambah produk").click()
    expect(page.locator("h1")).to_have_text("Tambah produk")
    expect(page.get_by_text("Keripik Tempe Bu Sari")).to_be_visible()
    fits_phone(page)

    page.get_by_label("Nama produk").fill("Keripik Tempe Pedas")
    page.get_by_label("Kategori").select_option(label="Keripik")
    page.get_by_text("Lainnya: deskripsi, berat, kode barang").click()
    page.get_by_label("Deskripsi").fill(
        "Keripik tempe tipis dengan cabai rawit, digoreng tanpa pengawet."
    )
    page.get_by_label("Harga (Rp)", exact=True).fill("15.000")
    page.get_by_label("Satuan").select_option(label="pak")
    page.get_by_label("Berat (gram)").fill("250")
    expect(page.get_by_label("Tayangkan di marketplace")).to_be_checked()
    # The less used fields and the variants are folded away on a phone.
    page.get_by_text("Punya varian?").click()
    rows = page.locator(".variant-row")
    expect(rows).to_have_count(3)
    for row, (name, price, stock) in zip(
        (rows.nth(0), rows.nth(1)),
        (("Pedas sedang 250 g", "15.000", "20"), ("Pedas level 5 500 g", "27.500", "8")),
        strict=True,
    ):
        row.get_by_label("Nama varian").fill(name)
        row.get_by_label("Harga varian (Rp)").fill(price)
        row.get_by_label("Stok varian").fill(stock)
    fits_phone(page)
    page.get_by_role("button", name="Simpan").click()

    expect(
        page.get_by_text("Produk Keripik Tempe Pedas disimpan. Tambahkan fotonya.")
    ).to_be_visible()
    expect(page.locator("h1")).to_have_text("Ubah produk")
    expect(page.get_by_text("Belum ada foto.")).to_be_visible()
    listed = Product.objects.get(name="Keripik Tempe Pedas")
    assert listed.business == business and listed.status == ProductStatus.PUBLISHED
    assert listed.category.slug == "keripik" and listed.unit == "pack"
    assert listed.has_variants and listed.weight_grams == 250
    # A product with variants shows its lowest price and the sum of the stock.
    assert (listed.price, listed.stock) == (15000, 28)
    assert list(listed.variants.order_by("position").values_list("name", "price", "stock")) == [
        ("Pedas sedang 250 g", 15000, 20),
        ("Pedas level 5 500 g", 27500, 8),
    ]

    photos = page.locator("section", has=page.get_by_role("heading", name="Foto"))
    for number, path in enumerate(
        (
            photo_file(tmp_path, "keripik-depan.jpg", (190, 120, 40), "JPEG"),
            photo_file(tmp_path, "keripik-kemasan.png", (200, 40, 30), "PNG"),
        ),
        start=1,
    ):
        page.get_by_label("Foto produk (JPG, PNG, WebP; maks. 8 MB)").set_input_files(path)
        page.get_by_role("button", name="Unggah foto").click()
        expect(page.get_by_text("Foto ditambahkan.")).to_be_visible()
        expect(photos.locator("img")).to_have_count(number)
    expect_images_shown(page, "main .grid img", 2)
    assert listed.photos.count() == 2
    # Both stored as JPEG (the PNG converted), each with its thumbnail.
    for photo in listed.photos.all():
        assert photo.image.name.endswith(".jpg") and photo.thumbnail.name.endswith(".jpg")
    fits_phone(page)

    # The seller's own list shows it, with the lowest price.
    open_menu(page, "Produk saya")
    row = page.locator(".prod-list li", has_text="Keripik Tempe Pedas")
    expect(row).to_contain_text("Rp15.000")
    expect(row).to_contain_text("Tayang")
    assert page.js_errors == []

    # A buyer on their own phone.
    shopper = another_phone()
    sign_in(shopper, buyer)
    open_menu(shopper, "Cari produk")
    fits_phone(shopper)
    # "kripik" is a spelling variant of "keripik"; "tempenya" is "tempe" with the suffix -nya.
    search_for(shopper, "kripik tempenya")
    results = shopper.locator("#results")
    expect(results.get_by_role("status")).to_have_text("1 produk ditemukan")
    card = results.locator(".product-card")
    expect(card).to_have_count(1)
    expect(card.locator("h3")).to_have_text("Keripik Tempe Pedas")
    expect(card.locator(".price")).to_contain_text("Rp15.000+")
    expect(card.get_by_text("Keripik Tempe Bu Sari · Lowokwaru")).to_be_visible()
    expect_images_shown(shopper, "#results .product-card img", 1)
    fits_phone(shopper)

    # A typo ("keripk") and a prefixed word ("berpedas": ber- + pedas) find it too, and the
    # page says which word it took the typo for.
    search_for(shopper, "keripk berpedas")
    expect(results.get_by_role("status")).to_have_text("1 produk ditemukan")
    expect(results.get_by_text("Termasuk hasil untuk keripik")).to_be_visible()
    expect(card.locator("h3")).to_have_text("Keripik Tempe Pedas")
    # "keripik" alone finds both chips, not the frozen tempe.
    search_for(shopper, "keripik")
    expect(results.get_by_role("status")).to_have_text("2 produk ditemukan")
    expect(results.get_by_text("Tempe Mendoan Beku")).to_have_count(0)

    search_for(shopper, "kripik tempenya")
    expect(card).to_have_count(1)
    card.get_by_role("link", name="Keripik Tempe Pedas").click()
    expect(shopper).to_have_url(re.compile(rf"/produk/{listed.pk}-keripik-tempe-pedas/$"))
    expect(shopper.locator("h1")).to_have_text("Keripik Tempe Pedas")
    expect(shopper.locator(".price.big")).to_contain_text("Rp15.000")
    variants = shopper.locator("ul.variants li")
    expect(variants).to_have_count(2)
    expect(variants.nth(0)).to_have_text(re.compile(r"Pedas sedang 250 g: Rp15\.000\s+\(stok 20\)"))
    expect(variants.nth(1)).to_have_text(re.compile(r"Pedas level 5 500 g: Rp27\.500\s+\(stok 8\)"))
    expect(shopper.locator(".badge", has_text="Stok 28")).to_be_visible()
    expect_images_shown(shopper, ".gallery img", 2)
    expect(shopper.get_by_role("button", name="Tambah ke keranjang")).to_be_enabled()
    expect(shopper.get_by_role("link", name="Keripik Tempe Bu Sari")).to_be_visible()
    # The buyer is not the owner: no edit link.
    expect(shopper.get_by_role("link", name="Ubah produk")).to_have_count(0)
    fits_phone(shopper)
    assert shopper.js_errors == []
