"""What the register tells the rest of the platform (core.events): the kinds, and payloads
without personal numbers."""

import json

import pytest

from malpro.conftest import make_user
from malpro.core.exceptions import ApplicationError
from malpro.core.models import Event
from malpro.umkm import services
from malpro.umkm.models import Business, Claim, ImportJob
from malpro.umkm.tests.factories import make_business, nik
from malpro.umkm.tests.test_import import ROWS, write_csv
from malpro.umkm.tests.test_workflow import data, ktp, move


def kinds(subject) -> list[str]:
    return list(
        Event.objects.filter(
            subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
        ).values_list("kind", flat=True)
    )


def no_personal_numbers(event, *numbers):
    text = json.dumps(event.payload)
    for number in numbers:
        assert number and number[-8:] not in text


@pytest.mark.django_db
def test_registration_and_every_move_record_an_event(seller, officer):
    business = services.business_register(actor=seller, data=data())
    ktp(business, seller)
    move(seller, business, "submitted")
    move(officer, business, "verified")
    assert kinds(business) == [
        "business.draft",
        "business.document_added",
        "business.submitted",
        "business.verified",
    ]
    verified = Event.objects.get(kind="business.verified")
    assert verified.actor == officer
    assert verified.payload == {
        "from": "submitted",
        "to": "verified",
        "reason": "",
        "village_code": "35.73.05.1003",
        "agency_codes": ["DISKOPINDAG"],
        "owner_id": seller.pk,
    }
    assert Event.objects.get(kind="business.document_added").payload == {"kind": "ktp"}
    for event in Event.objects.all():
        no_personal_numbers(event, business.owner_nik, business.phone)


@pytest.mark.django_db
def test_a_refused_move_records_nothing(seller, officer):
    business = services.business_register(actor=seller, data=data())
    with pytest.raises(ApplicationError):  # incomplete: no KTP yet
        move(seller, business, "submitted")
    assert kinds(business) == ["business.draft"]


@pytest.mark.django_db
def test_an_edit_records_the_changed_field_names(seller):
    business = services.business_register(actor=seller, data=data())
    services.business_update(actor=seller, business=business, data=data(address="Jl. Baru 2"))
    services.business_update(actor=seller, business=business, data=data(address="Jl. Baru 2"))
    updated = Event.objects.filter(kind="business.updated")
    assert [e.payload for e in updated] == [{"fields": ["address"]}]


@pytest.mark.django_db
def test_a_matching_claim_is_created_and_approved_by_the_system(buyer):
    business = make_business(status="verified", phone=buyer.phone, owner_nik=nik(41))
    claim = services.claim_request(user=buyer, business_id=business.pk, nik=nik(41))
    assert kinds(claim) == ["business_claim.pending", "business_claim.approved"]
    approved = Event.objects.get(kind="business_claim.approved")
    assert approved.actor is None
    assert (
        approved.payload["business_id"] == business.pk and approved.payload["user_id"] == buyer.pk
    )
    for event in Event.objects.filter(kind__startswith="business_claim."):
        no_personal_numbers(event, nik(41), buyer.phone)


@pytest.mark.django_db
def test_approving_one_claim_rejects_the_others_as_the_system(officer, buyer):
    business = make_business(status="verified", phone=buyer.phone, owner_nik="")
    first = services.claim_request(user=buyer, business_id=business.pk, nik=nik(42))
    # A second pending claim (an officer's record of another person asking in person).
    twin = make_user("081234599999", "Kembaran")
    second = Claim.objects.create(business=business, user=twin, nik=nik(43))
    services.claim_transition(actor=officer, claim_id=first.pk, to="approved")
    second.refresh_from_db()
    assert second.state == "rejected" and second.decided_by is None
    assert kinds(second) == ["business_claim.rejected"]
    assert Event.objects.get(kind="business_claim.rejected").actor is None


@pytest.mark.django_db
def test_an_import_from_the_page_records_one_event_with_the_counts(web, officer, tmp_path):
    client = web(officer)
    path = write_csv(tmp_path / "data.csv", ROWS)
    with open(path, "rb") as handle:
        client.post("/umkm/registri/impor/", {"file": handle, "agency": "DISKOPINDAG"})
    job = ImportJob.objects.get()
    client.post(f"/umkm/registri/impor/{job.pk}/", {"dry_run": "1"})
    assert not Event.objects.filter(kind="business.imported").exists()  # nothing was saved
    client.post(f"/umkm/registri/impor/{job.pk}/ulang/")
    real = ImportJob.objects.exclude(pk=job.pk).get()
    event = Event.objects.get(kind="business.imported")
    assert (event.subject_id, event.actor) == (str(real.pk), officer)
    assert event.payload["created"] == real.created == Business.objects.count()
    assert set(event.payload) == {
        "agency_code",
        "by_city_admin",
        "total",
        "created",
        "updated",
        "unchanged",
        "rejected",
    }
    assert not Event.objects.filter(kind__in=["business.draft", "business.verified"]).exists()
