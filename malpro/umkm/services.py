"""Every write to the UMKM register: registration, edits, documents, the verification state
machine and owners' claims. Each function is one transaction and raises ApplicationError (or a
subclass) with a message for people on bad input."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_ratelimit.core import get_usage

from malpro.accounts import services as account_services
from malpro.accounts.models import Agency
from malpro.accounts.roles import Role
from malpro.core import audit, validators
from malpro.core.exceptions import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from malpro.regions.models import Village
from malpro.umkm.models import (
    Business,
    Claim,
    Document,
    Guidance,
    Sector,
    Status,
    StatusChange,
    name_key,
)
from malpro.umkm.scale import Scale, classify

# --- who may move a business where ---------------------------------------------------------------
OWNER, REGISTRAR, GUIDE, ADMIN = "owner", "registrar", "guide", "admin"
ACTOR_LABELS = {
    OWNER: gettext_lazy("pemilik usaha"),
    REGISTRAR: gettext_lazy("operator wilayah"),
    GUIDE: gettext_lazy("petugas OPD pembina"),
    ADMIN: gettext_lazy("admin kota"),
}
TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (Status.DRAFT, Status.SUBMITTED): {OWNER, REGISTRAR, ADMIN},
    (Status.REJECTED, Status.SUBMITTED): {OWNER, REGISTRAR, ADMIN},
    (Status.SUBMITTED, Status.VERIFIED): {GUIDE, ADMIN},
    (Status.SUBMITTED, Status.REJECTED): {GUIDE, ADMIN},
    (Status.VERIFIED, Status.ACTIVE): {OWNER},
    (Status.VERIFIED, Status.SUSPENDED): {GUIDE, ADMIN},
    (Status.ACTIVE, Status.SUSPENDED): {GUIDE, ADMIN},
    (Status.SUSPENDED, Status.ACTIVE): {GUIDE, ADMIN},
    (Status.SUSPENDED, Status.VERIFIED): {GUIDE, ADMIN},
}
REASON_REQUIRED_TO = {Status.REJECTED, Status.SUSPENDED}
REASON_REQUIRED_FROM = {Status.SUSPENDED}
# Fields the owner may still change once the business is verified; the rest (identity, permits)
# would need verifying again, so only the guiding officer or the city admin edits them.
OWNER_EDITABLE_AFTER_VERIFICATION = {
    "description",
    "address",
    "phone",
    "sector",
    "capital",
    "annual_sales",
}
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_SIGNATURES = {
    b"%PDF": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def actor_kinds(user, business: Business) -> set[str]:
    kinds: set[str] = set()
    if not user.is_authenticated:
        return kinds
    if business.owner_id and business.owner_id == user.pk:
        kinds.add(OWNER)
    if user.is_city_admin:
        kinds.add(ADMIN)
    agency_ids = user.officer_agency_ids()
    if agency_ids and Guidance.objects.filter(business=business, agency_id__in=agency_ids).exists():
        kinds.add(GUIDE)
    if operator_covers(user, business.village):
        kinds.add(REGISTRAR)
    return kinds


def operator_covers(user, village: Village) -> bool:
    """Whether an area operator's kecamatan or kelurahan includes `village`."""
    districts, villages = user.operator_areas()
    return village.pk in villages or village.district_id in districts


def allowed_transitions(user, business: Business) -> list[str]:
    kinds = actor_kinds(user, business)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == business.status and kinds & who]


# --- input ---------------------------------------------------------------------------------------
@dataclass
class BusinessInput:
    name: str
    owner_name: str
    owner_nik: str
    phone: str
    village_code: str
    sector: str
    address: str = ""
    description: str = ""
    nib: str = ""
    halal_number: str = ""
    halal_issued_on: dt.date | None = None
    halal_expires_on: dt.date | None = None
    pirt_number: str = ""
    capital: int | None = None
    annual_sales: int | None = None
    agency_codes: list[str] = field(default_factory=list)


def _clean(data: BusinessInput, *, instance: Business | None = None) -> dict:
    """Validates the input into model values; collects every field error at once."""
    errors: dict[str, str] = {}
    values: dict = {}

    def check(field_name, fn):
        try:
            return fn()
        except ValidationError as exc:
            errors[field_name] = " ".join(exc.messages)
            return None

    values["name"] = " ".join((data.name or "").split())
    if not values["name"]:
        errors["name"] = _("Nama usaha wajib diisi.")
    values["owner_name"] = " ".join((data.owner_name or "").split())
    if not values["owner_name"]:
        errors["owner_name"] = _("Nama pemilik wajib diisi.")
    nik = check("owner_nik", lambda: validators.clean_nik(data.owner_nik))
    values["owner_nik"] = nik.number if nik else ""
    values["phone"] = check("phone", lambda: validators.clean_phone(data.phone)) or ""
    village = Village.objects.filter(
        code=(data.village_code or "").strip(), district__regency_id=settings.MALPRO_REGENCY
    ).first()
    if village is None:
        errors["village_code"] = _("Pilih kelurahan di kota ini.")
    values["village"] = village
    if data.sector not in Sector.values:
        errors["sector"] = _("Pilih sektor usaha.")
    values["sector"] = data.sector
    values["address"] = (data.address or "").strip()[:255]
    values["description"] = (data.description or "").strip()[:2000]
    values["nib"] = None
    if (data.nib or "").strip():
        values["nib"] = check("nib", lambda: validators.clean_nib(data.nib))
        if (
            values["nib"]
            and Business.objects.filter(nib=values["nib"])
            .exclude(pk=getattr(instance, "pk", None))
            .exists()
        ):
            errors["nib"] = _("NIB ini sudah terdaftar untuk usaha lain.")
    values["halal_number"] = "".join((data.halal_number or "").split()).upper()[:40]
    values["halal_issued_on"] = data.halal_issued_on
    values["halal_expires_on"] = data.halal_expires_on
    if (data.halal_expires_on or data.halal_issued_on) and not values["halal_number"]:
        errors["halal_number"] = _("Isi nomor sertifikat halal untuk tanggal yang diisi.")
    if (
        data.halal_issued_on
        and data.halal_expires_on
        and data.halal_expires_on < data.halal_issued_on
    ):
        errors["halal_expires_on"] = _("Tanggal berlaku tidak boleh sebelum tanggal terbit.")
    values["pirt_number"] = (data.pirt_number or "").strip()[:30]
    for name in ("capital", "annual_sales"):
        amount = getattr(data, name)
        if amount is not None and amount < 0:
            errors[name] = _("Jumlah tidak boleh negatif.")
        values[name] = amount
    if classify(capital=data.capital, annual_sales=data.annual_sales) == Scale.LARGE:
        errors["annual_sales" if data.annual_sales is not None else "capital"] = _(
            "Modal/omzet melebihi batas usaha menengah (PP 7/2021): bukan UMKM."
        )
    codes = [c.strip().upper() for c in data.agency_codes if c and c.strip()]
    agencies = list(Agency.objects.filter(code__in=codes, is_active=True))
    unknown = sorted(set(codes) - {a.code for a in agencies})
    if unknown:
        errors["agency_codes"] = _("OPD tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}
    values["agencies"] = agencies
    if not errors and values["owner_nik"]:
        clash = Business.objects.filter(
            owner_nik=values["owner_nik"], name_key=name_key(values["name"])
        )
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        existing = clash.first()
        if existing is not None:
            hint = (
                _(" Jika usaha ini milik Anda, klaim lewat menu Klaim usaha.")
                if existing.owner_id is None
                else ""
            )
            errors["name"] = _("Usaha dengan NIK pemilik dan nama ini sudah terdaftar.") + hint
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(
            first if len(errors) == 1 else _("Periksa kembali isian yang ditandai."),
            {"fields": errors},
        )
    return values


def _record_change(business, *, frm, to, actor, reason=""):
    StatusChange.objects.create(
        business=business,
        from_status=frm,
        to_status=to,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
    )


def _set_guidance(business: Business, agencies: list[Agency], source: str) -> None:
    for agency in agencies:
        Guidance.objects.get_or_create(
            business=business, agency=agency, defaults={"source": source}
        )


@transaction.atomic
def business_register(
    *,
    actor,
    data: BusinessInput,
    on_behalf: bool = False,
    consent: bool = False,
    consent_note: str = "",
    source: str = "web",
    request=None,
) -> Business:
    """A seller registers their own business (the account becomes its owner), or an area
    operator registers one on its owner's behalf with the owner's consent on record."""
    values = _clean(data)
    agencies = values.pop("agencies")
    business = Business(**values, source=source, status=Status.DRAFT)
    if on_behalf:
        if not (actor.is_city_admin or operator_covers(actor, values["village"])):
            raise PermissionDenied(_("Anda hanya dapat mendaftarkan usaha di wilayah tugas Anda."))
        if not consent or not consent_note.strip():
            raise ApplicationError.for_field(
                "consent",
                _("Catat persetujuan pemilik (cara dan tanggalnya) sebelum mendaftarkan."),
            )
        business.registered_by = actor
        business.consent_at = timezone.now()
        business.consent_note = consent_note.strip()[:255]
        business.source = "operator"
    else:
        business.owner = actor
    try:
        with transaction.atomic():
            business.save()
    except IntegrityError:
        raise Conflict(_("Usaha ini baru saja didaftarkan orang lain.")) from None
    _set_guidance(business, agencies, "registration")
    _record_change(
        business,
        frm="",
        to=Status.DRAFT,
        actor=actor,
        reason=_("Didaftarkan atas persetujuan pemilik: %(note)s") % {"note": business.consent_note}
        if on_behalf
        else "",
    )
    if not on_behalf:
        account_services.role_grant(user=actor, role=Role.SELLER)
    audit.record(
        action="umkm.registered",
        actor=actor,
        target=business,
        data={"on_behalf": on_behalf},
        ip=audit.client_ip(request),
    )
    return business


def business_can_edit(user, business: Business, *, kinds: set[str] | None = None) -> bool:
    """Who may change a business's data (and so open its edit form, which shows the owner's
    NIK and phone in full): the owner, its guiding officers, the city admin, and the area
    operator while an ownerless business is still a draft or rejected."""
    kinds = actor_kinds(user, business) if kinds is None else kinds
    early = business.status in (Status.DRAFT, Status.REJECTED)
    return bool(
        kinds & {OWNER, GUIDE, ADMIN}
        or (REGISTRAR in kinds and business.owner_id is None and early)
    )


@transaction.atomic
def business_update(*, actor, business: Business, data: BusinessInput) -> Business:
    kinds = actor_kinds(actor, business)
    early = business.status in (Status.DRAFT, Status.REJECTED)
    if not business_can_edit(actor, business, kinds=kinds):
        raise PermissionDenied(_("Anda tidak berhak mengubah data usaha ini."))
    values = _clean(data, instance=business)
    agencies = values.pop("agencies")
    restricted = OWNER in kinds and not kinds & {GUIDE, ADMIN} and not early
    changed = []
    for name, value in values.items():
        current = getattr(business, name)
        if current == value:
            continue
        if restricted and name not in OWNER_EDITABLE_AFTER_VERIFICATION:
            raise PermissionDenied(
                _("Setelah diverifikasi, %(field)s hanya dapat diubah petugas OPD pembina.")
                % {"field": Business._meta.get_field(name).verbose_name}
            )
        setattr(business, name, value)
        changed.append(name)
    if changed:
        business.save()
    if early or kinds & {GUIDE, ADMIN}:
        _set_guidance(business, agencies, "edit")
    audit.record(action="umkm.updated", actor=actor, target=business, data={"fields": changed})
    return business


@transaction.atomic
def business_transition(
    *, actor, business_id: int, to: str, reason: str = "", request=None
) -> Business:
    """Moves a business to `to` if the TRANSITIONS table allows it for this actor."""
    business = Business.objects.select_for_update().get(pk=business_id)
    frm = business.status
    if to not in Status.values:
        raise ApplicationError.for_field("to", _("Status %(to)s tidak dikenal.") % {"to": to})
    who = TRANSITIONS.get((frm, to))
    if who is None:
        raise Conflict(
            _("Status tidak dapat diubah dari %(frm)s ke %(to)s.")
            % {"frm": Status(frm).label, "to": Status(to).label},
            {"from": frm, "to": to},
        )
    if not actor_kinds(actor, business) & who:
        raise PermissionDenied(
            _("Hanya %(who)s yang dapat mengubah status ke %(to)s.")
            % {
                "who": _(" atau ").join(str(ACTOR_LABELS[w]) for w in sorted(who)),
                "to": Status(to).label,
            }
        )
    reason = (reason or "").strip()
    if (to in REASON_REQUIRED_TO or frm in REASON_REQUIRED_FROM) and not reason:
        raise ApplicationError.for_field("reason", _("Alasan wajib diisi."))
    if to == Status.SUBMITTED:
        _check_complete(business)
    if to == Status.ACTIVE and business.owner_id is None:
        raise Conflict(_("Usaha belum memiliki akun pemilik: pemilik perlu mengklaimnya dulu."))
    business.status = to
    business.status_reason = reason[:500] if to in (Status.REJECTED, Status.SUSPENDED) else ""
    business.status_changed_at = timezone.now()
    fields = ["status", "status_reason", "status_changed_at"]
    if to == Status.ACTIVE or to == Status.SUSPENDED:
        business.on_marketplace = to == Status.ACTIVE
        fields.append("on_marketplace")
    business.save(update_fields=fields)
    _record_change(business, frm=frm, to=to, actor=actor, reason=reason[:500])
    audit.record(
        action=f"umkm.{to}",
        actor=actor,
        target=business,
        data={"from": frm},
        ip=audit.client_ip(request),
    )
    return business


def _check_complete(business: Business) -> None:
    missing = []
    if not business.owner_nik:
        missing.append(_("NIK pemilik"))
    if not business.phone:
        missing.append(_("nomor HP"))
    if not business.guidance.exists():
        missing.append(_("OPD pembina"))
    if (
        business.consent_at is None
        and not business.documents.filter(kind=Document.Kind.KTP).exists()
    ):
        missing.append(_("foto KTP pemilik"))
    if missing:
        raise ApplicationError(
            _("Lengkapi dulu sebelum mengajukan: %(items)s.") % {"items": ", ".join(missing)},
            {"missing": [str(m) for m in missing]},
        )


# --- documents -----------------------------------------------------------------------------------
@transaction.atomic
def document_add(*, actor, business: Business, kind: str, upload) -> Document:
    if not actor_kinds(actor, business) & {OWNER, REGISTRAR, GUIDE, ADMIN}:
        raise PermissionDenied(_("Anda tidak berhak mengunggah dokumen untuk usaha ini."))
    if kind not in Document.Kind.values:
        raise ApplicationError.for_field("kind", _("Pilih jenis dokumen."))
    if upload is None or upload.size == 0:
        raise ApplicationError.for_field("file", _("Pilih berkas untuk diunggah."))
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ApplicationError.for_field(
            "file", _("Berkas terlalu besar (maksimal 5 MB); kecilkan fotonya lalu coba lagi.")
        )
    head = upload.read(8)
    upload.seek(0)
    content_type = next((t for sig, t in DOCUMENT_SIGNATURES.items() if head.startswith(sig)), None)
    if content_type is None:
        raise ApplicationError.for_field(
            "file", _("Jenis berkas tidak didukung: unggah foto JPG/PNG atau PDF.")
        )
    document = Document(
        business=business,
        kind=kind,
        original_name=upload.name[-200:],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    document.file.save(upload.name[-80:], upload, save=False)
    document.save()
    audit.record(
        action="umkm.document_added",
        actor=actor,
        target=business,
        data={"kind": kind, "document": document.pk},
    )
    return document


# Scans of a person's identity card: the auditor sees that one was filed, not the scan (the NIK
# on the auditor's screens is masked too).
IDENTITY_DOCUMENTS = {Document.Kind.KTP}


def document_can_view(*, user, document: Document, kinds: set[str] | None = None) -> bool:
    kinds = actor_kinds(user, document.business) if kinds is None else kinds
    if kinds & {OWNER, REGISTRAR, GUIDE, ADMIN}:
        return True
    return bool(
        user.is_authenticated and user.is_auditor and document.kind not in IDENTITY_DOCUMENTS
    )


# --- claims --------------------------------------------------------------------------------------
def claimable_for(*, user):
    """Businesses without an owner account whose phone on record is this user's number."""
    return (
        Business.objects.filter(owner__isnull=True, phone=user.phone)
        .select_related("village__district")
        .order_by("name")
    )


@transaction.atomic
def claim_request(*, user, business_id: int, nik: str, request=None) -> Claim:
    """The owner claims a business registered for them. With the phone on record matching the
    account and the NIK on record matching what they type, it is theirs at once; otherwise a
    guiding officer or the area operator decides."""
    if request is not None:
        usage = get_usage(
            request, group="umkm-claim", key=lambda g, r: str(user.pk), rate="10/h", increment=True
        )
        if usage and usage["should_limit"]:
            raise RateLimited(_("Terlalu banyak percobaan klaim. Coba lagi satu jam lagi."))
    business = Business.objects.select_for_update().filter(pk=business_id).first()
    if business is None or business.owner_id is not None:
        raise Conflict(_("Usaha ini tidak dapat diklaim (sudah punya pemilik atau tidak ada)."))
    if business.phone != user.phone:
        raise PermissionDenied(
            _(
                "Nomor HP akun Anda berbeda dengan nomor pada data usaha. Minta petugas OPD atau "
                "operator kelurahan memperbarui nomornya dulu."
            )
        )
    try:
        typed = validators.clean_nik(nik).number
    except ValidationError as exc:
        raise ApplicationError.for_field("nik", " ".join(exc.messages)) from None
    matched = bool(business.owner_nik) and typed == business.owner_nik
    if business.owner_nik and not matched:
        raise ApplicationError.for_field("nik", _("NIK tidak cocok dengan data usaha."))
    claim = Claim.objects.filter(business=business, user=user, state=Claim.State.PENDING).first()
    if claim is None:
        # The typed NIK stays on the claim for the officer to check against the KTP.
        claim = Claim.objects.create(business=business, user=user, nik=typed, nik_matched=matched)
    if matched:
        _claim_approve(claim, decided_by=None, reason=_("Nomor HP dan NIK cocok."))
    audit.record(
        action="umkm.claim_requested", actor=user, target=business, data={"auto_approved": matched}
    )
    return claim


def _claim_approve(claim: Claim, *, decided_by, reason: str) -> None:
    business = claim.business
    business.owner = claim.user
    business.claimed_at = timezone.now()
    if not business.owner_nik:
        business.owner_nik = claim.nik
    business.save(update_fields=["owner", "claimed_at", "owner_nik"])
    claim.state, claim.decided_by, claim.decided_at = (
        Claim.State.APPROVED,
        decided_by,
        timezone.now(),
    )
    claim.reason = reason[:500]
    claim.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    Claim.objects.filter(business=business, state=Claim.State.PENDING).exclude(pk=claim.pk).update(
        state=Claim.State.REJECTED,
        reason=_("Usaha sudah diklaim pemilik lain."),
        decided_at=timezone.now(),
    )
    account_services.role_grant(user=claim.user, role=Role.SELLER)


@transaction.atomic
def claim_decide(*, actor, claim_id: int, approve: bool, reason: str = "") -> Claim:
    claim = Claim.objects.select_for_update().select_related("business").filter(pk=claim_id).first()
    if claim is None:
        raise NotFound(_("Klaim tidak ditemukan."))
    if claim.state != Claim.State.PENDING:
        raise Conflict(_("Klaim ini sudah diputuskan."))
    if not actor_kinds(actor, claim.business) & {GUIDE, REGISTRAR, ADMIN}:
        raise PermissionDenied(_("Anda tidak berhak memutuskan klaim ini."))
    if claim.business.owner_id is not None:
        raise Conflict(_("Usaha ini sudah punya pemilik."))
    if approve:
        _claim_approve(claim, decided_by=actor, reason=reason or _("Disetujui petugas."))
    else:
        if not reason.strip():
            raise ApplicationError.for_field("reason", _("Alasan penolakan wajib diisi."))
        claim.state, claim.decided_by, claim.decided_at = (
            Claim.State.REJECTED,
            actor,
            timezone.now(),
        )
        claim.reason = reason.strip()[:500]
        claim.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    audit.record(
        action="umkm.claim_decided", actor=actor, target=claim.business, data={"approved": approve}
    )
    return claim
