"""Kasbon and reports in a phone-sized browser, in Indonesian: a seller adds a customer,
records a kasbon, takes a partial payment, sends a reminder (the WhatsApp link carries the
amount), opens the monthly report and shares it with the guiding agency; the agency's officer
then sees the shared summary (and is refused the book itself)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from malpro.books import services
from malpro.books.selectors import period_of
from malpro.books.services import EntryInput
from malpro.catalog.tests.factories import shop

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]

SHOTS = Path(os.environ.get("MALPRO_SHOTS") or Path(tempfile.gettempdir()) / "books-more-shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_seller_keeps_kasbon_and_an_officer_reads_the_shared_summary(
    phone_page, another_phone, sign_in, fits_phone, seller, officer
):
    business = shop(seller, name="Warung Bu Sari")
    today = timezone.localdate()
    services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=EntryInput(direction="in", category="sales", amount=120_000, occurred_on=today),
    )
    page = phone_page
    sign_in(page, seller)

    # Kasbon: a new customer.
    page.goto(f"/buku/{business.pk}/kasbon/")
    expect(page.locator("h1")).to_have_text("Kasbon dan utang")
    page.get_by_role("link", name="+ Tambah pelanggan atau pemasok").click()
    page.get_by_label("Nama", exact=True).fill("Bu Tini")
    page.get_by_label("Nomor HP (boleh kosong)").fill("0812-9999-0001")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("h1")).to_have_text("Bu Tini")
    shot(page, "1-contact")
    fits_phone(page)

    # A kasbon of 50 rb, typed the way it is said.
    page.get_by_role("link", name="Catat kasbon").click()
    page.get_by_label("Jumlah (Rp)").fill("50 rb")
    page.get_by_label("Catatan").fill("beras dan minyak")
    shot(page, "2-kasbon-form")
    fits_phone(page)
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".message")).to_contain_text("Kasbon Rp50.000 dicatat.")
    expect(page.locator("#balance")).to_have_text("Rp50.000")

    # Paying more than owed is refused next to the field; then a partial payment.
    page.get_by_role("link", name="Terima pembayaran").click()
    amount = page.get_by_label("Jumlah dibayar (Rp)")
    amount.fill("60000")
    page.get_by_role("button", name="Simpan pembayaran").click()
    expect(page.locator("#id_amount_error")).to_have_text("Lebih besar dari sisa utang (Rp50.000).")
    expect(amount).to_have_attribute("aria-invalid", "true")
    shot(page, "3-overpay-error")
    fits_phone(page)
    amount.fill("20.000")
    page.get_by_role("button", name="Simpan pembayaran").click()
    expect(page.locator(".message")).to_contain_text("Pembayaran Rp20.000 dicatat. Sisa Rp30.000.")
    expect(page.locator("#balance")).to_have_text("Rp30.000")

    # A reminder: the message and a big WhatsApp button carrying the amount.
    page.get_by_role("button", name="Kirim pengingat").click()
    expect(page.locator(".more-quote")).to_contain_text("sisa kasbon Anda Rp30.000")
    whatsapp = page.get_by_role("link", name="Buka WhatsApp")
    text = (
        "Halo Bu Tini, ini pengingat dari Warung Bu Sari: sisa kasbon Anda Rp30.000. Terima kasih."
    )
    expect(whatsapp).to_have_attribute("href", "https://wa.me/6281299990001?text=" + quote(text))
    box = whatsapp.bounding_box()
    assert box["height"] >= 44
    shot(page, "4-reminder")
    fits_phone(page)

    # The monthly report.
    page.get_by_role("navigation", name="Bagian buku kas").get_by_role(
        "link", name="Laporan"
    ).click()
    month = period_of("month", today, today=today).label  # "1–29 November 2026" while running
    expect(page.locator("h1")).to_contain_text(month)
    expect(page.locator("#income")).to_have_text("Rp140.000")  # the sale and the payment
    expect(page.locator("#receivables")).to_have_text("Rp30.000")
    expect(
        page.get_by_role("img", name=f"Pemasukan dan pengeluaran {month}", exact=False)
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Apakah usaha saya tumbuh?")).to_be_visible()
    shot(page, "5-report")
    fits_phone(page)

    # Shared with the guiding agency.
    page.get_by_role("navigation", name="Bagian buku kas").get_by_role(
        "link", name="Berbagi"
    ).click()
    page.get_by_label("Saya setuju").check()
    page.get_by_role("button", name="Bagikan ringkasan").click()
    expect(page.locator(".message")).to_contain_text("Ringkasan buku dibagikan dengan")
    shot(page, "6-shared")
    fits_phone(page)
    assert page.js_errors == []

    # The officer sees the summary, not the book.
    desk = another_phone()
    sign_in(desk, officer)
    desk.goto("/buku/dibagikan/")
    expect(desk.locator("h1")).to_have_text("Ringkasan buku UMKM binaan")
    desk.get_by_role("link", name="Warung Bu Sari").click()
    expect(desk.locator("#income")).to_have_text("Rp140.000")
    expect(desk.locator("body")).not_to_contain_text("Bu Tini")
    shot(desk, "7-officer-summary")
    fits_phone(desk)
    assert desk.js_errors == []
    response = desk.goto(f"/buku/{business.pk}/kasbon/")
    assert response.status == 403  # the book itself is not theirs to read
