"""The ASN programme's line in the officers' daily digest: NIP claims waiting for a decision
this person may take (their own OPD's; every OPD's for the city admin)."""

import pytest

from malpro.asn.models import NipClaim
from malpro.asn.tests.factories import employee
from malpro.conftest import make_user
from malpro.notifications import digest
from malpro.notifications.models import Notification

LABEL = "Klaim NIP ASN menunggu keputusan"


def counts(user):
    return {str(label): (n, path) for label, n, path in digest.waiting_for(user)}


@pytest.mark.django_db
def test_the_digest_counts_nip_claims_of_the_officers_own_opd(
    buyer, other_buyer, officer, other_officer, city_admin, auditor
):
    bkpsdm = make_user("081277770001", "Petugas BKPSDM", [("agency_officer", "BKPSDM", None)])
    for n, claimant in enumerate((buyer, other_buyer)):
        staff = employee(nip=f"1985071220100120{n + 1:02d}", agency="DISKOPINDAG")
        NipClaim.objects.create(user=claimant, employee=staff)
    assert counts(officer)[LABEL] == (2, "/asn/klaim/")
    assert counts(city_admin)[LABEL][0] == 2
    assert LABEL not in counts(other_officer)  # another OPD's officer
    assert LABEL not in counts(bkpsdm)  # reads every OPD's claims, decides only its own
    digest.send_digests()
    note = Notification.objects.get(user=officer, kind="work.digest")
    assert f"{LABEL}: 2" in note.body and note.link == "/asn/klaim/"
    assert not Notification.objects.filter(user__in=[other_officer, auditor]).exists()
