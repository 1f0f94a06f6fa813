"""What a business's owner and the officers who verify it are told, and the officers' digest."""

import pytest
from django.utils import timezone

from malpro.accounts.roles import Role
from malpro.conftest import make_user
from malpro.notifications import digest
from malpro.notifications.channels.base import memory_outbox
from malpro.notifications.models import Notification
from malpro.umkm import services
from malpro.umkm.tests.factories import make_business


def move(actor, business, to, reason=""):
    return services.business_transition(actor=actor, business_id=business.pk, to=to, reason=reason)


def draft(owner, **fields):
    return make_business(owner=owner, status="draft", consent_at=timezone.now(), **fields)


@pytest.mark.django_db
def test_the_owner_is_told_of_verification_and_suspension_with_the_reason(seller, officer):
    business = draft(seller)
    move(seller, business, "submitted")
    move(officer, business, "verified")
    verified = Notification.objects.get(user=seller, kind="business.verified_for_owner")
    assert business.name in verified.title and verified.link == f"/umkm/{business.pk}/pengajuan/"
    move(seller, business, "active")
    move(officer, business, "suspended", reason="Izin PIRT kedaluwarsa")
    suspended = Notification.objects.get(user=seller, kind="business.suspended_for_owner")
    assert "Izin PIRT kedaluwarsa" in suspended.body
    sent = [k.out for k in memory_outbox if k.out.to == seller.phone]
    assert [o.template for o in sent] == [
        "malpro_business_verified_for_owner",
        "malpro_business_suspended_for_owner",
    ]
    assert "Izin PIRT kedaluwarsa" in sent[1].params


@pytest.mark.django_db
def test_a_rejection_tells_the_owner_why(seller, officer):
    business = draft(seller)
    move(seller, business, "submitted")
    move(officer, business, "rejected", reason="Foto KTP tidak terbaca")
    note = Notification.objects.get(user=seller, kind="business.rejected_for_owner")
    assert "Foto KTP tidak terbaca" in note.body


@pytest.mark.django_db
def test_a_submission_reaches_only_the_officers_who_may_verify_it(
    seller, officer, other_officer, operator, city_admin
):
    business = draft(seller, agencies=("DISKOPINDAG",))
    move(seller, business, "submitted")
    told = set(
        Notification.objects.filter(kind="business.submitted_for_officer").values_list(
            "user__name", flat=True
        )
    )
    assert told == {officer.name}  # not Dispangtan's officer, the area operator, the admin
    note = Notification.objects.get(user=officer, kind="business.submitted_for_officer")
    assert note.link == f"/umkm/{business.pk}/" and business.name in note.title
    # Work messages default to email: the officer has none, so only the bell.
    assert not [k for k in memory_outbox if k.out.to == officer.phone]


@pytest.mark.django_db
def test_the_digest_counts_only_what_each_person_may_decide(
    seller, officer, other_officer, operator, city_admin
):
    officer.email = "sri@malangkota.go.id"
    officer.save(update_fields=["email"])
    for _ in range(2):
        move(seller, draft(seller, agencies=("DISKOPINDAG",)), "submitted")
    move(seller, draft(seller, agencies=("DISPANGTAN",)), "submitted")
    lines = {u.name: digest.waiting_for(u) for u in (officer, other_officer, operator, city_admin)}
    counts = {name: {str(label): n for label, n, _p in rows} for name, rows in lines.items()}
    assert counts[officer.name]["Usaha menunggu verifikasi"] == 2
    assert counts[other_officer.name]["Usaha menunggu verifikasi"] == 1
    assert counts[city_admin.name]["Usaha menunggu verifikasi"] == 3
    assert all(n == 0 for n in counts[operator.name].values())  # operators do not verify
    assert digest.send_digests() == 3
    note = Notification.objects.get(user=officer, kind="work.digest")
    assert "Usaha menunggu verifikasi: 2" in note.body
    assert note.link == "/umkm/registri/?status=submitted"
    assert digest.send_digests() == 0  # once a day
    from django.core import mail

    # The officer's two submissions and the digest, by email (work's default channel).
    assert [m.to for m in mail.outbox] == [["sri@malangkota.go.id"]] * 3
    assert "Pekerjaan menunggu: 2" in mail.outbox[-1].subject


@pytest.mark.django_db
def test_the_digest_counts_owner_claims_in_the_deciders_scope(officer, other_officer):
    from malpro.umkm.models import Claim

    claimant = make_user("081234500099", "Pak Budi", [(Role.SELLER, None, None)])
    business = make_business(agencies=("DISKOPINDAG",), phone=claimant.phone)
    Claim.objects.create(business=business, user=claimant)
    rows = {str(label): n for label, n, _p in digest.waiting_for(officer)}
    assert rows["Klaim kepemilikan usaha menunggu keputusan"] == 1
    assert digest.waiting_for(other_officer) == []
