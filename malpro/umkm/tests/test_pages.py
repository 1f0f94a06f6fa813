import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from malpro.accounts.roles import Role
from malpro.conftest import make_user
from malpro.umkm import services
from malpro.umkm.models import Business, Document, ImportJob
from malpro.umkm.tests.factories import make_business
from malpro.umkm.tests.test_import import ROWS, write_csv

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


@pytest.fixture
def register_of_three(seller):
    """One business guided by Diskopindag in Lowokwaru, one by Dispangtan in Klojen, one by
    both in Sukun."""
    return {
        "kopindag": make_business(
            owner=seller,
            name="Keripik Lowokwaru",
            agencies=("DISKOPINDAG",),
            village="35.73.05.1003",
            nib="9120101234567",
        ),
        "pangtan": make_business(
            name="Sayur Klojen",
            agencies=("DISPANGTAN",),
            village="35.73.02.1001",
            status="verified",
        ),
        "both": make_business(
            name="Susu Sukun",
            agencies=("DISKOPINDAG", "DISPANGTAN"),
            village="35.73.04.1001",
            status="submitted",
            halal_number="ID35110000123450123",
        ),
    }


def names(response) -> set[str]:
    return {b.name for b in response.context["page"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer", {"Keripik Lowokwaru", "Susu Sukun"}),
        ("other_officer", {"Sayur Klojen", "Susu Sukun"}),
        ("operator", {"Sayur Klojen"}),
        ("city_admin", {"Keripik Lowokwaru", "Sayur Klojen", "Susu Sukun"}),
        ("auditor", {"Keripik Lowokwaru", "Sayur Klojen", "Susu Sukun"}),
    ],
)
def test_each_role_sees_only_its_scope(web, request, register_of_three, persona, expected):
    response = web(request.getfixturevalue(persona)).get("/umkm/registri/")
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["buyer", "seller"])
def test_registry_is_closed_to_buyers_and_sellers(web, request, persona):
    assert web(request.getfixturevalue(persona)).get("/umkm/registri/").status_code == 403


@pytest.mark.django_db
def test_registry_requires_login(client):
    assert client.get("/umkm/registri/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kecamatan": "35.73.02"}, {"Sayur Klojen"}),
        ({"kelurahan": "35.73.04.1001"}, {"Susu Sukun"}),
        ({"agency": "DISPANGTAN"}, {"Sayur Klojen", "Susu Sukun"}),
        ({"status": "verified"}, {"Sayur Klojen"}),
        ({"has_nib": "1"}, {"Keripik Lowokwaru"}),
        ({"halal": "1"}, {"Susu Sukun"}),
        ({"on_marketplace": "1"}, {"Keripik Lowokwaru"}),
        ({"q": "susu"}, {"Susu Sukun"}),
        ({"q": "9120101234567"}, {"Keripik Lowokwaru"}),
    ],
)
def test_registry_filters(web, city_admin, register_of_three, query, expected):
    assert names(web(city_admin).get("/umkm/registri/", query)) == expected


@pytest.mark.django_db
def test_registry_list_does_not_query_per_row(
    web, city_admin, register_of_three, django_assert_max_num_queries
):
    client = web(city_admin)
    for n in range(20):
        make_business(name=f"Tambahan {n}")
    with django_assert_max_num_queries(12):
        client.get("/umkm/registri/")


@pytest.mark.django_db
def test_export_csv_and_xlsx_mask_personal_numbers(web, officer, register_of_three):
    client = web(officer)
    response = client.get("/umkm/registri/", {"agency": "DISKOPINDAG", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,nama_usaha,nama_pemilik,nik_pemilik")
    assert len(lines) == 3
    keripik = register_of_three["kopindag"]
    assert keripik.owner_nik not in text and keripik.owner_nik[:6] in text
    response = client.get("/umkm/registri/", {"format": "xlsx", "q": "susu"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[1][1] == "Susu Sukun" and "•" in rows[1][3]


@pytest.mark.django_db
def test_detail_outside_scope_is_404(web, operator, register_of_three):
    assert web(operator).get(f"/umkm/{register_of_three['kopindag'].pk}/").status_code == 404
    assert web(operator).get(f"/umkm/{register_of_three['pangtan'].pk}/").status_code == 200


@pytest.mark.django_db
def test_auditor_sees_detail_with_masked_personal_numbers(web, auditor, register_of_three):
    business = register_of_three["both"]
    page = web(auditor).get(f"/umkm/{business.pk}/").content.decode()
    assert business.owner_nik not in page and "Verifikasi" not in page


@pytest.mark.django_db
def test_officer_verifies_from_the_detail_page(web, officer, register_of_three):
    business = register_of_three["both"]
    client = web(officer)
    page = client.get(f"/umkm/{business.pk}/").content.decode()
    assert business.owner_nik in page and "Verifikasi" in page
    client.post(f"/umkm/{business.pk}/status/", {"to": "verified"})
    business.refresh_from_db()
    assert business.status == "verified"
    response = client.post(f"/umkm/{business.pk}/status/", {"to": "active"}, follow=True)
    assert "Hanya pemilik usaha" in response.content.decode()


@pytest.mark.django_db
def test_seller_registers_uploads_ktp_and_submits_through_pages(web, buyer):
    client = web(buyer)
    form = client.get("/umkm/daftar/").content.decode()
    assert "Citra Pembeli" in form  # the owner's name is prefilled
    response = client.post(
        "/umkm/daftar/",
        {
            "name": "Pecel Bu Citra",
            "sector": "makanan_minuman",
            "owner_name": "Citra Pembeli",
            "owner_nik": "3573054107850002",
            "phone": "0812-3450-0001",
            "village_code": "35.73.05.1003",
            "agency_codes": ["DISPANGTAN"],
            "capital": "5.000.000",
            "annual_sales": "Rp 60.000.000",
        },
    )
    business = Business.objects.get(name="Pecel Bu Citra")
    assert response.status_code == 302 and business.owner == buyer
    assert business.capital == 5_000_000 and business.annual_sales == 60_000_000
    client.post(
        f"/umkm/{business.pk}/dokumen/",
        {"kind": "ktp", "file": SimpleUploadedFile("ktp.jpg", JPEG, "image/jpeg")},
    )
    document = Document.objects.get(business=business)
    assert client.get(f"/umkm/{business.pk}/dokumen/{document.pk}/").status_code == 200
    client.post(f"/umkm/{business.pk}/status/", {"to": "submitted"})
    business.refresh_from_db()
    assert business.status == "submitted"
    assert "Usaha saya" in client.get("/umkm/saya/").content.decode()


@pytest.mark.django_db
def test_register_page_shows_field_errors(web, buyer):
    response = web(buyer).post(
        "/umkm/daftar/",
        {
            "name": "X",
            "sector": "makanan_minuman",
            "owner_name": "Citra",
            "owner_nik": "1234",
            "phone": "0812-3450-0001",
            "village_code": "35.73.05.1003",
            "capital": "lima juta",
        },
    )
    page = response.content.decode()
    assert "NIK harus 16 digit" in page and "tidak terbaca" in page
    assert not Business.objects.exists()


@pytest.mark.django_db
def test_documents_are_private(web, seller, other_seller, register_of_three, client):
    business = register_of_three["kopindag"]
    web(seller).post(
        f"/umkm/{business.pk}/dokumen/",
        {"kind": "ktp", "file": SimpleUploadedFile("ktp.jpg", JPEG, "image/jpeg")},
    )
    url = f"/umkm/{business.pk}/dokumen/{Document.objects.get().pk}/"
    assert web(other_seller).get(url).status_code == 404
    assert client.get(url).status_code == 302
    assert web(seller).get(url)["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_operator_registers_on_behalf_through_the_page(web, operator):
    client = web(operator)
    assert "Bukti persetujuan" in client.get("/umkm/daftar/?atas_nama=1").content.decode()
    response = client.post(
        "/umkm/daftar/?atas_nama=1",
        {
            "on_behalf": "1",
            "name": "Tahu Klojen",
            "sector": "makanan_minuman",
            "owner_name": "Pak Tahu",
            "owner_nik": "3573021203700008",
            "phone": "081299990003",
            "village_code": "35.73.02.1001",
            "agency_codes": ["DISKOPINDAG"],
            "consent": "on",
            "consent_note": "Formulir persetujuan 12/03/2026",
        },
    )
    assert response.status_code == 302
    business = Business.objects.get(name="Tahu Klojen")
    assert business.owner is None and business.registered_by == operator


@pytest.mark.django_db
def test_buyer_cannot_register_on_behalf(web, buyer):
    assert web(buyer).get("/umkm/daftar/?atas_nama=1").status_code == 403


@pytest.mark.django_db
def test_owner_claims_through_the_page(web, buyer):
    business = make_business(status="verified", phone=buyer.phone, owner_nik="3573054107850002")
    client = web(buyer)
    assert business.name in client.get("/umkm/klaim/").content.decode()
    response = client.post(
        "/umkm/klaim/", {"business_id": business.pk, "nik": "3573 0541 0785 0002"}
    )
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.owner == buyer


@pytest.mark.django_db
def test_public_profile_shows_badges_without_personal_data(client, register_of_three):
    business = register_of_three["kopindag"]
    response = client.get(f"/umkm/profil/{business.pk}/", follow=True)
    page = response.content.decode()
    assert business.name in page and "NIB terverifikasi" in page and "Binaan Diskopindag" in page
    for secret in (business.owner_nik, business.phone, business.owner_name, business.address):
        assert secret not in page
    assert client.get(f"/umkm/profil/{register_of_three['pangtan'].pk}/").status_code == 404


@pytest.mark.django_db
def test_import_through_the_upload_page_with_a_mapped_header(web, officer, tmp_path):
    client = web(officer)
    header = [
        "Usaha",
        "Nama Pemilik",
        "NIK",
        "No. HP",
        "alamat",
        "Lokasi",
        "sektor",
        "NIB",
        "x1",
        "x2",
        "x3",
        "x4",
        "x5",
        "binaan",
    ]
    path = write_csv(tmp_path / "data.csv", ROWS, header=header)
    with open(path, "rb") as handle:
        response = client.post("/umkm/registri/impor/", {"file": handle, "agency": "DISKOPINDAG"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = client.get(f"/umkm/registri/impor/{job.pk}/").content.decode()
    assert "Kolom wajib belum ada" in page and "Lokasi" in page
    mapping = {f"map_{i}": "" for i in range(len(header))}
    mapping.update(
        {
            "map_1": "nama_pemilik",
            "map_2": "nik_pemilik",
            "map_3": "telepon",
            "map_7": "nib",
            "map_13": "binaan",
        }
    )
    response = client.post(f"/umkm/registri/impor/{job.pk}/", {**mapping, "dry_run": "0"})
    assert "Kolom wajib belum dipetakan" in response.content.decode()
    mapping.update({"map_0": "nama_usaha", "map_5": "kode_kelurahan"})
    response = client.post(
        f"/umkm/registri/impor/{job.pk}/",
        {**mapping, "dry_run": "1"},
        headers={"HX-Request": "true"},
    )
    job.refresh_from_db()
    assert job.state == "done" and job.dry_run and not Business.objects.exists()
    assert 'data-count="rejected">6' in response.content.decode()  # modal is not mapped
    client.post(f"/umkm/registri/impor/{job.pk}/ulang/")
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert (real.created, real.rejected) == (5, 6)
    assert Business.objects.filter(status="verified").count() == 5
    report = client.get(f"/umkm/registri/impor/{real.pk}/laporan.csv").content.decode("utf-8-sig")
    assert report.splitlines()[0] == "baris,kolom,tingkat,pesan"


@pytest.mark.django_db
def test_import_page_is_for_officers_only(web, operator, other_officer, officer, tmp_path):
    assert web(operator).get("/umkm/registri/impor/").status_code == 403
    path = write_csv(tmp_path / "d.csv", ROWS[:1])
    with open(path, "rb") as handle:
        web(officer).post("/umkm/registri/impor/", {"file": handle, "agency": "DISKOPINDAG"})
    job = ImportJob.objects.get()
    assert web(other_officer).get(f"/umkm/registri/impor/{job.pk}/").status_code == 404
    with open(path, "rb") as handle:  # an officer imports only for their own agency
        response = web(officer).post(
            "/umkm/registri/impor/", {"file": handle, "agency": "DISPANGTAN"}
        )
    assert response.status_code == 200 and ImportJob.objects.count() == 1


@pytest.mark.django_db
def test_template_downloads(client):
    csv_text = client.get("/umkm/registri/impor/templat.csv").content.decode("utf-8-sig")
    assert csv_text.startswith("nama_usaha,nama_pemilik,nik_pemilik,telepon")
    response = client.get("/umkm/registri/impor/templat.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert next(sheet.values)[0] == "nama_usaha"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "key"),
    [("auditor", "kopindag"), ("auditor", "pangtan"), ("operator", "pangtan")],
)
def test_edit_page_is_closed_to_those_who_may_only_see_the_business(
    web, request, register_of_three, persona, key
):
    business = register_of_three[key]
    client = web(request.getfixturevalue(persona))
    assert client.get(f"/umkm/{business.pk}/").status_code == 200  # they may see it
    response = client.get(f"/umkm/{business.pk}/ubah/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "tidak berhak mengubah" in body
    assert business.owner_nik not in body and business.phone[3:] not in body
    posted = client.post(f"/umkm/{business.pk}/ubah/", {"name": "Diganti"})
    assert posted.status_code == 403
    business.refresh_from_db()
    assert business.name != "Diganti"


@pytest.mark.django_db
def test_edit_page_is_open_to_the_owner_and_the_guiding_officer(
    web, register_of_three, seller, officer
):
    business = register_of_three["kopindag"]
    for user in (seller, officer):
        response = web(user).get(f"/umkm/{business.pk}/ubah/")
        assert response.status_code == 200
        assert business.owner_nik in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["x", "", "9" * 30])
def test_a_bad_business_id_on_the_claim_page_is_an_error_not_a_500(web, buyer, value):
    response = web(buyer).post("/umkm/klaim/", {"business_id": value, "nik": "3573054107850002"})
    assert response.status_code == 200
    assert "tidak dapat diklaim" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["x", "9" * 30, "999999"])
def test_a_bad_claim_id_on_the_review_page_is_an_error_not_a_500(web, officer, value):
    client = web(officer)
    response = client.post("/umkm/klaim/tinjau/", {"claim_id": value, "approve": "1"})
    assert response.status_code == 302
    assert "Klaim tidak ditemukan." in client.get(response["Location"]).content.decode()


@pytest.fixture
def pending_claim(buyer):
    business = make_business(
        name="Sayur Bu Citra",
        status="verified",
        phone=buyer.phone,
        owner_nik="",
        agencies=("DISPANGTAN",),
        village="35.73.02.1001",
    )
    claim = services.claim_request(user=buyer, business_id=business.pk, nik="3573054107850002")
    assert claim.state == "pending"
    return claim


@pytest.mark.django_db
def test_claims_with_the_claimants_nik_are_shown_only_to_those_who_decide(
    web, pending_claim, operator, other_officer, officer, auditor
):
    auditing_officer = make_user(
        "081234500020",
        "Dina Inspektorat",
        [(Role.AUDITOR, None, None), (Role.AGENCY_OFFICER, "DISKOPINDAG", None)],
    )
    other_operator = make_user(
        "081234500021", "Eko Lowokwaru", [(Role.AREA_OPERATOR, None, "35.73.05")]
    )
    for decider in (operator, other_officer):  # the area's operator, the guiding officer
        page = web(decider).get("/umkm/klaim/tinjau/").content.decode()
        assert "Sayur Bu Citra" in page and "3573054107850002" in page
    for onlooker in (officer, auditor, auditing_officer, other_operator):
        response = web(onlooker).get("/umkm/klaim/tinjau/")
        page = response.content.decode()
        assert "Sayur Bu Citra" not in page and "3573054107850002" not in page
        assert "0812-3450-0001" not in page and "81234500001" not in page


@pytest.mark.django_db
def test_the_auditor_sees_that_a_ktp_was_filed_but_cannot_download_it(
    web, seller, auditor, register_of_three
):
    business = register_of_three["kopindag"]
    owner = web(seller)
    for kind in ("ktp", "nib"):
        owner.post(
            f"/umkm/{business.pk}/dokumen/",
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.jpg", JPEG, "image/jpeg")},
        )
    ktp = Document.objects.get(kind="ktp")
    nib = Document.objects.get(kind="nib")
    client = web(auditor)
    refused = client.get(f"/umkm/{business.pk}/dokumen/{ktp.pk}/")
    assert refused.status_code == 403 and "scan KTP" in refused.content.decode()
    assert client.get(f"/umkm/{business.pk}/dokumen/{nib.pk}/").status_code == 200
    detail = client.get(f"/umkm/{business.pk}/").content.decode()
    assert f"/dokumen/{nib.pk}/" in detail and f"/dokumen/{ktp.pk}/" not in detail
    assert "KTP pemilik" in detail  # listed: the auditor can check it exists
    assert owner.get(f"/umkm/{business.pk}/dokumen/{ktp.pk}/").status_code == 200


@pytest.mark.django_db
def test_registry_filters_by_scale(web, city_admin, register_of_three):
    from malpro.umkm.models import Business

    Business.objects.filter(name="Susu Sukun").update(scale="small")
    Business.objects.exclude(name="Susu Sukun").update(scale="micro")
    client = web(city_admin)
    assert names(client.get("/umkm/registri/", {"scale": "small"})) == {"Susu Sukun"}
    assert names(client.get("/umkm/registri/", {"scale": "micro"})) == {
        "Keripik Lowokwaru",
        "Sayur Klojen",
    }
    assert client.get("/umkm/registri/", {"scale": "raksasa"}).status_code == 200
