"""The cash book in a phone-sized browser (360×740), in Indonesian: a seller opens the book
from the menu, records a sale with the thumb-sized form ("15rb"); then the connection drops:
a spending is kept on the phone and shown as waiting, the book's page answers with the
offline page whose link opens the stored form; the connection returns and the entry is sent
once. An answer lost on the way (the server made the entry, the phone never heard) is sent
again and still makes one entry; after a reload the queue is empty."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from malpro.books.models import Entry
from malpro.catalog.tests.factories import shop
from malpro.e2e.journey import open_menu

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]

SHOTS = Path(os.environ.get("MALPRO_SHOTS") or Path(tempfile.gettempdir()) / "books-cash-shots")


def shot(page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def amounts(business) -> list[int]:
    return sorted(Entry.objects.filter(book__business=business).values_list("amount", flat=True))


def test_a_seller_records_with_one_thumb_online_and_offline(
    phone_page, sign_in, fits_phone, seller
):
    business = shop(seller, name="Warung Bu Sari")
    page = phone_page
    context = page.context
    sign_in(page, seller)
    open_menu(page, "Buku kas")
    expect(page).to_have_url(f"{page.url.split('/buku/')[0]}/buku/{business.pk}/")
    expect(page.get_by_text("Belum ada catatan.")).to_be_visible()
    shot(page, "1-book-empty")

    # A sale, typed the way it is said.
    page.get_by_role("link", name="+ Pemasukan").click()
    expect(page.locator("h1")).to_have_text("Catat pemasukan")
    save = page.get_by_role("button", name="Simpan", exact=True)
    box = save.bounding_box()
    assert box["y"] + box["height"] <= 740 and box["height"] >= 44  # within the thumb's reach
    fits_phone(page)
    expect(page.get_by_text("foto nota tidak ikut disimpan")).to_be_hidden()  # online
    page.get_by_label("Jumlah (Rp)").fill("15rb")
    page.get_by_label("Penjualan").check()
    page.get_by_label("Catatan (boleh kosong)").fill("nasi bungkus")
    shot(page, "2-form-income")
    page.get_by_label("Jumlah (Rp)").scroll_into_view_if_needed()
    shot(page, "2b-form-as-seen", full_page=False)
    save.click()
    expect(page.get_by_text("Tersimpan.")).to_be_visible()
    row = page.locator(".cash-row.is-new")
    expect(row).to_contain_text("+Rp15.000")
    expect(row).to_contain_text("nasi bungkus")
    fits_phone(page)
    shot(page, "3-book-saved")
    assert amounts(business) == [15_000]
    # The service worker is in place (it keeps the forms for offline use).
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    # The connection drops while a spending is typed.
    page.get_by_role("link", name="+ Pengeluaran").click()
    expect(page.locator("h1")).to_have_text("Catat pengeluaran")
    context.set_offline(True)
    expect(page.get_by_text("foto nota tidak ikut disimpan")).to_be_visible()
    page.get_by_label("Jumlah (Rp)").fill("8.000")
    page.get_by_label("Biaya operasional (sewa, listrik, gaji, bensin)").check()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("Tersimpan di HP, menunggu dikirim.")).to_be_visible()
    queue = page.locator("[data-queue]")
    expect(queue).to_contain_text("1 catatan menunggu dikirim")
    expect(queue).to_contain_text("Biaya operasional")
    expect(queue).to_contain_text("menunggu dikirim")
    expect(page.get_by_label("Jumlah (Rp)")).to_have_value("")  # ready for the next one
    fits_phone(page)
    shot(page, "4-offline-waiting")
    assert amounts(business) == [15_000]

    # Offline, the book's page says so and its link opens the stored form.
    page.goto(f"/buku/{business.pk}/")
    expect(page.locator("h1")).to_have_text("Tidak ada sambungan")
    shot(page, "5-offline-page")
    page.get_by_role("link", name="+ Pemasukan").click()
    expect(page.locator("h1")).to_have_text("Catat pemasukan")
    expect(page.locator("[data-queue]")).to_contain_text("1 catatan menunggu dikirim")
    shot(page, "6-offline-form")

    # Back online: sent once, the queue empties.
    context.set_offline(False)
    expect(page.locator("[data-queue]")).to_be_hidden()
    assert amounts(business) == [8_000, 15_000]

    # An answer lost on the way: the server makes the entry, the phone hears nothing.
    context.set_offline(True)
    page.get_by_label("Jumlah (Rp)").fill("5rb")
    page.get_by_label("Penjualan").check()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator("[data-queue]")).to_contain_text("1 catatan menunggu dikirim")

    def lose_the_answer(route):
        if route.request.method == "POST":
            route.fetch()  # reaches the server
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/catat/**", lose_the_answer)
    context.set_offline(False)
    expect(page.locator("[data-queue]")).to_contain_text("akan dicoba lagi")
    assert amounts(business) == [5_000, 8_000, 15_000]
    page.unroute("**/catat/**")
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.locator("[data-queue]")).to_be_hidden()
    assert amounts(business) == [5_000, 8_000, 15_000]  # sent twice, made once

    # Reloaded: nothing waits, each entry listed once.
    page.goto(f"/buku/{business.pk}/")
    expect(page.locator("[data-queue]")).to_be_hidden()
    rows = page.locator(".cash-list .cash-row")
    expect(rows).to_have_count(3)
    expect(page.locator(".cash-row", has_text="Rp8.000")).to_have_count(1)
    expect(page.locator(".cash-row", has_text="Rp5.000")).to_have_count(1)
    fits_phone(page)
    shot(page, "7-book-after")
    page.get_by_role("link", name="Lihat semua catatan").click()
    expect(page.locator(".cash-totals")).to_contain_text("Rp20.000")
    expect(page.locator(".cash-totals")).to_contain_text("Rp8.000")
    fits_phone(page)
    shot(page, "8-entries")

    # One entry: change it (the history says what changed), delete it, restore it.
    page.locator(".cash-row", has_text="Rp8.000").get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Biaya operasional")
    page.get_by_role("link", name="Ubah").click()
    expect(page.get_by_label("Jumlah (Rp)")).to_have_value("8.000")
    page.get_by_label("Jumlah (Rp)").fill("9rb")
    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.get_by_text("Perubahan disimpan.")).to_be_visible()
    expect(page.locator(".cash-history")).to_contain_text("Jumlah: Rp8.000 → Rp9.000")
    fits_phone(page)
    shot(page, "9-entry-edited")
    page.get_by_role("link", name="Hapus").click()
    page.get_by_role("button", name="Ya, hapus").click()
    expect(page.get_by_text("Catatan dihapus.")).to_be_visible()
    page.get_by_role("button", name="Pulihkan").click()
    expect(page.get_by_text("Catatan dipulihkan.")).to_be_visible()
    assert amounts(business) == [5_000, 9_000, 15_000]

    # A mistake is shown next to its field, in Indonesian.
    page.goto(f"/buku/{business.pk}/catat/?jenis=masuk")
    page.get_by_label("Jumlah (Rp)").fill("lima ribu")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator("#id_amount_errors")).to_contain_text("tidak terbaca")
    expect(page.locator("#id_category_errors")).to_contain_text("Pilih kategori")
    expect(page.get_by_label("Jumlah (Rp)")).to_have_attribute("aria-invalid", "true")
    fits_phone(page)
    shot(page, "10-form-errors")
    assert amounts(business) == [5_000, 9_000, 15_000]
    # Only network answers were logged (offline 503, the lost answer, the 422): no script errors.
    assert not [e for e in page.js_errors if not e.startswith("Failed to load resource")]
