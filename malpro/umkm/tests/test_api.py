import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from malpro.umkm.models import Business
from malpro.umkm.tests.factories import make_business

PAYLOAD = {
    "name": "Keripik Tempe Bu Sari",
    "owner_name": "Sari Wulandari",
    "owner_nik": "3573054107850002",
    "phone": "081234500003",
    "village_code": "35.73.05.1003",
    "sector": "makanan_minuman",
    "agency_codes": ["DISKOPINDAG"],
    "capital": 25000000,
}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


@pytest.mark.django_db
def test_full_workflow_through_the_api(api, seller, officer):
    as_seller, as_officer = api(seller), api(officer)
    response = as_seller.post("/api/v1/umkm", PAYLOAD)
    assert response.status_code == 201
    business = response.json()
    assert business["status"] == "draft" and business["scale"] == "micro"
    assert business["allowed_transitions"] == ["submitted"]
    url = f"/api/v1/umkm/{business['id']}"

    refused = as_seller.post(f"{url}/submit")
    assert refused.status_code == 400 and "foto KTP" in refused.json()["message"]
    upload = as_seller.client.post(
        f"{url}/documents",
        {"kind": "ktp", "file": SimpleUploadedFile("ktp.jpg", JPEG, "image/jpeg")},
        headers={"Authorization": f"Bearer {as_seller.token}"},
    )
    assert upload.status_code == 201
    assert as_seller.post(f"{url}/submit").json()["status"] == "submitted"

    assert as_seller.post(f"{url}/verify").status_code == 403
    assert as_officer.post(f"{url}/reject", {"reason": ""}).status_code == 400
    rejected = as_officer.post(f"{url}/reject", {"reason": "NIB belum ada"}).json()
    assert rejected["status"] == "rejected" and rejected["status_reason"] == "NIB belum ada"
    assert as_seller.post(f"{url}/submit").json()["status"] == "submitted"
    assert as_officer.post(f"{url}/verify").json()["status"] == "verified"
    active = as_seller.post(f"{url}/activate").json()
    assert active["status"] == "active" and active["on_marketplace"]
    assert [h["to_status"] for h in active["history"]] == [
        "draft",
        "submitted",
        "rejected",
        "submitted",
        "verified",
        "active",
    ]


@pytest.mark.django_db
def test_illegal_transition_is_409_with_a_message(api, seller, city_admin):
    business = make_business(owner=seller, status="draft")
    response = api(city_admin).post(f"/api/v1/umkm/{business.pk}/verify")
    assert response.status_code == 409
    assert response.json()["message"] == "Status tidak dapat diubah dari Draf ke Terverifikasi."


@pytest.mark.django_db
def test_list_is_scoped_by_role(api, seller, officer, other_officer, operator, auditor, buyer):
    make_business(owner=seller, name="A", agencies=("DISKOPINDAG",), village="35.73.05.1003")
    make_business(name="B", agencies=("DISPANGTAN",), village="35.73.02.1001")

    def listed(user, **params):
        response = api(user).get("/api/v1/umkm", params)
        assert response.status_code == 200
        return sorted(r["name"] for r in response.json()["results"])

    assert listed(officer) == ["A"]
    assert listed(other_officer) == ["B"]
    assert listed(operator) == ["B"]
    assert listed(auditor) == ["A", "B"]
    assert listed(auditor, kecamatan="35.73.05") == ["A"]
    assert listed(auditor, agency="dispangtan") == ["B"]
    assert listed(auditor, q="a") == ["A"]
    assert listed(seller) == ["A"]  # a seller sees their own businesses
    assert listed(buyer) == []


@pytest.mark.django_db
def test_detail_masks_personal_numbers_for_the_auditor(api, seller, auditor, officer):
    business = make_business(owner=seller)
    as_auditor = api(auditor).get(f"/api/v1/umkm/{business.pk}").json()
    assert as_auditor["owner_nik"] != business.owner_nik and "•" in as_auditor["owner_nik"]
    assert "•" in as_auditor["phone"]
    assert api(officer).get(f"/api/v1/umkm/{business.pk}").json()["owner_nik"] == business.owner_nik


@pytest.mark.django_db
def test_detail_outside_scope_or_anonymous(api, other_officer, seller):
    business = make_business(owner=seller, agencies=("DISKOPINDAG",))
    assert api(other_officer).get(f"/api/v1/umkm/{business.pk}").status_code == 404
    assert api().get(f"/api/v1/umkm/{business.pk}").status_code == 401
    assert api().get("/api/v1/umkm").status_code == 401


@pytest.mark.django_db
def test_create_with_bad_fields_names_them(api, buyer):
    response = api(buyer).post("/api/v1/umkm", {**PAYLOAD, "owner_nik": "12", "sector": "x"})
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"owner_nik", "sector"}
    response = api(buyer).post("/api/v1/umkm", {**PAYLOAD, "capital": -5})
    assert response.status_code == 422 and "capital" in response.json()["extra"]["fields"]
    assert not Business.objects.exists()


@pytest.mark.django_db
def test_page_size_over_100_is_422(api, auditor):
    response = api(auditor).get("/api/v1/umkm", {"page_size": 500})
    assert response.status_code == 422
    assert "page_size" in response.json()["extra"]["fields"]


@pytest.mark.django_db
def test_claim_through_the_api(api, buyer):
    business = make_business(status="verified", phone=buyer.phone, owner_nik="3573054107850002")
    response = api(buyer).post(f"/api/v1/umkm/{business.pk}/claim", {"nik": "3573054107850002"})
    assert response.status_code == 200 and response.json()["state"] == "approved"
    again = api(buyer).post(f"/api/v1/umkm/{business.pk}/claim", {"nik": "3573054107850002"})
    assert again.status_code == 409
