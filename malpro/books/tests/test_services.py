"""The books' services: entries and their history, replays by client id, debts and balances,
stock (linked to a marketplace product: one number), summaries equal to the entries."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from malpro.books import selectors, services
from malpro.books.models import Debt, Entry, Revision, StockMove
from malpro.books.services import EntryInput, Line
from malpro.catalog.models import Product
from malpro.catalog.tests.factories import product, shop
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def income(amount, *, category="sales", client_id=None, items=(), on=None, method="cash"):
    return EntryInput(
        direction="in",
        category=category,
        amount=amount,
        occurred_on=on or today(),
        method=method,
        items=list(items),
        client_id=client_id,
    )


def spending(amount, *, category="operating", items=(), on=None):
    return EntryInput(
        direction="out",
        category=category,
        amount=amount,
        occurred_on=on or today(),
        items=list(items),
    )


def test_the_same_client_id_twice_makes_one_entry(seller):
    business = shop(seller)
    key = uuid.uuid4()
    first, created = services.entry_create(
        actor=seller, business_id=business.pk, data=income(25_000, client_id=key)
    )
    again, created_again = services.entry_create(
        actor=seller, business_id=business.pk, data=income(25_000, client_id=str(key))
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Entry.objects.filter(book__business=business).count() == 1


def test_a_client_id_reused_for_another_entry_is_refused(seller):
    business = shop(seller)
    key = uuid.uuid4()
    services.entry_create(actor=seller, business_id=business.pk, data=income(25_000, client_id=key))
    with pytest.raises(Conflict):
        services.entry_create(
            actor=seller, business_id=business.pk, data=income(30_000, client_id=key)
        )


def test_bad_entries_get_field_errors_and_write_nothing(seller):
    business = shop(seller)
    bad = EntryInput(
        direction="in", category="stock", amount=0, occurred_on=today() + dt.timedelta(days=5)
    )
    with pytest.raises(ApplicationError) as caught:
        services.entry_create(actor=seller, business_id=business.pk, data=bad)
    fields = caught.value.extra["fields"]
    assert set(fields) == {"category", "amount", "occurred_on"}
    assert "pemasukan" in fields["category"]
    assert not Entry.objects.exists()


def test_an_edit_keeps_what_the_entry_was(seller):
    business = shop(seller)
    entry, _ = services.entry_create(actor=seller, business_id=business.pk, data=income(10_000))
    services.entry_update(
        actor=seller, business_id=business.pk, entry_id=entry.pk, data=income(12_000), revision=1
    )
    entry.refresh_from_db()
    assert (entry.amount, entry.revision) == (12_000, 2)
    kept = Revision.objects.get(entry=entry)
    assert (kept.action, kept.before["amount"], kept.revision) == ("edited", 10_000, 1)
    with pytest.raises(Conflict):  # edited on another phone meanwhile
        services.entry_update(
            actor=seller,
            business_id=business.pk,
            entry_id=entry.pk,
            data=income(13_000),
            revision=1,
        )


def test_a_deleted_entry_leaves_the_figures_and_stays_in_the_history(seller):
    business = shop(seller)
    keep, _ = services.entry_create(actor=seller, business_id=business.pk, data=income(10_000))
    gone, _ = services.entry_create(actor=seller, business_id=business.pk, data=income(4_000))
    services.entry_delete(actor=seller, business_id=business.pk, entry_id=gone.pk)
    period = selectors.period_of("month", today())
    assert selectors.summary(book=keep.book, period=period).income == 10_000
    assert Revision.objects.get(entry=gone).action == "deleted"
    services.entry_restore(actor=seller, business_id=business.pk, entry_id=gone.pk)
    assert selectors.summary(book=keep.book, period=period).income == 14_000


def test_the_summary_is_the_sum_of_the_entries(seller):
    business = shop(seller)
    month = selectors.period_of("month", today())
    for data in (
        income(100_000),
        income(50_000, method="qris"),
        income(1_000_000, category="capital_in"),
        spending(40_000, category="stock"),
        spending(15_000),
        spending(20_000, category="withdrawal"),
        income(99_000, on=month.start - dt.timedelta(days=1)),  # the month before
    ):
        services.entry_create(actor=seller, business_id=business.pk, data=data)
    result = selectors.summary(book=business.book, period=month)
    live = Entry.objects.filter(
        book=business.book, occurred_on__gte=month.start, deleted_at__isnull=True
    )
    assert result.income == 150_000
    assert result.spending == 55_000
    assert result.profit == 95_000
    assert (result.capital_in, result.withdrawals) == (1_000_000, 20_000)
    assert result.cash_flow == sum(e.signed for e in live)
    assert sum(d["income"] for d in result.days) == result.income
    assert sum(d["spending"] for d in result.days) == result.spending


def test_growth_compares_with_as_many_days_of_the_month_before(seller):
    business = shop(seller)
    month = selectors.period_of("month", dt.date(2026, 10, 15), today=dt.date(2026, 10, 15))
    for amount, on in (
        (40_000, dt.date(2026, 9, 3)),
        (5_000, dt.date(2026, 9, 20)),
        (60_000, dt.date(2026, 10, 2)),
    ):
        services.entry_create(actor=seller, business_id=business.pk, data=income(amount, on=on))
    grown = selectors.growth(book=business.book, period=month)
    assert (grown.previous.period.start, grown.previous.period.end) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 15),
    )
    assert grown.change("income") == {"now": 60_000, "before": 40_000, "diff": 20_000, "pct": 50.0}


def test_kasbon_repayments_and_balances(seller):
    business = shop(seller)
    customer = services.contact_create(
        actor=seller,
        business_id=business.pk,
        kind="customer",
        name="Bu Sri",
        phone="0812-3456-7890",
    )
    first, _ = services.debt_create(
        actor=seller,
        business_id=business.pk,
        contact_id=customer.pk,
        amount=30_000,
        occurred_on=today() - dt.timedelta(days=3),
        due_on=today() + dt.timedelta(days=7),
    )
    second, _ = services.debt_create(
        actor=seller,
        business_id=business.pk,
        contact_id=customer.pk,
        amount=20_000,
        occurred_on=today(),
    )
    assert services.contact_balance(customer) == 50_000
    entry, _ = services.contact_pay(
        actor=seller,
        business_id=business.pk,
        contact_id=customer.pk,
        amount=35_000,
        paid_on=today(),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.balance, second.balance) == (0, 15_000)  # oldest first
    assert services.contact_balance(customer) == 15_000
    assert (entry.direction, entry.amount, entry.source) == ("in", 35_000, "debt_payment")
    with pytest.raises(ApplicationError) as caught:
        services.contact_pay(
            actor=seller,
            business_id=business.pk,
            contact_id=customer.pk,
            amount=20_000,
            paid_on=today(),
        )
    assert "Rp15.000" in caught.value.extra["fields"]["amount"]
    period = selectors.period_of("month", today())
    result = selectors.summary(book=business.book, period=period)
    assert result.receivables == 15_000
    assert result.income == 35_000  # the kasbon itself is not income until paid
    services.payment_undo(actor=seller, business_id=business.pk, entry_id=entry.pk)
    assert services.contact_balance(customer) == 50_000
    assert selectors.summary(book=business.book, period=period).income == 0


def test_a_supplier_debt_is_a_payable_and_its_payment_is_spending(seller):
    business = shop(seller)
    supplier = services.contact_create(
        actor=seller, business_id=business.pk, kind="supplier", name="Toko Grosir Makmur"
    )
    debt, _ = services.debt_create(
        actor=seller,
        business_id=business.pk,
        contact_id=supplier.pk,
        amount=500_000,
        occurred_on=today(),
    )
    assert debt.kind == Debt.Kind.PAYABLE
    entry, _ = services.contact_pay(
        actor=seller,
        business_id=business.pk,
        contact_id=supplier.pk,
        amount=200_000,
        paid_on=today(),
        method="transfer",
    )
    assert (entry.direction, entry.category) == ("out", "stock")
    period = selectors.period_of("month", today())
    result = selectors.summary(book=business.book, period=period)
    assert (result.payables, result.spending) == (300_000, 200_000)


def test_sales_take_stock_and_purchases_add_it(seller):
    business = shop(seller)
    item = services.item_create(
        actor=seller,
        business_id=business.pk,
        name="Gula 1 kg",
        quantity=10,
        buy_price=14_000,
        sell_price=16_000,
    )
    sold, _ = services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=income(48_000, items=[Line(item_id=item.pk, quantity=3, total=48_000)]),
    )
    services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=spending(
            70_000, category="stock", items=[Line(item_id=item.pk, quantity=5, total=70_000)]
        ),
    )
    assert services.stock_of(item) == 12
    with pytest.raises(ApplicationError) as caught:
        services.entry_create(
            actor=seller,
            business_id=business.pk,
            data=income(999_000, items=[Line(item_id=item.pk, quantity=13, total=208_000)]),
        )
    assert "tersisa 12" in caught.value.extra["fields"]["items"]
    services.entry_delete(actor=seller, business_id=business.pk, entry_id=sold.pk)
    assert services.stock_of(item) == 15  # the deleted sale gave its units back
    assert list(item.moves.values_list("reason", flat=True))[:1] == [StockMove.Reason.UNDO]


def test_a_linked_item_and_its_product_share_one_count(seller, buyer):
    from malpro.asn.tests.factories import complete_order
    from malpro.orders.tests.factories import delivering_shop

    business = delivering_shop(seller)
    goods = product(business, "Keripik Tempe", price=12_000, stock=20)
    item = services.item_create(
        actor=seller, business_id=business.pk, name="Keripik tempe", product_id=goods.pk
    )
    assert services.stock_of(item) == 20
    services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=income(24_000, items=[Line(item_id=item.pk, quantity=2, total=24_000)]),
    )
    assert Product.objects.get(pk=goods.pk).stock == 18
    complete_order(buyer, goods, 3, fast=True)  # a marketplace sale takes from the same count
    assert services.stock_of(item) == 15
    entry = Entry.objects.get(source="marketplace", book=business.book)
    assert entry.items.get().item_id == item.pk


def test_only_keepers_write_and_a_sharing_agency_reads_summaries_only(
    seller, other_seller, officer
):
    business = shop(seller)
    with pytest.raises(NotFound):
        services.entry_create(actor=other_seller, business_id=business.pk, data=income(1_000))
    with pytest.raises(NotFound):
        services.book_for_keeper(actor=officer, business_id=business.pk)
    agency = business.agencies.get()
    services.share_grant(actor=seller, business_id=business.pk, agency_id=agency.pk, agreed=True)
    with pytest.raises(PermissionDenied):
        services.book_for_keeper(actor=officer, business_id=business.pk)


def test_edits_deletes_and_restores_never_move_stock_twice(seller):
    business = shop(seller)
    item = services.item_create(actor=seller, business_id=business.pk, name="Kopi", quantity=10)
    line = [Line(item_id=item.pk, quantity=2, total=20_000)]
    entry, _ = services.entry_create(
        actor=seller, business_id=business.pk, data=income(20_000, items=line)
    )
    for n in range(3):
        services.entry_update(
            actor=seller,
            business_id=business.pk,
            entry_id=entry.pk,
            data=income(20_000, items=line),
        )
        assert services.stock_of(item) == 8, n
    services.entry_delete(actor=seller, business_id=business.pk, entry_id=entry.pk)
    assert services.stock_of(item) == 10
    services.entry_restore(actor=seller, business_id=business.pk, entry_id=entry.pk)
    assert services.stock_of(item) == 8
    services.entry_delete(actor=seller, business_id=business.pk, entry_id=entry.pk)
    assert services.stock_of(item) == 10


def test_an_edit_without_items_keeps_the_entrys_goods(seller):
    business = shop(seller)
    item = services.item_create(actor=seller, business_id=business.pk, name="Teh", quantity=10)
    entry, _ = services.entry_create(
        actor=seller,
        business_id=business.pk,
        data=income(
            30_000,
            items=[
                Line(item_id=item.pk, quantity=3, total=15_000),
                Line(name="Es", quantity=1, total=5_000),
            ],
        ),
    )
    data = income(35_000)
    data.items = None
    services.entry_update(actor=seller, business_id=business.pk, entry_id=entry.pk, data=data)
    assert entry.items.count() == 2 and services.stock_of(item) == 7


def test_a_payment_id_is_not_replayed_for_another_customer(seller):
    business = shop(seller)
    one, two = (
        services.contact_create(actor=seller, business_id=business.pk, kind="customer", name=n)
        for n in ("Bu Ani", "Pak Budi")
    )
    for contact in (one, two):
        services.debt_create(
            actor=seller, business_id=business.pk, contact_id=contact.pk, amount=10_000,
            occurred_on=today(),
        )  # fmt: skip
    key = uuid.uuid4()
    services.contact_pay(
        actor=seller, business_id=business.pk, contact_id=one.pk, amount=5_000, paid_on=today(),
        client_id=key,
    )  # fmt: skip
    with pytest.raises(Conflict):
        services.contact_pay(
            actor=seller, business_id=business.pk, contact_id=two.pk, amount=5_000,
            paid_on=today(), client_id=key,
        )  # fmt: skip
    with pytest.raises(ApplicationError) as caught:
        services.contact_pay(
            actor=seller, business_id=business.pk, contact_id=two.pk, amount=5_000,
            paid_on=today() - dt.timedelta(days=3),
        )  # fmt: skip
    assert "paid_on" in caught.value.extra["fields"]
    assert services.contact_balance(two) == 10_000


def test_a_linked_product_that_got_variants_refuses_book_sales(seller):
    from malpro.catalog import services as catalog

    business = shop(seller)
    goods = product(business, "Kaos Batik", price=80_000, stock=5)
    item = services.item_create(
        actor=seller, business_id=business.pk, name="Kaos", product_id=goods.pk
    )
    catalog.variant_add(actor=seller, product=goods, name="XL", price=85_000, stock=3)
    with pytest.raises(ApplicationError) as caught:
        services.entry_create(
            actor=seller,
            business_id=business.pk,
            data=income(80_000, items=[Line(item_id=item.pk, quantity=1, total=80_000)]),
        )
    assert "varian" in caught.value.extra["fields"]["items"]
