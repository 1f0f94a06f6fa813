"""The city's dashboard in a phone-sized browser, in Indonesian: a city admin opens the
dashboard from the menu, reads this month's sales against last month's, picks last month and
then one kecamatan, opens the equity page (Gini, Lorenz curve) and downloads a table as CSV,
whose figures are the page's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from malpro.asn.tests.factories import complete_order, delivering_shop, product
from malpro.core import tabular
from malpro.dashboard import periods
from malpro.e2e.journey import open_menu

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("patient_expect"),
]


def rp(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


def test_an_admin_reads_the_dashboard_and_downloads_a_table(
    phone_page, sign_in, fits_phone, city_admin, buyer, seller, other_seller, tmp_path
):
    lowokwaru = delivering_shop(seller, name="Keripik Bu Sari")
    klojen = delivering_shop(other_seller, name="Sambal Pak Joko", village="35.73.02.1001")
    chips = product(lowokwaru, "Keripik tempe", price=12_500, stock=50)
    sambal = product(klojen, "Sambal bawang", price=40_000, stock=50)
    orders = [
        complete_order(buyer, chips, 2, key="j1", fast=True),
        complete_order(buyer, sambal, 1, key="j2", fast=True),
    ]
    total = sum(o.total for o in orders)
    this_month, last_month = periods.current(), periods.current().previous()

    page = phone_page
    sign_in(page, city_admin)
    open_menu(page, "Dasbor")
    expect(page.locator("h1")).to_have_text("Dasbor kota: Ringkasan")
    expect(page.locator(".dash-scope")).to_contain_text(f"Seluruh kota · {this_month.label}")
    gmv = page.locator(".dash-card", has_text="Nilai transaksi (GMV)")
    expect(gmv.locator(".dash-value")).to_have_text(rp(total))
    # Compared with as many days of last month as this one has had.
    compared = periods.current().compared()
    expect(gmv.locator(".dash-prev")).to_contain_text(f"{compared.label}: Rp0")
    expect(page.get_by_role("img", name="GMV penjualan per hari")).to_be_visible()
    fits_phone(page)

    # Last month: nothing was sold then.
    page.get_by_label("Periode").select_option(last_month.key)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(f"{page.url.split('?')[0]}?periode={last_month.key}&opd=&kecamatan=")
    expect(gmv.locator(".dash-value")).to_have_text("Rp0")

    # Back to this month, Klojen only.
    page.get_by_label("Periode").select_option(this_month.key)
    page.get_by_label("Kecamatan").select_option(label="Klojen")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator(".dash-scope")).to_contain_text("Kecamatan Klojen")
    expect(gmv.locator(".dash-value")).to_have_text(rp(orders[1].total))

    # The equity page keeps the filters.
    page.get_by_role("navigation", name="Bagian dasbor").get_by_role(
        "link", name="Pemerataan"
    ).click()
    expect(page.locator("h1")).to_have_text("Dasbor kota: Pemerataan")
    expect(page.locator(".dash-scope")).to_contain_text("Kecamatan Klojen")
    expect(page.locator(".dash-card", has_text="Rasio Gini")).to_be_visible()
    expect(page.get_by_role("img", name="Kurva Lorenz pendapatan penjual")).to_be_visible()
    fits_phone(page)

    block = page.locator("section", has=page.get_by_role("heading", name="Pemerataan"))
    with page.expect_download() as info:
        block.get_by_role("link", name="CSV").click()
    download = info.value
    name = download.suggested_filename  # the table, the period and the scope's key
    assert name.startswith(f"dasbor-pemerataan-{this_month.key}-d35.73.02") and name.endswith(
        ".csv"
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    table = tabular.open_table(path)
    rows = {cells[0]: cells for _n, cells in table.rows}
    table.close()
    assert table.headers[:3] == ["Indikator", this_month.label, compared.label]
    assert rows["Penjual dengan penjualan"][1] == "1"  # Klojen's one shop that sold
    assert page.js_errors == []
