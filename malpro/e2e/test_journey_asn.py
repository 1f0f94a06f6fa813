"""Journeys of a civil servant (ASN) in a phone-sized browser, in Indonesian: a citizen whose NIP
is on BKPSDM's roster claims it on the web (a wrong birth date first), becomes an ASN, and sees
the month's obligation and progress, with the part beyond the cap per UMKM shown as not
counted; an earlier month shows its own figures. An ASN orders a staples bundle: each line and
the whole total in rupiah, readable on the phone, then one order per seller."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from malpro.accounts.models import User
from malpro.asn import periods
from malpro.asn.models import Bundle, BundleItem, Employee, NipClaim
from malpro.asn.tests.factories import complete_order, delivering_shop, employee, policy, product
from malpro.catalog.models import Category
from malpro.core.crypto import nip_hash
from malpro.orders.models import Cart, Order

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]

NIP = "198507122010012003"  # born 12/07/1985, appointed 01/2010, woman, number 003


def menu(page):
    return page.get_by_role("navigation", name="Menu utama")


def figure(page, name: str):
    return page.locator(f"[data-figure={name}]")


def test_asn_claims_the_nip_and_follows_the_obligation_of_the_month(
    phone_page, sign_in, fits_phone, buyer, seller, other_seller
):
    today = timezone.localdate()
    # In force since last year, so last month is under it too.
    policy(default=1_000_000, cap_amount=300_000, effective_from=dt.date(today.year - 1, 1, 1))
    employee(nip=NIP, name="Citra Pembeli", phone=buyer.phone, agency="DISKOMINFO")
    # This month's purchases of the citizen, already completed (the order journey shows how):
    # Rp400.000 at one UMKM (the cap per UMKM is Rp300.000) and Rp150.000 at another.
    beras = product(
        delivering_shop(seller, name="Beras Bu Sari"),
        "Beras Organik 25 kg",
        category="beras",
        price=400_000,
    )
    madu = product(
        delivering_shop(other_seller, name="Madu Pak Joko"),
        "Madu Randu 1 kg",
        category="madu",
        price=150_000,
    )
    complete_order(buyer, beras, fast=True)
    complete_order(buyer, madu, fast=True)

    page = phone_page
    sign_in(page, buyer)
    expect(menu(page).get_by_role("link", name="Kewajiban ASN")).to_have_count(0)
    # The city's circular gives ASN the address of the page.
    page.goto("/asn/")
    expect(page.locator("h1")).to_have_text("Hubungkan akun dengan NIP")
    fits_phone(page)
    page.get_by_label("NIP").fill("19851312 201001 2 003")  # no 13th month
    page.get_by_role("button", name="Klaim NIP").click()
    expect(
        page.get_by_text("Tanggal lahir pada NIP (digit 1–8, TTTTBBHH) tidak valid.")
    ).to_be_visible()
    expect(page.get_by_label("NIP")).to_have_value("19851312 201001 2 003")
    assert not NipClaim.objects.exists()

    page.get_by_label("NIP").fill("19850712 201001 2 003")
    page.get_by_role("button", name="Klaim NIP").click()
    # The account's phone is the roster's: verified at once.
    expect(page.get_by_text("NIP terverifikasi. Selamat datang!")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Kewajiban belanja UMKM")
    expect(page.get_by_text("Citra Pembeli · Diskominfo")).to_be_visible()
    expect(page.get_by_text("Kebijakan contoh, bukan Perwal yang berlaku")).to_be_visible()
    expect(page.get_by_text("Contoh: Perwal No. 1 Tahun 2026")).to_be_visible()
    expect(page.get_by_label("Periode")).to_have_value(periods.label(today.year, today.month))

    # Rp300.000 of the first UMKM and Rp150.000 of the second count.
    expect(figure(page, "required")).to_have_text("Rp1.000.000")
    expect(figure(page, "counted")).to_have_text("Rp450.000")
    expect(figure(page, "remaining")).to_have_text("Rp550.000")
    expect(page.get_by_label("Kemajuan")).to_have_attribute("value", "45")
    days_left = (periods.last_day(today.year, today.month) - today).days + 1
    expect(page.locator("dt:has-text('Sisa hari') + dd")).to_have_text(str(days_left))
    not_counted = page.locator("section", has=page.get_by_role("heading", name="Tidak dihitung"))
    expect(not_counted.locator("li")).to_have_text(
        ["Beras Bu Sari: Rp100.000 · Melebihi batas per UMKM (Rp300.000)"]
    )
    expect(menu(page).get_by_role("link", name="Kewajiban ASN")).to_be_visible()
    fits_phone(page)

    citizen = User.objects.get(pk=buyer.pk)
    assert "asn" in citizen.role_names
    person = Employee.objects.get(nip_hash=nip_hash(NIP))
    assert person.user_id == buyer.pk and person.claimed_at is not None
    claim = NipClaim.objects.get()
    assert claim.state == NipClaim.State.APPROVED and claim.phone_matched

    # Last month: nothing bought then.
    year, month = periods.previous(today.year, today.month)
    page.get_by_label("Periode").fill(periods.label(year, month))
    page.get_by_role("button", name="Lihat").click()
    expect(page).to_have_url(re.compile(rf"periode={periods.label(year, month)}$"))
    expect(figure(page, "required")).to_have_text("Rp1.000.000")
    expect(figure(page, "counted")).to_have_text("Rp0")
    expect(figure(page, "remaining")).to_have_text("Rp1.000.000")
    expect(page.get_by_label("Kemajuan")).to_have_attribute("value", "0")
    expect(page.get_by_role("heading", name="Tidak dihitung")).to_have_count(0)

    # Back to this month through the menu.
    menu(page).get_by_role("link", name="Kewajiban ASN").click()
    expect(figure(page, "counted")).to_have_text("Rp450.000")
    assert page.js_errors == []


def test_asn_orders_a_staples_bundle_and_reads_its_total_on_the_phone(
    phone_page, sign_in, fits_phone, asn_user, seller
):
    today = timezone.localdate()
    policy(default=1_000_000, effective_from=dt.date(today.year - 1, 1, 1))
    employee(nip=NIP, user=asn_user, name="Yuli ASN", agency="DISKOMINFO")
    bundle = Bundle.objects.create(name="Paket sembako hemat", description="Beras dan minyak")
    for label, slug, quantity in (("Beras 5 kg", "beras", 1), ("Minyak 2 L", "minyak-goreng", 2)):
        category = Category.objects.get(slug=slug)
        BundleItem.objects.create(bundle=bundle, label=label, category=category, quantity=quantity)
    shop = delivering_shop(seller, name="Toko Sembako Bu Sari")
    product(shop, "Beras Pandan Wangi 5 kg", category="beras", price=101_000, stock=20)
    product(shop, "Minyak Goreng Sawit 2 L", category="minyak-goreng", price=35_000, stock=20)

    page = phone_page
    sign_in(page, asn_user)
    page.goto("/asn/")
    page.get_by_role("link", name="Paket sembako hemat").click()
    page.get_by_label("Kelurahan pengiriman").select_option("35.73.05.1003")
    page.get_by_label("Alamat (jalan, nomor, RT/RW)").fill("Jl. Sumbersari Gg. 2 No. 5")
    page.get_by_role("button", name="Lihat penjual terpilih").click()
    # Two bottles at Rp35.000: the line says Rp70.000; the total is whole and on screen.
    expect(page.locator("[data-pick='2'] .line-total")).to_have_text("Rp70.000")
    total = page.locator("[data-figure=bundle-total]")
    expect(total).to_have_text("Rp171.000")
    box = total.bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"]
    fits_phone(page)

    page.get_by_role("button", name="Pesan paket ini").click()
    expect(page.locator("h1")).to_have_text("Pesanan dibuat")
    order = Order.objects.get(buyer=asn_user)
    assert order.items_total == 171_000 and order.business == shop
    assert not Cart.objects.exists()  # ordered straight from the plan, no cart in between
    assert page.js_errors == []
