import datetime as dt

import pytest
from django.utils import timezone

from malpro.core.exceptions import ApplicationError, PermissionDenied
from malpro.dashboard import access, metrics, periods
from malpro.dashboard.tests.helpers import KLOJEN_VILLAGE, sale, shop
from malpro.orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db

BILLION = 1_000_000_000


@pytest.fixture
def city(buyer, other_buyer, seller, other_seller, make_user_with_shop):
    """Three active shops: A (micro, Diskopindag, Lowokwaru) sells 30,000 in two orders,
    B (small, Dispangtan, Klojen) 10,000, C (micro, Diskopindag) nothing."""
    a = shop(seller, annual_sales=BILLION // 2)
    b = shop(
        other_seller, annual_sales=3 * BILLION, village=KLOJEN_VILLAGE, agencies=("DISPANGTAN",)
    )
    c = shop(make_user_with_shop, annual_sales=BILLION // 2)
    sale(buyer, a, 20_000)
    sale(other_buyer, a, 10_000)
    sale(buyer, b, 5_000, quantity=2)
    return a, b, c


@pytest.fixture
def make_user_with_shop(db):
    from malpro.accounts.roles import Role
    from malpro.conftest import make_user

    return make_user("081234500099", "Bu Tini Penjual", [(Role.SELLER, None, None)])


def whole_city(user):
    return access.scope_for(user=user)


def test_summary_equals_the_completed_orders(city, city_admin):
    found = metrics.summary(whole_city(city_admin), periods.current())
    completed = Order.objects.filter(status=OrderStatus.COMPLETED)
    assert found.gmv == sum(o.total for o in completed) == 40_000
    assert found.orders == completed.count() == 3
    assert found.buyers == 2
    assert found.aov == 40_000 // 3
    assert found.cod_share == 1.0 and found.cashless_share == 0.0


def test_equity_figures_by_hand(city, city_admin):
    found = metrics.summary(whole_city(city_admin), periods.current())
    # Revenues 0, 10,000, 30,000: G = 2·(1·0 + 2·10,000 + 3·30,000)/(3·40,000) − 4/3 = 1/2.
    assert sorted(found.revenues) == [0, 10_000, 30_000]
    assert found.gini == 0.5
    assert found.top10_share == 1.0
    assert found.micro_share == 0.75  # A is micro, B is small
    assert (found.active_sellers, found.sellers_with_sales, found.zero_sale_sellers) == (3, 2, 1)
    assert found.lorenz()[-1] == (1.0, 1.0)


def test_an_officer_sees_only_the_agencys_binaan(city, officer, other_officer):
    mine = metrics.summary(access.scope_for(user=officer), periods.current())
    theirs = metrics.summary(access.scope_for(user=other_officer), periods.current())
    assert (mine.gmv, mine.active_sellers, mine.zero_sale_sellers) == (30_000, 2, 1)
    assert (theirs.gmv, theirs.active_sellers) == (10_000, 1)
    with pytest.raises(PermissionDenied):
        access.scope_for(user=officer, agency="DISPANGTAN")


def test_an_operator_sees_only_the_area(city, operator):
    klojen = metrics.summary(access.scope_for(user=operator), periods.current())
    assert (klojen.gmv, klojen.orders) == (10_000, 1)
    with pytest.raises(PermissionDenied):
        access.scope_for(user=operator, kecamatan="Lowokwaru")
    same = access.scope_for(user=operator, kecamatan="35.73.02")
    assert metrics.summary(same, periods.current()).gmv == 10_000


def test_the_city_can_narrow_to_an_agency_and_a_kecamatan(city, leadership):
    scope = access.scope_for(user=leadership, agency="DISKOPINDAG", kecamatan="lowokwaru")
    assert metrics.summary(scope, periods.current()).gmv == 30_000
    assert "Lowokwaru" in scope.label
    with pytest.raises(ApplicationError) as bad:
        access.scope_for(user=leadership, kecamatan="Atlantis")
    assert bad.value.extra["fields"]["kecamatan"]
    for odd in ("²", "99999999999999999999", "DINAS-X"):
        with pytest.raises(ApplicationError) as bad:
            access.scope_for(user=leadership, agency=odd)
        assert bad.value.extra["fields"]["agency"]


def test_people_without_an_official_role_have_no_dashboard(buyer, seller, asn_user):
    for user in (buyer, seller, asn_user):
        assert not access.can_view_dashboard(user=user)
        with pytest.raises(PermissionDenied):
            access.scope_for(user=user)


def test_breakdowns_add_up_to_the_total(city, city_admin):
    scope, period = whole_city(city_admin), periods.current()
    total = metrics.summary(scope, period).gmv
    by_district = metrics.breakdown(scope, period, "kecamatan")
    assert sum(r.gmv for r in by_district) == total
    assert len(by_district) == 5  # every kecamatan, those without sales as zero
    assert {r.label: r.gmv for r in by_district}["Klojen"] == 10_000
    lowokwaru = {r.label: r for r in by_district}["Lowokwaru"]
    assert (lowokwaru.orders, lowokwaru.buyers, lowokwaru.aov) == (2, 2, 15_000)
    assert lowokwaru.cashless_share == 0.0
    assert sum(r.gmv for r in metrics.breakdown(scope, period, "category")) == total  # pickup
    by_scale = {r.key: r.gmv for r in metrics.breakdown(scope, period, "scale")}
    assert (by_scale["micro"], by_scale["small"]) == (30_000, 10_000)
    agencies = {r.label: (r.gmv, r.sellers) for r in metrics.breakdown(scope, period, "agency")}
    assert agencies["Diskopindag"] == (30_000, 1) and agencies["Dispangtan"] == (10_000, 1)
    assert [r.gmv for r in metrics.top_sellers(scope, period)] == [30_000, 10_000]


def test_series_has_every_day_of_the_month(city, city_admin):
    period = periods.current()
    points = metrics.series(whole_city(city_admin), period)
    assert len(points) == len(period.days())
    assert sum(p.gmv for p in points) == 40_000
    year = metrics.series(whole_city(city_admin), periods.current("year"))
    assert len(year) == 12 and sum(p.gmv for p in year) == 40_000


def test_the_previous_period_is_compared(city, city_admin):
    period = periods.current()
    assert metrics.summary(whole_city(city_admin), period.previous()).gmv == 0
    assert metrics.change(40_000, 0) is None
    assert metrics.change(40_000, 32_000) == 0.25


def test_funnel_and_socialisation_count_the_register(city, city_admin):
    scope = whole_city(city_admin)
    funnel = metrics.funnel(scope)
    assert funnel["recorded"] == funnel["active"] == funnel["marketplace"] == 3
    rows = {r.code: r for r in metrics.socialisation(scope, periods.current())}
    assert len(rows) == 57  # every kelurahan of Kota Malang
    klojen = rows[KLOJEN_VILLAGE]
    assert (klojen.recorded, klojen.on_marketplace, klojen.selling) == (1, 1, 1)
    # The least covered kelurahan come first: those with no business at all.
    assert metrics.socialisation(scope, periods.current())[0].recorded == 0


@pytest.mark.parametrize(
    ("text", "key", "previous"),
    [
        ("2026-03", "2026-03", "2026-02"),
        ("2026-01", "2026-01", "2025-12"),
        ("2026-Q1", "2026-Q1", "2025-Q4"),
        ("2025", "2025", "2024"),
    ],
)
def test_periods_parse_and_step_back(text, key, previous):
    period = periods.parse(text)
    assert (period.key, period.previous().key) == (key, previous)


@pytest.mark.parametrize(
    "text",
    ["2026-13", "26-11", "2026-Q5", "November", "2999-01", "0000-01", "9999", "9999-12", "٢٠٢٦-١١"],
)
def test_a_bad_period_is_a_field_error(text):
    with pytest.raises(ApplicationError) as bad:
        periods.parse(text)
    assert bad.value.extra["fields"]["period"]


def test_a_quarter_covers_three_months():
    quarter = periods.parse("2026-Q4")
    assert quarter.months() == [dt.date(2026, m, 1) for m in (10, 11, 12)]
    assert quarter.bounds()[0] == timezone.make_aware(dt.datetime(2026, 10, 1))


def test_a_running_period_is_compared_with_as_many_days_of_the_one_before():
    november = periods.month(2026, 11)
    running = november.compared(today=dt.date(2026, 11, 29))
    assert (running.start, running.last_day) == (dt.date(2026, 10, 1), dt.date(2026, 10, 29))
    assert running.truncated and "29" in running.label
    finished = november.compared(today=dt.date(2026, 12, 5))
    assert finished == periods.month(2026, 10) and not finished.truncated
    quarter = periods.quarter(2026, 4).compared(today=dt.date(2026, 11, 29))
    assert (quarter.start, quarter.last_day) == (dt.date(2026, 7, 1), dt.date(2026, 8, 29))


def test_buyers_of_a_cut_period_count_only_its_days(city, city_admin):
    period = periods.current()
    cut = periods.Period(period.kind, period.start, period.start)  # no day at all
    assert cut.truncated
    assert metrics.summary(whole_city(city_admin), cut).buyers == 0
    assert metrics.summary(whole_city(city_admin), period).buyers == 2


def test_cached_figures_follow_a_new_sale_at_once(city, city_admin, buyer):
    a, _b, _c = city
    scope, period = whole_city(city_admin), periods.current()
    assert metrics.summary(scope, period).gmv == 40_000
    assert metrics.summary(scope, period) == metrics.summary.uncached(scope, period)
    sale(buyer, a, 2_500)  # the consumer rewrites this month's rows and bumps its version
    assert metrics.summary(scope, period).gmv == 42_500
    assert sum(r.gmv for r in metrics.breakdown(scope, period, "kecamatan")) == 42_500
    assert metrics.top_sellers(scope, period, k=1)[0].gmv == 32_500


def test_a_running_period_may_be_a_minute_old_a_finished_one_never(
    city, city_admin, buyer, settings
):
    a, _b, _c = city
    settings.MALPRO_DASHBOARD_LIVE_SECONDS = 60
    scope, period = whole_city(city_admin), periods.current()
    assert metrics.summary(scope, period).gmv == 40_000
    sale(buyer, a, 2_500)
    assert metrics.summary(scope, period).gmv == 40_000  # the live figure, under a minute old
    assert metrics.summary.uncached(scope, period).gmv == 42_500
    year = periods.current("year")  # not asked for before: counted afresh
    assert metrics.summary(scope, year).gmv == 42_500
