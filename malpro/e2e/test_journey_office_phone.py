"""Officers and operators on a 360x740 phone (issue 18): the Klojen operator filters the
registry and is offered only Klojen's kelurahan, the businesses lie one card each within the
screen; an agency officer reads the ASN report and the dashboard with months in words; a
seller opens a packing slip and prints it with the button, quantities in Indonesian."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from malpro.asn.tests.factories import complete_order, employee, policy
from malpro.asn.tests.factories import product as asn_product
from malpro.core import words
from malpro.dashboard import periods
from malpro.e2e.journey import assert_phone_ready
from malpro.orders.models import Order
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product
from malpro.regions.models import Village
from malpro.umkm.tests.factories import make_business

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]

SHOTS = Path(os.environ.get("MALPRO_SHOTS") or Path(tempfile.gettempdir()) / "shots-office")
KLOJEN = "35.73.02"


def ready(page, name: str) -> None:
    """Every page of the journey fits the phone with thumb-sized controls; and a picture."""
    page.wait_for_load_state("load")
    assert_phone_ready(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def option_values(page, name: str) -> list[str]:
    return page.eval_on_selector_all(
        f"select[name={name}] option", "options => options.map(o => o.value).filter(Boolean)"
    )


def test_operator_filters_the_registry_within_their_area(phone_page, sign_in, operator):
    samaan = "35.73.02.1005"
    make_business(village=samaan, name="Keripik Samaan", nib="9120101234567")
    make_business(village="35.73.02.1001", name="Batik Klojen Kidul", agencies=("DISPANGTAN",))
    make_business(village="35.73.05.1003", name="Usaha Lowokwaru")

    page = phone_page
    sign_in(page, operator)
    page.goto("/umkm/registri/")
    expect(page.locator("h1")).to_have_text("Registri UMKM")
    klojen = set(Village.objects.filter(district_id=KLOJEN).values_list("code", flat=True))
    assert set(option_values(page, "kelurahan")) == klojen
    assert option_values(page, "kecamatan") == [KLOJEN]
    expect(page.locator("select[name=kelurahan] optgroup")).to_have_attribute(
        "label", "Kec. Klojen"
    )
    cards = page.locator("tr.registry-card")
    expect(cards).to_have_count(2)  # Lowokwaru's business is outside the operator's area
    ready(page, "01-registry")

    page.get_by_label("Kelurahan").select_option(samaan)
    page.get_by_role("button", name="Terapkan").click()
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card).to_contain_text("Keripik Samaan")
    expect(card.locator("td[data-label=Status] .badge")).to_be_visible()
    # One card per business: a block as wide as the screen allows, nothing cut off.
    assert card.evaluate("el => getComputedStyle(el).display") == "block"
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    status = card.locator(".badge").bounding_box()
    assert status["x"] + status["width"] <= 360
    ready(page, "02-registry-filtered")

    # A kelurahan of another kecamatan typed into the address: refused next to the field.
    page.goto("/umkm/registri/?kelurahan=35.73.05.1003")
    expect(page.locator("#id_kelurahan_error")).to_contain_text("Di luar wilayah tugas Anda")
    expect(page.get_by_label("Kelurahan")).to_have_attribute("aria-invalid", "true")
    ready(page, "03-registry-refused")


def test_officer_reads_the_asn_report_and_the_dashboard_in_words(
    phone_page, sign_in, officer, seller, asn_user, tmp_path
):
    policy(default=100_000)
    employee(user=asn_user, agency="DISKOPINDAG")
    item = asn_product(
        delivering_shop(seller, name="Beras Bu Sari"), "Beras 5 kg", category="beras", price=70000
    )
    complete_order(asn_user, item, 2, key="o1", fast=True)
    month = periods.current()

    page = phone_page
    sign_in(page, officer)
    page.goto(f"/asn/laporan/?periode={month.key}")
    expect(page.locator("h1")).to_have_text("Kepatuhan belanja ASN di UMKM")
    expect(page.locator(".lead strong")).to_have_text(words.month_label(month.key))
    row = page.locator(".office-table tbody tr").first
    expect(row).to_contain_text("Diskopindag")
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    amount = row.locator("td[data-label=Dihitung]")
    expect(amount).to_have_text("Rp140.000")
    box = amount.bounding_box()
    assert box["x"] + box["width"] <= 360
    ready(page, "04-asn-report")

    # The import mapping names each column in words.
    sheet = tmp_path / "umkm.csv"
    sheet.write_text(
        "Nama UMKM;Pemilik;Kelurahan;Kolom lain\nKeripik Sari;Sari Wulandari;Samaan;x\n"
    )
    page.goto("/umkm/registri/impor/")
    page.get_by_label("Berkas CSV atau XLSX").set_input_files(str(sheet))
    page.get_by_role("button", name="Unggah dan periksa kolom").click()
    mapping = page.get_by_label("Nama UMKM")
    expect(mapping.locator("option:checked")).to_have_text("Nama usaha")
    expect(page.get_by_label("Kelurahan").locator("option:checked")).to_have_text(
        "Kelurahan (nama atau kode)"
    )
    expect(page.get_by_text("nama_usaha", exact=True)).to_have_count(0)
    ready(page, "05-import-mapping")

    page.goto("/dasbor/")
    expect(page.locator(".dash-scope")).to_contain_text(month.label)
    assert month.label == words.month_label(month.key)  # "November 2026", not 2026-11
    expect(page.get_by_label("Periode").locator("option:checked")).to_have_text(month.label)
    ready(page, "06-dashboard")


def test_seller_prints_a_packing_slip(phone_page, sign_in, seller, buyer):
    business = delivering_shop(seller, name="Keripik Sanan")
    chips = product(business, "Keripik Tempe", price=15000, stock=10, unit="pack")
    sambal = product(business, "Sambal Bawang", price=20000, stock=10, unit="pcs")
    fill_cart(buyer, (chips, 2), (sambal, 1))
    place(buyer, {business.pk: "delivery"})
    order = Order.objects.get()

    page = phone_page
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; }")
    sign_in(page, seller)
    page.goto(f"/jual/pesanan/{order.pk}/slip/")
    expect(page.locator("h1")).to_have_text("Keripik Sanan")
    expect(page.locator(".slip-qty").first).to_have_text("2 pak")
    expect(page.locator(".slip-qty").nth(1)).to_have_text("1 buah")
    button = page.get_by_role("button", name="Cetak slip")
    expect(button).to_be_visible()
    expect(page.locator("[data-print-fallback]")).to_be_hidden()
    ready(page, "07-packing-slip")
    button.click()
    assert page.evaluate("window.__printed") == 1
    assert not page.js_errors, page.js_errors
