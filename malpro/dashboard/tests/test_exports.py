"""The dashboard's exports: the same table as the page, raw numbers, same access."""

import io

import pytest
from django.utils import timezone

from malpro.accounts.models import Agency
from malpro.core import tabular
from malpro.dashboard import access, periods, tables
from malpro.dashboard.tables import Data
from malpro.dashboard.tests.test_pages import sales  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def read(response, ext: str):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    table = tabular.open_table(io.BytesIO(content), f"x.{ext}")
    try:
        return table.headers, [cells for _n, cells in table.rows]
    finally:
        table.close()


def same(text: str):
    """A cell read back, as a number when it is one (CSV writes 0.0, XLSX gives 0)."""
    try:
        return float(text)
    except ValueError:
        return text


def expected(user, key, **filters):
    scope = access.scope_for(user=user, **filters)
    table = tables.build(key, Data(scope, periods.current()))
    return table.header, [[same(tabular.cell_text(v)) for v in row] for row in table.rows]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("key", ["kpi", "per-kecamatan", "10-teratas", "pemerataan", "deret"])
def test_an_export_equals_the_table(web, city_admin, sales, key, ext):  # noqa: F811
    response = web(city_admin).get(f"/dasbor/ekspor/{key}.{ext}")
    assert response.status_code == 200
    month = timezone.localdate().strftime("%Y-%m")
    assert f'filename="dasbor-{key}-{month}-kota.{ext}"' in response["Content-Disposition"]
    headers, rows = read(response, ext)
    want_headers, want_rows = expected(city_admin, key)
    assert headers == want_headers
    assert [[same(c) for c in r[: len(want_headers)]] for r in rows] == want_rows
    assert len(rows) == len(want_rows) > 0


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_money_is_exported_as_whole_rupiah(web, city_admin, sales, ext):  # noqa: F811
    lowokwaru = sum(o.total for o in sales["orders"][:3])
    _headers, rows = read(web(city_admin).get(f"/dasbor/ekspor/per-kecamatan.{ext}"), ext)
    by_area = {r[0]: r for r in rows}
    assert by_area["Lowokwaru"][1] == str(lowokwaru)  # no "Rp", no dots
    assert by_area["Lowokwaru"][2] == "3"
    assert by_area["Klojen"][1] == str(sales["orders"][3].total)


def test_an_officer_exports_only_their_scope(web, officer, sales):  # noqa: F811
    _headers, rows = read(web(officer).get("/dasbor/ekspor/10-teratas.csv"), "csv")
    assert [r[1] for r in rows] == ["Keripik Bu Sari"]
    response = web(officer).get("/dasbor/ekspor/10-teratas.csv")
    assert "a" in response["Content-Disposition"].split("-kota")[0]  # the scope key, not "kota"
    other = Agency.objects.get(code="DISPANGTAN")
    assert web(officer).get(f"/dasbor/ekspor/10-teratas.xlsx?opd={other.pk}").status_code == 403


def test_exports_need_the_dashboard(web, buyer, operator):
    assert web().get("/dasbor/ekspor/kpi.csv").status_code == 302
    assert web(buyer).get("/dasbor/ekspor/kpi.csv").status_code == 403
    assert web(operator).get("/dasbor/ekspor/kepatuhan-asn.csv").status_code == 403
    assert web(operator).get("/dasbor/ekspor/bagian/asn.xlsx").status_code == 403
    assert web(operator).get("/dasbor/ekspor/tidak-ada.csv").status_code == 404


def test_a_bad_period_in_an_export_is_a_422(web, city_admin):
    response = web(city_admin).get("/dasbor/ekspor/kpi.csv?periode=2026-13")
    assert response.status_code == 422
    assert "Periode harus berbentuk" in response.content.decode()


def test_a_section_workbook_has_a_sheet_per_table(web, city_admin, sales):  # noqa: F811
    import openpyxl  # reading back only

    response = web(city_admin).get("/dasbor/ekspor/bagian/uang.xlsx?kecamatan=35.73.05")
    assert response.status_code == 200
    assert "bagian-uang" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(book.sheetnames) == len(tables.SECTIONS["uang"][1])
    top = book[book.sheetnames[-1]]
    values = list(top.iter_rows(values_only=True))
    assert values[1][1] == "Keripik Bu Sari" and isinstance(values[1][2], int)


def test_labels_with_markup_are_plain_text_in_exports(web, city_admin, seller, buyer):
    from malpro.asn.tests.factories import complete_order, delivering_shop, product

    shop = delivering_shop(seller, name='=HYPERLINK("x") <b>Toko</b>')
    complete_order(buyer, product(shop, "Kopi", price=20_000), key="x1", fast=True)
    _headers, rows = read(web(city_admin).get("/dasbor/ekspor/10-teratas.csv"), "csv")
    assert rows[0][1] == '\'=HYPERLINK("x") <b>Toko</b>'
