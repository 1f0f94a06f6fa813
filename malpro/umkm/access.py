"""Who may see or do what in the UMKM register: the one place pages, the API, menus, exports
and the services ask.

Parties towards a business (the verification machine's `parties`):
- owner: the account linked to the business;
- registrar: an area operator whose kecamatan or kelurahan holds the business;
- guide: an officer of an agency that guides (membina) the business;
- admin: a city admin;
- auditor: reads every business (personal numbers masked, KTP scans not downloadable) and
  moves none, so a move they try is refused (403) rather than hidden (404).

Scope of the register: city admins and auditors see every business; an agency officer the
businesses their agency guides; an area operator those in their area; an owner their own.
Outside their scope a business does not exist for the user (404).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.accounts import access as accounts_access
from malpro.accounts.models import Agency
from malpro.accounts.roles import Role
from malpro.core.access import signed_in
from malpro.core.exceptions import NotFound, PermissionDenied
from malpro.umkm.models import Business, Claim, Document, Guidance, ImportJob, Status

OWNER, REGISTRAR, GUIDE, ADMIN, AUDITOR = "owner", "registrar", "guide", "admin", "auditor"
PARTY_LABELS = {
    OWNER: gettext_lazy("pemilik usaha"),
    REGISTRAR: gettext_lazy("operator wilayah"),
    GUIDE: gettext_lazy("petugas OPD pembina"),
    ADMIN: gettext_lazy("admin kota"),
    AUDITOR: gettext_lazy("auditor"),
}
# Parties that see the owner's full NIK and phone, and may file documents.
PERSONAL = frozenset({OWNER, REGISTRAR, GUIDE, ADMIN})
# Parties that decide an owner's claim on a business without an owner account.
DECIDERS = frozenset({GUIDE, REGISTRAR, ADMIN})
# Claim parties.
CLAIMANT, DECIDER = "claimant", "decider"
CLAIM_PARTY_LABELS = {
    CLAIMANT: gettext_lazy("pengaju klaim"),
    DECIDER: gettext_lazy("petugas OPD pembina, operator wilayah atau admin kota"),
}
# Fields the owner may still change once the business is verified; the rest (identity, permits)
# would need verifying again, so only the guiding officer or the city admin edits them.
OWNER_EDITABLE_AFTER_VERIFICATION = frozenset(
    {"description", "address", "opening_hours", "phone", "sector", "capital", "annual_sales"}
)
# Scans of a person's identity card: the auditor sees that one was filed, not the scan (the NIK
# on the auditor's screens is masked too).
IDENTITY_DOCUMENTS = frozenset({Document.Kind.KTP})
EARLY = (Status.DRAFT, Status.REJECTED)


def _admin(user) -> bool:
    return accounts_access.is_city_admin(user=user)


# --- scope ---------------------------------------------------------------------------------------
def operator_covers(user, village) -> bool:
    """Whether an area operator's kecamatan or kelurahan includes `village`."""
    districts, villages = accounts_access.operator_areas(user=user)
    return village.pk in villages or village.district_id in districts


def official_scope_q(user, *, to_decide: bool = False) -> Q | None:
    """The part of the register `user` may see as an official; None means none of it.

    `to_decide`: only where the user may decide (claims), so not the auditor's read-only
    city-wide view."""
    if _admin(user) or (not to_decide and accounts_access.is_auditor(user=user)):
        return Q()
    parts: list[Q] = []
    agency_ids = accounts_access.officer_agency_ids(user=user)
    if agency_ids:
        parts.append(
            Q(Exists(Guidance.objects.filter(business=OuterRef("pk"), agency_id__in=agency_ids)))
        )
    districts, villages = accounts_access.operator_areas(user=user)
    if districts:
        parts.append(Q(village__district_id__in=districts))
    if villages:
        parts.append(Q(village_id__in=villages))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def can_see_registry(*, user) -> bool:
    """The registry page, its exports and the claims review page are for officials."""
    return official_scope_q(user) is not None


def can_view_own_businesses(*, user) -> bool:
    """Every account: a citizen registers a first business or claims one from "Usaha saya"."""
    return signed_in(user)


def has_own_business(*, user) -> bool:
    """Someone who owns a business (a draft counts): the menu offers them "Usaha saya"; everyone
    else starts from "Mulai jualan"."""
    if not signed_in(user):
        return False
    if not hasattr(user, "_malpro_owns_business"):  # asked twice per page by the menu
        user._malpro_owns_business = Business.objects.filter(owner=user).exists()
    return user._malpro_owns_business


def business_registry_visible(*, user) -> QuerySet[Business]:
    """The register as an official sees it (empty for everyone else)."""
    scope = official_scope_q(user)
    return Business.objects.none() if scope is None else Business.objects.filter(scope)


def business_owned(*, user) -> QuerySet[Business]:
    return Business.objects.filter(owner=user) if signed_in(user) else Business.objects.none()


def business_visible(*, user) -> QuerySet[Business]:
    """Every business `user` may open: their own and those in their official scope."""
    if not signed_in(user):
        return Business.objects.none()
    scope = official_scope_q(user)
    if scope is None:
        return Business.objects.filter(owner=user)
    if not scope:  # city-wide (an empty Q would vanish from `own | scope`)
        return Business.objects.all()
    return Business.objects.filter(Q(owner=user) | scope)


def business_get_for_user(*, user, business_id: int) -> Business:
    """A business the user may open; 404 otherwise (its existence is not revealed)."""
    business = (
        business_visible(user=user)
        .filter(pk=business_id)
        .select_related("village__district", "owner", "registered_by")
        .first()
    )
    if business is None:
        raise NotFound(_("UMKM tidak ditemukan."))
    return business


# --- parties and what they may do ----------------------------------------------------------------
def business_parties(user, business: Business) -> set[str]:
    """What `user` is towards `business` (the verification machine's parties)."""
    parties: set[str] = set()
    if not signed_in(user):
        return parties
    if business.owner_id and business.owner_id == user.pk:
        parties.add(OWNER)
    if _admin(user):
        parties.add(ADMIN)
    if accounts_access.is_auditor(user=user):
        parties.add(AUDITOR)
    agency_ids = accounts_access.officer_agency_ids(user=user)
    if agency_ids and Guidance.objects.filter(business=business, agency_id__in=agency_ids).exists():
        parties.add(GUIDE)
    if operator_covers(user, business.village):
        parties.add(REGISTRAR)
    return parties


def _parties(user, business, parties):
    return business_parties(user, business) if parties is None else parties


def can_view_personal(*, user, business: Business, parties: set[str] | None = None) -> bool:
    """The owner's full NIK and phone: the owner, the area's operator, the guiding officers
    and the city admin; everyone else sees them masked."""
    return bool(_parties(user, business, parties) & PERSONAL)


def can_edit(*, user, business: Business, parties: set[str] | None = None) -> bool:
    """Who may change a business's data (and so open its edit form, which shows the owner's
    NIK and phone in full): the owner, its guiding officers, the city admin, and the area
    operator while an ownerless business is still a draft or rejected."""
    parties = _parties(user, business, parties)
    return bool(
        parties & {OWNER, GUIDE, ADMIN}
        or (REGISTRAR in parties and business.owner_id is None and business.status in EARLY)
    )


def editable_fields(
    *, user, business: Business, parties: set[str] | None = None
) -> frozenset[str] | None:
    """The fields `user` may change (None: all of them). After verification the owner alone
    changes only the fields that do not need verifying again."""
    parties = _parties(user, business, parties)
    if OWNER in parties and not parties & {GUIDE, ADMIN} and business.status not in EARLY:
        return OWNER_EDITABLE_AFTER_VERIFICATION
    return None


def agencies_addable(
    *, user, business: Business, parties: set[str] | None = None
) -> frozenset[int] | None:
    """The agencies `user` may add as guides of `business` by editing it (ids; None: any).
    Guidance decides who verifies the business and sees its owner's full NIK, so:
    - the city admin adds any agency;
    - while the business is early (draft or rejected), its owner, or the area operator acting
      for an ownerless one, chooses whoever should guide it;
    - a guiding officer adds only their own agency (never another agency);
    - anyone else (the owner once verified) adds none."""
    parties = _parties(user, business, parties)
    if ADMIN in parties:
        return None
    if business.status in EARLY and parties & {OWNER, REGISTRAR}:
        return None
    if GUIDE in parties:
        return frozenset(accounts_access.officer_agency_ids(user=user))
    return frozenset()


def village_limits(
    *, user, business: Business | None = None, parties: set[str] | None = None
) -> tuple[set[str], set[str]] | None:
    """Where `user` may place a business: None for anywhere in the city, else the (kecamatan,
    kelurahan) codes of their area. Registering on an owner's behalf (`business` None): the
    city admin anywhere, an area operator in their area. Editing: the owner, a guiding officer
    and the city admin anywhere; an area operator (who edits only as the area's registrar)
    keeps it in their area."""
    if business is None:
        if _admin(user):
            return None
    elif _parties(user, business, parties) & {OWNER, GUIDE, ADMIN}:
        return None
    return accounts_access.operator_areas(user=user)


def can_place_in(
    *, user, village, business: Business | None = None, parties: set[str] | None = None
) -> bool:
    """Whether `user` may register a business in `village` on an owner's behalf (`business`
    None) or move `business` there by editing it."""
    limits = village_limits(user=user, business=business, parties=parties)
    if limits is None:
        return True
    districts, villages = limits
    return village.pk in villages or village.district_id in districts


def can_register_on_behalf(*, user) -> bool:
    """The "register a citizen's business" form: area operators and the city admin."""
    return accounts_access.has_role(user=user, role=Role.AREA_OPERATOR) or _admin(user)


def can_register_in(*, user, village) -> bool:
    """Registering on an owner's behalf in `village`: its area operator or the city admin."""
    return can_place_in(user=user, village=village)


def can_upload_document(*, user, business: Business, parties: set[str] | None = None) -> bool:
    return bool(_parties(user, business, parties) & PERSONAL)


def can_view_documents(*, user, business: Business, parties: set[str] | None = None) -> bool:
    """The list of filed documents: those who see personal data, and the auditor (who checks
    that they exist)."""
    parties = _parties(user, business, parties)
    return bool(parties & PERSONAL) or AUDITOR in parties


def can_download_document(*, user, document: Document, parties: set[str] | None = None) -> bool:
    parties = _parties(user, document.business, parties)
    if parties & PERSONAL:
        return True
    return AUDITOR in parties and document.kind not in IDENTITY_DOCUMENTS


def document_get_for_user(*, user, business_id: int, document_id: int) -> Document:
    """A filed document the user may download. 404 when they may not know of it; 403 for the
    auditor asking for an identity scan (they may know it exists)."""
    document = (
        Document.objects.select_related("business__village")
        .filter(pk=document_id, business_id=business_id)
        .first()
    )
    if document is None:
        raise NotFound(_("Dokumen tidak ditemukan."))
    parties = business_parties(user, document.business)
    if can_download_document(user=user, document=document, parties=parties):
        return document
    if AUDITOR in parties:
        raise PermissionDenied(
            _("Auditor melihat bahwa scan KTP sudah diunggah, tetapi tidak mengunduhnya.")
        )
    raise NotFound(_("Dokumen tidak ditemukan."))


# --- claims --------------------------------------------------------------------------------------
def business_claimable(*, user) -> QuerySet[Business]:
    """Businesses without an owner account whose phone on record is this user's number, once
    the user has proved that number is theirs (a one-time code): an unproved number matches
    nothing."""
    if not accounts_access.has_verified_phone(user=user):
        return Business.objects.none()
    return Business.objects.filter(owner__isnull=True, phone=user.phone)


def claim_parties(user, claim: Claim) -> set[str]:
    """What `user` is towards a claim (the claim machine's parties)."""
    parties: set[str] = set()
    if not signed_in(user):
        return parties
    if claim.user_id == user.pk:
        parties.add(CLAIMANT)
    if business_parties(user, claim.business) & DECIDERS:
        parties.add(DECIDER)
    return parties


def claim_decidable(*, user) -> QuerySet[Claim]:
    """The claims `user` may decide: the guiding officers', the area operators', the city
    admin's. The review page shows each claimant's full NIK and phone, which a deciding
    official checks against the KTP; no one else sees those claims."""
    scope = official_scope_q(user, to_decide=True)
    if scope is None:
        return Claim.objects.none()
    return Claim.objects.filter(business__in=Business.objects.filter(scope).values("pk"))


# --- imports -------------------------------------------------------------------------------------
def import_agencies(*, user) -> list[Agency] | None:
    """Agencies on whose behalf the user may import; None when the user may not import."""
    if _admin(user):
        return list(Agency.objects.filter(is_active=True))
    ids = accounts_access.officer_agency_ids(user=user)
    # An officer of an agency closed since keeps the role row but imports for it no more.
    return list(Agency.objects.filter(pk__in=ids, is_active=True)) or None


def can_import(*, user) -> bool:
    """Agency officers (for their own agency) and the city admin."""
    return _admin(user) or accounts_access.is_officer(user=user)


def can_import_without_agency(*, user) -> bool:
    """Rows no agency vouches for start as drafts: only the city admin imports those."""
    return _admin(user)


def import_job_visible(*, user) -> QuerySet[ImportJob]:
    if not signed_in(user):
        return ImportJob.objects.none()
    if _admin(user):
        return ImportJob.objects.all()
    return ImportJob.objects.filter(created_by=user)


def import_job_get_for_user(*, user, job_id: int) -> ImportJob:
    """An import the user started (or any, for the city admin); 404 otherwise."""
    job = import_job_visible(user=user).filter(pk=job_id).select_related("agency").first()
    if job is None:
        raise NotFound(_("Impor tidak ditemukan."))
    return job


# --- the table -----------------------------------------------------------------------------------
PERMISSIONS = [
    ("anonymous", "business: public profile", "active businesses only"),
    (
        "buyer",
        "business: register own (becomes a seller), list own ('Usaha saya')",
        "own businesses; needs a verified phone; the owner NIK must be the account's own NIK "
        "(entered once)",
    ),
    (
        "buyer",
        "business: claim",
        "ownerless businesses whose phone is the account's verified phone; the typed NIK must "
        "be the account's own NIK",
    ),
    (
        "buyer",
        "business: the guided registration ('Mulai jualan': essentials, documents, first "
        "product, submit) and its status page",
        "own businesses; needs a verified phone; the steps while a draft or rejected",
    ),
    (
        "seller",
        "business: view, edit, file documents, submit, open shop (verified -> active)",
        "own businesses; after verification only description, address, phone, sector, capital "
        "and sales; a changed owner NIK must be the account's own",
    ),
    (
        "agency_officer",
        "registry: list, filter, export CSV/XLSX (numbers masked)",
        "businesses their agency guides",
    ),
    (
        "agency_officer",
        "business: view with full NIK/phone, edit, file documents",
        "businesses their agency guides; an edit adds no agency but their own as guide",
    ),
    (
        "agency_officer",
        "business: verify/reject/suspend/reinstate",
        "businesses their agency guides; verifying a submitted business confirms the owner "
        "account's NIK when it is the NIK on the business (KTP on the documents)",
    ),
    ("agency_officer", "claim: decide", "businesses their agency guides"),
    (
        "agency_officer",
        "import: upload, run (or dry-run), see report",
        "for their own agency; own imports. Creates businesses (verified, guided by their "
        "agency only) and updates only those their agency guides; a row matching any other "
        "business is refused without naming it; never changes an existing business's state "
        "nor what an owner account maintains (owner name, NIK, phone, address, sector, capital, "
        "sales)",
    ),
    (
        "area_operator",
        "registry: list, filter, export CSV/XLSX (numbers masked)",
        "businesses in their kecamatan/kelurahan",
    ),
    (
        "area_operator",
        "business: register on the owner's behalf (consent recorded)",
        "kelurahan of their kecamatan/kelurahan only (form choices and service)",
    ),
    (
        "area_operator",
        "business: view with full NIK/phone, file documents, submit",
        "businesses in their kecamatan/kelurahan",
    ),
    (
        "area_operator",
        "business: edit",
        "ownerless draft or rejected businesses in their area; the kelurahan stays in their area",
    ),
    ("area_operator", "claim: decide", "businesses in their kecamatan/kelurahan"),
    ("city_admin", "registry, business, claims: everything above", "the whole city"),
    (
        "city_admin",
        "import: for any agency (recorded as the city admin's, on that agency's behalf; the "
        "agency's scope applies) or without an agency",
        "without an agency: the whole city, new rows as drafts, guides from the 'binaan' column",
    ),
    ("auditor", "registry: list, filter, export (numbers masked)", "the whole city"),
    (
        "auditor",
        "business: view (NIK/phone masked), download documents except KTP scans",
        "the whole city; no moves, no edits, no claims, no imports",
    ),
    (
        "system",
        "claim: approve when the verified phone and the NIK on record match; reject the other "
        "pending claims once one is approved",
        "every business",
    ),
]


def _business_of(owner: str, **fields):
    """ACCESS_CASES' `make`: a business owned by the persona `owner`, guided by Diskopindag
    (the `officer`'s agency), in Lowokwaru (outside the `operator`'s Klojen)."""

    def make(objects):
        from malpro.umkm.tests.factories import make_business  # test data, only when walked

        return {"business": make_business(owner=objects[owner], **fields)}

    return make


KLOJEN_DRAFT = {
    "name": "Warung Klojen Contoh",
    "owner_name": "Pak Klojen",
    "owner_nik": "3573021203700008",
    "phone": "081299990009",
    "village_code": "35.73.02.1001",
    "sector": "makanan_minuman",
    "agency_codes": ["DISKOPINDAG"],
}
OWNER_NIK = "3573054107850002"


def _klojen_draft(objects):
    """An ownerless draft the Klojen `operator` registered, guided by Diskopindag."""
    from malpro.umkm.tests.factories import make_business

    values = {k: v for k, v in KLOJEN_DRAFT.items() if k not in ("village_code", "agency_codes")}
    values["phone"] = "+6281299990009"
    business = make_business(status=Status.DRAFT, village=KLOJEN_DRAFT["village_code"], **values)
    return {"business": business}


def _claimable(objects):
    """Two ownerless businesses with a NIK on record: one with the `buyer`'s (verified) phone,
    one with the phone of `unverified`, an account that has not proved its number."""
    from malpro.conftest import make_user
    from malpro.umkm.tests.factories import make_business

    unverified = make_user("081299990010", "Belum Verifikasi", verified=False)
    return {
        "business": make_business(
            status=Status.VERIFIED, phone=objects["buyer"].phone, owner_nik=OWNER_NIK
        ),
        "unverified_business": make_business(
            status=Status.VERIFIED, phone=unverified.phone, owner_nik="3573054107850003"
        ),
        "unverified": unverified,
    }


def _unverified(objects):
    from malpro.conftest import make_user

    return {"unverified": make_user("081299990010", "Belum Verifikasi", verified=False)}


def _import_of(persona: str):
    def make(objects):
        from django.core.files.base import ContentFile

        job = ImportJob(original_name="data.csv", created_by=objects[persona])
        job.file.save("data.csv", ContentFile(b"nama_usaha,nama_pemilik\n"), save=False)
        job.save()
        return {"job": job}

    return make


def import_job_page(objects) -> str:
    return f"/umkm/registri/impor/{objects['job'].pk}/"


def claim_api(objects) -> str:
    return f"/api/v1/umkm/{objects['business'].pk}/claim"


def unverified_claim_api(objects) -> str:
    return f"/api/v1/umkm/{objects['unverified_business'].pk}/claim"


def business_page(objects) -> str:
    return f"/umkm/{objects['business'].pk}/"


def business_edit_page(objects) -> str:
    return f"/umkm/{objects['business'].pk}/ubah/"


def business_api(objects) -> str:
    return f"/api/v1/umkm/{objects['business'].pk}"


def onboarding_page(step: str):
    def url(objects) -> str:
        return f"/umkm/{objects['business'].pk}/{step}"

    return url


def business_api_verify(objects) -> str:
    return f"/api/v1/umkm/{objects['business'].pk}/verify"


ACCESS_CASES = [
    {"role": None, "method": "get", "url": "/umkm/saya/", "expect": 302},
    {"role": "buyer", "method": "get", "url": "/umkm/saya/", "expect": 200},
    {"role": None, "method": "get", "url": "/umkm/registri/", "expect": 302},
    {"role": "buyer", "method": "get", "url": "/umkm/registri/", "expect": 403},
    {"role": "seller", "method": "get", "url": "/umkm/registri/", "expect": 403},
    {"role": "officer", "method": "get", "url": "/umkm/registri/", "expect": 200},
    {"role": "operator", "method": "get", "url": "/umkm/registri/", "expect": 200},
    {"role": "auditor", "method": "get", "url": "/umkm/registri/", "expect": 200},
    {"role": "city_admin", "method": "get", "url": "/umkm/registri/", "expect": 200},
    {"role": "buyer", "method": "get", "url": "/umkm/klaim/tinjau/", "expect": 403},
    {"role": "officer", "method": "get", "url": "/umkm/klaim/tinjau/", "expect": 200},
    {"role": "operator", "method": "get", "url": "/umkm/registri/impor/", "expect": 403},
    {"role": "officer", "method": "get", "url": "/umkm/registri/impor/", "expect": 200},
    {"role": "buyer", "method": "get", "url": "/umkm/daftar/?atas_nama=1", "expect": 403},
    {"role": "operator", "method": "get", "url": "/umkm/daftar/?atas_nama=1", "expect": 200},
    *[
        {
            "role": role,
            "method": "get",
            "url": business_page,
            "make": _business_of("seller"),
            "expect": expect,
        }
        for role, expect in [
            (None, 302),
            ("seller", 200),
            ("other_seller", 404),
            ("officer", 200),
            ("other_officer", 404),
            ("operator", 404),
            ("auditor", 200),
            ("city_admin", 200),
        ]
    ],
    *[
        {
            "role": role,
            "method": "get",
            "url": business_edit_page,
            "make": _business_of("seller"),
            "expect": expect,
        }
        for role, expect in [
            ("seller", 200),
            ("other_seller", 404),
            ("officer", 200),
            ("auditor", 403),
            ("city_admin", 200),
        ]
    ],
    *[
        {
            "role": role,
            "method": "get",
            "url": business_api,
            "make": _business_of("seller"),
            "expect": expect,
        }
        for role, expect in [
            (None, 401),
            ("seller", 200),
            ("other_seller", 404),
            ("officer", 200),
            ("other_officer", 404),
            ("auditor", 200),
        ]
    ],
    *[
        {  # a submitted business: the auditor may see it but not verify it
            "role": role,
            "method": "post",
            "url": business_api_verify,
            "make": _business_of("seller", status=Status.SUBMITTED),
            "expect": expect,
        }
        for role, expect in [("auditor", 403), ("seller", 403), ("other_officer", 404)]
    ],
    # --- imports: officers for their own agency, the city admin for any ------------------------
    *[
        {"role": role, "method": "get", "url": "/umkm/registri/impor/", "expect": expect}
        for role, expect in [
            (None, 302),
            ("buyer", 403),
            ("seller", 403),
            ("auditor", 403),
            ("other_officer", 200),
            ("city_admin", 200),
        ]
    ],
    *[
        {
            "role": role,
            "method": "get",
            "url": import_job_page,
            "make": _import_of("officer"),
            "expect": expect,
        }
        for role, expect in [
            ("officer", 200),
            ("other_officer", 404),
            ("operator", 404),
            ("auditor", 404),
            ("city_admin", 200),
        ]
    ],
    # --- claims and becoming a seller: a verified phone ------------------------------------------
    {"role": None, "method": "get", "url": "/umkm/klaim/", "expect": 302},
    {"role": "buyer", "method": "get", "url": "/umkm/klaim/", "expect": 200},
    {
        "role": "unverified",
        "method": "get",
        "url": "/umkm/klaim/",
        "make": _unverified,
        "expect": 302,
    },
    {"role": "buyer", "method": "get", "url": "/umkm/daftar/", "expect": 200},
    {
        "role": "unverified",
        "method": "get",
        "url": "/umkm/daftar/",
        "make": _unverified,
        "expect": 302,
    },
    {
        "role": "unverified",
        "method": "post",
        "url": "/api/v1/umkm",
        "make": _unverified,
        "data": {**KLOJEN_DRAFT, "owner_nik": OWNER_NIK, "phone": "081299990010"},
        "expect": 403,
    },
    *[
        {
            "role": role,
            "method": "post",
            "url": url,
            "make": _claimable,
            "data": {"nik": nik},
            "expect": expect,
        }
        for role, url, nik, expect in [
            (None, claim_api, OWNER_NIK, 401),
            ("buyer", claim_api, OWNER_NIK, 200),  # verified phone and NIK on record match
            ("other_buyer", claim_api, OWNER_NIK, 403),  # another phone
            ("buyer", claim_api, "3573054107850003", 400),  # another NIK
            ("unverified", unverified_claim_api, "3573054107850003", 403),  # phone not proved
        ]
    ],
    # --- the guided registration ("Mulai jualan") and its status page ---------------------------
    {"role": None, "method": "get", "url": "/umkm/mulai/", "expect": 302},  # to sign-up
    {"role": "buyer", "method": "get", "url": "/umkm/mulai/", "expect": 200},
    {
        "role": "unverified",
        "method": "get",
        "url": "/umkm/mulai/",
        "make": _unverified,
        "expect": 302,
    },
    *[
        {
            "role": role,
            "method": method,
            "url": onboarding_page(step),
            "make": _business_of("seller", status=Status.DRAFT),
            "expect": expect,
        }
        for step, method, role, expect in [
            ("mulai/", "get", None, 302),
            ("mulai/", "get", "seller", 200),
            ("mulai/", "get", "other_seller", 404),
            ("mulai/", "get", "officer", 404),  # the owner's own path, not the guide's
            ("mulai/dokumen/", "get", "seller", 200),
            ("mulai/dokumen/", "get", "other_seller", 404),
            ("mulai/dokumen/", "get", "auditor", 404),
            ("mulai/ajukan/", "post", "other_seller", 404),
            ("mulai/ajukan/", "post", "officer", 404),
            ("pengajuan/", "get", None, 302),
            ("pengajuan/", "get", "seller", 200),
            ("pengajuan/", "get", "other_seller", 404),
            ("pengajuan/", "get", "officer", 200),
            ("pengajuan/", "get", "other_officer", 404),
            ("pengajuan/", "get", "auditor", 200),
        ]
    ],
    # --- edits: scope holds on edit as on create -------------------------------------------------
    *[
        {
            "role": role,
            "method": "put",
            "url": business_api,
            "make": _klojen_draft,
            "data": {**KLOJEN_DRAFT, **change},
            "expect": expect,
        }
        for role, change, expect in [
            ("operator", {"address": "Jl. Kauman 1"}, 200),  # her area's ownerless draft
            ("operator", {"village_code": "35.73.02.1002"}, 200),  # within Klojen
            ("operator", {"village_code": "35.73.05.1003"}, 403),  # out to Lowokwaru
            ("officer", {"village_code": "35.73.05.1003"}, 200),  # the guiding officer may
            ("officer", {"agency_codes": ["DISKOPINDAG", "DISPANGTAN"]}, 403),  # not another OPD
            ("city_admin", {"agency_codes": ["DISKOPINDAG", "DISPANGTAN"]}, 200),
            ("other_officer", {"address": "Jl. Kauman 1"}, 404),
            ("auditor", {"address": "Jl. Kauman 1"}, 403),
            ("seller", {"address": "Jl. Kauman 1"}, 404),
        ]
    ],
]
"""Checkable cases for the permissions test, in the shape described under
malpro.accounts.access.ACCESS_CASES (walked by malpro.core.tests.access_walk): a persona
fixture name (None: anonymous), a method, a path or a callable(objects) -> path, an optional
`make(objects) -> {"business": ...}` (here `_business_of`) and the expected status. Owner,
another user, a read-only role (the auditor) and anonymous on each protected page and
endpoint."""
