"""Every write to the UMKM register: registration, edits, documents, the verification state
machine, owners' claims and the uploads of agencies' spreadsheets. Each function is one
transaction and raises ApplicationError (or a subclass) with a message for people on bad input.
Who may do what is asked of umkm.access; the state machines are in umkm.workflow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.accounts import services as account_services
from malpro.accounts.models import Agency
from malpro.accounts.roles import Role
from malpro.core import audit, crypto, events, throttle, validators
from malpro.core import workflow as core_workflow
from malpro.core.exceptions import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from malpro.core.tabular import UnreadableFile
from malpro.regions.models import Village
from malpro.umkm import access, importer
from malpro.umkm.models import (
    Business,
    Claim,
    Document,
    Guidance,
    ImportJob,
    Sector,
    Status,
    StatusChange,
    name_key,
)
from malpro.umkm.scale import Scale, classify
from malpro.umkm.tasks import run_import
from malpro.umkm.workflow import (
    BUSINESS,
    CLAIM,
    ON_MARKETPLACE,
    REASON_REQUIRED_FROM,
    REASON_REQUIRED_TO,
    REASON_SHOWN,
)

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_SIGNATURES = {
    b"%PDF": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


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
    opening_hours: str = ""
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
    values["opening_hours"] = " ".join((data.opening_hours or "").split())[:120]
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
            owner_nik_hash=crypto.nik_hash(values["owner_nik"]), name_key=name_key(values["name"])
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


def _set_guidance(business: Business, agencies: list[Agency], source: str) -> bool:
    """Adds the agencies that do not guide the business yet; True when any was added."""
    added = False
    for agency in agencies:
        _guidance, created = Guidance.objects.get_or_create(
            business=business, agency=agency, defaults={"source": source}
        )
        added = added or created
    return added


def _event_payload(business: Business) -> dict:
    """What consumers of business events need to route them (the dashboard by area, messages
    to the guiding agencies and the owner). No NIK or phone."""
    return {
        "village_code": business.village_id,
        "agency_codes": sorted(business.guidance.values_list("agency__code", flat=True)),
        "owner_id": business.owner_id,
    }


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
    operator registers one on its owner's behalf with the owner's consent on record.

    Registering one's own business makes the account a seller: it needs a verified phone, and
    the owner NIK must be the account's own (entered once; later the same)."""
    if not on_behalf:
        account_services.require_verified_phone(actor)
    values = _clean(data)
    agencies = values.pop("agencies")
    if not on_behalf:
        values["owner_nik"] = account_services.user_nik_bind(
            user=actor, nik=values["owner_nik"], field="owner_nik"
        )
    business = Business(**values, source=source, status=Status.DRAFT)
    if on_behalf:
        if not access.can_register_in(user=actor, village=values["village"]):
            raise _outside_area()
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
    # The consent note is free text (it may hold a phone number): it stays off the event.
    core_workflow.created(
        machine=BUSINESS,
        obj=business,
        actor=actor,
        payload={"reason": "", "source": business.source, **_event_payload(business)},
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


def _outside_area() -> PermissionDenied:
    message = _(
        "Kelurahan ini di luar wilayah tugas Anda: pilih kelurahan di wilayah Anda. Usaha di "
        "wilayah lain didaftarkan atau dipindahkan oleh operator wilayahnya, petugas OPD "
        "pembina atau admin kota."
    )
    return PermissionDenied(message, {"fields": {"village_code": str(message)}})


def _check_guidance_added(actor, business, parties, agencies) -> None:
    """Agencies an edit would add must be ones the actor may add (umkm.access.agencies_addable):
    a guiding officer never brings in another agency."""
    current = set(business.guidance.values_list("agency_id", flat=True))
    added = [a for a in agencies if a.pk not in current]
    addable = access.agencies_addable(user=actor, business=business, parties=parties)
    if addable is None or not added:
        return
    refused = [a for a in added if a.pk not in addable]
    if not refused:
        return
    codes = ", ".join(a.short_name for a in refused)
    if addable:
        message = _(
            "Anda hanya dapat menambahkan OPD Anda sendiri sebagai pembina (bukan %(codes)s). "
            "OPD lain menambahkan dirinya sendiri, atau minta admin kota."
        ) % {"codes": codes}
    else:
        message = _(
            "Setelah diverifikasi, OPD pembina hanya dapat ditambah oleh petugas OPD pembina atau "
            "admin kota (bukan %(codes)s)."
        ) % {"codes": codes}
    raise PermissionDenied(message, {"fields": {"agency_codes": str(message)}})


def _check_owner_nik(actor, business, parties, nik: str) -> str:
    """A business with an owner account carries the owner's own NIK: the owner changing it
    binds it to their account (or is refused when it is not theirs); an official may only set
    it to the NIK on the owner's account, when that is known."""
    if business.owner_id is None or nik == business.owner_nik:
        return nik
    if access.OWNER in parties:
        return account_services.user_nik_bind(user=actor, nik=nik, field="owner_nik")
    owner_nik = business.owner.nik
    if owner_nik and nik != owner_nik:
        raise ApplicationError.for_field(
            "owner_nik",
            _(
                "NIK pemilik harus sama dengan NIK pada akun pemiliknya. Bila NIK akun keliru, "
                "pemilik memperbaikinya di operator kelurahan dengan membawa KTP."
            ),
        )
    return nik


@transaction.atomic
def business_update(*, actor, business: Business, data: BusinessInput) -> Business:
    """Changes a business's data. Scope holds on edit as on registration: an area operator
    keeps the business in her area, an officer adds no other agency as guide, and the owner
    NIK of an owned business stays the owner's own."""
    parties = access.business_parties(actor, business)
    if not access.can_edit(user=actor, business=business, parties=parties):
        raise PermissionDenied(_("Anda tidak berhak mengubah data usaha ini."))
    values = _clean(data, instance=business)
    agencies = values.pop("agencies")
    if values["village"] != business.village and not access.can_place_in(
        user=actor, village=values["village"], business=business, parties=parties
    ):
        raise _outside_area()
    _check_guidance_added(actor, business, parties, agencies)
    allowed = access.editable_fields(user=actor, business=business, parties=parties)
    changed = []
    for name, value in values.items():
        current = getattr(business, name)
        if current == value:
            continue
        if allowed is not None and name not in allowed:
            message = _(
                "Setelah diverifikasi, %(field)s hanya dapat diubah petugas OPD pembina."
            ) % {"field": Business._meta.get_field(name).verbose_name}
            form_field = "village_code" if name == "village" else name
            raise PermissionDenied(message, {"fields": {form_field: str(message)}})
        if name == "owner_nik":
            value = _check_owner_nik(actor, business, parties, value)
        setattr(business, name, value)
        changed.append(name)
    if changed:
        business.save()
    if _set_guidance(business, agencies, "edit"):
        changed.append("agencies")
    audit.record(action="umkm.updated", actor=actor, target=business, data={"fields": changed})
    if changed:
        events.record(
            kind="business.updated", subject=business, actor=actor, payload={"fields": changed}
        )
    return business


@transaction.atomic
def business_transition(
    *, actor, business_id: int, to: str, reason: str = "", request=None
) -> Business:
    """Moves a business to `to` if the verification machine allows it for this actor; writes
    the history row, the audit record and the `business.<to>` event."""
    business = (
        Business.objects.select_for_update()
        .select_related("village")
        .filter(pk=business_id)
        .first()
    )
    if business is None:
        raise NotFound(BUSINESS.not_found_message)
    BUSINESS.check(obj=business, to=to, actor=actor)
    frm = business.status
    reason = (reason or "").strip()
    if (to in REASON_REQUIRED_TO or frm in REASON_REQUIRED_FROM) and not reason:
        raise ApplicationError.for_field("reason", _("Alasan wajib diisi."))
    if to == Status.SUBMITTED:
        _check_complete(business)
    if to == Status.ACTIVE and business.owner_id is None:
        raise Conflict(_("Usaha belum memiliki akun pemilik: pemilik perlu mengklaimnya dulu."))
    business.status_reason = reason[:500] if to in REASON_SHOWN else ""
    business.status_changed_at = timezone.now()
    fields = ["status_reason", "status_changed_at"]
    if to in ON_MARKETPLACE:
        business.on_marketplace = ON_MARKETPLACE[to]
        fields.append("on_marketplace")
    core_workflow.transition(
        machine=BUSINESS,
        obj=business,
        to=to,
        actor=actor,
        reason=reason,
        fields=fields,
        payload=_event_payload(business),
        checked=True,
    )
    _record_change(business, frm=frm, to=to, actor=actor, reason=reason[:500])
    if to == Status.VERIFIED and frm == Status.SUBMITTED:
        _owner_nik_seen(business, actor)
    audit.record(
        action=f"umkm.{to}",
        actor=actor,
        target=business,
        data={"from": frm},
        ip=audit.client_ip(request),
    )
    return business


def _owner_nik_seen(business: Business, officer) -> None:
    """Verifying a submitted business is an officer's decision on its documents, the owner's
    KTP among them: when the owner's account holds the NIK on the business, that NIK is now
    verified for the account."""
    if business.owner_id is None or not business.owner_nik:
        return
    if not business.documents.filter(kind=Document.Kind.KTP).exists():
        return  # submitted on consent recorded in person: no KTP among the documents
    owner = business.owner
    if owner.nik and owner.nik == business.owner_nik and owner.nik_verified_at is None:
        account_services.user_nik_verify(
            user=owner, by=officer, nik=business.owner_nik, how="ktp_document"
        )


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
    if not access.can_upload_document(user=actor, business=business):
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
    events.record(
        kind="business.document_added", subject=business, actor=actor, payload={"kind": kind}
    )
    return document


@transaction.atomic
def documents_add(*, actor, business: Business, uploads: list[tuple[str, object]]) -> list:
    """Several documents at once (the guided registration's step 2: the KTP photo and the
    optional permits), all or none. `uploads` are (form field, file) pairs, the field named
    after the document kind (ktp, nib, pirt, halal); an error names its field."""
    kinds = {"ktp": Document.Kind.KTP, "nib": Document.Kind.NIB, "pirt": Document.Kind.PIRT}
    kinds["halal"] = Document.Kind.HALAL
    added = []
    try:
        for name, upload in uploads:
            try:
                added.append(
                    document_add(actor=actor, business=business, kind=kinds[name], upload=upload)
                )
            except ApplicationError as exc:
                fields = exc.extra.get("fields") or {}
                if "file" in fields:
                    raise type(exc)(exc.message, {"fields": {name: fields["file"]}}) from None
                raise
    except Exception:
        # The rows roll back with the transaction; the files already written must go too,
        # or a KTP photo would stay on disk linked to nothing.
        for document in added:
            document.file.delete(save=False)
        raise
    return added


# --- claims --------------------------------------------------------------------------------------
def claim_request(*, user, business_id: int, nik: str, request=None) -> Claim:
    """The owner claims a business registered for them. With the phone on record matching the
    account's verified phone and the NIK on record matching what they type, it is theirs at
    once; otherwise a guiding officer or the area operator decides. The typed NIK becomes (or
    must be) the account's own NIK."""
    account_services.require_verified_phone(user)
    # Counted before the transaction, so a refused attempt still counts.
    if throttle.hit("umkm-claim", str(user.pk), limit=10, window=3600).exceeded:
        raise RateLimited(_("Terlalu banyak percobaan klaim. Coba lagi satu jam lagi."))
    return _claim_request(user=user, business_id=business_id, nik=nik)


@transaction.atomic
def _claim_request(*, user, business_id: int, nik: str) -> Claim:
    business = Business.objects.select_for_update().filter(pk=business_id).first()
    if business is None or business.owner_id is not None:
        raise Conflict(_("Usaha ini tidak dapat diklaim (sudah punya pemilik atau tidak ada)."))
    if not access.business_claimable(user=user).filter(pk=business.pk).exists():
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
    # The account's own NIK (set now if it has none; rolled back with a refused claim).
    typed = account_services.user_nik_bind(user=user, nik=typed, field="nik")
    claim = Claim.objects.filter(business=business, user=user, state=Claim.State.PENDING).first()
    if claim is None:
        # The typed NIK stays on the claim for the officer to check against the KTP.
        claim = Claim.objects.create(business=business, user=user, nik=typed, nik_matched=matched)
        core_workflow.created(machine=CLAIM, obj=claim, actor=user, payload=_claim_payload(claim))
    if matched:
        _claim_move(
            claim,
            business,
            to=Claim.State.APPROVED,
            actor=None,
            reason=_("Nomor HP dan NIK cocok."),
        )
    audit.record(
        action="umkm.claim_requested", actor=user, target=business, data={"auto_approved": matched}
    )
    return claim


def _claim_payload(claim: Claim) -> dict:
    return {
        "business_id": claim.business_id,
        "user_id": claim.user_id,
        "nik_matched": claim.nik_matched,
    }


def _claim_move(claim: Claim, business: Business, *, to: str, actor, reason: str) -> None:
    """Applies a checked move of a locked claim; approving links the (locked) business to the
    claimant and rejects the other pending claims on it, as the system."""
    claim.decided_by = actor if getattr(actor, "pk", None) else None
    claim.decided_at = timezone.now()
    claim.reason = reason[:500]
    core_workflow.transition(
        machine=CLAIM,
        obj=claim,
        to=to,
        actor=actor,
        reason=reason,
        fields=["decided_by", "decided_at", "reason"],
        payload=_claim_payload(claim),
        checked=True,
    )
    if to != Claim.State.APPROVED:
        return
    business.owner = claim.user
    business.claimed_at = timezone.now()
    if not business.owner_nik:
        business.owner_nik = claim.nik
    business.save(update_fields=["owner", "claimed_at", "owner_nik"])
    others = (
        Claim.objects.select_for_update()
        .filter(business=business, state=Claim.State.PENDING)
        .exclude(pk=claim.pk)
        .order_by("pk")
    )
    for other in others:
        CLAIM.check(obj=other, to=Claim.State.REJECTED, actor=None)
        _claim_move(
            other,
            business,
            to=Claim.State.REJECTED,
            actor=None,
            reason=str(_("Usaha sudah diklaim pemilik lain.")),
        )
    account_services.role_grant(user=claim.user, role=Role.SELLER)


@transaction.atomic
def claim_transition(*, actor, claim_id: int, to: str, reason: str = "") -> Claim:
    """A guiding officer, the area's operator or the city admin approves or rejects a pending
    claim (a rejection needs a reason)."""
    business_id = Claim.objects.filter(pk=claim_id).values_list("business_id", flat=True).first()
    if business_id is None:
        raise NotFound(CLAIM.not_found_message)
    # Business first, then the claim: the order claim_request locks them in.
    business = Business.objects.select_for_update().select_related("village").get(pk=business_id)
    claim = Claim.objects.select_for_update().get(pk=claim_id)
    claim.business = business
    CLAIM.check(obj=claim, to=to, actor=actor)
    if business.owner_id is not None:
        raise Conflict(_("Usaha ini sudah punya pemilik."))
    reason = (reason or "").strip()
    if to == Claim.State.REJECTED and not reason:
        raise ApplicationError.for_field("reason", _("Alasan penolakan wajib diisi."))
    if to == Claim.State.APPROVED and not reason:
        reason = str(_("Disetujui petugas."))
    _claim_move(claim, business, to=to, actor=actor, reason=reason)
    audit.record(
        action="umkm.claim_decided",
        actor=actor,
        target=business,
        data={"approved": to == Claim.State.APPROVED},
    )
    return claim


def claim_decide(*, actor, claim_id: int, approve: bool, reason: str = "") -> Claim:
    """The review page's yes/no, through claim_transition."""
    to = Claim.State.APPROVED if approve else Claim.State.REJECTED
    return claim_transition(actor=actor, claim_id=claim_id, to=to, reason=reason)


# --- imports through the page --------------------------------------------------------------------
@transaction.atomic
def import_job_create(*, actor, upload, agency_code: str | None = None) -> ImportJob:
    """Stores an uploaded spreadsheet for its column mapping to be checked. Officers import
    for their own agency; only the city admin imports rows no agency vouches for."""
    agencies = access.import_agencies(user=actor)
    if agencies is None:
        raise PermissionDenied(_("Impor hanya untuk petugas OPD."))
    agency = next((a for a in agencies if a.code == agency_code), None) if agency_code else None
    if agency_code and agency is None:
        raise ApplicationError.for_field("agency", _("Pilih OPD Anda."))
    if agency is None and not access.can_import_without_agency(user=actor):
        raise ApplicationError.for_field("agency", _("Pilih OPD Anda."))
    try:  # parsed once, here, within core.tabular's limits; the pages reuse the rows
        parsed = importer.parse_upload(upload, upload.name)
    except UnreadableFile as exc:
        raise UnreadableFile.for_field("file", exc.message) from None
    job = ImportJob(original_name=upload.name[-200:], created_by=actor, agency=agency)
    job.file.save(upload.name[-80:], upload, save=False)
    job.save()
    importer.store_rows(job, parsed)
    return job


@transaction.atomic
def import_job_start(*, actor, job: ImportJob, header_map: dict, dry_run: bool) -> ImportJob:
    """Saves the column mapping and runs the import (in a worker; eagerly in the embedded
    default) once this is committed."""
    job = access.import_job_get_for_user(user=actor, job_id=job.pk)
    if job.state != ImportJob.State.UPLOADED:
        raise Conflict(_("Impor ini sudah dijalankan."))
    job.header_map = header_map
    job.dry_run = dry_run
    job.save(update_fields=["header_map", "dry_run"])
    job_id = job.pk
    transaction.on_commit(lambda: run_import.delay(job_id))
    return job


@transaction.atomic
def import_job_rerun(*, actor, job: ImportJob) -> ImportJob:
    """After a dry run: imports the same file with the same column mapping for real."""
    job = access.import_job_get_for_user(user=actor, job_id=job.pk)
    if not (job.dry_run and job.state == ImportJob.State.DONE):
        raise Conflict(_("Hanya pemeriksaan yang selesai yang dapat diimpor ulang."))
    again = ImportJob.objects.create(
        file=job.file.name,
        original_name=job.original_name,
        agency=job.agency,
        created_by=actor,
        header_map=job.header_map,
        dry_run=False,
    )
    if job.row_count is not None:
        importer.hand_over_rows(source=job, target=again)
    again_id = again.pk
    transaction.on_commit(lambda: run_import.delay(again_id))
    return again
