"""seed_demo: the demo logins of every role, and six months of history made through the real
services, moved into the past and still consistent (aggregates equal a recount, the ledger's
invariants hold), idempotent, and rich enough for the dashboard to show something."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from malpro.accounts.models import User
from malpro.asn.models import OfflinePurchase, Standing
from malpro.core.models import Event
from malpro.dashboard import access, metrics, periods
from malpro.dashboard.models import SellerDay
from malpro.demo.seeds import DEMO_PASSWORD
from malpro.ledger.checks import problems
from malpro.ledger.models import JournalEntry
from malpro.orders.models import Order, OrderStatus
from malpro.umkm.models import Business, StatusChange


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def state() -> dict:
    return {
        "users": User.objects.count(),
        "businesses": Business.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "orders": Order.objects.count(),
        "orders_by_status": dict(Counter(Order.objects.values_list("status", flat=True))),
        "placed": sorted(Order.objects.values_list("placed_at", flat=True)),
        "events": Event.objects.count(),
        "journal": JournalEntry.objects.count(),
        "seller_days": sorted(SellerDay.objects.values_list("day", "business_id", "gmv")),
    }


@pytest.mark.django_db
def test_demo_history_is_consistent_idempotent_and_shows_on_the_dashboard(api):
    first = run("seed_demo")
    assert "0811-0000-0009" in first and "Pak Wali Kota (pimpinan)" in first
    before = state()
    second = run("seed_demo")
    assert "users_created=0" in second
    assert state() == before  # the second run changed nothing
    admin = User.objects.get(phone="+6281100000001")
    assert admin.is_city_admin
    for phone in ("0811-0000-0001", "0811-0000-0003", "0811-0000-0005", "0811-0000-0008"):
        assert phone in first
    assert "Demo logins (password for all: malpro-demo)" in first

    # Aggregates equal a recount; the ledger's invariants hold after the move into the past.
    assert run("rebuild_aggregates", "--check").strip().endswith("differences=0")
    assert problems() == []
    assert run("check_ledger").strip() == "ledger ok"

    # Sixty more UMKM over the five kecamatan and 25+ kelurahan, of every source.
    history = Business.objects.filter(phone__startswith="+628130001")
    assert history.count() == 60
    assert history.values("village__district").distinct().count() == 5
    assert history.values("village").distinct().count() >= 25
    assert {"web", "operator", "import"} <= set(history.values_list("source", flat=True))
    assert history.filter(status="active").count() >= 40
    assert history.exclude(status="active").count() >= 10
    assert history.filter(created_at__lt=timezone.now() - dt.timedelta(days=60)).exists()

    # Orders spread over six months, COD and QRIS, citizens and ASN, some closed unsold.
    orders = Order.objects.filter(checkout__idempotency_key__startswith="demo-hist-")
    months = {
        timezone.localtime(o).date().replace(day=1)
        for o in orders.values_list("placed_at", flat=True)
    }
    assert len(months) == 6
    assert {"cod", "qris"} <= set(orders.values_list("payment_method", flat=True))
    assert orders.filter(buyer_asn=True).exists() and orders.filter(buyer_asn=False).exists()
    assert orders.filter(status=OrderStatus.CANCELLED).exists()
    assert orders.filter(status=OrderStatus.REJECTED).exists()
    completed = orders.filter(status=OrderStatus.COMPLETED)
    assert completed.count() >= 50
    assert all(o.completed_at < timezone.now() for o in completed)
    assert all(
        o.placed_at <= o.accepted_at <= o.ready_at <= o.delivered_at <= o.completed_at
        for o in completed
    )
    assert OfflinePurchase.objects.filter(state=OfflinePurchase.State.CONFIRMED).exists()

    # The last complete month, as the mayor sees it: orders in 3+ kecamatan, unequal but not
    # all to one seller; some active sellers sold nothing; ASN standings exist for it.
    leader = User.objects.get(phone="+6281100000009")
    scope = access.scope_for(user=leader)
    period = periods.current(periods.MONTH).previous()
    summary = metrics.summary(scope, period)
    assert summary.orders > 0
    assert 0 < summary.gini < 1
    assert summary.zero_sale_sellers > 0
    areas = metrics.breakdown(scope, period, "kecamatan")
    assert sum(1 for row in areas if row.orders) >= 3
    assert sum(row.gmv for row in areas) == summary.gmv
    assert Standing.objects.filter(
        period__year=period.start.year, period__month=period.start.month
    ).exists()
    response = api(leader, DEMO_PASSWORD).get(f"/api/v1/dashboard/summary?period={period.key}")
    assert response.status_code == 200
    assert response.json()["kpis"]["orders"] == summary.orders
