import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from malpro.core.models import Event
from malpro.dashboard import aggregates
from malpro.dashboard.models import BuyerMonth, CategoryDay, SellerDay, SellerMonth
from malpro.dashboard.tests.helpers import cashless_sale, sale, shop
from malpro.orders import services as orders
from malpro.orders.models import Order
from malpro.orders.tests.factories import place, product

pytestmark = pytest.mark.django_db


def rows(model, *fields):
    return sorted(model.objects.values_list(*fields))


def test_completed_orders_become_one_row_per_seller_and_day(
    buyer, other_buyer, seller, other_seller
):
    a, b = shop(seller), shop(other_seller)
    o1, o2, o3 = sale(buyer, a, 12_000, 2), sale(other_buyer, a, 5_000), sale(buyer, b, 7_500)
    today = timezone.localdate()
    assert rows(SellerDay, "business_id", "day", "orders", "gmv", "cod_orders") == sorted(
        [(a.pk, today, 2, o1.total + o2.total, 2), (b.pk, today, 1, o3.total, 1)]
    )
    assert SellerDay.objects.get(business=a).items == 29_000
    assert rows(SellerMonth, "business_id", "month", "orders", "gmv") == sorted(
        [
            (a.pk, today.replace(day=1), 2, o1.total + o2.total),
            (b.pk, today.replace(day=1), 1, o3.total),
        ]
    )
    assert rows(BuyerMonth, "business_id", "buyer_id", "orders") == sorted(
        [(a.pk, buyer.pk, 1), (a.pk, other_buyer.pk, 1), (b.pk, buyer.pk, 1)]
    )
    assert sum(CategoryDay.objects.values_list("amount", flat=True)) == 12_000 * 2 + 5_000 + 7_500
    assert aggregates.check() == []


def test_a_replayed_event_changes_nothing(buyer, seller):
    order = sale(buyer, shop(seller), 20_000)
    before = rows(SellerDay, "business_id", "day", "orders", "gmv")
    event = Event.objects.get(kind="order.completed", subject_id=str(order.pk))
    aggregates.consume(event)
    aggregates.consume(event)
    assert rows(SellerDay, "business_id", "day", "orders", "gmv") == before
    assert BuyerMonth.objects.get().orders == 1
    assert aggregates.check() == []


def test_cashless_and_asn_money_are_split_out(buyer, asn_user, seller):
    cod = sale(asn_user, shop(seller), 30_000)
    qris = cashless_sale(buyer, seller, 15_000)
    assert qris.payment_method == "qris" and cod.buyer_asn and not qris.buyer_asn
    totals = {r.business_id: r for r in SellerDay.objects.all()}
    assert totals[cod.business_id].cod_gmv == cod.total
    assert totals[cod.business_id].asn_gmv == cod.total
    assert totals[qris.business_id].cod_gmv == 0
    assert totals[qris.business_id].gmv == qris.total
    assert totals[qris.business_id].asn_orders == 0


def test_cancellations_and_rejections_count_on_the_day_the_order_closed(buyer, seller):
    business = shop(seller)
    for n, to in enumerate(("rejected", "cancelled")):
        item = product(business, f"Roti {n}", price=9_000)
        orders.cart_set(cart=orders.cart_for(user=buyer), product_id=item.pk, quantity=1)
        checkout, _ = place(buyer, {business.pk: "pickup"}, key=f"close-{n}")
        order = checkout.orders.get()
        actor = seller if to == "rejected" else buyer
        orders.order_transition(actor=actor, order_id=order.pk, to=to, reason="Stok habis")
    row = SellerDay.objects.get(business=business)
    assert (row.orders, row.gmv, row.cancelled, row.rejected) == (0, 0, 1, 1)
    assert aggregates.check() == []


def test_the_day_is_the_citys_day_not_utc(buyer, seller):
    order = sale(buyer, shop(seller), 10_000)
    # 17:30 UTC on 10 November is 00:30 on 11 November in Malang (WIB, UTC+7).
    late = dt.datetime(2026, 11, 10, 17, 30, tzinfo=dt.UTC)
    Order.objects.filter(pk=order.pk).update(completed_at=late)
    aggregates.rebuild(since=dt.date(2026, 11, 1))
    assert list(SellerDay.objects.values_list("day", flat=True)) == [dt.date(2026, 11, 11)]
    assert BuyerMonth.objects.get().month == dt.date(2026, 11, 1)


def test_check_names_a_tampered_row_and_rebuild_repairs_it(buyer, seller):
    sale(buyer, shop(seller), 10_000)
    SellerDay.objects.update(gmv=1)
    SellerMonth.objects.update(orders=7)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("rebuild_aggregates", "--check", stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1
    assert "seller_day" in err.getvalue() and "'gmv': 1" in err.getvalue()
    assert "seller_month" in err.getvalue() and "'orders': 7" in err.getvalue()
    out = io.StringIO()
    call_command("rebuild_aggregates", "--since", f"{timezone.localdate():%Y-%m}-01", stdout=out)
    assert "seller_days=1" in out.getvalue()
    call_command("rebuild_aggregates", "--check", stdout=out)
    assert "differences=0" in out.getvalue()


def test_rebuild_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--since"):
        call_command("rebuild_aggregates", "--since", "kemarin")


def test_a_confirmed_in_person_purchase_counts_for_its_day(asn_user, seller):
    from malpro.asn import services as asn_services
    from malpro.asn.tests.factories import offline_purchase

    purchase = offline_purchase(asn=asn_user, seller=seller, amount=85_000)
    assert not SellerDay.objects.exists()  # pending: not counted yet
    asn_services.offline_purchase_transition(actor=seller, purchase_id=purchase.pk, to="confirmed")
    row = SellerDay.objects.get(business=purchase.business)
    assert (row.instore_count, row.instore_amount, row.orders) == (1, 85_000, 0)
    assert aggregates.check() == []


def test_the_nightly_check_repairs_what_differs(buyer, seller, caplog):
    from malpro.dashboard.tasks import check_aggregates

    sale(buyer, shop(seller), 10_000)
    SellerDay.objects.all().delete()
    assert check_aggregates() == 1
    assert "rebuilt" in caplog.text
    assert aggregates.check() == []
    assert check_aggregates() == 0
