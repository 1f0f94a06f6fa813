"""Whoever counted a completed order un-counts it when it is refunded: the dashboard's
aggregates (the day it completed), the ASN standings (the month it completed; a refund
after that month closed is flagged instead) and the products' sales counters."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from malpro.asn import consumers as asn_consumers
from malpro.asn import obligation, periods
from malpro.asn.models import IntegrityFlag, Standing
from malpro.asn.tests.factories import complete_order, employee, policy
from malpro.catalog.models import Product
from malpro.core import events
from malpro.core.models import Event
from malpro.dashboard import aggregates
from malpro.dashboard.models import BuyerMonth, SellerDay, SellerMonth
from malpro.dashboard.tests.helpers import sale, shop
from malpro.orders import services
from malpro.orders.models import Order
from malpro.orders.tests.factories import delivering_shop, product

pytestmark = pytest.mark.django_db


def refund(admin, order):
    return services.order_transition(
        actor=admin, order_id=order.pk, to="refunded", reason="Komplain diterima"
    )


def test_a_refunded_order_leaves_the_dashboard_day_it_completed(
    buyer, other_buyer, seller, city_admin
):
    business = shop(seller)
    kept, refunded = sale(buyer, business, 10_000), sale(other_buyer, business, 25_000)
    # Both completed yesterday; the refund comes today.
    yesterday = timezone.now() - dt.timedelta(days=1)
    Order.objects.filter(pk__in=[kept.pk, refunded.pk]).update(completed_at=yesterday)
    aggregates.rebuild(since=timezone.localdate(yesterday).replace(day=1))
    day = timezone.localdate(yesterday)
    assert SellerDay.objects.get(business=business, day=day).orders == 2

    refund(city_admin, refunded)
    assert list(SellerDay.objects.values_list("day", "orders", "gmv")) == [(day, 1, kept.total)]
    month = SellerMonth.objects.get(business=business)
    assert (month.orders, month.gmv) == (1, kept.total)
    assert list(BuyerMonth.objects.values_list("buyer_id", flat=True)) == [buyer.pk]
    assert aggregates.check() == []
    out = io.StringIO()
    call_command("rebuild_aggregates", "--check", stdout=out)
    assert "differences=0" in out.getvalue()


def test_a_refunded_order_no_longer_counts_for_the_asn(asn_user, seller, city_admin):
    asn = employee(user=asn_user)
    policy()
    rice = product(delivering_shop(seller), "Beras 5 kg", category="beras", price=70_000)
    order = complete_order(asn_user, rice, 2)
    year, month = periods.of(order.completed_at)
    mine = Standing.objects.filter(employee=asn, period__year=year, period__month=month)
    assert mine.get().counted == 140_000
    refund(city_admin, order)
    assert mine.get().counted == 0
    assert not IntegrityFlag.objects.filter(kind="post_close").exists()


def test_a_refund_after_the_month_closed_is_flagged_once(asn_user, seller, city_admin):
    employee(user=asn_user)
    policy()
    rice = product(delivering_shop(seller), "Beras 5 kg", category="beras", price=70_000)
    last_month = periods.previous(*periods.parse(None))
    when = timezone.make_aware(dt.datetime(*last_month, 28, 10))
    order = complete_order(asn_user, rice, 2, completed_at=when)
    obligation.period_close(year=last_month[0], month=last_month[1])
    frozen = Standing.objects.get(period__year=last_month[0], period__month=last_month[1])
    assert frozen.counted == 140_000
    refund(city_admin, order)
    event = Event.objects.get(kind="order.refunded")
    asn_consumers.standings(event)  # delivered twice
    events.replay(consumer_name=asn_consumers.STANDINGS, since=event.occurred_at)
    flag = IntegrityFlag.objects.get(kind="post_close")
    assert flag.evidence["status"] == "refunded" and flag.evidence["order"] == order.number
    frozen.refresh_from_db()
    assert frozen.counted == 140_000  # a closed month never changes


def test_a_refund_takes_the_units_back_from_the_sales_counter(buyer, seller, city_admin):
    business = shop(seller)
    order = sale(buyer, business, 8_000, quantity=3)
    item = Product.objects.get(pk=order.lines.get().product_id)
    assert item.sold_count == 3
    refund(city_admin, order)
    item.refresh_from_db()
    assert item.sold_count == 0
    # A counter set lower by hand (the demo does) never goes below zero.
    Product.objects.filter(pk=item.pk).update(sold_count=1)
    listener = events.consumer("catalog.sales")
    listener.handle(Event.objects.get(kind="order.refunded"))
    item.refresh_from_db()
    assert item.sold_count == 0
