"""A brand-new seller on a 360x740 phone (issue 18): signs up from "Mulai jualan" on the home
page, goes through the three steps (business essentials with the capital typed "5 juta", the
KTP photo, the first product with its photo), sees the status page; an officer verifies; the
owner opens the shop with one tap and sees the product live."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from malpro.accounts.models import User
from malpro.catalog.models import Product
from malpro.conftest import PASSWORD
from malpro.e2e.journey import assert_phone_ready
from malpro.umkm import services
from malpro.umkm.models import Business, Document, Status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("MALPRO_SHOTS") or Path(tempfile.gettempdir()) / "shots-seller")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ready(page, name: str) -> None:
    """Every page of the journey fits the phone, with thumb-sized controls; and a picture."""
    page.wait_for_load_state("load")
    assert_phone_ready(page)
    shot(page, name)


def _sms_code() -> str:
    from malpro.notifications import sms

    assert sms.outbox, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def test_new_seller_signs_up_registers_in_three_steps_and_opens_the_shop(
    phone_page, officer, tmp_path, patient_expect
):
    ktp = tmp_path / "ktp.jpg"
    Image.new("RGB", (320, 200), (40, 90, 160)).save(ktp, "JPEG", quality=80)
    photo = tmp_path / "keripik.png"
    Image.new("RGB", (400, 300), (190, 120, 40)).save(photo, "PNG")

    page = phone_page
    page.goto("/")
    ready(page, "01-home")
    page.locator(".onb-cta").get_by_role("link", name="Mulai jualan").click()

    # Sign-up says where it leads, then proves the number while the phone is in hand.
    expect(page.locator("h1")).to_have_text("Daftar akun")
    expect(page.get_by_text("langsung lanjut ke pendaftaran usaha")).to_be_visible()
    ready(page, "02-signup")
    page.get_by_label("Nama lengkap").fill("Bu Warsini")
    page.get_by_label("Nomor HP").fill("0857 2222 3333")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
    page.get_by_label("Saya sudah membaca dan menyetujui Pemberitahuan Privasi").check()
    page.get_by_role("button", name="Daftar").click()
    # The whole display name: "Bu" is a title, not a first name.
    expect(page.get_by_text("Selamat datang, Bu Warsini!")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Verifikasi nomor HP")
    ready(page, "03-verify")
    page.get_by_role("button", name="Kirim kode lewat SMS").click()
    page.get_by_label("Kode dari SMS").fill(_sms_code())
    page.get_by_role("button", name="Verifikasi", exact=True).click()

    # Step 1: only what submitting needs, each term explained, required marked.
    expect(page.get_by_text("Langkah 1 dari 3")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Data usaha")
    expect(page.get_by_text("Belum punya NIB? Bisa diurus gratis")).to_be_hidden()  # folded
    ready(page, "04-step1")
    page.get_by_label("Nama usaha").fill("Keripik Tempe Bu Warsini")
    page.get_by_label("Apa yang Anda jual?").select_option(label="Makanan & minuman")
    expect(page.get_by_label("Nama pemilik (sesuai KTP)")).to_have_value("Bu Warsini")
    page.get_by_label("Nama pemilik (sesuai KTP)").fill("Warsini")
    page.get_by_label("NIK pemilik").fill("3573054107850002")
    expect(page.get_by_label("Nomor HP usaha (WhatsApp)")).to_have_value("0857-2222-3333")
    kelurahan = page.get_by_label("Kelurahan")
    assert kelurahan.locator("optgroup").count() == 5  # grouped by kecamatan
    kelurahan.select_option(label="Sumbersari")
    page.get_by_label("Alamat usaha").fill("Jl. Sumbersari Gg. 3 No. 12")
    page.get_by_label("Modal usaha (Rp, tanpa tanah dan bangunan)").fill("lima")
    page.get_by_label("Belum tahu: pilihkan sesuai jenis usaha saya").check()
    page.get_by_text("Punya izin usaha?").click()
    expect(page.get_by_text("Belum punya NIB? Bisa diurus gratis")).to_be_visible()
    page.get_by_role("button", name="Simpan dan lanjut").click()
    capital = page.get_by_label("Modal usaha (Rp, tanpa tanah dan bangunan)")
    expect(capital).to_have_attribute("aria-invalid", "true")
    unreadable = "Modal usaha (Rp, tanpa tanah dan bangunan) tidak terbaca"
    expect(page.get_by_text(unreadable)).to_be_visible()
    ready(page, "05-step1-error")
    capital.fill("5 juta")
    page.get_by_role("button", name="Simpan dan lanjut").click()

    owner = User.objects.get(phone="+6285722223333")
    business = Business.objects.get(owner=owner)
    assert business.status == Status.DRAFT and business.capital == 5_000_000
    assert list(business.agencies.values_list("code", flat=True)) == ["DISKOPINDAG"]

    # Step 2: the KTP photo, what it is for, kept private.
    expect(page.get_by_text("Langkah 2 dari 3")).to_be_visible()
    expect(page.get_by_text("tidak pernah ditampilkan kepada pembeli").first).to_be_visible()
    ready(page, "06-step2")
    page.get_by_label("Foto KTP pemilik").set_input_files(ktp)
    page.get_by_role("button", name="Simpan dan lanjut").click()
    assert Document.objects.get(business=business).kind == Document.Kind.KTP

    # Step 3: the first product, its photo on the same page; no "SKU".
    expect(page.get_by_text("Langkah 3 dari 3")).to_be_visible()
    expect(page.get_by_text("SKU")).to_have_count(0)
    ready(page, "07-step3")
    page.get_by_label("Nama produk").fill("Keripik Tempe Pedas")
    page.get_by_label("Kategori").select_option(label="Keripik")
    page.get_by_label("Harga (Rp)").fill("15rb")
    page.get_by_label("Stok").fill("20")
    page.get_by_label("Foto produk").set_input_files(photo)
    page.get_by_role("button", name="Simpan produk").click()
    expect(page.get_by_text("Produk Keripik Tempe Pedas tersimpan dengan fotonya.")).to_be_visible()
    product = Product.objects.get(business=business)
    assert (product.price, product.stock, product.photos.count()) == (15_000, 20, 1)
    ready(page, "08-step3-saved")
    page.get_by_role("button", name="Ajukan verifikasi").click()

    # The status page: what happens next, who verifies, how long it usually takes.
    expect(page.get_by_text("Pendaftaran Keripik Tempe Bu Warsini diajukan.")).to_be_visible()
    expect(page.get_by_role("heading", name="Apa selanjutnya?")).to_be_visible()
    expect(page.get_by_text("Dinas Koperasi, Perindustrian dan Perdagangan")).to_be_visible()
    expect(page.get_by_text("1–3 hari kerja")).to_be_visible()
    ready(page, "09-status-submitted")
    status_url = page.url
    business.refresh_from_db()
    assert business.status == Status.SUBMITTED
    assert page.js_errors == []

    # The Diskopindag officer verifies it.
    services.business_transition(actor=officer, business_id=business.pk, to=Status.VERIFIED)

    # Back on the owner's phone: one tap opens the shop, and the product is live.
    page.goto(status_url)
    verified = page.get_by_role("heading", name="Sudah diverifikasi. Tinggal buka toko!")
    expect(verified).to_be_visible()
    ready(page, "10-status-verified")
    page.get_by_role("button", name="Buka toko sekarang").click()
    expect(page.get_by_text("Toko Keripik Tempe Bu Warsini sudah buka")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/umkm/profil/{business.pk}-keripik-tempe-bu-warsini/$"))
    expect(page.get_by_text("Keripik Tempe Pedas")).to_be_visible()
    ready(page, "11-shop-open")
    business.refresh_from_db()
    assert business.status == Status.ACTIVE and business.on_marketplace
    assert page.js_errors == []

    # "Produk saya", then the product's edit page: short on a phone (one price and stock form,
    # the photos, variants and history folded away).
    page.goto("/jual/produk/")
    expect(page.locator(".prod-list li", has_text="Keripik Tempe Pedas")).to_contain_text("Tayang")
    ready(page, "12-my-products")
    page.get_by_role("link", name="Keripik Tempe Pedas").click()
    expect(page.locator("h1")).to_have_text("Ubah produk")
    expect(page.get_by_label("Kode barang (opsional)")).to_be_hidden()  # behind "Lainnya"
    ready(page, "13-product-edit")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 2000, f"the product's edit page is {height}px tall at 360px"
    assert page.js_errors == []
