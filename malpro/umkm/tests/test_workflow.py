import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.umkm import selectors, services
from malpro.umkm.models import Business, Claim, Status, StatusChange
from malpro.umkm.services import BusinessInput
from malpro.umkm.tests.factories import make_business, nik

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


def data(**overrides) -> BusinessInput:
    values = dict(
        name="Keripik Tempe Bu Sari",
        owner_name="Sari Wulandari",
        owner_nik="3573054107850002",
        phone="081234500003",
        village_code="35.73.05.1003",
        sector="makanan_minuman",
        agency_codes=["DISKOPINDAG"],
        capital=25_000_000,
        annual_sales=180_000_000,
    )
    values.update(overrides)
    return BusinessInput(**values)


def ktp(business, actor):
    services.document_add(
        actor=actor,
        business=business,
        kind="ktp",
        upload=SimpleUploadedFile("ktp.jpg", JPEG, "image/jpeg"),
    )


@pytest.fixture
def draft(seller):
    return services.business_register(actor=seller, data=data())


def move(actor, business, to, reason=""):
    return services.business_transition(actor=actor, business_id=business.pk, to=to, reason=reason)


@pytest.mark.django_db
def test_seller_registers_submits_officer_verifies_owner_opens_shop(seller, officer):
    business = services.business_register(actor=seller, data=data())
    assert business.status == Status.DRAFT
    assert business.scale == "micro"
    assert seller.has_role("seller")
    ktp(business, seller)
    move(seller, business, "submitted")
    move(officer, business, "verified")
    business = move(seller, business, "active")
    assert business.status == Status.ACTIVE and business.on_marketplace
    history = list(
        StatusChange.objects.filter(business=business).values_list(
            "from_status", "to_status", "actor__name"
        )
    )
    assert history == [
        ("", "draft", "Bu Sari Penjual"),
        ("draft", "submitted", "Bu Sari Penjual"),
        ("submitted", "verified", "Sri Diskopindag"),
        ("verified", "active", "Bu Sari Penjual"),
    ]


@pytest.mark.django_db
def test_submission_needs_the_owner_ktp(seller, draft):
    with pytest.raises(ApplicationError) as info:
        move(seller, draft, "submitted")
    assert "foto KTP pemilik" in info.value.message


@pytest.mark.django_db
def test_rejection_needs_a_reason_and_the_seller_can_resubmit(seller, officer, draft):
    ktp(draft, seller)
    move(seller, draft, "submitted")
    with pytest.raises(ApplicationError) as info:
        move(officer, draft, "rejected")
    assert info.value.extra["fields"] == {"reason": "Alasan wajib diisi."}
    business = move(officer, draft, "rejected", "Foto KTP buram")
    assert business.status_reason == "Foto KTP buram"
    assert move(seller, draft, "submitted").status == Status.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("draft", "verified"),
        ("draft", "active"),
        ("submitted", "active"),
        ("active", "verified"),
        ("rejected", "verified"),
        ("active", "draft"),
    ],
)
def test_illegal_transitions_are_409(city_admin, seller, start, to):
    business = make_business(owner=seller, status=start)
    with pytest.raises(Conflict) as info:
        move(city_admin, business, to, "alasan")
    assert "tidak dapat diubah" in info.value.message
    assert Business.objects.get(pk=business.pk).status == start


@pytest.mark.django_db
def test_only_a_guiding_officer_verifies(seller, other_officer, officer, auditor, draft):
    ktp(draft, seller)
    move(seller, draft, "submitted")
    for onlooker in (seller, auditor):  # they may see the business, not verify it
        with pytest.raises(PermissionDenied) as info:
            move(onlooker, draft, "verified")
        assert "petugas OPD pembina" in info.value.message
    with pytest.raises(NotFound):  # outside their agency the business does not exist for them
        move(other_officer, draft, "verified")
    assert move(officer, draft, "verified").status == Status.VERIFIED


@pytest.mark.django_db
def test_only_the_owner_opens_the_shop(seller, officer):
    business = make_business(owner=seller, status="verified")
    with pytest.raises(PermissionDenied):
        move(officer, business, "active")
    assert move(seller, business, "active").on_marketplace


@pytest.mark.django_db
def test_suspension_takes_the_shop_off_the_marketplace(seller, officer):
    business = make_business(owner=seller, status="active")
    business = move(officer, business, "suspended", "Produk tidak sesuai izin PIRT")
    assert not business.on_marketplace
    with pytest.raises(ApplicationError):
        move(officer, business, "active")  # reinstating needs a reason too
    assert move(officer, business, "active", "Izin diperbarui").on_marketplace


@pytest.mark.django_db
def test_duplicate_registration_is_refused(seller, other_seller, draft):
    with pytest.raises(ApplicationError) as info:
        services.business_register(actor=other_seller, data=data(name="keripik tempe BU SARI"))
    assert "sudah terdaftar" in info.value.extra["fields"]["name"]


@pytest.mark.django_db
def test_registration_reports_every_bad_field(seller):
    with pytest.raises(ApplicationError) as info:
        services.business_register(
            actor=seller,
            data=data(
                owner_nik="123",
                phone="0341551234",
                village_code="35.07.01.2001",
                nib="123",
                sector="tambang",
                agency_codes=["XYZ"],
                annual_sales=60_000_000_000,
            ),
        )
    fields = info.value.extra["fields"]
    assert set(fields) == {
        "owner_nik",
        "phone",
        "village_code",
        "nib",
        "sector",
        "agency_codes",
        "annual_sales",
    }
    assert "bukan UMKM" in fields["annual_sales"]
    assert not Business.objects.exists()


@pytest.mark.django_db
def test_operator_registers_on_behalf_with_consent_and_owner_claims(operator, client):
    with pytest.raises(ApplicationError):
        services.business_register(
            actor=operator, data=data(village_code="35.73.02.1001"), on_behalf=True
        )
    business = services.business_register(
        actor=operator,
        data=data(village_code="35.73.02.1001", phone="081299990001"),
        on_behalf=True,
        consent=True,
        consent_note="Formulir ditandatangani di kelurahan",
    )
    assert business.owner is None and business.consent_at is not None
    move(operator, business, "submitted")  # consent on record stands in for the KTP upload

    from malpro.conftest import make_user

    owner = make_user("081299990001", "Sari Wulandari")
    assert list(selectors.business_claimable(user=owner)) == [business]
    with pytest.raises(ApplicationError):
        services.claim_request(user=owner, business_id=business.pk, nik=nik(77))
    claim = services.claim_request(user=owner, business_id=business.pk, nik="3573054107850002")
    assert claim.state == Claim.State.APPROVED
    business.refresh_from_db()
    assert business.owner == owner and owner.has_role("seller")


@pytest.mark.django_db
def test_operator_cannot_register_outside_their_area(operator):
    with pytest.raises(PermissionDenied):
        services.business_register(
            actor=operator,
            data=data(village_code="35.73.05.1003"),
            on_behalf=True,
            consent=True,
            consent_note="ok",
        )


@pytest.mark.django_db
def test_claim_with_another_phone_is_refused(buyer):
    business = make_business(status="verified", phone="+6281299990002")
    with pytest.raises(PermissionDenied) as info:
        services.claim_request(user=buyer, business_id=business.pk, nik=nik(5))
    assert "Nomor HP akun Anda berbeda" in info.value.message


@pytest.mark.django_db
def test_claim_without_a_nik_on_record_waits_for_an_officer(officer, buyer):
    business = make_business(
        status="verified", phone=buyer.phone, owner_nik="", nib="9120101234567"
    )
    claim = services.claim_request(user=buyer, business_id=business.pk, nik=nik(9))
    assert claim.state == Claim.State.PENDING
    with pytest.raises(ApplicationError):
        services.claim_decide(actor=officer, claim_id=claim.pk, approve=False)
    services.claim_decide(actor=officer, claim_id=claim.pk, approve=True)
    business.refresh_from_db()
    assert business.owner == buyer and business.owner_nik == nik(9)


@pytest.mark.django_db
def test_documents_must_really_be_images_or_pdf(seller, draft):
    fake = SimpleUploadedFile("ktp.jpg", b"MZ\x90\x00 not an image", "image/jpeg")
    with pytest.raises(ApplicationError) as info:
        services.document_add(actor=seller, business=draft, kind="ktp", upload=fake)
    assert "JPG/PNG atau PDF" in info.value.message
    big = SimpleUploadedFile("ktp.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), "image/jpeg")
    with pytest.raises(ApplicationError):
        services.document_add(actor=seller, business=draft, kind="ktp", upload=big)


@pytest.mark.django_db
def test_owner_cannot_change_identity_fields_after_verification(seller, officer):
    business = make_business(
        owner=seller, status="active", owner_nik=nik(3), name="Toko A", phone=seller.phone
    )
    with pytest.raises(PermissionDenied):
        services.business_update(
            actor=seller,
            business=business,
            data=data(name="Toko B", owner_nik=nik(3), phone=seller.phone),
        )
    services.business_update(
        actor=seller,
        business=business,
        data=data(
            name="Toko A",
            owner_nik=nik(3),
            owner_name=business.owner_name,
            phone=seller.phone,
            address="Jl. Baru 1",
        ),
    )
    business.refresh_from_db()
    assert business.address == "Jl. Baru 1"
    services.business_update(
        actor=officer,
        business=business,
        data=data(name="Toko B", owner_nik=nik(3), phone=seller.phone),
    )
    business.refresh_from_db()
    assert business.name == "Toko B"
