"""Issue 13 (trust) in the register: a verified phone before selling or claiming, the owner NIK
tied to the account (and verified with the KTP on the documents), and an area operator's and an
officer's scope on create and on edit (page and API). The imports are in test_import_scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from malpro.accounts.services import PhoneNotVerified
from malpro.conftest import make_user
from malpro.core.exceptions import ApplicationError, PermissionDenied
from malpro.umkm import access, selectors, services
from malpro.umkm.models import Business, Claim, Status
from malpro.umkm.tests.factories import make_business, nik
from malpro.umkm.tests.test_workflow import data, ktp, move

KLOJEN, LOWOKWARU = "35.73.02.1001", "35.73.05.1003"


# --- a verified phone before selling or claiming -------------------------------------------------
@pytest.fixture
def unverified(db):
    return make_user("081377770020", "Belum Verifikasi", verified=False)


@pytest.mark.django_db
def test_an_unverified_phone_cannot_register_a_business(unverified, web, api):
    with pytest.raises(PhoneNotVerified):
        services.business_register(actor=unverified, data=data(phone=unverified.phone))
    response = web(unverified).get("/umkm/daftar/")
    assert response.status_code == 302
    assert response["Location"] == "/akun/verifikasi-hp/?next=%2Fumkm%2Fdaftar%2F"
    refused = api(unverified).post(
        "/api/v1/umkm",
        {
            "name": "X",
            "owner_name": "Y",
            "owner_nik": nik(601),
            "phone": unverified.phone,
            "village_code": LOWOKWARU,
            "sector": "jasa",
        },
    )
    assert refused.status_code == 403
    assert refused.json()["extra"]["code"] == "phone_unverified"
    assert not Business.objects.exists() and not unverified.has_role("seller")


@pytest.mark.django_db
def test_an_unverified_phone_cannot_claim(unverified, web, api):
    business = make_business(status=Status.VERIFIED, phone=unverified.phone, owner_nik=nik(611))
    assert not selectors.business_claimable(user=unverified).exists()
    with pytest.raises(PhoneNotVerified):
        services.claim_request(user=unverified, business_id=business.pk, nik=nik(611))
    response = web(unverified).get("/umkm/klaim/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/verifikasi-hp/")
    refused = api(unverified).post(f"/api/v1/umkm/{business.pk}/claim", {"nik": nik(611)})
    assert refused.status_code == 403
    assert not Claim.objects.exists()
    business.refresh_from_db()
    assert business.owner is None


# --- the owner NIK is the account's own ----------------------------------------------------------
def _proved(user):
    """An officer saw this account's KTP (unproved NIKs block nobody: accounts.user_nik_bind)."""
    user.nik_verified_at = timezone.now()
    user.save(update_fields=["nik_verified_at"])


@pytest.mark.django_db
def test_registering_ties_the_owner_nik_to_the_account(seller, other_seller):
    services.business_register(actor=seller, data=data(owner_nik=nik(701)))
    seller.refresh_from_db()
    assert seller.nik == nik(701)
    with pytest.raises(ApplicationError) as info:  # a second business under another NIK
        services.business_register(actor=seller, data=data(name="Usaha Kedua", owner_nik=nik(702)))
    assert "bukan NIK akun Anda" in info.value.extra["fields"]["owner_nik"]
    _proved(seller)
    with pytest.raises(ApplicationError) as info:  # someone else's NIK, proved with a KTP
        services.business_register(
            actor=other_seller, data=data(name="Usaha Lain", owner_nik=nik(701))
        )
    assert "dipakai akun lain" in info.value.extra["fields"]["owner_nik"]
    assert Business.objects.count() == 1


@pytest.mark.django_db
def test_the_register_page_refuses_another_persons_nik_on_its_field(web, seller, buyer):
    services.business_register(actor=seller, data=data(owner_nik=nik(711)))
    _proved(seller)
    response = web(buyer).post(
        "/umkm/daftar/",
        {
            "name": "Pecel Bu Citra",
            "sector": "makanan_minuman",
            "owner_name": "Citra",
            "owner_nik": nik(711),
            "phone": "0812-3450-0001",
            "village_code": LOWOKWARU,
        },
    )
    assert response.status_code == 200
    assert "dipakai akun lain" in str(response.context["form"].errors["owner_nik"])
    assert not Business.objects.filter(name="Pecel Bu Citra").exists()


@pytest.mark.django_db
def test_a_claim_with_a_nik_that_is_not_the_accounts_is_refused(buyer, other_buyer):
    business = make_business(status=Status.VERIFIED, phone=buyer.phone, owner_nik=nik(721))
    make_business(owner=other_buyer, status=Status.VERIFIED)
    other_buyer.nik = nik(721)  # the NIK on the business is another account's, proved
    other_buyer.save(update_fields=["nik"])
    _proved(other_buyer)
    with pytest.raises(ApplicationError) as info:
        services.claim_request(user=buyer, business_id=business.pk, nik=nik(721))
    assert "dipakai akun lain" in info.value.extra["fields"]["nik"]
    business.refresh_from_db()
    assert business.owner is None and not Claim.objects.exists()


@pytest.mark.django_db
def test_a_claim_binds_the_typed_nik_and_a_wrong_one_binds_nothing(buyer):
    business = make_business(status=Status.VERIFIED, phone=buyer.phone, owner_nik=nik(731))
    with pytest.raises(ApplicationError):
        services.claim_request(user=buyer, business_id=business.pk, nik=nik(732))
    buyer.refresh_from_db()
    assert buyer.nik == ""  # the refused claim's NIK was not kept
    assert services.claim_request(user=buyer, business_id=business.pk, nik=nik(731)).state == (
        Claim.State.APPROVED
    )
    buyer.refresh_from_db()
    assert buyer.nik == nik(731)


@pytest.mark.django_db
def test_the_owner_changing_the_owner_nik_must_use_their_own(seller):
    business = services.business_register(actor=seller, data=data(owner_nik=nik(741)))
    with pytest.raises(ApplicationError) as info:
        services.business_update(actor=seller, business=business, data=data(owner_nik=nik(742)))
    assert "bukan NIK akun Anda" in info.value.extra["fields"]["owner_nik"]
    business.refresh_from_db()
    assert business.owner_nik == nik(741)


@pytest.mark.django_db
def test_verifying_the_documents_verifies_the_owners_nik(seller, officer):
    business = services.business_register(actor=seller, data=data(owner_nik=nik(751)))
    ktp(business, seller)
    move(seller, business, "submitted")
    seller.refresh_from_db()
    assert seller.nik == nik(751) and seller.nik_verified_at is None
    move(officer, business, "verified")
    seller.refresh_from_db()
    assert seller.nik_verified_at is not None and seller.nik_verified_by == officer


# --- scope on create and on edit -----------------------------------------------------------------
@pytest.fixture
def klojen_draft(operator):
    return services.business_register(
        actor=operator,
        data=data(
            name="Tahu Klojen", owner_nik=nik(801), phone="081377770030", village_code=KLOJEN
        ),
        on_behalf=True,
        consent=True,
        consent_note="Formulir persetujuan di kelurahan",
    )


@pytest.mark.django_db
def test_operator_cannot_move_a_business_out_of_her_area_by_editing(operator, klojen_draft):
    edit = data(name="Tahu Klojen", owner_nik=nik(801), phone="081377770030")
    with pytest.raises(PermissionDenied) as info:
        services.business_update(
            actor=operator, business=klojen_draft, data=edit
        )  # data() is in Lowokwaru
    assert "di luar wilayah tugas Anda" in info.value.extra["fields"]["village_code"]
    klojen_draft.refresh_from_db()
    assert klojen_draft.village_id == KLOJEN
    edit.village_code = "35.73.02.1002"  # another kelurahan of Klojen: hers to choose
    services.business_update(actor=operator, business=klojen_draft, data=edit)
    assert Business.objects.get(pk=klojen_draft.pk).village_id == "35.73.02.1002"


@pytest.mark.django_db
def test_operator_cannot_move_it_out_through_the_page_or_the_api(web, api, operator, klojen_draft):
    client = web(operator)
    page = client.get(f"/umkm/{klojen_draft.pk}/ubah/").content.decode()
    assert KLOJEN in page and LOWOKWARU not in page  # only Klojen's kelurahan are offered
    form = {
        "name": "Tahu Klojen",
        "sector": "makanan_minuman",
        "owner_name": "Sari Wulandari",
        "owner_nik": nik(801),
        "phone": "081377770030",
        "village_code": LOWOKWARU,
        "agency_codes": ["DISKOPINDAG"],
    }
    response = client.post(f"/umkm/{klojen_draft.pk}/ubah/", form)
    assert response.status_code == 200
    assert "di luar wilayah tugas Anda" in str(response.context["form"].errors["village_code"])
    payload = {**form, "owner_nik": nik(801)}
    refused = api(operator).put(f"/api/v1/umkm/{klojen_draft.pk}", payload)
    assert refused.status_code == 403
    assert "village_code" in refused.json()["extra"]["fields"]
    assert Business.objects.get(pk=klojen_draft.pk).village_id == KLOJEN


@pytest.mark.django_db
def test_the_klojen_operator_is_offered_only_klojen(web, operator):
    form = web(operator).get("/umkm/daftar/?atas_nama=1").context["form"]
    codes = {
        code for _group, options in form.fields["village_code"].choices[1:] for code, _ in options
    }
    assert KLOJEN in codes and LOWOKWARU not in codes
    assert all(code.startswith("35.73.02.") for code in codes)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.VERIFIED])
def test_an_officer_editing_cannot_add_another_agency_as_guide(web, officer, status):
    business = make_business(status=status, owner_nik=nik(811), agencies=("DISKOPINDAG",))
    edit = data(
        name=business.name,
        owner_name=business.owner_name,
        owner_nik=nik(811),
        phone=business.phone,
        agency_codes=["DISKOPINDAG", "DISPANGTAN"],
    )
    with pytest.raises(PermissionDenied) as info:
        services.business_update(actor=officer, business=business, data=edit)
    assert "OPD Anda sendiri" in info.value.extra["fields"]["agency_codes"]
    assert list(business.agencies.values_list("code", flat=True)) == ["DISKOPINDAG"]
    form = web(officer).get(f"/umkm/{business.pk}/ubah/").context["form"]
    assert [c for c, _ in form.fields["agency_codes"].choices] == ["DISKOPINDAG"]


@pytest.mark.django_db
def test_the_city_admin_and_an_early_owner_still_choose_guides(city_admin, seller):
    business = make_business(status=Status.VERIFIED, owner_nik=nik(821), agencies=("DISKOPINDAG",))
    edit = data(
        name=business.name,
        owner_name=business.owner_name,
        owner_nik=nik(821),
        phone=business.phone,
        agency_codes=["DISPANGTAN"],
    )
    services.business_update(actor=city_admin, business=business, data=edit)
    assert set(business.agencies.values_list("code", flat=True)) == {"DISKOPINDAG", "DISPANGTAN"}
    draft = services.business_register(actor=seller, data=data(owner_nik=nik(822)))
    services.business_update(
        actor=seller,
        business=draft,
        data=data(owner_nik=nik(822), agency_codes=["DISKOPINDAG", "DISPANGTAN"]),
    )
    assert draft.agencies.count() == 2


@pytest.mark.django_db
def test_the_permission_helpers_agree_with_the_services(operator, officer, klojen_draft):
    assert access.village_limits(user=operator, business=klojen_draft) == ({"35.73.02"}, set())
    assert access.village_limits(user=officer, business=klojen_draft) is None
    assert access.agencies_addable(user=officer, business=klojen_draft) == frozenset(
        officer.officer_agency_ids()
    )


@pytest.mark.django_db
def test_an_officer_of_a_closed_agency_cannot_start_an_import(web, officer):
    from malpro.accounts.models import Agency

    Agency.objects.filter(pk__in=officer.officer_agency_ids()).update(is_active=False)
    assert web(officer).get("/umkm/registri/impor/").status_code == 403
    upload = SimpleUploadedFile("u.csv", b"nama_usaha\nWarung\n", content_type="text/csv")
    response = web(officer).post("/umkm/registri/impor/", {"agency": "DISKOPINDAG", "file": upload})
    assert response.status_code == 403
