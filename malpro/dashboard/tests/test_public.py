"""Open data: GET /api/v1/public/stats and the page /data/ publish aggregates only, hide
small counts (and amounts from few sellers or orders), need no sign-in, and cache per month."""

import itertools

import pytest

from malpro.conftest import make_user
from malpro.dashboard import periods
from malpro.dashboard.tests.helpers import KLOJEN_VILLAGE, LOWOKWARU_VILLAGE, sale, shop
from malpro.umkm.models import Business

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/stats"
BLIMBING_VILLAGE = "35.73.01.1005"
_phones = itertools.count(1)


def this_month() -> str:
    return periods.current().key


def sellers_in(village: str, n: int, buyers, price: int = 10_000) -> list:
    """n shops in `village`, each with one completed order; returns the orders."""
    done = []
    for i in range(n):
        owner = make_user(f"08129900{next(_phones):04d}", f"Penjual Rahasia {village} {i}")
        business = shop(owner, village=village)
        done.append(sale(buyers[i % len(buyers)], business, price + 1_000 * i))
    return done


def row(rows, code):
    return next(r for r in rows if r["code"] == code)


def test_a_kecamatan_with_three_sellers_is_hidden_and_others_are_published(api, buyer, other_buyer):
    buyers = [buyer, other_buyer]
    lowokwaru = sellers_in(LOWOKWARU_VILLAGE, 5, buyers)
    klojen = sellers_in(KLOJEN_VILLAGE, 3, buyers)
    blimbing = sellers_in(BLIMBING_VILLAGE, 2, buyers)
    response = api().get(URL, {"period": this_month()})
    assert response.status_code == 200, response.content
    body = response.json()
    by = body["by_kecamatan"]
    assert row(by, "35.73.05") == {
        "code": "35.73.05",
        "name": "Lowokwaru",
        "sellers": 5,
        "orders": 5,
        "gmv": sum(o.total for o in lowokwaru),
        "suppressed": False,
    }
    for code in ("35.73.02", "35.73.01"):
        hidden = row(by, code)
        assert hidden["suppressed"] is True
        assert (hidden["sellers"], hidden["orders"], hidden["gmv"]) == (None, None, None)
        assert f"by_kecamatan.{code}" in body["suppressed"]
    kpis = body["kpis"]
    assert kpis["gmv"] == sum(o.total for o in lowokwaru + klojen + blimbing)
    assert kpis["orders"] == 10
    assert kpis["sellers_with_sales"] == 10
    assert kpis["buyers"] is None  # two buyers
    assert "kpis.buyers" in body["suppressed"]
    assert kpis["top10_share"] is None  # 10 sellers: would tell what the rest sold
    assert kpis["gini"] is not None
    assert body["threshold"] == 5
    assert body["funnel"]["recorded"] == 10
    this = row([{**m, "code": m["month"]} for m in body["gmv_by_month"]], this_month())
    assert this["gmv"] == kpis["gmv"]


def test_one_hidden_row_hides_another_so_it_cannot_be_subtracted(api, buyer, other_buyer):
    buyers = [buyer, other_buyer]
    sellers_in(LOWOKWARU_VILLAGE, 5, buyers)
    sellers_in(KLOJEN_VILLAGE, 3, buyers)
    body = api().get(URL, {"period": this_month()}).json()
    assert body["kpis"]["gmv"] is not None  # 8 sellers, 8 orders
    assert row(body["by_kecamatan"], "35.73.02")["gmv"] is None
    assert row(body["by_kecamatan"], "35.73.05")["gmv"] is None
    published = [r for r in body["by_kecamatan"] if r["gmv"]]
    assert published == []


def test_few_sellers_hide_every_amount(api, buyer, seller, other_seller):
    sale(buyer, shop(seller), 250_000)
    sale(buyer, shop(other_seller, village=KLOJEN_VILLAGE), 90_000)
    body = api().get(URL, {"period": this_month()}).json()
    for name in ("gmv", "aov", "orders", "sellers_with_sales", "gini", "micro_share"):
        assert body["kpis"][name] is None, name
        assert f"kpis.{name}" in body["suppressed"]
    assert all(r["gmv"] is None for r in body["by_kecamatan"] if r["suppressed"])
    assert all(not r["gmv"] for r in body["by_kecamatan"])
    assert all(r["gmv"] is None for r in body["by_category"])
    assert all(not r["gmv"] for r in body["by_scale"])
    assert "250000" not in str(body) and "90000" not in str(body)


def test_no_names_phones_or_nik_in_the_open_data(api, web, buyer, other_buyer):
    sellers_in(LOWOKWARU_VILLAGE, 6, [buyer, other_buyer])
    texts = [
        api().get(URL, {"period": this_month()}).content.decode(),
        web().get("/data/", {"periode": this_month()}).content.decode(),
        web().get("/data/unduh.csv", {"periode": this_month()}).content.decode(),
    ]
    secrets = [buyer.name, buyer.phone, other_buyer.phone, "Penjual Rahasia"]
    for business in Business.objects.all():
        secrets += [business.name, business.owner_name, business.owner_nik, business.phone]
        secrets += [business.owner.phone, business.phone.removeprefix("+62")]
    for text in texts:
        for secret in secrets:
            assert secret not in text, secret


def test_anonymous_sees_the_page_and_the_csv(web, buyer, other_buyer):
    sellers_in(LOWOKWARU_VILLAGE, 5, [buyer, other_buyer])
    page = web().get("/data/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Data terbuka" in text and "Lowokwaru" in text and "Apa yang dihitung" in text
    assert "Rp" in text
    csv = web().get("/data/unduh.csv", {"periode": this_month()})
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("bagian,kode,nama,penjual,pesanan,nilai_rupiah")
    assert any(line.startswith("by_kecamatan,35.73.05,Lowokwaru,5,5,") for line in lines)


def test_the_footer_links_to_the_open_data(web):
    assert 'href="/data/"' in web().get("/").content.decode()


@pytest.mark.parametrize("period", ["2026-13", "2026-Q4", "2026", "nanti"])
def test_a_bad_period_is_a_field_error(api, period):
    response = api().get(URL, {"period": period})
    assert response.status_code == 422
    assert "period" in response.json()["extra"]["fields"]


def test_a_future_month_is_refused(api, web):
    future = periods.current().next().key
    response = api().get(URL, {"period": future})
    assert response.status_code == 422
    assert "period" in response.json()["extra"]["fields"]
    assert web().get("/data/", {"periode": future}).status_code == 422
    assert web().get("/data/unduh.csv", {"periode": future}).status_code == 422


def test_the_cache_keeps_a_month_and_does_not_leak_into_another(api, buyer, other_buyer):
    sellers_in(LOWOKWARU_VILLAGE, 5, [buyer, other_buyer])
    now = api().get(URL, {"period": this_month()}).json()
    before = periods.current().previous().key
    earlier = api().get(URL, {"period": before}).json()
    assert now["period"] == this_month() and earlier["period"] == before
    assert now["kpis"]["orders"] == 5
    assert earlier["kpis"]["orders"] == 0
    assert earlier["kpis"]["gmv"] == 0
    assert earlier["by_kecamatan"] != now["by_kecamatan"]
    # a sale after the first answer: the month's answer is cached for a few minutes
    sellers_in(KLOJEN_VILLAGE, 1, [buyer])
    assert api().get(URL, {"period": this_month()}).json()["kpis"]["orders"] == 5


def test_the_openapi_spec_documents_the_open_data(api):
    spec = api().get("/api/v1/openapi.json").json()
    operation = spec["paths"][URL]["get"]
    assert {"200", "422"} <= set(operation["responses"])
    assert not operation.get("security")


def test_a_hidden_count_cannot_be_worked_out_from_the_published_ones(api, buyer, other_buyer):
    sellers_in(LOWOKWARU_VILLAGE, 6, [buyer, other_buyer])
    idle = make_user(f"08129900{next(_phones):04d}", "Penjual Sepi")
    shop(idle, village=LOWOKWARU_VILLAGE)  # on the marketplace, no sale: 1 zero-sale seller
    kpis = api().get(URL, {"period": this_month()}).json()["kpis"]
    assert kpis["active_sellers"] == 7
    assert kpis["zero_sale_sellers"] is None
    assert kpis["sellers_with_sales"] is None  # else 7 − 6 = 1
    # No order was cancelled or rejected: 0 reveals no one, the rates stay published.
    assert kpis["cancel_rate"] == 0.0
