"""Every pair of states × every party, for each ASN machine: the transition service allows
exactly the table's edges and raises the specific error otherwise (404 for who is no party,
409 for a move the table lacks, 403 for a move that is not the party's)."""

import pytest

from malpro.asn import services, workflow
from malpro.asn.models import Employee, IntegrityFlag, NipClaim, OfflinePurchase
from malpro.asn.tests.factories import employee, offline_purchase
from malpro.core.exceptions import Conflict, NotFound, PermissionDenied
from malpro.core.models import Event


def expected(machine, frm, to, parties):
    if not parties:
        return NotFound
    if (frm, to) not in machine.edges:
        return Conflict
    if not any(machine.allows(frm, to, p) for p in parties):
        return PermissionDenied
    return None


def walk(machine, personas, frm, to, *, reset, move, seen=lambda parties, state: state):
    """Puts the object in `frm` before each persona's try, moves it, checks the outcome.
    `seen(parties, state)`: the state the parties are answered from (a claimant reads an
    unmatched claim as a pending one)."""
    for name, (user, parties) in personas.items():
        obj = reset(frm)
        assert machine.parties_of(user, obj) == parties, name
        error = expected(machine, seen(parties, frm), to, parties)
        if error is None:
            assert getattr(move(user, obj, to), machine.field) == to, name
            assert Event.objects.filter(kind=f"{machine.name}.{to}", subject_id=str(obj.pk))
        else:
            with pytest.raises(error):
                move(user, obj, to)
            obj.refresh_from_db()
            assert getattr(obj, machine.field) == frm, name


def pairs(states):
    return [(f, t) for f in states.values for t in states.values]


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), pairs(NipClaim.State))
def test_nip_claim_table(frm, to, buyer, officer, other_officer, city_admin, auditor):
    person = employee(phone="+6281299998888", agency="DISKOPINDAG")
    claim = NipClaim.objects.create(user=buyer, employee=person, nip=person.nip)
    personas = {
        "claimant": (buyer, {"claimant"}),
        "officer of the ASN's OPD": (officer, {"decider", "reader"}),
        "another OPD's officer": (other_officer, set()),
        "city admin": (city_admin, {"decider", "reader"}),
        "auditor": (auditor, {"reader"}),
        "system": (None, {"system"}),
    }

    def reset(state):
        Employee.objects.filter(pk=person.pk).update(user=None)
        NipClaim.objects.filter(pk=claim.pk).update(state=state)
        return NipClaim.objects.select_related("employee").get(pk=claim.pk)

    def move(user, obj, to):
        return services.nip_claim_transition(actor=user, claim_id=obj.pk, to=to, reason="alasan")

    def seen(parties, state):
        # To its claimant alone, an unmatched claim answers as a waiting one: trying a move
        # on it must not tell whether the roster took the NIP.
        if parties == {"claimant"} and state == NipClaim.State.UNMATCHED:
            return NipClaim.State.PENDING
        return state

    walk(workflow.NIP_CLAIM, personas, frm, to, reset=reset, move=move, seen=seen)


@pytest.mark.django_db
def test_a_claimant_gets_the_same_answers_on_an_unmatched_claim_as_on_a_pending_one(buyer):
    """Each move tried by the claimant: the same status and message for both."""
    person = employee(agency="DISKOPINDAG")
    answers = {}
    for state in (NipClaim.State.PENDING, NipClaim.State.UNMATCHED):
        claim = NipClaim.objects.create(user=buyer, employee=person, nip=person.nip, state=state)
        for to in NipClaim.State.values:
            if to == NipClaim.State.WITHDRAWN:
                continue
            with pytest.raises(Exception) as info:
                services.nip_claim_transition(actor=buyer, claim_id=claim.pk, to=to, reason="x")
            answers.setdefault(to, set()).add(
                (type(info.value), info.value.message, str(info.value.extra))
            )
        NipClaim.objects.filter(pk=claim.pk).update(state=NipClaim.State.WITHDRAWN)
    assert all(len(found) == 1 for found in answers.values()), answers


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), pairs(OfflinePurchase.State))
def test_offline_purchase_table(
    frm, to, asn_user, seller, other_seller, officer, other_officer, city_admin, auditor
):
    purchase = offline_purchase(asn=asn_user, seller=seller)  # a shop Diskopindag guides
    personas = {
        "the ASN": (asn_user, {"asn"}),
        "the shop's owner": (seller, {"seller"}),
        "another seller": (other_seller, set()),
        "guiding officer": (officer, {"guide"}),
        "another OPD's officer": (other_officer, set()),
        "city admin": (city_admin, {"admin"}),
        "auditor": (auditor, {"auditor"}),
        "system": (None, {"system"}),
    }

    def reset(state):
        OfflinePurchase.objects.filter(pk=purchase.pk).update(state=state)
        return OfflinePurchase.objects.select_related("business", "employee").get(pk=purchase.pk)

    def move(user, obj, to):
        return services.offline_purchase_transition(
            actor=user, purchase_id=obj.pk, to=to, reason="alasan"
        )

    walk(workflow.OFFLINE_PURCHASE, personas, frm, to, reset=reset, move=move)


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), pairs(IntegrityFlag.State))
def test_integrity_flag_table(frm, to, buyer, officer, city_admin, auditor):
    flag = IntegrityFlag.objects.create(kind=IntegrityFlag.Kind.DEVICE_BURST, key="t:1")
    personas = {
        "auditor": (auditor, {"reviewer"}),
        "city admin": (city_admin, {"reviewer"}),
        "an OPD's officer": (officer, set()),
        "a buyer": (buyer, set()),
        "system": (None, {"system"}),
    }

    def reset(state):
        IntegrityFlag.objects.filter(pk=flag.pk).update(state=state)
        return IntegrityFlag.objects.get(pk=flag.pk)

    def move(user, obj, to):
        return services.integrity_flag_transition(
            actor=user, flag_id=obj.pk, to=to, note="diperiksa"
        )

    walk(workflow.INTEGRITY_FLAG, personas, frm, to, reset=reset, move=move)


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_a_review_a_note(buyer, officer, auditor):
    from malpro.core.exceptions import ApplicationError

    employee(agency="DISKOPINDAG")
    claim = services.nip_claim(user=buyer, nip="198507122010012003")
    with pytest.raises(ApplicationError, match="Alasan penolakan wajib"):
        services.nip_claim_transition(actor=officer, claim_id=claim.pk, to="rejected")
    flag = IntegrityFlag.objects.create(kind=IntegrityFlag.Kind.DEVICE_BURST, key="t:2")
    with pytest.raises(ApplicationError, match="Catatan pemeriksaan wajib"):
        services.integrity_flag_transition(actor=auditor, flag_id=flag.pk, to="cleared", note="")
    assert NipClaim.objects.get().state == "pending" and IntegrityFlag.objects.get().state == "open"


@pytest.mark.django_db
def test_flags_raised_by_the_rules_are_recorded_as_opened_by_the_system(asn_user):
    from malpro.asn import flags
    from malpro.asn.tests.factories import policy

    policy()
    person = employee(user=asn_user)
    flags._raise(IntegrityFlag.Kind.ROUND_EXACT, "2026-11:1", employee=person)
    flags._raise(IntegrityFlag.Kind.ROUND_EXACT, "2026-11:1", employee=person)  # once
    opened = Event.objects.get(kind="integrity_flag.open")
    assert opened.actor is None and opened.payload["kind"] == "round_exact"
    assert opened.payload["employee_id"] == person.pk and "evidence" not in opened.payload
