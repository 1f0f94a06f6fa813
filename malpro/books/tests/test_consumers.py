"""The books follow the marketplace: a completed order and a confirmed ASN in-store purchase
are entered once, whatever the number of deliveries; a refunded order is reversed."""

import datetime as dt

import pytest
from django.utils import timezone

from malpro.asn import services as asn_services
from malpro.asn.tests.factories import complete_order, offline_purchase
from malpro.books import consumers, selectors
from malpro.books.models import Entry, Source
from malpro.catalog.tests.factories import product
from malpro.core import events
from malpro.core.models import Event, EventDelivery
from malpro.dashboard.tests.helpers import cashless_sale
from malpro.orders.tests.factories import delivering_shop

pytestmark = pytest.mark.django_db


def test_a_completed_order_is_entered_as_a_sale_with_its_lines(seller, buyer):
    business = delivering_shop(seller)
    goods = product(business, "Sambal Bawang", price=18_000, stock=10)
    order = complete_order(buyer, goods, 2, fast=True)
    entry = Entry.objects.get(book__business=business)
    assert (entry.direction, entry.category, entry.source) == ("in", "sales", Source.MARKETPLACE)
    assert entry.amount == order.total
    assert entry.method == "cash"  # COD
    assert entry.occurred_on == timezone.localdate(order.completed_at)
    assert [(i.name, i.quantity, i.total) for i in entry.items.all()] == [
        ("Sambal Bawang", 2, 36_000)
    ]
    assert order.number in entry.note


def test_a_cashless_order_is_entered_with_its_method(seller, buyer):
    order = cashless_sale(buyer, seller, 45_000)
    entry = Entry.objects.get(source_key=f"order:{order.pk}")
    assert (entry.amount, entry.method) == (order.total, "qris")


def test_an_event_delivered_twice_enters_nothing_twice(seller, buyer):
    business = delivering_shop(seller)
    order = complete_order(buyer, product(business, "Kopi", price=20_000), fast=True)
    event = Event.objects.get(kind="order.completed", subject_id=str(order.pk))
    consumers.consume(event)  # a second delivery, as a retry after a lost answer would be
    EventDelivery.objects.filter(event=event, consumer=consumers.CONSUMER).update(state="pending")
    events.replay(consumer_name=consumers.CONSUMER, since=event.occurred_at - dt.timedelta(1))
    assert Entry.objects.filter(book__business=business).count() == 1


def test_a_confirmed_in_store_purchase_is_entered_once(seller, asn_user):
    purchase = offline_purchase(asn=asn_user, seller=seller, amount=150_000)
    assert not Entry.objects.exists()  # pending: not a sale yet
    asn_services.offline_purchase_transition(actor=seller, purchase_id=purchase.pk, to="confirmed")
    entry = Entry.objects.get()
    assert (entry.amount, entry.source, entry.book.business_id) == (
        150_000,
        Source.ASN_INSTORE,
        purchase.business_id,
    )
    consumers.consume(Event.objects.get(kind="offline_purchase.confirmed"))
    assert Entry.objects.count() == 1


def test_a_rejected_in_store_purchase_is_not_entered(seller, asn_user):
    purchase = offline_purchase(asn=asn_user, seller=seller)
    asn_services.offline_purchase_transition(
        actor=seller, purchase_id=purchase.pk, to="rejected", reason="Bukan dari toko kami"
    )
    assert not Entry.objects.exists()


def test_a_refund_reverses_the_sale_and_the_month_nets_to_zero(seller, buyer, city_admin):
    from malpro.orders import services as orders

    business = delivering_shop(seller)
    order = complete_order(buyer, product(business, "Tas Anyaman", price=75_000), fast=True)
    orders.order_transition(
        actor=city_admin, order_id=order.pk, to="refunded", reason="Barang rusak saat diterima"
    )
    reversal = Entry.objects.get(source=Source.REVERSAL)
    assert reversal.amount == -order.total
    assert reversal.reverses.source_key == f"order:{order.pk}"
    assert consumers.order_reversed(order.pk, on=timezone.localdate()).pk == reversal.pk
    consumers.consume(Event.objects.get(kind="order.refunded"))
    assert Entry.objects.filter(book__business=business).count() == 2
    month = selectors.period_of("month", timezone.localdate())
    assert selectors.summary(book=business.book, period=month).income == 0


def test_a_refund_delivered_before_its_sale_enters_both_once(seller, buyer):
    business = delivering_shop(seller)
    order = complete_order(buyer, product(business, "Dompet Kulit", price=90_000), fast=True)
    Entry.objects.filter(book__business=business).delete()  # as if the sale's delivery lagged
    consumers.order_reversed(order.pk, on=timezone.localdate())
    consumers.order_entered(order.pk)
    assert sorted(Entry.objects.values_list("amount", flat=True)) == [-order.total, order.total]
