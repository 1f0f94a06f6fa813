"""GET /api/v1/dashboard/summary: who sees which scope, and figures equal to the orders."""

import pytest
from django.utils import timezone

from malpro.dashboard import equity
from malpro.dashboard.tests.helpers import KLOJEN_VILLAGE, sale, shop

pytestmark = pytest.mark.django_db

URL = "/api/v1/dashboard/summary"


def this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


@pytest.fixture
def sales(buyer, other_buyer, seller, other_seller):
    """Two sellers this month: one in Lowokwaru guided by Diskopindag, one in Klojen guided by
    Dispangtan."""
    a = shop(seller)
    b = shop(other_seller, village=KLOJEN_VILLAGE, agencies=("DISPANGTAN",))
    orders_a = [sale(buyer, a, 30_000), sale(other_buyer, a, 50_000)]
    orders_b = [sale(buyer, b, 20_000)]
    return a, b, orders_a, orders_b


@pytest.mark.parametrize("role", ["city_admin", "leadership", "auditor"])
def test_city_roles_see_the_whole_city(request, api, sales, role):
    _a, _b, orders_a, orders_b = sales
    response = api(request.getfixturevalue(role)).get(URL, {"period": this_month()})
    assert response.status_code == 200, response.content
    body = response.json()
    total_a = sum(o.total for o in orders_a)
    total_b = sum(o.total for o in orders_b)
    kpis = body["kpis"]
    assert kpis["gmv"] == total_a + total_b
    assert kpis["orders"] == 3
    assert kpis["buyers"] == 2
    assert kpis["sellers_with_sales"] == 2
    assert kpis["active_sellers"] == 2
    assert kpis["zero_sale_sellers"] == 0
    assert kpis["gini"] == equity.gini([total_a, total_b])
    # two sellers, a = 80,000 and b = 20,000: G = |a−b| / (2·n·mean) = 60,000 / 200,000
    assert (total_a, total_b) == (80_000, 20_000)
    assert kpis["gini"] == pytest.approx(0.3)
    assert kpis["top10_share"] == 1.0
    assert body["period"] == this_month()
    assert body["scope"] == {"label": "Seluruh kota", "agency": None, "kecamatan": None}
    assert body["previous"]["kpis"]["gmv"] == 0
    assert body["generated_at"]


def test_a_city_role_may_narrow_to_an_agency_and_a_kecamatan(api, city_admin, sales):
    _a, _b, orders_a, orders_b = sales
    client = api(city_admin)
    by_agency = client.get(URL, {"period": this_month(), "agency": "DISPANGTAN"}).json()
    assert by_agency["kpis"]["gmv"] == sum(o.total for o in orders_b)
    assert by_agency["scope"]["agency"] == "DISPANGTAN"
    by_area = client.get(URL, {"period": this_month(), "kecamatan": "35.73.05"}).json()
    assert by_area["kpis"]["gmv"] == sum(o.total for o in orders_a)
    assert by_area["scope"]["kecamatan"] == "35.73.05"


def test_an_officer_sees_their_agency_and_not_another(api, officer, sales):
    _a, _b, orders_a, _orders_b = sales
    client = api(officer)
    own = client.get(URL, {"period": this_month()})
    assert own.status_code == 200
    assert own.json()["kpis"]["gmv"] == sum(o.total for o in orders_a)
    assert own.json()["kpis"]["orders"] == 2
    assert client.get(URL, {"agency": "DISKOPINDAG"}).status_code == 200
    other = client.get(URL, {"period": this_month(), "agency": "DISPANGTAN"})
    assert other.status_code == 403
    assert other.json()["message"]


def test_an_operator_sees_their_area(api, operator, sales):
    _a, _b, _orders_a, orders_b = sales
    client = api(operator)
    own = client.get(URL, {"period": this_month()})
    assert own.status_code == 200
    assert own.json()["kpis"]["gmv"] == sum(o.total for o in orders_b)
    assert client.get(URL, {"kecamatan": "35.73.05"}).status_code == 403


@pytest.mark.parametrize("role", ["buyer", "seller", "asn_user"])
def test_people_without_a_dashboard_are_refused(request, api, role):
    response = api(request.getfixturevalue(role)).get(URL, {"period": this_month()})
    assert response.status_code == 403
    assert response.json()["message"]


def test_anonymous_must_sign_in(api):
    assert api().get(URL, {"period": this_month()}).status_code == 401


@pytest.mark.parametrize("period", ["2026-13", "november", "2999-01", "26-11"])
def test_a_bad_period_is_a_field_error(api, city_admin, period):
    response = api(city_admin).get(URL, {"period": period})
    assert response.status_code == 422
    assert "period" in response.json()["extra"]["fields"]


@pytest.mark.parametrize(
    "params, field", [({"agency": "NOPE"}, "agency"), ({"kecamatan": "Atlantis"}, "kecamatan")]
)
def test_unknown_agency_or_kecamatan_is_a_field_error(api, city_admin, params, field):
    response = api(city_admin).get(URL, params)
    assert response.status_code == 422
    assert field in response.json()["extra"]["fields"]


def test_quarter_and_year_are_accepted(api, city_admin, sales):
    _a, _b, orders_a, orders_b = sales
    total = sum(o.total for o in orders_a + orders_b)
    today = timezone.localdate()
    client = api(city_admin)
    for period in (f"{today.year}-Q{(today.month - 1) // 3 + 1}", f"{today.year}"):
        body = client.get(URL, {"period": period}).json()
        assert body["period"] == period
        assert body["kpis"]["gmv"] == total


def test_the_openapi_spec_documents_the_summary(api):
    spec = api().get("/api/v1/openapi.json").json()
    operation = spec["paths"][URL]["get"]
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    kpis = spec["components"]["schemas"]["KpisOut"]["properties"]
    for name in ("gini", "top10_share", "micro_share", "gmv", "orders", "active_sellers"):
        assert name in kpis
