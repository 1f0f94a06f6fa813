"""Journey of a cashless payment in phone-sized browsers, in Indonesian: a buyer checks out a
basket from two shops with QRIS; the payment page shows the QR code and waits; the payer's wallet
(the simulator gateway, which calls Malpro's webhook over HTTP like a real provider) pays; the
page notices by itself, both orders reach their sellers, the seller sees the paid order and the
money held for it, and the ledger balances; setting the payout account tells the owner."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from malpro.catalog.tests.factories import product
from malpro.e2e.journey import open_menu
from malpro.ledger.models import EntryKind, JournalEntry
from malpro.orders.models import Order, OrderStatus
from malpro.orders.tests.factories import delivering_shop
from malpro.payments import qris
from malpro.payments.models import Payment

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]


def buy(page, words: str, name: str, quantity: int) -> None:
    open_menu(page, "Cari produk")
    box = page.get_by_role("searchbox", name="Cari produk")
    box.fill(words)
    box.press("Enter")
    page.locator("#results").get_by_role("link", name=name).click()
    page.get_by_label("Jumlah").fill(str(quantity))
    page.get_by_role("button", name="Tambah ke keranjang").click()
    expect(page.get_by_text("Masuk keranjang.")).to_be_visible()


def ledger_ok() -> str:
    out = io.StringIO()
    call_command("check_ledger", stdout=out)  # exits 1 (SystemExit) naming any problem
    return out.getvalue().strip()


def test_qris_checkout_paid_through_the_simulator_reaches_the_sellers(
    phone_page, another_phone, sign_in, fits_phone, seller, other_seller, buyer
):
    sari = delivering_shop(seller, name="Dapur Bu Sari")
    joko = delivering_shop(other_seller, name="Kopi Pak Joko")
    sambal = product(sari, "Sambal Bawang Bu Sari", category="sambal", price=25000, stock=10)
    kopi = product(joko, "Kopi Dampit Bubuk 200 g", category="kopi", price=32000, stock=10)

    page = phone_page
    sign_in(page, buyer)
    buy(page, "sambal bawang", "Sambal Bawang Bu Sari", 2)
    buy(page, "kopi dampit", "Kopi Dampit Bubuk 200 g", 1)
    expect(page.locator(".total-bar")).to_contain_text("Rp82.000")
    page.get_by_role("link", name="Lanjut: alamat dan pembayaran").click()

    page.get_by_label("Kelurahan").select_option(label="Sumbersari")
    page.get_by_label("Alamat (jalan, nomor, RT/RW, patokan)").fill("Jl. Sumbersari Gg. 2 No. 5")
    # Both shops: picked up at the shop (no delivery fee), the default.
    expect(page.get_by_label("Ambil di toko")).to_have_count(2)
    page.get_by_label("QRIS").check()
    fits_phone(page)
    page.get_by_role("button", name="Pesan sekarang").click()

    # The payment page: the amount, both orders, the QR code, waiting.
    expect(page.locator("h1")).to_have_text("Pembayaran")
    expect(page.locator(".price.big")).to_have_text("Rp82.000")
    orders_list = page.locator("section.pay ul li")
    expect(orders_list).to_have_count(2)
    expect(orders_list.filter(has_text="Dapur Bu Sari")).to_contain_text("Rp50.000")
    expect(orders_list.filter(has_text="Kopi Pak Joko")).to_contain_text("Rp32.000")
    qr = page.get_by_label("Kode QRIS")
    expect(qr.locator("svg")).to_be_visible()
    box = qr.locator("svg").bounding_box()
    assert box["width"] >= 150 and box["width"] == pytest.approx(box["height"], abs=1)
    expect(page.get_by_text("Pindai dengan aplikasi bank atau dompet digital")).to_be_visible()
    expect(page.locator("#pay-status")).to_have_text("Menunggu pembayaran…")
    fits_phone(page)

    payment = Payment.objects.get(checkout__buyer=buyer)
    assert (payment.method, payment.provider, payment.status) == ("qris", "simulator", "pending")
    assert payment.amount == 82000
    # The QR holds a dynamic QRIS for exactly this amount, with a valid checksum.
    parsed = qris.parse(payment.qris_payload)
    assert parsed.point_of_initiation == "dynamic" and parsed.crc_valid
    assert parsed.amount == 82000 and parsed.reference == payment.reference
    orders = list(Order.objects.filter(buyer=buyer).order_by("seller_name"))
    assert [o.status for o in orders] == [OrderStatus.PENDING_PAYMENT] * 2
    # The stock is held while the buyer pays.
    sambal.refresh_from_db()
    kopi.refresh_from_db()
    assert (sambal.stock, kopi.stock) == (8, 9)

    # Not paid yet: the seller has nothing to do.
    desk = another_phone()
    sign_in(desk, seller)
    open_menu(desk, "Pesanan masuk")
    expect(desk.get_by_text("Tidak ada pesanan di sini.")).to_be_visible()

    # The payer's wallet app (the simulator) opens the payment and pays it.
    wallet = another_phone()
    wallet.goto(page.get_by_role("link", name="Buka simulator pembayaran").get_attribute("href"))
    expect(wallet.locator("h1")).to_have_text("Simulator pembayaran")
    expect(
        wallet.get_by_text("Hanya untuk uji coba: tidak ada uang yang berpindah.")
    ).to_be_visible()
    expect(wallet.locator("dt:has-text('Jumlah') + dd")).to_have_text("Rp82.000")
    wallet.get_by_role("button", name="Bayar").click()
    expect(wallet.get_by_text(re.compile(r"Jawaban webhook: HTTP 200"))).to_be_visible()
    expect(wallet.locator("dt:has-text('Status') + dd")).to_have_text("Lunas")
    assert wallet.js_errors == []

    # The buyer's payment page sees it by itself (it asks every few seconds).
    paid = page.locator("#pay-status [data-paid]")
    expect(paid).to_have_text(
        re.compile(r"Pembayaran diterima\. Pesanan sudah diteruskan ke penjual\."),
        timeout=10_000,  # one polling interval (3 s) and a slow machine's margin
    )
    paid.get_by_role("link", name="Lihat pesanan").click()
    expect(page.locator("h1")).to_have_text("Pesanan saya")
    for order in orders:
        card = page.locator("article", has_text=order.number)
        expect(card.locator("[data-status]")).to_have_text("Menunggu konfirmasi penjual")
    assert page.js_errors == []

    payment.refresh_from_db()
    assert payment.status == "paid" and payment.paid_at is not None
    assert [o.status for o in Order.objects.filter(buyer=buyer)] == [OrderStatus.PLACED] * 2
    assert (
        JournalEntry.objects.filter(kind=EntryKind.CAPTURE, checkout=payment.checkout).count() == 1
    )
    assert ledger_ok() == "ledger ok"

    # The seller sees the paid order, paid by QRIS, and the money held for it.
    open_menu(desk, "Pesanan masuk")
    mine = next(o for o in orders if o.business_id == sari.pk)
    card = desk.locator("article", has_text=mine.number)
    expect(card.locator("[data-status]")).to_have_text("Menunggu konfirmasi penjual")
    expect(card).to_contain_text("Rp50.000")
    expect(card).to_contain_text("2 × Sambal Bawang Bu Sari")
    expect(desk.get_by_text("Kopi Dampit")).to_have_count(0)  # the other shop's order
    card.get_by_role("link", name=mine.number).click()
    expect(desk.locator("dt:has-text('Pembayaran') + dd")).to_have_text("QRIS")
    open_menu(desk, "Saldo toko")
    held = desk.locator("dt:has-text('Tertunda (dibayar, pesanan belum selesai)') + dd")
    expect(held).to_have_text("Rp50.000")
    expect(desk.locator("dt:has-text('Siap dicairkan') + dd")).to_have_text("Rp0")
    fits_phone(desk)

    # The seller hands it over; the buyer confirms; the money becomes the seller's.
    open_menu(desk, "Pesanan masuk")
    desk.locator("article", has_text=mine.number).get_by_role(
        "button", name="Terima pesanan"
    ).click()
    desk.get_by_role("link", name="Dikemas (1)").click()
    desk.locator("article", has_text=mine.number).get_by_role("button", name="Siap diambil").click()
    desk.get_by_role("link", name="Diantar/diambil (1)").click()
    card = desk.locator("article", has_text=mine.number)
    expect(card.get_by_label("Tunai diterima")).to_have_count(0)  # paid already, no cash
    card.get_by_role("button", name="Sudah diterima pembeli").click()
    expect(desk.locator(".messages")).to_contain_text("sudah diterima pembeli")

    page.locator("article", has_text=mine.number).get_by_role("link", name=mine.number).click()
    page.get_by_role("button", name="Pesanan sudah saya terima").click()
    expect(page.locator("h1 + p [data-status]")).to_have_text("Selesai")

    open_menu(desk, "Saldo toko")
    expect(desk.locator("dt:has-text('Siap dicairkan') + dd")).to_have_text("Rp50.000")
    expect(held).to_have_text("Rp0")

    # Where the money goes: the seller sets the payout account, and the app tells the owner
    # (so a change made by someone else with their session does not go unnoticed).
    desk.get_by_label("Bank").fill("BJTM")
    desk.get_by_label("Nomor rekening").fill("0011223344")
    desk.get_by_label("Nama pemilik rekening").fill("Sari Wulandari")
    desk.get_by_role("button", name="Simpan rekening").click()
    expect(desk.locator(".messages")).to_contain_text("Rekening disimpan.")
    desk.locator("#bell").click()  # the bell in the header, with its unread count
    notice = desk.locator(".note", has_text="Rekening pencairan usaha Anda diubah")
    expect(notice).to_contain_text("Dapur Bu Sari")
    assert desk.js_errors == [] and page.js_errors == []
    assert ledger_ok() == "ledger ok"
