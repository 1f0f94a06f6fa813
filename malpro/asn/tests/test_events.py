"""The ASN programme follows orders and its own decisions through events after the commit:
an order never waits on (or fails because of) the standings or the messages."""

import datetime as dt

import pytest
from django.utils import timezone

from malpro.asn import consumers, periods, services
from malpro.asn.models import IntegrityFlag, NipClaim, Standing
from malpro.asn.tests.factories import (
    complete_order,
    delivered_order,
    delivering_shop,
    employee,
    offline_purchase,
    policy,
    product,
)
from malpro.core import events
from malpro.core.models import Event, EventDelivery
from malpro.notifications.models import Notification
from malpro.orders import services as orders
from malpro.orders.models import Order, OrderStatus


@pytest.fixture
def asn(asn_user):
    return employee(user=asn_user)


@pytest.fixture
def rice(seller):
    return product(delivering_shop(seller), "Beras 5 kg", category="beras", price=70_000, stock=50)


def standing(asn):
    return Standing.objects.filter(employee=asn, period__year=periods.parse(None)[0]).first()


@pytest.mark.django_db
def test_an_order_completes_without_a_policy_and_counts_once_one_is_added(
    asn, asn_user, rice, other_buyer, web
):
    mine = delivered_order(asn_user, rice, 2)
    others = [delivered_order(other_buyer, rice) for _ in range(2)]
    page = web(asn_user).post(f"/pesanan/{mine.pk}/status/", {"to": "completed"}, follow=True)
    assert "Belum ada kebijakan" not in page.content.decode()
    assert Order.objects.get(pk=mine.pk).status == OrderStatus.COMPLETED
    assert standing(asn) is None  # nothing to count against yet, and nothing failing
    assert not EventDelivery.objects.exclude(state=EventDelivery.State.DONE).exists()
    # The auto-complete job completes every other due order in the same run.
    Order.objects.filter(pk__in=[o.pk for o in others]).update(
        delivered_at=timezone.now() - dt.timedelta(days=5)
    )
    assert orders.orders_autocomplete(days=3) == 2
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.COMPLETED}
    # The Perwal arrives: the month's standing catches up with the order.
    policy(default=500_000)
    assert standing(asn).counted == 140_000 and standing(asn).required == 500_000


@pytest.mark.django_db
def test_autocomplete_finishes_every_order_while_the_standings_consumer_fails(
    asn, asn_user, rice, monkeypatch
):
    policy()
    due = [delivered_order(asn_user, rice) for _ in range(3)]
    Order.objects.filter(pk__in=[o.pk for o in due]).update(
        delivered_at=timezone.now() - dt.timedelta(days=5)
    )

    def broken(*args, **kwargs):
        raise RuntimeError("standings down")

    monkeypatch.setattr(consumers.obligation, "standing_refresh", broken)
    assert orders.orders_autocomplete(days=3) == 3
    failing = EventDelivery.objects.filter(consumer=consumers.STANDINGS, attempts=1)
    assert failing.count() == 3 and "standings down" in failing.first().last_error
    monkeypatch.undo()
    assert events.retry(failing.values_list("pk", flat=True)) == (3, 0)
    assert standing(asn).counted == 210_000


@pytest.mark.django_db
def test_a_cancellation_after_the_period_closed_is_flagged_once_however_often_delivered(
    asn, asn_user, rice
):
    from malpro.asn import obligation

    policy()
    order = delivered_order(asn_user, rice)
    last_month = periods.previous(*periods.parse(None))
    when = timezone.make_aware(dt.datetime(*last_month, 28, 10))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PLACED, placed_at=when)
    obligation.period_close(year=last_month[0], month=last_month[1])
    orders.order_transition(actor=asn_user, order_id=order.pk, to="cancelled")
    event = Event.objects.get(kind="order.cancelled")
    consumers.standings(event)  # a second delivery of the same event
    events.replay(consumer_name=consumers.STANDINGS, since=event.occurred_at)
    assert IntegrityFlag.objects.filter(kind="post_close").count() == 1
    assert Event.objects.filter(kind="integrity_flag.open").count() == 1


@pytest.mark.django_db
def test_a_cancellation_before_the_close_delivered_after_it_raises_no_flag(
    asn, asn_user, rice, monkeypatch
):
    from malpro.asn import obligation

    policy()
    order = delivered_order(asn_user, rice)
    last_month = periods.previous(*periods.parse(None))
    when = timezone.make_aware(dt.datetime(*last_month, 28, 10))
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.PLACED, placed_at=when)
    monkeypatch.setattr(consumers.obligation, "period_get", lambda *a: 1 / 0)  # consumer down
    orders.order_transition(actor=asn_user, order_id=order.pk, to="cancelled")
    monkeypatch.undo()
    obligation.period_close(year=last_month[0], month=last_month[1])  # closes meanwhile
    delivery = EventDelivery.objects.get(consumer=consumers.STANDINGS)
    assert events.retry([delivery.pk]) == (1, 0)  # delivered late, after the close
    assert not IntegrityFlag.objects.filter(kind="post_close").exists()


@pytest.mark.django_db
def test_standings_recount_nothing_twice_on_a_replay(asn, asn_user, rice):
    policy()
    complete_order(asn_user, rice, 2)
    first = standing(asn).counted
    consumers.standings(Event.objects.get(kind="order.completed"))
    summary = events.replay(
        consumer_name=consumers.STANDINGS, since=timezone.now() - dt.timedelta(hours=1)
    )
    assert summary.already_done == summary.events and standing(asn).counted == first == 140_000


@pytest.mark.django_db
def test_claim_decisions_are_told_to_the_claimant_once(buyer, officer):
    employee(phone="+6281299998888", agency="DISKOPINDAG")
    claim = services.nip_claim(user=buyer, nip="198507122010012003")
    services.nip_claim_transition(actor=officer, claim_id=claim.pk, to="rejected", reason="Bukan")
    event = Event.objects.get(kind="nip_claim.rejected")
    consumers.notices(event)  # delivered again: nothing new
    note = Notification.objects.get(user=buyer)
    assert note.title == "Klaim NIP Anda ditolak" and "Bukan" in note.body
    assert note.dedupe_key == f"{event.uid}:{buyer.pk}:asn.claim_rejected:in_app"
    assert note.event == event
    assert event.payload["claim_id"] == claim.pk and "nip" not in event.payload
    assert NipClaim.objects.get().state == "rejected"


@pytest.mark.django_db
def test_an_in_person_purchase_is_announced_to_the_seller_and_its_decision_to_the_asn(
    asn_user, seller
):
    purchase = offline_purchase(asn=asn_user, seller=seller, amount=171_000)
    to_seller = Notification.objects.get(user=seller)
    assert "Rp171.000" in to_seller.body and to_seller.link == "/jual/pembelian-asn/"
    services.offline_purchase_transition(actor=seller, purchase_id=purchase.pk, to="confirmed")
    assert Notification.objects.get(user=asn_user).title == "Pembelian langsung dikonfirmasi"
    assert standing(purchase.employee).counted == 171_000
    kinds = list(Event.objects.filter(subject_type="asn.offlinepurchase").values_list("kind"))
    assert kinds == [("offline_purchase.pending",), ("offline_purchase.confirmed",)]
    for event in Event.objects.filter(subject_type="asn.offlinepurchase"):
        consumers.notices(event)
    assert Notification.objects.count() == 2


@pytest.mark.django_db
def test_a_claim_approved_at_once_is_recorded_by_the_system(buyer):
    employee(phone=buyer.phone)
    services.nip_claim(user=buyer, nip="198507122010012003")
    created, approved = Event.objects.filter(subject_type="asn.nipclaim").order_by("pk")
    assert (created.kind, created.actor) == ("nip_claim.pending", buyer)
    assert (approved.kind, approved.actor) == ("nip_claim.approved", None)
    assert Notification.objects.get(user=buyer).title == "NIP Anda terverifikasi"


@pytest.mark.django_db
def test_policy_versions_saved_in_the_back_office_are_recorded(web, city_admin):
    client = web(city_admin)
    form = {
        "name": "Perwal belanja ASN",
        "regulation_ref": "Perwal No. 12 Tahun 2026",
        "effective_from": "2026-01-01",
        "is_example": "on",
        "default_amount": "1000000",
        "counts_offline": "on",
        "amounts-TOTAL_FORMS": "1",
        "amounts-INITIAL_FORMS": "0",
        "amounts-0-basis": "golongan",
        "amounts-0-value": "IV",
        "amounts-0-amount": "1500000",
    }
    assert client.post("/admin/asn/policy/add/", form).status_code == 302
    created = Event.objects.get(kind="policy.created")
    assert created.payload["amounts"] == [["golongan", "IV", 1_500_000]]
    assert created.actor == city_admin
    pk = created.payload["policy_id"]
    change = {**form, "amounts-TOTAL_FORMS": "0", "default_amount": "900000"}
    assert client.post(f"/admin/asn/policy/{pk}/change/", change).status_code == 302
    changed = Event.objects.get(kind="policy.changed")
    assert changed.payload["changed"] == ["default_amount"]
    published = {k: v for k, v in change.items() if k != "is_example"}
    assert client.post(f"/admin/asn/policy/{pk}/change/", published).status_code == 302
    assert Event.objects.get(kind="policy.published").payload["is_example"] is False
    assert client.post(f"/admin/asn/policy/{pk}/change/", published).status_code == 302
    assert Event.objects.filter(kind__startswith="policy.").count() == 3  # nothing changed
