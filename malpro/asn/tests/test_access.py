import pytest

from malpro.asn import access
from malpro.asn.tests.factories import employee, offline_purchase
from malpro.conftest import make_user


@pytest.mark.django_db
def test_report_scope_per_reader(officer, auditor, city_admin, buyer):
    bkpsdm = make_user("081277770001", "Petugas BKPSDM", [("agency_officer", "BKPSDM", None)])
    assert access.report_agency_ids(user=city_admin) is None
    assert access.report_agency_ids(user=auditor) is None
    assert access.report_agency_ids(user=bkpsdm) is None
    assert access.report_agency_ids(user=officer) == set(officer.officer_agency_ids())
    assert access.report_agency_ids(user=buyer) == set()
    assert access.keeps_roster(user=bkpsdm) and not access.keeps_roster(user=auditor)
    assert access.can_import_roster(user=bkpsdm) and not access.can_import_roster(user=auditor)


@pytest.mark.django_db
def test_claims_are_seen_by_their_opd_and_decided_by_its_officer(
    buyer, officer, other_officer, auditor
):
    from malpro.asn.models import NipClaim

    claim = NipClaim.objects.create(user=buyer, employee=employee(agency="DISKOPINDAG"))
    assert list(access.nip_claims_to_review(user=officer)) == [claim]
    assert not access.nip_claims_to_review(user=other_officer).exists()
    assert list(access.nip_claim_visible(user=buyer)) == [claim]  # the claimant's own
    assert access.can_decide_claim(user=officer, obj=claim)
    assert not access.can_decide_claim(user=auditor, obj=claim)


@pytest.mark.django_db
def test_in_person_purchases_reach_the_shop_its_guides_and_the_asn(
    asn_user, seller, other_seller, officer, other_officer, auditor
):
    purchase = offline_purchase(asn=asn_user, seller=seller)
    for user in (seller, officer):
        assert list(access.offline_purchases_to_decide(user=user)) == [purchase]
    for user in (other_seller, other_officer, auditor, asn_user):
        assert not access.offline_purchases_to_decide(user=user).exists()
    for user in (asn_user, seller, officer, auditor):
        assert list(access.offline_purchase_visible(user=user)) == [purchase]
    assert not access.offline_purchase_visible(user=other_seller).exists()
