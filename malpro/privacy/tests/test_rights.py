"""The person's rights: consent to the privacy notice at registration, a copy of their data,
erasure decided by a city admin."""

import json

import pytest
from django.contrib.auth import get_user_model

from malpro.accounts.models import LoginSession
from malpro.privacy.models import AccessRecord, Consent, ErasureRequest
from malpro.privacy.notice import NOTICE_VERSION
from malpro.umkm.tests.factories import make_business

User = get_user_model()
FORM = {
    "name": "Eka Warga",
    "phone": "0857 1234 5678",
    "password": "kopi-tubruk-malang",
    "password_again": "kopi-tubruk-malang",
}


@pytest.mark.django_db
def test_registration_shows_the_notice_and_needs_consent(client):
    page = client.get("/akun/daftar/").content.decode()
    assert "/privasi/" in page and "Pemberitahuan Privasi" in page
    response = client.post("/akun/daftar/", FORM)
    assert "Setujui Pemberitahuan Privasi untuk mendaftar." in response.content.decode()
    assert not User.objects.filter(phone="+6285712345678").exists()


@pytest.mark.django_db
def test_registration_records_the_consent_with_the_notice_version(client):
    assert client.post("/akun/daftar/", {**FORM, "privacy_consent": "on"}).status_code == 302
    consent = Consent.objects.get(user__phone="+6285712345678")
    assert consent.notice_version == NOTICE_VERSION
    assert "Undang-Undang Nomor 27 Tahun 2022" in client.get("/privasi/").content.decode()


@pytest.mark.django_db
def test_the_data_export_holds_the_persons_data_with_their_own_nik_in_full(api, web, seller):
    seller.nik = "3573051203850007"
    seller.email = "sari@example.id"
    seller.save()
    business = make_business(owner=seller, owner_nik="3573051203850007")
    body = api(seller).get("/api/v1/me/data-export").json()
    assert body["account"]["nik"] == "3573051203850007"
    assert body["account"]["phone"] == seller.phone and body["account"]["email"]
    assert [b["id"] for b in body["businesses"]] == [business.pk]
    assert body["businesses"][0]["owner_nik"] == "3573051203850007"
    assert {r["role"] for r in body["roles"]} >= {"seller"}
    assert "login_success" in {r["kind"] for r in body["access_records"]}
    assert set(body) >= {"orders", "claims", "consents", "erasure_requests", "asn"}
    pdf = api(seller).get("/api/v1/me/data-export", {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = web(seller).get("/data-saya/unduh.json")
    assert json.loads(page.content)["account"]["id"] == seller.pk
    assert web(seller).get("/data-saya/unduh.pdf").content.startswith(b"%PDF")
    assert AccessRecord.objects.filter(kind="data_export", subject_user=seller).count() == 4


@pytest.mark.django_db
def test_the_data_export_lists_orders_as_buyer(api, buyer, seller):
    from malpro.payments.tests.helpers import completed_payable_order

    order = completed_payable_order(buyer, seller)
    orders = api(buyer).get("/api/v1/me/data-export").json()["orders"]
    assert [o["number"] for o in orders] == [order.number]
    assert orders[0]["delivery"]["street"] == order.street and orders[0]["total"] == order.total


@pytest.mark.django_db
def test_erasure_pseudonymises_the_identity_and_keeps_the_order(
    api, web, buyer, seller, city_admin
):
    from malpro.payments.tests.helpers import completed_payable_order

    order = completed_payable_order(buyer, seller)
    buyer.nik = "3573051203850009"
    buyer.email = "citra@example.id"
    buyer.save()
    client = api(buyer)
    response = client.post("/api/v1/me/erasure-request", {"note": "Saya pindah kota."})
    assert response.status_code == 201
    assert client.post("/api/v1/me/erasure-request", {}).status_code == 409
    request_id = response.json()["id"]
    page = web(city_admin).get("/kota/penghapusan-data/").content.decode()
    assert "Saya pindah kota." in page
    web(city_admin).post(f"/kota/penghapusan-data/{request_id}/", {"decision": "approve"})

    buyer.refresh_from_db()
    assert ErasureRequest.objects.get().state == "approved"
    assert buyer.name == "Pengguna terhapus" and buyer.email == "" and buyer.nik == ""
    assert buyer.phone.startswith("+620") and not buyer.is_active
    assert not buyer.has_usable_password()
    assert not LoginSession.objects.filter(user=buyer, ended_at__isnull=True).exists()
    assert client.get("/api/v1/auth/me").status_code == 401  # the token died with the session
    order.refresh_from_db()
    assert order.total > 0 and order.business_id and order.placed_at  # what audit needs
    assert order.contact_name == "Pengguna terhapus" and order.contact_phone == ""
    assert "Sumbersari" not in order.street
    assert AccessRecord.objects.filter(kind="erasure", subject_user=buyer).exists()


@pytest.mark.django_db
def test_two_erased_accounts_get_distinct_placeholders(api, buyer, other_buyer, city_admin):
    from malpro.privacy import services

    for person in (buyer, other_buyer):
        erasure = services.erasure_request_create(user=person)
        services.erasure_approve(actor=city_admin, request_id=erasure.pk)
    phones = set(User.objects.filter(is_active=False).values_list("phone", flat=True))
    assert len(phones) == 2


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_and_the_person_sees_it(api, web, buyer, city_admin):
    request_id = api(buyer).post("/api/v1/me/erasure-request", {}).json()["id"]
    admin = api(city_admin)
    url = f"/api/v1/privacy/erasure-requests/{request_id}/reject"
    assert admin.post(url, {"reason": ""}).status_code == 400
    answer = admin.post(url, {"reason": "Masih ada pesanan yang berjalan."})
    assert answer.status_code == 200 and answer.json()["state"] == "rejected"
    page = web(buyer).get("/data-saya/").content.decode()
    assert "Masih ada pesanan yang berjalan." in page
    buyer.refresh_from_db()
    assert buyer.is_active and buyer.name == "Citra Pembeli"


@pytest.mark.django_db
def test_only_a_city_admin_decides(api, buyer, auditor):
    request_id = api(buyer).post("/api/v1/me/erasure-request", {}).json()["id"]
    url = f"/api/v1/privacy/erasure-requests/{request_id}/approve"
    assert api(auditor).post(url, {}).status_code == 403
    assert api(buyer).post(url, {}).status_code == 403
    assert ErasureRequest.objects.get().state == "pending"


@pytest.mark.django_db
def test_the_page_button_sends_an_erasure_request(web, buyer):
    client = web(buyer)
    assert "Minta penghapusan data" in client.get("/data-saya/").content.decode()
    client.post("/data-saya/hapus/", {"note": ""})
    assert ErasureRequest.objects.get().user == buyer
    assert "sedang diperiksa" in client.get("/data-saya/").content.decode()


@pytest.mark.django_db
def test_saved_addresses_are_in_the_export_and_go_with_an_erasure(api, buyer, city_admin):
    from malpro.orders import services as orders
    from malpro.orders.models import SavedAddress
    from malpro.privacy import services

    orders.address_save(
        user=buyer,
        data=orders.SavedAddressInput(
            label="Rumah",
            recipient="Citra",
            phone="0812-3456-7890",
            village_code="35.73.05.1003",
            street="Jl. Kalpataru 12",
            is_default=True,
        ),
    )
    exported = api(buyer).get("/api/v1/me/data-export").json()["saved_addresses"]
    assert [(a["label"], a["street"], a["phone"]) for a in exported] == [
        ("Rumah", "Jl. Kalpataru 12", "+6281234567890")
    ]
    erasure = services.erasure_request_create(user=buyer)
    services.erasure_approve(actor=city_admin, request_id=erasure.pk)
    assert not SavedAddress.objects.filter(user=buyer).exists()
