"""NIP claims racing on one NIP, on real parallel connections (PostgreSQL): the roster entry is
locked before its claims, so the NIP ends linked to exactly one account, the one approved
claim's, and the other claims waiting on it are rejected; nothing deadlocks."""

import threading

import pytest
from django.db import connection, connections

from malpro.asn import services
from malpro.asn.models import Employee, NipClaim
from malpro.asn.tests.factories import employee
from malpro.conftest import make_user
from malpro.core.crypto import nip_hash
from malpro.core.exceptions import ApplicationError

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

NIP = "198507122010012003"


def together(*works) -> list:
    """Runs each work on its own thread and connection, all released at once; returns what
    each raised (None when it did not)."""
    start = threading.Barrier(len(works))
    raised = [None] * len(works)

    def run(index, work):
        try:
            start.wait()
            work()
        except ApplicationError as exc:
            raised[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "deadlocked"
    return raised


def linked_once():
    person = Employee.objects.get(nip_hash=nip_hash(NIP))
    approved = NipClaim.objects.filter(state=NipClaim.State.APPROVED)
    assert approved.count() == 1
    assert person.user_id == approved.get().user_id
    assert not NipClaim.objects.filter(state=NipClaim.State.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_the_phone_holder_and_an_officer_approving_a_stranger_at_once_link_one_account():
    officer = make_user("081234570001", "Petugas", [("agency_officer", "DISKOPINDAG", None)])
    holder = make_user("081234570002", "Pemilik NIP")
    stranger = make_user("081234570003", "Orang Lain")
    employee(phone=holder.phone, agency="DISKOPINDAG")
    theirs = services.nip_claim(user=stranger, nip=NIP)
    together(
        lambda: services.nip_claim_transition(actor=officer, claim_id=theirs.pk, to="approved"),
        lambda: services.nip_claim(user=holder, nip=NIP),
    )
    linked_once()


@pytest.mark.django_db(transaction=True)
def test_two_officers_approving_two_claims_on_one_nip_at_once_link_one_account():
    officers = [
        make_user(f"08123457001{n}", f"Petugas {n}", [("agency_officer", "DISKOPINDAG", None)])
        for n in range(2)
    ]
    employee(phone="+6281299998888", agency="DISKOPINDAG")
    claims = [
        services.nip_claim(user=make_user(f"08123457002{n}", f"Orang {n}"), nip=NIP)
        for n in range(2)
    ]
    raised = together(
        *[
            lambda o=o, c=c: services.nip_claim_transition(actor=o, claim_id=c.pk, to="approved")
            for o, c in zip(officers, claims, strict=True)
        ]
    )
    linked_once()
    assert sum(exc is not None for exc in raised) == 1  # the later one: already decided
