"""A completed cashless order refunded (the city admin upholds the buyer's complaint): the
seller's payable gives the total back, the buyer's refund is due and paid through the
ledger's refund-paid entry, and a seller already paid out owes it back: nothing is paid out
while the debt lasts, and the next payout is netted. The ledger's checks hold at every step."""

import pytest

from malpro.accounts.models import Role
from malpro.conftest import make_user
from malpro.ledger import services as ledger
from malpro.ledger.models import AccountKind, EntryKind, JournalEntry
from malpro.orders import services as orders
from malpro.orders.tests.factories import address, delivering_shop, product
from malpro.payments import settlements
from malpro.payments.models import BankAccount, Payment
from malpro.payments.services import payment_charge
from malpro.payments.tests.helpers import assert_ledger_ok, completed_payable_order, notify


@pytest.fixture(autouse=True)
def cashless(settings):
    settings.MALPRO_PAYMENT_METHODS = ["cod", "qris"]


def refund(admin, order, reason="Barang tidak sesuai"):
    return orders.order_transition(actor=admin, order_id=order.pk, to="refunded", reason=reason)


def pay_out(maker, checker):
    batch = settlements.batch_create(actor=None, provider="simulator")
    if batch is None:
        return None
    settlements.batch_approve(actor=maker, batch_id=batch.pk)
    settlements.batch_mark_paid(actor=checker, batch_id=batch.pk)
    return batch


@pytest.fixture
def second_admin(db):
    return make_user("081234500099", "Budi Admin Keuangan", [(Role.CITY_ADMIN, None, None)])


@pytest.mark.django_db
def test_a_refund_before_payout_takes_the_total_off_the_sellers_payable(buyer, seller, city_admin):
    order = completed_payable_order(buyer, seller)
    refund(city_admin, order)
    entry = JournalEntry.objects.get(key=f"refunded:{order.pk}")
    assert (entry.kind, entry.provider, entry.business_id) == (
        EntryKind.ORDER_REFUNDED,
        "simulator",
        order.business_id,
    )
    assert ledger.balance_of(AccountKind.SELLER_PAYABLE, business=order.business) == 0
    assert ledger.balance_of(AccountKind.REFUNDS_PAYABLE) == -30000
    assert settlements.batch_create(actor=None, provider="simulator") is None  # nothing owed
    assert_ledger_ok()
    # The buyer's refund is paid like any other: escrow gives it back.
    ledger.post_refund_paid(key=f"refund:{order.pk}", amount=30000, provider="simulator")
    assert ledger.balance_of(AccountKind.REFUNDS_PAYABLE) == 0
    assert ledger.balance_of(AccountKind.ESCROW, provider="simulator") == 0
    assert_ledger_ok()


def sell(buyer, shop, *, key):
    """A cashless order of 2 x Rp15.000 at `shop`, paid and completed."""
    item = product(shop, f"Keripik {key}", price=15000, stock=10)
    cart = orders.cart_for(user=buyer)
    orders.cart_set(cart=cart, product_id=item.pk, quantity=2)
    data = orders.CheckoutInput(
        address=address(), deliveries={shop.pk: "pickup"}, payment_method="qris"
    )
    checkout, _ = orders.checkout_place(buyer=buyer, cart=cart, data=data, idempotency_key=key)
    notify(payment_charge(payment_id=Payment.objects.get(checkout=checkout).pk))
    order = checkout.orders.get()
    for to in ("accepted", "ready", "delivered"):
        orders.order_transition(actor=shop.owner, order_id=order.pk, to=to)
    orders.order_transition(actor=buyer, order_id=order.pk, to="completed")
    return order


@pytest.mark.django_db
def test_a_refund_after_payout_is_a_debt_netted_from_the_next_payout(
    buyer, seller, city_admin, second_admin
):
    shop = delivering_shop(seller)
    BankAccount.objects.create(
        business=shop, bank_code="BJTM", account_number="0011223344", account_name="Sari"
    )
    first = sell(buyer, shop, key="p-1")
    assert pay_out(city_admin, second_admin).total == 30000
    refund(city_admin, first)
    balance = settlements.seller_balance(business=shop)
    assert (balance["payable"], balance["debt"]) == (0, 30000)
    assert_ledger_ok()  # a seller's debt through a refund is no overpayment
    ledger.post_refund_paid(key=f"refund:{first.pk}", amount=30000, provider="simulator")
    assert_ledger_ok()
    assert pay_out(city_admin, second_admin) is None  # a debt is never paid out

    sell(buyer, shop, key="p-2")  # pays the debt off: still nothing to pay out
    assert settlements.seller_balance(business=shop)["debt"] == 0
    assert pay_out(city_admin, second_admin) is None
    sell(buyer, shop, key="p-3")
    batch = pay_out(city_admin, second_admin)
    assert batch.total == 30000 and batch.lines.get().amount == 30000
    balance = settlements.seller_balance(business=shop)
    assert (balance["payable"], balance["debt"], balance["paid_out"]) == (0, 0, 60000)
    assert_ledger_ok()


@pytest.mark.django_db
def test_a_refund_posts_once_however_often_its_event_is_replayed(buyer, seller, city_admin):
    from malpro.core.models import Event
    from malpro.ledger import postings

    order = completed_payable_order(buyer, seller)
    refund(city_admin, order)
    postings.post(Event.objects.get(kind="order.refunded"))
    assert JournalEntry.objects.filter(kind=EntryKind.ORDER_REFUNDED).count() == 1
    assert Event.objects.filter(kind="refund.due").count() == 1
    assert_ledger_ok()
