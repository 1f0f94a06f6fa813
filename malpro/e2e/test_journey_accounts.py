import pytest
from playwright.sync_api import expect

from malpro.accounts.models import User
from malpro.e2e.journey import log_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_citizen_signs_up_logs_out_logs_in_and_changes_password(phone_page):
    page = phone_page
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Belanja produk UMKM kota sendiri")
    page.get_by_role("link", name="Daftar sekarang").click()

    page.get_by_label("Nama lengkap").fill("Eka Warga Sukun")
    page.get_by_label("Nomor HP").fill("0857 1234 5678")
    page.get_by_label("Kata sandi", exact=True).fill("kopi-tubruk-malang")
    page.get_by_label("Ulangi kata sandi").fill("kopi-tubruk-salah")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Kedua kata sandi tidak sama.")).to_be_visible()

    page.get_by_label("Kata sandi", exact=True).fill("kopi-tubruk-malang")
    page.get_by_label("Ulangi kata sandi").fill("kopi-tubruk-malang")
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Setujui Pemberitahuan Privasi untuk mendaftar.")).to_be_visible()
    page.get_by_label("Kata sandi", exact=True).fill("kopi-tubruk-malang")
    page.get_by_label("Ulangi kata sandi").fill("kopi-tubruk-malang")
    page.get_by_label("Saya sudah membaca dan menyetujui Pemberitahuan Privasi").check()
    page.get_by_role("button", name="Daftar").click()
    expect(page.get_by_text("Selamat datang, Eka Warga Sukun!")).to_be_visible()
    # The number is proved at once, with the code the SMS brings.
    expect(page.locator("h1")).to_have_text("Verifikasi nomor HP")
    page.get_by_role("button", name="Kirim kode lewat SMS").click()
    expect(page.get_by_text("Kode dikirim lewat SMS")).to_be_visible()
    page.get_by_label("Kode dari SMS").fill("000000" if _code() != "000000" else "111111")
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(page.get_by_text("Kode salah. Sisa 4 kali percobaan.")).to_be_visible()
    page.get_by_label("Kode dari SMS").fill(_code())
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(page.get_by_text("Nomor HP Anda terverifikasi.")).to_be_visible()
    expect(page.get_by_text("0857-1234-5678")).to_be_visible()
    expect(page.get_by_text("terverifikasi", exact=True)).to_be_visible()
    assert User.objects.get(phone="+6285712345678").role_names == ["buyer"]

    log_out(page)
    page.get_by_role("link", name="Masuk").first.click()
    page.get_by_label("Nomor HP").fill("+62 857-1234-5678")
    page.get_by_label("Kata sandi").fill("salah")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Nomor HP atau kata sandi salah.")).to_be_visible()
    page.get_by_label("Kata sandi").fill("kopi-tubruk-malang")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Akun saya")

    page.get_by_role("link", name="Ganti kata sandi").click()
    page.get_by_label("Kata sandi lama").fill("kopi-tubruk-malang")
    page.get_by_label("Kata sandi baru", exact=True).fill("rawon-nguling-enak")
    page.get_by_label("Ulangi kata sandi baru").fill("rawon-nguling-enak")
    page.get_by_role("button", name="Ganti kata sandi").click()
    expect(page.get_by_text("Kata sandi diganti.")).to_be_visible()
    assert User.objects.get(phone="+6285712345678").check_password("rawon-nguling-enak")
    assert page.js_errors == []


def test_a_forgotten_password_is_reset_with_a_code_and_other_devices_are_logged_out(phone_page):
    from malpro.conftest import make_user

    make_user("081234509876", "Bu Warsini")
    page = phone_page
    page.goto("/akun/masuk/")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    page.get_by_label("Nomor HP akun Anda").fill("0812-3450-9876")
    page.get_by_role("button", name="Kirim kode").click()
    expect(page.get_by_text("kode sudah dikirim lewat SMS")).to_be_visible()
    page.get_by_label("Kode dari SMS").fill(_code())
    page.get_by_label("Kata sandi baru", exact=True).fill("pecel-madiun-77")
    page.get_by_label("Ulangi kata sandi baru").fill("pecel-madiun-77")
    page.get_by_role("button", name="Simpan kata sandi baru").click()
    expect(page.get_by_text("Kata sandi baru tersimpan.")).to_be_visible()
    page.get_by_label("Nomor HP").fill("0812-3450-9876")
    page.get_by_label("Kata sandi").fill("pecel-madiun-77")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("h1")).to_have_text("Akun saya")
    page.get_by_role("link", name="perangkat yang masuk").click()
    expect(page.get_by_text("perangkat ini")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal scroll on a phone: {width}px"
    page.get_by_role("button", name="Keluar dari semua perangkat").click()
    expect(page.locator("h1")).to_have_text("Masuk")
    assert page.js_errors == []


def _code() -> str:
    import re

    from malpro.notifications import sms

    assert sms.outbox, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)


def test_the_page_fits_a_phone_screen_and_switches_to_english(phone_page):
    page = phone_page
    page.goto("/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal scroll on a phone: {width}px"
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Shop from your own city's small businesses")
    assert page.js_errors == []
