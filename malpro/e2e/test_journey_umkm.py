"""Journeys through the UMKM register in a phone-sized browser, in Indonesian: a seller registers
a business and opens a shop after an officer verifies it; an officer rejects one; an officer
imports an agency's CSV; an area operator registers a business for its owner, who claims it."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from malpro.accounts.models import User
from malpro.e2e.journey import assert_fits_phone, log_in, open_menu
from malpro.umkm.models import Business, Claim, Document, ImportJob, Status
from malpro.umkm.tests.factories import make_business

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DISKOPINDAG = "Dinas Koperasi, Perindustrian dan Perdagangan"


def registry_count(page, n: int):
    """The "<n> usaha" line above the registry's cards, beside CSV and XLSX."""
    expect(page.locator("#registry-rows .registry-count > p").first).to_have_text(
        re.compile(rf"^\s*{n} usaha\b")
    )


def status_badge(page):
    return page.locator("h1 + p [data-status]")


def _sms_code() -> str:
    from malpro.notifications import sms

    assert sms.outbox, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def make_ktp_photo(tmp_path):
    path = tmp_path / "ktp-sari.jpg"
    Image.new("RGB", (320, 200), (40, 90, 160)).save(path, "JPEG", quality=80)
    return path


# --- 1. register, verify, open the shop ----------------------------------------------------------
def test_seller_registers_officer_verifies_and_the_shop_opens(
    phone_page, another_phone, seller, officer, tmp_path
):
    # Two other businesses of Diskopindag, so the officer has to find the right one.
    make_business(name="Bakso Bakar Pak Man", status=Status.VERIFIED)
    make_business(name="Kripik Apel Batu", status=Status.SUBMITTED)

    page = phone_page
    log_in(page, seller)
    # "Mulai jualan" is the guided path (test_journey_onboarding); the whole form stays for
    # those who have every number at hand.
    page.goto("/umkm/daftar/")
    expect(page.locator("h1")).to_have_text("Daftarkan usaha")
    assert_fits_phone(page)

    # The seller's own name and number are offered; the business has its own number.
    expect(page.get_by_label("Nama pemilik (sesuai KTP)")).to_have_value("Bu Sari Penjual")
    page.get_by_label("Nama usaha", exact=True).fill("Keripik Tempe Bu Sari")
    page.get_by_label("Sektor").select_option(label="Makanan & minuman")
    page.get_by_label("Deskripsi singkat").fill("Keripik tempe renyah khas Malang, tanpa pengawet.")
    page.get_by_label("Nama pemilik (sesuai KTP)").fill("Sari Wulandari")
    page.get_by_label("NIK pemilik").fill("3573054107850002")
    page.get_by_label("Nomor HP usaha").fill("0812-3456-7890")
    page.get_by_label("Kelurahan", exact=True).select_option(label="Sumbersari")
    page.get_by_label("Alamat (jalan, nomor, RT/RW)").fill("Jl. Sumbersari Gg. 3 No. 12")
    page.get_by_label("NIB (jika ada)").fill("9120101234567")
    page.get_by_label("Nomor sertifikat halal (jika ada)").fill("ID35110000123450123")
    today = dt.date.today()
    page.get_by_label("Halal terbit").fill((today - dt.timedelta(days=200)).isoformat())
    page.get_by_label("Halal berlaku sampai").fill((today + dt.timedelta(days=3 * 365)).isoformat())
    page.get_by_label("Nomor PIRT (jika ada)").fill("2063573010123-25")
    page.get_by_label("Modal usaha (Rp, tanpa tanah dan bangunan)").fill("5.000.000")
    # "OPD pembina" offers only the agencies that guide UMKM, as a fieldset with a legend.
    expect(page.get_by_label("Dinas Pemadam Kebakaran dan Penyelamatan")).to_have_count(0)
    expect(page.locator('label[for=""]', has_text="OPD pembina")).to_have_count(0)
    expect(page.locator("fieldset legend", has_text="OPD pembina")).to_have_count(1)
    page.get_by_label(DISKOPINDAG).check()
    assert_fits_phone(page)
    page.get_by_role("button", name="Simpan").click()

    expect(page.get_by_text("Usaha Keripik Tempe Bu Sari tersimpan sebagai draf.")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Keripik Tempe Bu Sari")
    expect(status_badge(page)).to_have_text("Draf")
    business = Business.objects.get(name="Keripik Tempe Bu Sari")
    assert business.owner == seller and business.status == Status.DRAFT
    assert business.capital == 5_000_000 and business.phone == "+6281234567890"
    assert business.village.name == "Sumbersari"
    assert list(business.agencies.values_list("code", flat=True)) == ["DISKOPINDAG"]
    expect(page.get_by_text("Rp5.000.000")).to_be_visible()

    # Submitting before the KTP photo is there says what is missing.
    page.get_by_role("button", name="Ajukan verifikasi").click()
    expect(page.get_by_text("Lengkapi dulu sebelum mengajukan: foto KTP pemilik.")).to_be_visible()
    expect(status_badge(page)).to_have_text("Draf")

    page.get_by_label("Jenis dokumen").select_option(label="KTP pemilik")
    page.get_by_label("Berkas (JPG, PNG atau PDF, maks. 5 MB)").set_input_files(
        make_ktp_photo(tmp_path)
    )
    page.get_by_role("button", name="Unggah").click()
    expect(page.get_by_text("Dokumen diunggah.")).to_be_visible()
    expect(page.get_by_role("link", name="KTP pemilik")).to_be_visible()
    ktp = Document.objects.get(business=business)
    assert ktp.kind == Document.Kind.KTP and ktp.content_type == "image/jpeg"

    page.get_by_role("button", name="Ajukan verifikasi").click()
    expect(page.get_by_text("Status usaha sekarang: Diajukan.")).to_be_visible()
    expect(status_badge(page)).to_have_text("Diajukan")
    assert page.js_errors == []

    # The Diskopindag officer, on their own phone.
    desk = another_phone()
    log_in(desk, officer)
    open_menu(desk, "Registri UMKM")
    expect(desk.locator("h1")).to_have_text("Registri UMKM")
    registry_count(desk, 3)
    assert_fits_phone(desk)
    desk.get_by_label("Cari nama atau NIB").press_sequentially("keripik tempe", delay=20)
    registry_count(desk, 1)
    rows = desk.locator("#registry-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("[data-status]")).to_have_text("Diajukan")
    assert_fits_phone(desk)
    desk.get_by_role("link", name="Keripik Tempe Bu Sari").click()
    # The guiding officer sees the identity data and the KTP photo.
    expect(desk.get_by_text("3573054107850002")).to_be_visible()
    expect(desk.get_by_role("link", name="KTP pemilik")).to_be_visible()
    desk.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(desk.get_by_text("Status usaha sekarang: Terverifikasi.")).to_be_visible()
    expect(status_badge(desk)).to_have_text("Terverifikasi")
    assert desk.js_errors == []

    # Back on the seller's phone: open the shop.
    page.reload()
    expect(status_badge(page)).to_have_text("Terverifikasi")
    page.get_by_role("button", name="Buka toko di marketplace").click()
    expect(page.get_by_text("Toko Keripik Tempe Bu Sari sudah buka")).to_be_visible()
    expect(page.locator("h1 + p").get_by_text("Di marketplace")).to_be_visible()
    business.refresh_from_db()
    assert business.status == Status.ACTIVE and business.on_marketplace
    page.get_by_role("link", name="Lihat profil publik").click()
    expect(page).to_have_url(re.compile(rf"/umkm/profil/{business.pk}-keripik-tempe-bu-sari/$"))

    # A visitor without an account sees the badges, but not the NIK nor the phone number.
    visitor = another_phone()
    visitor.goto(f"/umkm/profil/{business.pk}/")
    expect(visitor.locator("h1")).to_have_text("Keripik Tempe Bu Sari")
    for badge in ("NIB terverifikasi", "Halal", "PIRT", "Binaan Diskopindag"):
        expect(visitor.locator(".badge", has_text=badge)).to_be_visible()
    expect(visitor.get_by_text("Makanan & minuman · Kec. Lowokwaru")).to_be_visible()
    html = visitor.content()
    for secret in (
        "3573054107850002",
        "7850002",
        "0812-3456-7890",
        "81234567890",
        "Sari Wulandari",
    ):
        assert secret not in html, f"{secret!r} shown on the public profile"
    assert_fits_phone(visitor)
    assert page.js_errors == [] and visitor.js_errors == []


# --- 2. rejected with a reason -------------------------------------------------------------------
def test_officer_rejects_with_a_reason_and_the_seller_sees_it(
    phone_page, another_phone, seller, officer
):
    business = make_business(
        owner=seller, status=Status.SUBMITTED, name="Sambal Bawang Bu Sari", nib=None
    )
    make_business(name="Kopi Dampit Pak Yon", status=Status.VERIFIED)

    desk = phone_page
    log_in(desk, officer)
    open_menu(desk, "Registri UMKM")
    # The registry offers "Daftarkan usaha warga" only to area operators and the city admin; an
    # officer who opens the address anyway is told why not.
    expect(desk.get_by_role("link", name="Daftarkan usaha warga")).to_have_count(0)
    desk.goto("/umkm/daftar/?atas_nama=1")
    expect(desk.locator("h1")).to_have_text("403")
    expect(desk.get_by_text("Hanya operator wilayah.")).to_be_visible()
    # Chromium logs the 403 response itself as a console error; that one is expected.
    assert [e for e in desk.js_errors if "403" not in e] == []
    desk.js_errors.clear()
    desk.go_back()
    desk.get_by_label("Status").select_option(label="Diajukan")
    registry_count(desk, 1)
    expect(desk).to_have_url(re.compile(r"status=submitted"))
    desk.get_by_role("link", name="Sambal Bawang Bu Sari").click()

    # "Tolak" without a reason: the browser asks for it and nothing is sent.
    desk.get_by_role("button", name="Tolak").click()
    assert desk.get_by_label("Alasan").evaluate("el => el.validity.valueMissing")
    business.refresh_from_db()
    assert business.status == Status.SUBMITTED

    reason = "Foto KTP buram dan NIK tidak terbaca. Unggah ulang foto KTP yang jelas."
    desk.get_by_label("Alasan").fill(reason)
    desk.get_by_role("button", name="Tolak").click()
    expect(desk.get_by_text("Status usaha sekarang: Ditolak.")).to_be_visible()
    expect(status_badge(desk)).to_have_text("Ditolak")
    expect(desk.locator("p.alert")).to_have_text(f"Alasan: {reason}")
    business.refresh_from_db()
    assert business.status == Status.REJECTED and business.status_reason == reason
    assert desk.js_errors == []

    page = another_phone()
    log_in(page, seller)
    open_menu(page, "Usaha saya")
    card = page.locator("article", has_text="Sambal Bawang Bu Sari")
    expect(card.locator("[data-status]")).to_have_text("Ditolak")
    expect(card.get_by_text(f"Alasan ditolak: {reason}")).to_be_visible()
    # On the business page the reason is there too, with the way back into the queue.
    card.get_by_role("link", name="Sambal Bawang Bu Sari").click()
    expect(page.get_by_text(reason).first).to_be_visible()
    expect(page.get_by_role("button", name="Ajukan verifikasi")).to_be_visible()
    assert_fits_phone(page)
    assert page.js_errors == []


# --- 3. CSV import with a hand-mapped column -----------------------------------------------------
IMPORT_HEADER = [
    "Nama Kelompok Usaha",  # not an alias of anything: mapped by hand to nama_usaha
    "Nama Pemilik",
    "NIK",
    "No. HP",
    "Kelurahan",
    "Jenis Usaha",
    "NIB",
    "Modal",
    "OPD Binaan",
]
IMPORT_ROWS = [
    # 2: good
    [
        "Tempe Sanan Pak Darto",
        "Darto",
        "3573011203700011",
        "0813-3300-1111",
        "Purwantoro",
        "kuliner",
        "9120101111111",
        "10.000.000",
        "DISKOPINDAG",
    ],
    # 3: good, kelurahan by code, two agencies
    [
        "Batik Tulis Celaket",
        "Hadi Santoso",
        "3573021203800001",
        "085712345678",
        "35.73.02.1002",
        "batik",
        "",
        "50000000",
        "DISKOPINDAG; DISPANGTAN",
    ],
    # 4: good, unknown sector -> a warning only
    [
        "Rias Pengantin Bu Endah",
        "Endah",
        "3573044107800012",
        "",
        "Bandungrejosari",
        "tata rias adat",
        "",
        "",
        "",
    ],
    # 5: bad: kelurahan that does not exist
    ["Tahu Walik Pak Dul", "Abdul", "3573031506880004", "", "Atlantis", "kuliner", "", "", ""],
    # 6: bad: NIB of 12 digits
    ["Sambal Bu Rini", "Rini", "3573034405900003", "", "Kedungkandang", "", "912010123456", "", ""],
    # 7: bad: words where a number belongs
    ["Rengginang Sukun", "Sukun", "3573041203750007", "", "Sukun", "kuliner", "", "lima juta", ""],
]


def test_officer_imports_a_csv_with_a_column_mapped_by_hand(phone_page, officer, tmp_path):
    path = tmp_path / "binaan-diskopindag-2026.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(IMPORT_HEADER)
        writer.writerows(IMPORT_ROWS)

    page = phone_page
    log_in(page, officer)
    open_menu(page, "Registri UMKM")
    page.get_by_role("link", name="Impor berkas").click()
    expect(page.locator("h1")).to_have_text("Impor data UMKM")
    assert_fits_phone(page)
    page.get_by_label("Berkas CSV atau XLSX").set_input_files(path)
    expect(page.get_by_label("Diimpor atas nama OPD")).to_have_value("DISKOPINDAG")
    page.get_by_role("button", name="Unggah dan periksa kolom").click()

    expect(page.locator("h1")).to_have_text("Impor: binaan-diskopindag-2026.csv")
    expect(page.get_by_text("Atas nama " + DISKOPINDAG)).to_be_visible()
    # Known headers are matched, the unknown one is not, and the required column is missing.
    expect(page.get_by_label("Nama Pemilik")).to_have_value("nama_pemilik")
    expect(page.get_by_label("No. HP")).to_have_value("telepon")
    expect(page.get_by_label("OPD Binaan")).to_have_value("binaan")
    expect(page.get_by_label("Nama Kelompok Usaha")).to_have_value("")
    expect(page.get_by_text("Kolom wajib belum ada: Nama usaha")).to_be_visible()
    assert_fits_phone(page)
    page.get_by_label("Nama Kelompok Usaha").select_option("nama_usaha")

    page.get_by_role("button", name="Periksa saja (tanpa menyimpan)").click()
    status = page.locator("#import-status")
    expect(status.get_by_role("heading")).to_have_text("Hasil pemeriksaan (belum disimpan)")
    expect(status.locator("[data-count=created]")).to_have_text("3")
    expect(status.locator("[data-count=updated]")).to_have_text("0")
    expect(status.locator("[data-count=rejected]")).to_have_text("3")
    expect(status.get_by_text("Ini hanya pemeriksaan; belum ada yang disimpan.")).to_be_visible()
    assert not Business.objects.exists()
    dry = ImportJob.objects.get()
    assert dry.dry_run and dry.state == ImportJob.State.DONE
    assert dry.header_map["Nama Kelompok Usaha"] == "nama_usaha"

    # After the dry run the column-mapping form is gone: only the results' button imports.
    expect(page.locator("form[hx-post]")).to_have_count(0)
    status.get_by_role("button", name="Impor sekarang").click()

    expect(page.locator("#import-status h2")).to_have_text("Hasil impor")
    status = page.locator("#import-status")
    expect(status.locator("[data-count=created]")).to_have_text("3")
    expect(status.locator("[data-count=rejected]")).to_have_text("3")
    expect(status.get_by_role("link", name="Unduh laporan lengkap (CSV)")).to_be_visible()
    problems = status.locator("table tbody tr")
    expect(problems.filter(has_text="Atlantis tidak ditemukan")).to_have_count(1)
    # The columns are named in words, as on the mapping page.
    row_of = {
        "5": ("Kelurahan (nama atau kode)", "Atlantis tidak ditemukan"),
        "6": ("NIB", "13 digit"),
        "7": ("Modal usaha (Rp)", "rupiah bulat"),
        "4": ("Sektor usaha", "tidak dikenali"),
    }
    for number, (column, words) in row_of.items():
        row = problems.filter(
            has=page.locator("td:first-child", has_text=re.compile(f"^{number}$"))
        )
        expect(row.locator("td").nth(1)).to_have_text(column)
        expect(row.locator("td").nth(2)).to_contain_text(words)
    # Two remarks: the unknown sector, and Dispangtan in the binaan column (an import for
    # Diskopindag adds only Diskopindag as guide).
    expect(problems.filter(has_text="peringatan")).to_have_count(2)
    expect(problems.filter(has_text="DISPANGTAN tidak ditambahkan")).to_have_count(1)
    assert_fits_phone(page)

    assert set(Business.objects.values_list("name", flat=True)) == {
        "Tempe Sanan Pak Darto",
        "Batik Tulis Celaket",
        "Rias Pengantin Bu Endah",
    }
    assert set(Business.objects.values_list("status", flat=True)) == {Status.VERIFIED}
    tempe = Business.objects.get(nib="9120101111111")
    assert tempe.capital == 10_000_000 and tempe.phone == "+6281333001111"
    assert tempe.village.name == "Purwantoro" and tempe.owner is None
    batik = Business.objects.get(name="Batik Tulis Celaket")
    assert list(batik.agencies.values_list("code", flat=True)) == ["DISKOPINDAG"]
    assert Business.objects.get(name="Rias Pengantin Bu Endah").sector == "lainnya"
    real = ImportJob.objects.exclude(pk=dry.pk).get()
    assert not real.dry_run and (real.created, real.rejected) == (3, 3)

    # The new businesses are in the officer's registry.
    open_menu(page, "Registri UMKM")
    registry_count(page, 3)
    assert page.js_errors == []


# --- 4. registered on the owner's behalf, then claimed -------------------------------------------
def test_operator_registers_for_the_owner_who_then_claims_it(phone_page, another_phone, operator):
    desk = phone_page
    log_in(desk, operator)
    open_menu(desk, "Registri UMKM")
    assert_fits_phone(desk)
    desk.get_by_role("link", name="Daftarkan usaha warga").click()
    expect(desk).to_have_url(re.compile(r"/umkm/daftar/\?atas_nama=1$"))
    expect(desk.locator("h1")).to_have_text("Daftarkan usaha warga")
    assert_fits_phone(desk)
    # Nothing of the operator's own is offered as the owner's.
    expect(desk.get_by_label("Nama pemilik (sesuai KTP)")).to_have_value("")
    expect(desk.get_by_label("Nomor HP usaha")).to_have_value("")

    desk.get_by_label("Nama usaha", exact=True).fill("Bakso Kota Cak Hadi")
    desk.get_by_label("Sektor").select_option(label="Makanan & minuman")
    desk.get_by_label("Nama pemilik (sesuai KTP)").fill("Hadi Santoso")
    desk.get_by_label("NIK pemilik").fill("3573021203800001")
    desk.get_by_label("Nomor HP usaha").fill("0857 1111 2222")
    # Only the kelurahan of the operator's kecamatan are offered.
    kelurahan = desk.get_by_label("Kelurahan", exact=True)
    expect(kelurahan.locator("option", has_text="Sumbersari")).to_have_count(0)
    expect(kelurahan.locator("optgroup")).to_have_count(1)
    desk.get_by_label(DISKOPINDAG).check()
    desk.get_by_label("Pemilik sudah menyetujui usahanya didaftarkan dan datanya diproses").check()
    desk.get_by_label("Bukti persetujuan").fill(
        "Formulir persetujuan ditandatangani di Kelurahan Samaan, 12/03/2026"
    )
    kelurahan.select_option(label="Samaan")
    desk.get_by_role("button", name="Simpan").click()
    expect(desk.get_by_text("Usaha Bakso Kota Cak Hadi tersimpan sebagai draf.")).to_be_visible()
    expect(desk.get_by_text("belum diklaim")).to_be_visible()
    expect(desk.locator("dt:has-text('Persetujuan pemilik') + dd")).to_contain_text(
        "Formulir persetujuan ditandatangani di Kelurahan Samaan, 12/03/2026"
    )
    business = Business.objects.get()
    assert business.owner is None and business.registered_by == operator
    assert business.phone == "+6285711112222" and business.consent_at is not None
    assert business.source == "operator"
    assert desk.js_errors == []

    # The owner makes an account with the same phone number.
    owner = another_phone()
    owner.goto("/akun/daftar/")
    owner.get_by_label("Nama lengkap").fill("Hadi Santoso")
    owner.get_by_label("Nomor HP").fill("085711112222")
    owner.get_by_label("Kata sandi", exact=True).fill("bakso-kota-enak")
    owner.get_by_label("Ulangi kata sandi").fill("bakso-kota-enak")
    owner.get_by_label("Saya sudah membaca dan menyetujui Pemberitahuan Privasi").check()
    owner.get_by_role("button", name="Daftar").click()
    expect(owner.get_by_text("Selamat datang, Hadi Santoso!")).to_be_visible()
    # A claim relies on the phone: the owner proves it with the code the SMS brings.
    expect(owner.locator("h1")).to_have_text("Verifikasi nomor HP")
    owner.get_by_role("button", name="Kirim kode lewat SMS").click()
    expect(owner.get_by_text("Kode dikirim lewat SMS")).to_be_visible()
    owner.get_by_label("Kode dari SMS").fill(_sms_code())
    owner.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(owner.get_by_text("Nomor HP Anda terverifikasi.")).to_be_visible()
    # An account without a business starts from "Mulai jualan", whose first step sees the
    # business registered with this phone and leads to the claim instead.
    open_menu(owner, "Mulai jualan")
    owner.get_by_role("link", name="Klaim usaha itu").click()
    expect(owner).to_have_url(re.compile(r"/umkm/klaim/$"))
    card = owner.locator("form", has_text="Bakso Kota Cak Hadi")
    expect(card.get_by_text("Hadi Santoso · Samaan, Kec. Klojen")).to_be_visible()
    assert_fits_phone(owner)

    card.get_by_label("NIK Anda (sesuai KTP)").fill("3573021203800009")
    card.get_by_role("button", name="Klaim usaha ini").click()
    expect(owner.get_by_text("NIK tidak cocok dengan data usaha.")).to_be_visible()
    # The NIK typed stays in the field, so the owner can see which digit was wrong.
    expect(owner.get_by_label("NIK Anda (sesuai KTP)")).to_have_value("3573021203800009")
    business.refresh_from_db()
    assert business.owner is None

    card = owner.locator("form", has_text="Bakso Kota Cak Hadi")
    card.get_by_label("NIK Anda (sesuai KTP)").fill("3573021203800001")
    card.get_by_role("button", name="Klaim usaha ini").click()
    expect(
        owner.get_by_text("Usaha Bakso Kota Cak Hadi sekarang terhubung ke akun Anda.")
    ).to_be_visible()
    expect(owner.locator("h1")).to_have_text("Bakso Kota Cak Hadi")
    expect(owner.get_by_text("belum diklaim")).to_have_count(0)
    hadi = User.objects.get(phone="+6285711112222")
    business.refresh_from_db()
    assert business.owner == hadi and business.claimed_at is not None
    assert Claim.objects.get(business=business).state == Claim.State.APPROVED
    assert "seller" in hadi.role_names
    # Now a seller, the owner has "Usaha saya" in the menu, with the business in it.
    open_menu(owner, "Usaha saya")
    expect(owner.get_by_role("link", name="Bakso Kota Cak Hadi")).to_be_visible()
    expect(owner.get_by_role("link", name="Klaim usaha yang didaftarkan petugas")).to_have_count(0)
    assert owner.js_errors == []
