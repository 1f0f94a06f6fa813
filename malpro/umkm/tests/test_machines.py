"""Every pair of states times every party, for both UMKM machines: the services allow
exactly the table's edges and raise the specific error otherwise."""

import pytest
from django.utils import timezone

from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.umkm import access, services
from malpro.umkm.models import Business, Claim, Status
from malpro.umkm.tests.factories import make_business
from malpro.umkm.workflow import BUSINESS, CLAIM, CLAIM_TRANSITIONS, TRANSITIONS

KLOJEN = "35.73.02.1001"  # the `operator`'s kecamatan


def expected_error(edges, frm, to):
    return Conflict if (frm, to) not in edges else PermissionDenied


# --- business verification -----------------------------------------------------------------------
STATES = [s.value for s in Status]


@pytest.fixture
def business(seller):
    # Complete (consent on record stands in for the KTP scan), guided by the `officer`'s
    # agency, in the `operator`'s area, owned by the `seller`.
    return make_business(
        owner=seller,
        status=Status.DRAFT,
        village=KLOJEN,
        agencies=("DISKOPINDAG",),
        consent_at=timezone.now(),
    )


def business_at(business, status) -> Business:
    Business.objects.filter(pk=business.pk).update(status=status)
    return Business.objects.get(pk=business.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), [(f, t) for f in STATES for t in STATES if f != t])
def test_business_transition_table(
    business, seller, officer, operator, city_admin, auditor, other_seller, frm, to
):
    parties = {
        "owner": seller,
        "guide": officer,
        "registrar": operator,
        "admin": city_admin,
        "auditor": auditor,
        "system": None,
    }
    business = business_at(business, frm)
    for party, user in parties.items():
        if user is not None:
            assert access.business_parties(user, business) == {party}
        kwargs = {"actor": user, "business_id": business.pk, "to": to, "reason": "alasan"}
        if BUSINESS.allows(frm, to, party):
            assert services.business_transition(**kwargs).status == to
            business = business_at(business, frm)
        else:
            with pytest.raises(expected_error(TRANSITIONS, frm, to)):
                services.business_transition(**kwargs)
    with pytest.raises(NotFound):  # no party at all: the business is not theirs to know
        services.business_transition(actor=other_seller, business_id=business.pk, to=to)
    assert Business.objects.get(pk=business.pk).status == frm


@pytest.mark.django_db
def test_an_unknown_business_state_is_a_field_error(business, city_admin):
    with pytest.raises(ApplicationError) as info:
        services.business_transition(actor=city_admin, business_id=business.pk, to="hilang")
    assert "tidak dikenal" in info.value.extra["fields"]["to"]


# --- an owner's claim ----------------------------------------------------------------------------
CLAIM_STATES = [s.value for s in Claim.State]


@pytest.fixture
def claim(buyer):
    business = make_business(
        status=Status.VERIFIED,
        phone=buyer.phone,
        owner_nik="",
        village=KLOJEN,
        agencies=("DISKOPINDAG",),
    )
    claim = services.claim_request(user=buyer, business_id=business.pk, nik="3573054107850002")
    assert claim.state == Claim.State.PENDING
    return claim


def claim_at(claim, state) -> Claim:
    Claim.objects.filter(pk=claim.pk).update(state=state)
    Business.objects.filter(pk=claim.business_id).update(owner=None, claimed_at=None)
    return Claim.objects.get(pk=claim.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("frm", "to"), [(f, t) for f in CLAIM_STATES for t in CLAIM_STATES if f != t]
)
def test_claim_transition_table(
    claim, buyer, officer, operator, city_admin, auditor, other_officer, frm, to
):
    parties = {
        "claimant": [buyer],
        "decider": [officer, operator, city_admin],  # guide, registrar, admin
        "system": [None],
    }
    claim = claim_at(claim, frm)
    for party, users in parties.items():
        for user in users:
            if user is not None:
                assert access.claim_parties(user, claim) == {party}
            kwargs = {"actor": user, "claim_id": claim.pk, "to": to, "reason": "alasan"}
            if CLAIM.allows(frm, to, party):
                assert services.claim_transition(**kwargs).state == to
                claim = claim_at(claim, frm)
            else:
                with pytest.raises(expected_error(CLAIM_TRANSITIONS, frm, to)):
                    services.claim_transition(**kwargs)
    for outsider in (auditor, other_officer):  # they decide no claim, so they do not see it
        with pytest.raises(NotFound):
            services.claim_transition(actor=outsider, claim_id=claim.pk, to=to, reason="x")
    assert Claim.objects.get(pk=claim.pk).state == frm
