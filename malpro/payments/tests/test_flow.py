"""A cashless order from checkout to the seller's payout, with the ledger checked at every step."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from malpro.accounts.models import Role
from malpro.catalog.models import Product
from malpro.conftest import make_user
from malpro.core.exceptions import Conflict, PermissionDenied
from malpro.ledger import services as ledger
from malpro.ledger.models import AccountKind, EntryKind, JournalEntry
from malpro.orders import services as orders
from malpro.orders.models import OrderStatus
from malpro.payments import services, settlements
from malpro.payments.models import BankAccount, Notification, PaymentStatus
from malpro.payments.tests.helpers import assert_ledger_ok, cashless_checkout, notify


def move(actor, order, to, **kwargs):
    return orders.order_transition(actor=actor, order_id=order.pk, to=to, **kwargs)


@pytest.mark.django_db
def test_paid_qris_order_flows_to_a_seller_payout(buyer, seller, city_admin):
    checkout, payment, item = cashless_checkout(buyer, seller)
    order = checkout.orders.get()
    assert order.status == OrderStatus.PENDING_PAYMENT and payment.status == "pending"
    assert payment.qris_payload and payment.amount == 30000
    assert_ledger_ok()

    response = notify(payment)
    assert response.status_code == 200
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and order.status == OrderStatus.PLACED
    assert ledger.balance_of(AccountKind.ESCROW) == 30000
    assert_ledger_ok()

    move(seller, order, "accepted")
    move(seller, order, "ready")
    move(seller, order, "delivered")  # cashless: no cash to record
    move(buyer, order, "completed")
    assert settlements.seller_balance(business=order.business)["payable"] == 30000
    assert_ledger_ok()

    assert settlements.batch_create(actor=city_admin, provider="simulator") is None  # no bank
    BankAccount.objects.create(
        business=order.business,
        bank_code="BJTM",
        account_number="0011223344",
        account_name="Bu Sari",
    )
    batch = settlements.batch_create(actor=city_admin, provider="simulator")
    assert batch.total == 30000
    assert settlements.batch_create(actor=city_admin, provider="simulator") is None  # once
    with pytest.raises(PermissionDenied) as info:  # four eyes: not approved by its maker
        settlements.batch_approve(actor=city_admin, batch_id=batch.pk)
    assert "empat mata" in info.value.message
    second = make_user("081234500099", "Budi Admin Keuangan", [(Role.CITY_ADMIN, None, None)])
    settlements.batch_approve(actor=second, batch_id=batch.pk)
    with pytest.raises(PermissionDenied):  # nor confirmed by whoever approved it
        settlements.batch_mark_paid(actor=second, batch_id=batch.pk)
    assert "0011223344,Bu Sari,30000" in settlements.batch_csv(batch)
    settlements.batch_mark_paid(actor=city_admin, batch_id=batch.pk)
    with pytest.raises(Conflict):  # a seller is never paid twice
        settlements.batch_mark_paid(actor=city_admin, batch_id=batch.pk)
    balance = settlements.seller_balance(business=order.business)
    assert (balance["payable"], balance["paid_out"]) == (0, 30000)
    assert ledger.balance_of(AccountKind.ESCROW) == 0
    assert_ledger_ok()


@pytest.mark.django_db
def test_a_forged_notification_changes_nothing(buyer, seller):
    _, payment, _ = cashless_checkout(buyer, seller)
    response = notify(payment, signature="0" * 64)
    assert response.status_code == 401
    payment.refresh_from_db()
    assert payment.status == "pending" and not JournalEntry.objects.exists()
    assert not Notification.objects.exists()  # counted, not stored
    assert services.rejected_notifications("simulator") == 1


@pytest.mark.django_db
def test_a_replay_with_another_amount_is_refused(buyer, seller):
    _, payment, _ = cashless_checkout(buyer, seller)
    response = notify(payment, amount=1000)
    assert response.status_code == 422
    payment.refresh_from_db()
    assert payment.status == "pending" and not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_an_unknown_payment_is_404(buyer, seller):
    _, payment, _ = cashless_checkout(buyer, seller)
    payment.reference = "MLPNOTHING"
    assert notify(payment).status_code == 404


@pytest.mark.django_db
def test_the_same_notification_twice_is_applied_once(buyer, seller):
    _, payment, _ = cashless_checkout(buyer, seller)
    assert notify(payment).status_code == 200
    assert notify(payment).status_code == 200
    assert JournalEntry.objects.filter(kind=EntryKind.CAPTURE).count() == 1
    assert list(Notification.objects.order_by("id").values_list("result", flat=True)) == [
        "applied",
        "duplicate",
    ]
    assert_ledger_ok()


@pytest.mark.django_db
def test_a_late_pending_notification_never_moves_a_paid_payment_back(buyer, seller):
    _, payment, _ = cashless_checkout(buyer, seller)
    notify(payment)
    assert notify(payment, status="pending").status_code == 200
    assert notify(payment, status="expired").status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"


@pytest.mark.django_db
def test_a_lost_charge_answer_loses_nothing(buyer, seller, monkeypatch):
    # The checkout committed but the provider's answer to the charge never came (no payload);
    # the provider's notification still completes it.
    from malpro.payments.gateways.simulator import SimulatorGateway

    def no_answer(self, payment, **kwargs):
        raise TimeoutError("no answer")

    monkeypatch.setattr(SimulatorGateway, "charge", no_answer)
    checkout, payment, _ = cashless_checkout(buyer, seller, charge=False)
    payment.refresh_from_db()
    assert payment.status == "created" and not payment.qris_payload
    assert payment.charge_error == "no answer"
    monkeypatch.undo()
    assert notify(payment).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert checkout.orders.get().status == OrderStatus.PLACED
    assert_ledger_ok()


@pytest.mark.django_db
def test_unpaid_payments_expire_and_release_the_stock(buyer, seller):
    checkout, payment, item = cashless_checkout(buyer, seller)
    assert Product.objects.get(pk=item.pk).stock == 8
    assert services.payments_expire() == 0
    later = timezone.now() + dt.timedelta(minutes=31)
    assert services.payments_expire(now=later) == 1
    payment.refresh_from_db()
    assert payment.status == "expired"
    assert checkout.orders.get().status == OrderStatus.CANCELLED
    assert Product.objects.get(pk=item.pk).stock == 10
    # The money arrives anyway, late: it is recorded and owed back to the buyer.
    notify(payment)
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.paid_late
    assert ledger.balance_of(AccountKind.REFUNDS_PAYABLE) == -30000
    assert_ledger_ok()


@pytest.mark.django_db
def test_cancelled_after_payment_becomes_a_refund_due(buyer, seller):
    checkout, payment, _ = cashless_checkout(buyer, seller)
    notify(payment)
    move(buyer, checkout.orders.get(), "cancelled")
    assert ledger.balance_of(AccountKind.REFUNDS_PAYABLE) == -30000
    assert_ledger_ok()


@pytest.mark.django_db
def test_cod_delivery_is_recorded_as_cash_the_seller_collected(buyer, seller):
    from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product

    item = product(delivering_shop(seller), "Keripik", price=15000, stock=5)
    fill_cart(buyer, (item, 1))
    checkout, _ = place(buyer, {item.business_id: "pickup"})
    order = checkout.orders.get()
    for step in ("accepted", "ready"):
        move(seller, order, step)
    move(seller, order, "delivered", cash_amount=15000)
    assert ledger.balance_of(AccountKind.SELLER_CASH, business=order.business) == 15000
    assert ledger.balance_of(AccountKind.ESCROW) == 0  # never owed by the platform
    assert_ledger_ok()


@pytest.mark.django_db
def test_check_ledger_fails_on_a_corrupted_entry(buyer, seller):
    _, payment, _ = cashless_checkout(buyer, seller)
    notify(payment)
    entry = JournalEntry.objects.get(kind=EntryKind.CAPTURE)
    account = entry.lines.first().account_id
    with connection.cursor() as cursor:  # someone writes to the table behind the app's back
        cursor.execute(
            "INSERT INTO ledger_journalline (entry_id, account_id, amount) VALUES (%s, %s, %s)",
            [entry.pk, account, 5000],
        )
    err = io.StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("check_ledger", stdout=io.StringIO(), stderr=err)
    assert info.value.code == 1
    assert f"entry capture:{payment.checkout_id}" in err.getvalue()
    assert "does not balance" in err.getvalue()


@pytest.mark.django_db
def test_the_database_refuses_to_rewrite_the_ledger(buyer, seller):
    from django.db import DatabaseError, transaction

    _, payment, _ = cashless_checkout(buyer, seller)
    notify(payment)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_journalline SET amount = amount + 1")
