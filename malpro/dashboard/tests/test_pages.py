"""The dashboard pages through HTTP: who sees what, filters, figures equal to the orders."""

import re

import pytest

from malpro.accounts.models import Agency
from malpro.asn.tests.factories import complete_order, delivering_shop, product
from malpro.orders.models import Order

pytestmark = pytest.mark.django_db

SECTIONS = [
    "/dasbor/",
    "/dasbor/umkm/",
    "/dasbor/uang/",
    "/dasbor/pemerataan/",
    "/dasbor/asn/",
    "/dasbor/operasional/",
    "/dasbor/sosialisasi/",
    "/dasbor/wilayah/",
]


def rp(amount: int) -> str:
    return f"Rp{amount:,}".replace(",", ".")


@pytest.fixture
def sales(seller, other_seller, buyer, other_buyer):
    """Diskopindag's shop in Lowokwaru sells 3 orders; Dispangtan's shop in Klojen sells 1
    with an odd total that appears nowhere else."""
    mine = delivering_shop(seller, name="Keripik Bu Sari", agencies=("DISKOPINDAG",))
    theirs = delivering_shop(
        other_seller,
        name="Sambal Pak Joko",
        agencies=("DISPANGTAN",),
        village="35.73.02.1001",
    )
    chips = product(mine, "Keripik tempe", price=12_500, stock=50)
    sambal = product(theirs, "Sambal bawang", price=987_650, stock=50, category="keripik")
    orders = [
        complete_order(buyer, chips, 2, key="a1", fast=True),
        complete_order(other_buyer, chips, 1, key="a2", fast=True),
        complete_order(buyer, chips, 4, key="a3", fast=True),
        complete_order(other_buyer, sambal, 1, key="b1", fast=True),
    ]
    return {"mine": mine, "theirs": theirs, "orders": orders}


@pytest.mark.parametrize("path", SECTIONS)
def test_anonymous_is_sent_to_log_in(web, path):
    response = web().get(path)
    assert response.status_code == 302
    assert "/akun/masuk/" in response["Location"]


@pytest.mark.parametrize("persona", ["buyer", "seller", "asn_user"])
def test_people_without_a_dashboard_get_a_friendly_403(web, request, persona):
    response = web(request.getfixturevalue(persona)).get("/dasbor/")
    assert response.status_code == 403
    assert "Dasbor hanya untuk" in response.content.decode()


@pytest.mark.parametrize("persona", ["city_admin", "auditor", "leadership", "officer", "operator"])
def test_officials_see_every_section(web, request, persona, sales):
    client = web(request.getfixturevalue(persona))
    for path in SECTIONS:
        response = client.get(path)
        expected = 403 if (persona == "operator" and path == "/dasbor/asn/") else 200
        assert response.status_code == expected, (path, response.content.decode()[:500])


def test_the_menu_offers_the_dashboard_to_officials_only(web, city_admin, buyer):
    assert 'href="/dasbor/"' in web(city_admin).get("/").content.decode()
    assert 'href="/dasbor/"' not in web(buyer).get("/").content.decode()


def test_city_gmv_equals_the_completed_orders(web, city_admin, sales):
    total = sum(o.total for o in Order.objects.filter(status="completed"))
    assert total == sum(o.total for o in sales["orders"])
    page = web(city_admin).get("/dasbor/").content.decode()
    assert "Seluruh kota" in page
    card = re.search(r'Nilai transaksi \(GMV\)</p>\s*<p class="dash-value">([^<]+)<', page)
    assert card and card.group(1) == rp(total)
    assert ">4<" in page  # orders


def test_an_officer_sees_only_their_agencys_sales(web, officer, sales):
    mine = sum(o.total for o in sales["orders"][:3])
    theirs = sales["orders"][3].total
    label = f"UMKM binaan {Agency.objects.get(code='DISKOPINDAG').short_name}"
    for path in ("/dasbor/", "/dasbor/uang/", "/dasbor/wilayah/", "/dasbor/pemerataan/"):
        page = web(officer).get(path).content.decode()
        assert label in page, path
        assert rp(theirs) not in page, path
        assert "Sambal Pak Joko" not in page, path
    overview = web(officer).get("/dasbor/").content.decode()
    assert rp(mine) in overview
    assert 'name="opd"' not in overview  # one agency: nothing to choose


def test_the_operator_sees_only_their_area(web, operator, sales):
    theirs = sales["orders"][3].total
    page = web(operator).get("/dasbor/uang/").content.decode()
    assert "Wilayah" in page and "Klojen" in page
    assert rp(theirs) in page
    assert "Keripik Bu Sari" not in page
    assert rp(sum(o.total for o in sales["orders"][:3])) not in page
    assert 'href="/dasbor/asn/' not in page  # no ASN tab for an area


def test_filters_outside_ones_scope_are_refused(web, officer, operator, city_admin, sales):
    other = Agency.objects.get(code="DISPANGTAN")
    assert web(officer).get(f"/dasbor/?opd={other.pk}").status_code == 403
    assert web(operator).get("/dasbor/?kecamatan=35.73.05").status_code == 403
    assert web(officer).get(f"/dasbor/ekspor/kpi.csv?opd={other.pk}").status_code == 403
    narrowed = web(city_admin).get(f"/dasbor/uang/?opd={other.pk}").content.decode()
    assert "Sambal Pak Joko" in narrowed and "Keripik Bu Sari" not in narrowed


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("periode=2026-13", "e-periode", "Periode harus berbentuk"),
        ("periode=kemarin", "e-periode", "Periode harus berbentuk"),
        ("periode=2999-01", "e-periode", "belum dimulai"),
        ("kecamatan=Atlantis", "e-kecamatan", "Kecamatan tidak dikenal"),
        ("opd=TIDAKADA", "e-opd", "OPD tidak dikenal"),
        ("ukuran=berat", "e-ukuran", "Ukuran tidak dikenal"),
    ],
)
def test_a_bad_filter_shows_the_field_error(web, city_admin, query, field, message):
    path = "/dasbor/wilayah/" if "ukuran" in query else "/dasbor/"
    response = web(city_admin).get(f"{path}?{query}")
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="{field}"' in page and message in page


def test_periods_and_kecamatan_filter(web, city_admin, sales):
    client = web(city_admin)
    lowokwaru = client.get("/dasbor/?kecamatan=35.73.05").content.decode()
    assert "Kecamatan Lowokwaru" in lowokwaru
    assert rp(sum(o.total for o in sales["orders"][:3])) in lowokwaru
    year = client.get(f"/dasbor/?periode={sales['orders'][0].completed_at:%Y}").content.decode()
    assert rp(sum(o.total for o in sales["orders"])) in year
    quarter = client.get("/dasbor/uang/?periode=2026-Q1").content.decode()
    assert "Triwulan I 2026" in quarter and rp(sales["orders"][3].total) not in quarter


def test_equity_page_shows_gini_and_lorenz(web, city_admin, sales):
    page = web(city_admin).get("/dasbor/pemerataan/").content.decode()
    assert "Rasio Gini" in page
    assert page.count('role="img"') >= 1 and "<polyline" in page
    assert "stroke-dasharray" in page  # the equality diagonal


def test_names_from_users_are_escaped_in_charts_and_tables(web, city_admin, seller, buyer):
    shop = delivering_shop(seller, name="<script>alert(1)</script> Toko", agencies=("DISKOPINDAG",))
    complete_order(buyer, product(shop, "Kopi", price=20_000), key="x1", fast=True)
    page = web(city_admin).get("/dasbor/uang/").content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Toko" in page


def test_the_overview_query_count_is_bounded(
    web, city_admin, officer, buyer, sales, django_assert_max_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from malpro.accounts.roles import Role
    from malpro.conftest import make_user

    def count(client, path="/dasbor/"):
        cache.clear()  # the figures computed, not read from the cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    admin, agency = web(city_admin), web(officer)
    admin.get("/dasbor/")
    with django_assert_max_num_queries(20):
        admin.get("/dasbor/")
    before = {p: (count(admin, p), count(agency, p)) for p in ("/dasbor/", "/dasbor/uang/")}
    # More sellers, in more areas and agencies, with more orders: the same queries.
    others = [("35.73.01.1001", "DISKOPINDAG"), ("35.73.03.1001", "DISPANGTAN")]
    others.append(("35.73.04.1001", "DISKOPINDAG"))
    for n, (village, agency_code) in enumerate(others):
        owner = make_user(f"08123451100{n}", f"Penjual {n}", [(Role.SELLER, None, None)])
        shop = delivering_shop(owner, agencies=(agency_code,), village=village)
        item = product(shop, f"Barang {n}", price=10_000 + n, stock=20)
        for k in range(2):
            complete_order(buyer, item, 1, key=f"n{n}-{k}", fast=True)
    after = {p: (count(admin, p), count(agency, p)) for p in ("/dasbor/", "/dasbor/uang/")}
    assert after == before


def test_the_area_ranking_follows_the_chosen_measure(web, city_admin, sales):
    client = web(city_admin)

    def kecamatan_order(query):
        page = client.get(f"/dasbor/wilayah/?{query}").content.decode()
        assert "Peta belum tersedia" in page
        return page.split('id="h-wilayah-kecamatan"')[1].split("</section>")[0]

    block = kecamatan_order("ukuran=gmv")
    assert block.index("Klojen") < block.index("Lowokwaru")  # Rp987.650 before 3 small orders
    assert block.count('class="dash-shade"') == 5  # one bar per kecamatan of the city
    block = kecamatan_order("ukuran=orders")
    assert block.index("Lowokwaru") < block.index("Klojen")  # 3 orders before 1


def test_the_link_back_names_the_whole_previous_period(web, city_admin):
    from malpro.dashboard import periods

    body = web(city_admin).get("/dasbor/").content.decode()
    this_month = periods.current()
    assert f"‹ {this_month.previous().label}</a>" in body  # where the link goes
    assert this_month.compared().label in body  # what the figures are compared with
