"""The payments' machines: every pair of states times every party, through the transition
services, against the tables in payments/workflow.py; and the events each move records."""

import pytest

from malpro.conftest import make_user
from malpro.core.exceptions import Conflict, NotFound, PermissionDenied
from malpro.core.models import Event
from malpro.orders.models import OrderStatus
from malpro.payments import services, settlements
from malpro.payments.models import Payment, PaymentStatus, PayoutBatch
from malpro.payments.tests.helpers import cashless_checkout, completed_payable_order, notify
from malpro.payments.workflow import PAYMENT_TRANSITIONS, PAYOUT_BATCH_TRANSITIONS

PAYMENT_STATES = [s.value for s in PaymentStatus]
BATCH_STATES = [s.value for s in PayoutBatch.State]


def expected_error(table, frm, to):
    """A person with no edge here: 409 when the table has no such move, 403 when it is someone
    else's move."""
    return PermissionDenied if table.get((frm, to)) else Conflict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("frm", "to"), [(f, t) for f in PAYMENT_STATES for t in PAYMENT_STATES if f != t]
)
def test_payment_transition_table(buyer, other_buyer, seller, city_admin, auditor, frm, to):
    _, payment, _ = cashless_checkout(buyer, seller)
    Payment.objects.filter(pk=payment.pk).update(status=frm)
    people = {"buyer": buyer, "admin": city_admin, "auditor": auditor}
    for user in people.values():  # no person moves a payment
        with pytest.raises(expected_error(PAYMENT_TRANSITIONS, frm, to)):
            services.payment_transition(actor=user, payment_id=payment.pk, to=to)
    with pytest.raises(NotFound):  # someone else's payment does not exist for them
        services.payment_transition(actor=other_buyer, payment_id=payment.pk, to=to)
    assert Payment.objects.get(pk=payment.pk).status == frm
    if "system" in PAYMENT_TRANSITIONS.get((frm, to), set()):
        moved = services.payment_transition(actor=None, payment_id=payment.pk, to=to)
        assert moved.status == to == Payment.objects.get(pk=payment.pk).status
        assert Event.objects.filter(kind=f"payment.{to}", subject_id=str(payment.pk)).exists()
    else:
        with pytest.raises(Conflict):
            services.payment_transition(actor=None, payment_id=payment.pk, to=to)
        assert Payment.objects.get(pk=payment.pk).status == frm


@pytest.fixture
def batch(buyer, seller):
    """The daily job's draft batch of one completed order (so any admin may approve it)."""
    completed_payable_order(buyer, seller)
    return settlements.batch_create(actor=None, provider="simulator")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("frm", "to"), [(f, t) for f in BATCH_STATES for t in BATCH_STATES if f != t]
)
def test_payout_batch_transition_table(batch, seller, city_admin, auditor, frm, to):
    other_admin = make_user("081234500098", "Budi Admin", [("city_admin", None, None)])
    # Approved by another admin, so the four eyes never hide the table.
    PayoutBatch.objects.filter(pk=batch.pk).update(state=frm, approved_by=other_admin)

    def move(actor):
        return settlements.payout_batch_transition(
            actor=actor, batch_id=batch.pk, to=to, reason="Bank menolak"
        )

    for actor in (auditor, None):  # the auditor only reads; the daily job only makes drafts
        with pytest.raises(expected_error(PAYOUT_BATCH_TRANSITIONS, frm, to)):
            move(actor)
    with pytest.raises(NotFound):
        move(seller)
    assert PayoutBatch.objects.get(pk=batch.pk).state == frm
    if "admin" in PAYOUT_BATCH_TRANSITIONS.get((frm, to), set()):
        assert move(city_admin).state == to == PayoutBatch.objects.get(pk=batch.pk).state
        event = Event.objects.get(kind=f"payout_batch.{to}", subject_id=str(batch.pk))
        assert event.payload["from"] == frm and event.payload["amount"] == batch.total
    else:
        with pytest.raises(Conflict):
            move(city_admin)
        assert PayoutBatch.objects.get(pk=batch.pk).state == frm


@pytest.mark.django_db
def test_a_payment_records_its_life_as_events_without_account_numbers(buyer, seller):
    checkout, payment, _ = cashless_checkout(buyer, seller, method="va")
    notify(payment)
    order = checkout.orders.get()
    kinds = list(
        Event.objects.filter(subject_type="payments.payment", subject_id=str(payment.pk))
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["payment.created", "payment.pending", "payment.paid"]
    paid = Event.objects.get(kind="payment.paid")
    assert paid.payload["amount"] == 30000 and paid.payload["provider"] == "simulator"
    assert paid.payload["checkout_id"] == str(checkout.pk)
    assert paid.payload["order_ids"] == [order.pk]
    payment.refresh_from_db()
    assert payment.va_number and payment.va_number not in str(
        list(Event.objects.values_list("payload", flat=True))
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PLACED and order.paid_via == "simulator"


@pytest.mark.django_db
def test_a_cod_checkout_has_no_payment_and_a_cashless_one_has_it_at_once(buyer, seller):
    from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product

    item = product(delivering_shop(seller), "Keripik", price=15000, stock=5)
    fill_cart(buyer, (item, 1))
    checkout, _ = place(buyer, {item.business_id: "pickup"})
    assert not Payment.objects.filter(checkout=checkout).exists()
    cashless, payment, _ = cashless_checkout(buyer, seller, key="q")
    created = Event.objects.get(kind="payment.created")
    placed = Event.objects.get(kind="checkout.placed", subject_id=str(cashless.pk))
    assert created.pk > placed.pk and created.payload["checkout_id"] == str(cashless.pk)


@pytest.mark.django_db
def test_a_provider_pending_notice_does_not_cancel_the_orders(buyer, seller, monkeypatch):
    from malpro.payments.gateways.simulator import SimulatorGateway

    monkeypatch.setattr(SimulatorGateway, "charge", lambda *a, **k: 1 / 0)  # no answer
    checkout, payment, _ = cashless_checkout(buyer, seller, charge=False)
    monkeypatch.undo()
    assert notify(payment, status="pending").status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == "pending"
    assert checkout.orders.get().status == OrderStatus.PENDING_PAYMENT


@pytest.mark.django_db
def test_a_payout_batch_records_its_life_as_events(batch, city_admin):
    settlements.batch_approve(actor=city_admin, batch_id=batch.pk)
    kinds = list(
        Event.objects.filter(subject_type="payments.payoutbatch")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["payout_batch.draft", "payout_batch.approved"]
    assert "0011223344" not in str(list(Event.objects.values_list("payload", flat=True)))
