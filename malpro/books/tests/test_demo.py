"""The demo books are made through the services and seeding twice changes nothing."""

import pytest

from malpro.books import demo, selectors, services
from malpro.books.models import Assistance, Entry, Share
from malpro.catalog.tests.factories import product, shop
from malpro.demo.seeds import DemoContext
from malpro.umkm.tests.factories import make_business

pytestmark = pytest.mark.django_db


def test_demo_books_are_consistent_and_idempotent(seller, operator):
    business = shop(seller)
    product(business, "Keripik Tempe 250 g", price=15_000, stock=40)
    make_business(name="Tahu Walik Pak Dul", village="35.73.02.1006")
    ctx = DemoContext(users={"seller": seller, "operator_klojen": operator})
    demo.seed(ctx)
    counts = (Entry.objects.count(), Share.objects.count(), Assistance.objects.count())
    demo.seed(ctx)
    assert (Entry.objects.count(), Share.objects.count(), Assistance.objects.count()) == counts
    assert counts[0] > 30 and counts[1:] == (1, 1)
    month = selectors.period_of("month", services.today(), today=services.today())
    result = selectors.summary(book=business.book, period=month)
    assert result.receivables == 50_000 + 42_000
    assert result.payables == 600_000
