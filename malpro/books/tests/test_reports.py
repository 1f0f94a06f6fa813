"""The book's report: its figures equal the entries (the page, the XLSX cells, the PDF), the
"is my business growing" sentence, periods and their navigation, the chart."""

from __future__ import annotations

import datetime as dt
import io
import re
import zlib

import openpyxl
import pytest
from django.utils import timezone

from malpro.books import services
from malpro.books.selectors import MONTHS
from malpro.books.services import EntryInput, Line
from malpro.catalog.tests.factories import shop

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def add(seller, business, direction, category, amount, on, *, items=(), method="cash"):
    entry, _created = services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=EntryInput(
            direction=direction,
            category=category,
            amount=amount,
            occurred_on=on,
            method=method,
            items=list(items),
        ),
    )
    return entry


def last_month_start() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def book_with_entries(seller):
    """Last month: sales 150.000 (two days, one by QRIS), other income 20.000, capital
    100.000, stock 60.000, rent 25.000, prive 10.000; a kasbon of 40.000 of which 15.000 was
    paid (the payment is income too). The month before: sales 100.000, spending 50.000."""
    business = shop(seller, name="Warung Bu Sari")
    start = last_month_start()
    before = (start - dt.timedelta(days=1)).replace(day=1)
    add(seller, business, "in", "sales", 100_000, start, items=[Line(name="Kopi", quantity=10,
        total=30_000)])  # fmt: skip
    add(seller, business, "in", "sales", 50_000, start + dt.timedelta(days=2), method="qris")
    add(seller, business, "in", "other_income", 20_000, start + dt.timedelta(days=3))
    add(seller, business, "in", "capital_in", 100_000, start + dt.timedelta(days=3))
    add(seller, business, "out", "stock", 60_000, start + dt.timedelta(days=4))
    add(seller, business, "out", "operating", 25_000, start + dt.timedelta(days=5))
    add(seller, business, "out", "withdrawal", 10_000, start + dt.timedelta(days=6))
    contact = services.contact_create(
        actor=seller, business_id=business.pk, kind="customer", name="Bu Tini"
    )
    services.debt_create(
        actor=seller, business_id=business.pk, contact_id=contact.pk, amount=40_000,
        occurred_on=start + dt.timedelta(days=1),
    )  # fmt: skip
    services.contact_pay(
        actor=seller, business_id=business.pk, contact_id=contact.pk, amount=15_000,
        paid_on=start + dt.timedelta(days=7),
    )  # fmt: skip
    add(seller, business, "in", "sales", 100_000, before)
    add(seller, business, "out", "operating", 50_000, before + dt.timedelta(days=1))
    return business, start, before


# income 100+50+20+15 = 185.000; spending 60+25 = 85.000; profit 100.000
INCOME, SPENDING, PROFIT = 185_000, 85_000, 100_000
CASH_FLOW = INCOME + 100_000 - SPENDING - 10_000
RECEIVABLES = 25_000


def test_the_monthly_report_equals_the_entries(web, seller, book_with_entries):
    business, start, _before = book_with_entries
    response = web(seller).get(
        f"/buku/{business.pk}/laporan/", {"periode": "bulan", "tanggal": start.isoformat()}
    )
    page = text(response)
    label = f"{MONTHS[start.month - 1]} {start.year}"
    assert f"Laporan: {label}" in page
    for element_id, amount in (
        ("income", INCOME),
        ("spending", SPENDING),
        ("profit", PROFIT),
        ("cash-flow", CASH_FLOW),
        ("receivables", RECEIVABLES),
    ):
        shown = f"Rp{amount:,}".replace(",", ".")
        assert re.search(rf'id="{element_id}">\s*{re.escape(shown)}<', page), element_id
    assert "Kopi (10)" in page and "Rp30.000" in page  # top items
    assert "QRIS" in page  # by payment method
    # The chart: an image with a title and a description, then its table.
    assert 'role="img"' in page and f"<title>Pemasukan dan pengeluaran {label}</title>" in page
    assert "<desc>" in page and "Tabel angka grafik" in page


def test_the_growth_sentence_compares_with_the_month_before(web, seller, book_with_entries):
    business, start, before = book_with_entries
    page = text(
        web(seller).get(
            f"/buku/{business.pk}/laporan/", {"periode": "bulan", "tanggal": start.isoformat()}
        )
    )
    previous = f"{MONTHS[before.month - 1]} {before.year}"
    assert f"Pemasukan naik 85% dari {previous} (+Rp85.000)." in page
    assert f"Pengeluaran naik 70% dari {previous} (+Rp35.000)." in page
    assert f"Laba naik 100% dari {previous} (+Rp50.000)." in page
    assert "Ya, usaha Anda tumbuh." in page


def test_a_running_month_compares_with_as_many_days_and_says_so(web, seller):
    business = shop(seller)
    today = timezone.localdate()
    add(seller, business, "in", "sales", 10_000, today)
    page = text(web(seller).get(f"/buku/{business.pk}/laporan/"))
    assert "Apakah usaha saya tumbuh?" in page
    last_of_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
        days=1
    )
    if today != last_of_month:
        assert "Periode ini masih berjalan" in page
        assert "hari pertama periode sebelumnya" in page
    assert "belum ada catatan untuk dibandingkan" in page
    assert 'rel="next"' not in page  # no future period


def test_day_and_week_periods_and_their_navigation(web, seller, book_with_entries):
    business, start, _before = book_with_entries
    client = web(seller)
    day = text(client.get(f"/buku/{business.pk}/laporan/", {"periode": "hari",
        "tanggal": start.isoformat()}))  # fmt: skip
    assert re.search(r'id="income">\s*Rp100\.000<', day)
    previous = (start - dt.timedelta(days=1)).isoformat()
    following = (start + dt.timedelta(days=1)).isoformat()
    assert f"periode=hari&amp;tanggal={previous}" in day
    assert f"periode=hari&amp;tanggal={following}" in day
    week = text(client.get(f"/buku/{business.pk}/laporan/", {"periode": "minggu",
        "tanggal": start.isoformat()}))  # fmt: skip
    assert "Laporan:" in week and 'role="img"' in week


def test_bad_periods_are_field_errors_not_500s(web, seller):
    business = shop(seller)
    page = text(
        web(seller).get(f"/buku/{business.pk}/laporan/", {"periode": "tahun", "tanggal": "xx"})
    )
    assert 'aria-describedby="e-periode"' in page and 'aria-describedby="e-tanggal"' in page
    future = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    page = text(web(seller).get(f"/buku/{business.pk}/laporan/", {"tanggal": future}))
    assert "Tanggal tidak boleh di masa depan." in page


def test_the_xlsx_cells_are_the_figures(web, seller, book_with_entries):
    business, start, _before = book_with_entries
    response = web(seller).get(
        f"/buku/{business.pk}/laporan/unduh.xlsx",
        {"periode": "bulan", "tanggal": start.isoformat()},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(f'attachment; filename="buku-{business.pk}-')
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ringkasan", "Catatan", "Per kategori", "Per cara bayar"]
    summary = {row[0]: row[1:] for row in workbook["Ringkasan"].iter_rows(values_only=True)}
    assert summary["Pemasukan"][:2] == (INCOME, 100_000)
    assert summary["Pengeluaran"][:2] == (SPENDING, 50_000)
    assert summary["Laba"][0] == PROFIT
    assert summary["Piutang (kasbon pelanggan) di akhir periode"][0] == RECEIVABLES
    assert isinstance(summary["Pemasukan"][0], int)
    entries = list(workbook["Catatan"].iter_rows(values_only=True))[1:]
    assert len(entries) == 8  # seven entries and the kasbon payment
    signed = sum(r[4] if r[1] == "Pemasukan" else -r[4] for r in entries)
    assert signed == CASH_FLOW
    categories = {r[1]: r[2] for r in workbook["Per kategori"].iter_rows(values_only=True)}
    assert categories["Penjualan"] == 165_000 and categories["Beli stok/bahan"] == 60_000


def _pdf_text(data: bytes) -> str:
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            chunks.append(stream.decode("latin-1"))
    return "\n".join(chunks)


def test_the_pdf_is_a_pdf_with_the_totals(web, seller, book_with_entries):
    business, start, _before = book_with_entries
    response = web(seller).get(
        f"/buku/{business.pk}/laporan/unduh.pdf", {"periode": "bulan", "tanggal": start.isoformat()}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    content = _pdf_text(response.content)
    for amount in (INCOME, SPENDING, PROFIT, RECEIVABLES):
        assert f"Rp{amount:,}".replace(",", ".") in content
    assert "Apakah usaha saya tumbuh?" in content and "Pemasukan naik 85%" in content


def test_a_shop_name_outside_latin_1_does_not_break_the_pdf(web, seller):
    business = shop(seller, name="Warung 小吃 – Sari")
    add(seller, business, "in", "sales", 5_000, timezone.localdate())
    response = web(seller).get(f"/buku/{business.pk}/laporan/unduh.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert web(seller).get(f"/buku/{business.pk}/laporan/unduh.csv").status_code == 404


def test_the_agency_sees_the_same_figures_as_the_owner(web, seller, officer, book_with_entries):
    business, start, _before = book_with_entries
    agency = business.agencies.get()
    services.share_grant(actor=seller, business_id=business.pk, agency_id=agency.pk, agreed=True)
    query = {"periode": "bulan", "tanggal": start.isoformat()}
    page = text(web(officer).get(f"/buku/dibagikan/{business.pk}/", query))
    for element_id, amount in (("income", INCOME), ("spending", SPENDING), ("profit", PROFIT)):
        shown = f"Rp{amount:,}".replace(",", ".")
        assert re.search(rf'id="{element_id}">\s*{re.escape(shown)}<', page), element_id
    assert "Bu Tini" not in page and "Kopi" not in page  # no customers, no items
    listing = text(web(officer).get("/buku/dibagikan/", query))
    assert "Warung Bu Sari" in listing and "Rp185.000" in listing
    export = web(officer).get("/buku/dibagikan/", {**query, "unduh": "xlsx"})
    assert export["Content-Disposition"].startswith('attachment; filename="ringkasan-buku-bulan-')
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Warung Bu Sari" and rows[1][3:7] == (INCOME, SPENDING, PROFIT, 25_000)
