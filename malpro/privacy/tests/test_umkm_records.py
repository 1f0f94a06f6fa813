"""Access records of the register: full NIKs on pages and in the API, KTP downloads and
exports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from malpro.privacy.models import AccessRecord
from malpro.umkm.models import Document
from malpro.umkm.tests.factories import make_business

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def kinds(**filters) -> list[str]:
    return list(AccessRecord.objects.filter(**filters).values_list("kind", flat=True))


@pytest.mark.django_db
def test_an_officer_seeing_a_full_nik_is_recorded_and_the_owner_reading_their_own_is_not(
    web, officer, seller
):
    business = make_business(owner=seller, agencies=("DISKOPINDAG",))
    page = web(officer).get(f"/umkm/{business.pk}/").content.decode()
    assert business.owner_nik in page
    record = AccessRecord.objects.get(kind="view_full_nik")
    assert record.actor == officer and record.subject_user == seller
    assert record.subject_business_id == business.pk and record.where == f"/umkm/{business.pk}/"
    web(seller).get(f"/umkm/{business.pk}/")
    web(officer).get(f"/umkm/{business.pk}/ubah/")
    assert kinds(kind="view_full_nik", actor=seller) == []
    assert AccessRecord.objects.filter(kind="view_full_nik", actor=officer).count() == 2


@pytest.mark.django_db
def test_a_masked_view_is_not_recorded(web, other_officer, seller):
    business = make_business(owner=seller, agencies=("DISKOPINDAG", "DISPANGTAN"))
    business_other = make_business(agencies=("DISKOPINDAG",))
    web(other_officer).get(f"/umkm/{business_other.pk}/")
    assert not AccessRecord.objects.filter(kind="view_full_nik", actor=other_officer).exclude(
        subject_business_id=business.pk
    )


@pytest.mark.django_db
def test_api_list_and_detail_with_full_niks_are_recorded_per_business(api, officer, seller):
    first = make_business(owner=seller, agencies=("DISKOPINDAG",))
    second = make_business(agencies=("DISKOPINDAG",))
    client = api(officer)
    results = client.get("/api/v1/umkm").json()["results"]
    assert {r["owner_nik"] for r in results} >= {first.owner_nik, second.owner_nik}
    shown = set(
        AccessRecord.objects.filter(kind="view_full_nik", actor=officer).values_list(
            "subject_business_id", flat=True
        )
    )
    assert {first.pk, second.pk} <= shown
    before = AccessRecord.objects.count()
    client.get(f"/api/v1/umkm/{first.pk}")
    assert AccessRecord.objects.count() == before + 1


@pytest.mark.django_db
def test_ktp_download_is_recorded(web, seller, officer):
    business = make_business(owner=seller, agencies=("DISKOPINDAG",))
    web(seller).post(
        f"/umkm/{business.pk}/dokumen/",
        {"kind": "ktp", "file": SimpleUploadedFile("ktp.jpg", JPEG, "image/jpeg")},
    )
    document = Document.objects.get()
    assert web(officer).get(f"/umkm/{business.pk}/dokumen/{document.pk}/").status_code == 200
    record = AccessRecord.objects.get(kind="download_document")
    assert record.actor == officer and record.subject_user == seller
    assert record.reason == f"ktp #{document.pk}"


@pytest.mark.django_db
def test_registry_exports_are_recorded(web, officer):
    make_business(agencies=("DISKOPINDAG",))
    client = web(officer)
    assert client.get("/umkm/registri/", {"format": "csv"}).status_code == 200
    assert (
        client.get("/umkm/registri/", {"format": "xlsx", "status": "verified"}).status_code == 200
    )
    records = AccessRecord.objects.filter(kind="export_registry").order_by("id")
    assert [r.reason.split(",")[0] for r in records] == ["csv", "xlsx"]
    assert all(r.where == "/umkm/registri/" and r.actor == officer for r in records)


@pytest.mark.django_db
def test_the_claims_review_page_records_each_claimants_full_nik(web, officer, buyer):
    from malpro.umkm.models import Claim

    business = make_business(agencies=("DISKOPINDAG",))
    claim = Claim.objects.create(business=business, user=buyer, nik="3573051203850042")
    page = web(officer).get("/umkm/klaim/tinjau/").content.decode()
    assert "3573051203850042" in page
    record = AccessRecord.objects.get(kind="view_full_nik", actor=officer)
    assert (
        record.subject_user == buyer and record.reason == f"klaim #{claim.pk}, usaha #{business.pk}"
    )


@pytest.mark.django_db
def test_an_officers_verification_through_the_api_is_recorded(api, officer, seller):
    business = make_business(owner=seller, agencies=("DISKOPINDAG",), status="submitted")
    response = api(officer).post(f"/api/v1/umkm/{business.pk}/verify")
    assert response.status_code == 200 and response.json()["owner_nik"] == business.owner_nik
    assert AccessRecord.objects.filter(
        kind="view_full_nik", actor=officer, subject_business_id=business.pk
    ).exists()


@pytest.mark.django_db
def test_the_nip_claims_api_records_each_full_nip_shown(api, officer, buyer):
    from malpro.asn import services
    from malpro.asn.tests.factories import employee

    employee(agency="DISKOPINDAG", phone="+6281299990000")
    services.nip_claim(user=buyer, nip="198507122010012003")
    rows = api(officer).get("/api/v1/asn/claims").json()
    assert rows[0]["nip"] == "198507122010012003"
    record = AccessRecord.objects.get(kind="view_full_nip")
    assert record.actor == officer and record.subject_user == buyer
