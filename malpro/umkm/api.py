import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from malpro.core import validators
from malpro.core.exceptions import ApplicationError
from malpro.core.limits import MAX_PAGE, MAX_PAGE_SIZE
from malpro.privacy import records as privacy_records
from malpro.umkm import access, selectors, services
from malpro.umkm.models import Business
from malpro.umkm.schemas import (
    BusinessDetailOut,
    BusinessIn,
    BusinessPage,
    ClaimIn,
    ClaimOut,
    ReasonIn,
)
from malpro.umkm.services import BusinessInput
from malpro.umkm.workflow import BUSINESS

router = Router(tags=["umkm"])


class ListQuery(Schema):
    q: str = Field("", max_length=100)
    kecamatan: str = Field("", max_length=8)
    kelurahan: str = Field("", max_length=13)
    agency: str = Field("", max_length=32)
    status: str = Field("", max_length=12)
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


def _out(business: Business, user, *, detail: bool = False) -> dict:
    personal = access.can_view_personal(user=user, business=business)
    district = business.village.district
    data = {
        "id": business.pk,
        "name": business.name,
        "status": business.status,
        "status_label": str(business.get_status_display()),
        "status_reason": business.status_reason,
        "sector": business.sector,
        "scale": business.scale,
        "kecamatan": {"code": district.code, "name": district.name},
        "kelurahan": {"code": business.village.code, "name": business.village.name},
        "nib": business.nib,
        "halal": {
            "number": business.halal_number,
            "expires_on": business.halal_expires_on,
            "valid": business.halal_valid,
        },
        "pirt_number": business.pirt_number,
        "agencies": [a.code for a in business.agencies.all()],
        "on_marketplace": business.on_marketplace,
        "owner_name": business.owner_name,
        "owner_nik": business.owner_nik if personal else validators.mask_nik(business.owner_nik),
        "phone": business.phone if personal else validators.mask_phone(business.phone),
        "has_owner_account": business.owner_id is not None,
        "created_at": business.created_at,
    }
    if detail:
        data.update(
            {
                "address": business.address,
                "opening_hours": business.opening_hours,
                "description": business.description,
                "capital": business.capital,
                "annual_sales": business.annual_sales,
                "allowed_transitions": BUSINESS.targets(user, business),
                "history": [
                    {
                        "from_status": h.from_status,
                        "to_status": h.to_status,
                        "actor": h.actor.name if h.actor else None,
                        "reason": h.reason,
                        "at": h.created_at,
                    }
                    for h in selectors.business_history(business=business)
                ],
            }
        )
    return data


class SearchIn(ListQuery):
    nik: str = Field("", max_length=24, description="An owner's NIK, matched exactly")


# A NIK or NIP (15-18 digits, spaces, dots and dashes ignored) never travels in a URL.
_IDENTIFIER = re.compile(r"\d{15,18}")


def _page_of(request, query: ListQuery, *, nik: str = "") -> dict:
    filters = selectors.RegistryFilters(
        q=query.q,
        kecamatan=query.kecamatan,
        kelurahan=query.kelurahan,
        agency=query.agency.upper(),
        status=query.status,
        nik=nik,
    )
    queryset = selectors.business_list(user=request.auth, filters=filters)
    total = queryset.count()
    start = (query.page - 1) * query.page_size
    rows = list(queryset[start : start + query.page_size])
    results = [_out(b, request.auth) for b in rows]
    if nik:
        privacy_records.record_businesses(
            kind=privacy_records.Kind.SEARCH_NIK, request=request, businesses=rows
        )
    _record_full_niks(request, rows)
    return {"total": total, "page": query.page, "page_size": query.page_size, "results": results}


def _record_full_niks(request, rows) -> None:
    """Every business whose owner's full NIK the answer carries is an access record."""
    shown = [
        b for b in rows if b.owner_nik and access.can_view_personal(user=request.auth, business=b)
    ]
    if shown:
        privacy_records.record_businesses(
            kind=privacy_records.Kind.VIEW_FULL_NIK, request=request, businesses=shown
        )


@router.get("", response=BusinessPage, summary="The register, scoped to the caller's role")
def umkm_list(request: HttpRequest, query: Query[ListQuery]):
    """`q` searches names and NIBs. A NIK is refused here (422): it would be written in
    access logs with the URL; search by NIK with POST /umkm/search."""
    if _IDENTIFIER.search(re.sub(r"[\s.\-]", "", query.q)):
        raise ApplicationError.for_field(
            "q",
            _(
                "NIK atau NIP tidak boleh dikirim di alamat (URL). "
                "Cari dengan NIK lewat POST /api/v1/umkm/search."
            ),
            status=422,
        )
    return _page_of(request, query)


@router.post("/search", response=BusinessPage, summary="Search the register by an owner's NIK")
def umkm_search(request: HttpRequest, payload: SearchIn):
    """The same answer as GET /umkm, with the NIK in the body (never in a URL). The match is
    exact, within the caller's scope; a malformed NIK is a 422."""
    nik = ""
    if payload.nik:
        try:
            nik = validators.clean_nik(payload.nik).number
        except DjangoValidationError as exc:
            raise ApplicationError.for_field("nik", " ".join(exc.messages), status=422) from None
    return _page_of(request, payload, nik=nik)


@router.get("/{int:business_id}", response=BusinessDetailOut)
def umkm_get(request: HttpRequest, business_id: int):
    business = access.business_get_for_user(user=request.auth, business_id=business_id)
    _record_full_niks(request, [business])
    return _out(business, request.auth, detail=True)


@router.post("", response={201: BusinessDetailOut}, summary="A seller registers a business")
def umkm_create(request: HttpRequest, payload: BusinessIn):
    business = services.business_register(
        actor=request.auth, data=BusinessInput(**payload.dict()), source="api", request=request
    )
    return Status(201, _out(business, request.auth, detail=True))


@router.put("/{int:business_id}", response=BusinessDetailOut)
def umkm_update(request: HttpRequest, business_id: int, payload: BusinessIn):
    business = access.business_get_for_user(user=request.auth, business_id=business_id)
    business = services.business_update(
        actor=request.auth, business=business, data=BusinessInput(**payload.dict())
    )
    _record_full_niks(request, [business])
    return _out(business, request.auth, detail=True)


def _move(request, business_id: int, to: str, reason: str = ""):
    access.business_get_for_user(user=request.auth, business_id=business_id)
    business = services.business_transition(
        actor=request.auth, business_id=business_id, to=to, reason=reason, request=request
    )
    _record_full_niks(request, [business])
    return _out(business, request.auth, detail=True)


@router.post("/{int:business_id}/submit", response=BusinessDetailOut)
def umkm_submit(request: HttpRequest, business_id: int):
    return _move(request, business_id, "submitted")


@router.post("/{int:business_id}/verify", response=BusinessDetailOut)
def umkm_verify(request: HttpRequest, business_id: int):
    return _move(request, business_id, "verified")


@router.post("/{int:business_id}/reject", response=BusinessDetailOut)
def umkm_reject(request: HttpRequest, business_id: int, payload: ReasonIn):
    return _move(request, business_id, "rejected", payload.reason)


@router.post("/{int:business_id}/activate", response=BusinessDetailOut)
def umkm_activate(request: HttpRequest, business_id: int):
    return _move(request, business_id, "active")


@router.post("/{int:business_id}/suspend", response=BusinessDetailOut)
def umkm_suspend(request: HttpRequest, business_id: int, payload: ReasonIn):
    return _move(request, business_id, "suspended", payload.reason)


@router.post("/{int:business_id}/documents", response={201: dict})
def umkm_document(
    request: HttpRequest, business_id: int, kind: Form[str], file: File[UploadedFile]
):
    business = access.business_get_for_user(user=request.auth, business_id=business_id)
    document = services.document_add(actor=request.auth, business=business, kind=kind, upload=file)
    return Status(201, {"id": document.pk, "kind": document.kind, "size": document.size})


@router.post("/{int:business_id}/claim", response={200: ClaimOut, 202: ClaimOut})
def umkm_claim(request: HttpRequest, business_id: int, payload: ClaimIn):
    claim = services.claim_request(
        user=request.auth, business_id=business_id, nik=payload.nik, request=request
    )
    body = {"id": claim.pk, "business_id": claim.business_id, "state": claim.state}
    return Status(200 if claim.state == "approved" else 202, body)
