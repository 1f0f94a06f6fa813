"""The person's rights and the access records in the API: /me/... for everyone about
themselves, /privacy/... for auditors (records) and city admins (erasure decisions)."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from malpro.core.exceptions import PermissionDenied
from malpro.privacy import access, export, records, services
from malpro.privacy.models import AccessKind, ErasureRequest

router = Router(tags=["privacy"])


class ExportQuery(Schema):
    format: str = Field("json", pattern="^(json|pdf)$")


class ErasureIn(Schema):
    note: str = Field("", max_length=500)


class DecisionIn(Schema):
    reason: str = Field("", max_length=500)


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)
    kind: str = Field("", max_length=24)


def _erasure_out(e: ErasureRequest) -> dict:
    return {
        "id": e.pk,
        "user_id": e.user_id,
        "state": e.state,
        "note": e.note,
        "created_at": e.created_at,
        "decided_at": e.decided_at,
        "reason": e.reason,
    }


def _page(queryset, query: PageQuery, out) -> dict:
    start = (query.page - 1) * query.page_size
    return {
        "total": queryset.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [out(r) for r in queryset[start : start + query.page_size]],
    }


@router.get("/me/data-export", summary="Everything Malpro holds about the caller")
def data_export(request: HttpRequest, query: Query[ExportQuery]):
    """The caller's account, roles, orders as buyer (with delivery addresses), businesses
    owned, claims, consents and the access records about them; their own NIK/NIP in full.
    `?format=pdf` gives a readable PDF instead of JSON."""
    user = request.auth
    data = export.personal_data(user=user)
    records.record(
        kind=records.Kind.DATA_EXPORT, request=request, subject_user=user, reason=query.format
    )
    if query.format == "pdf":
        response = HttpResponse(export.pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="data-saya.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
    return data


@router.get("/me/access-records", summary="Who read the caller's personal data, and logins")
def my_access_records(request: HttpRequest, query: Query[PageQuery]):
    return _page(access.records_about(user=request.auth), query, export.record_out)


@router.post("/me/erasure-request", response={201: dict}, summary="Ask for erasure")
def erasure_request(request: HttpRequest, payload: ErasureIn):
    """A city admin decides: approved, the identity is pseudonymised (orders, ledger and
    reports keep amounts, dates and businesses) and the account closed. 409 while one waits."""
    erasure = services.erasure_request_create(user=request.auth, note=payload.note, request=request)
    return Status(201, _erasure_out(erasure))


@router.get("/privacy/access-records", summary="Every access record (auditors)")
def access_records(request: HttpRequest, query: Query[PageQuery]):
    if not access.can_read_all_records(user=request.auth):
        raise PermissionDenied(_("Hanya auditor yang membaca semua catatan akses."))
    rows = access.records_visible(user=request.auth)
    if query.kind in AccessKind.values:
        rows = rows.filter(kind=query.kind)
    return _page(rows, query, lambda r: export.record_out(r, with_subject=True))


@router.get("/privacy/erasure-requests", summary="Erasure requests (city admins, auditors)")
def erasure_list(request: HttpRequest, query: Query[PageQuery]):
    if not access.can_view_erasure_requests(user=request.auth):
        raise PermissionDenied(_("Halaman ini untuk admin kota dan auditor."))
    return _page(access.erasure_requests_visible(user=request.auth), query, _erasure_out)


def _decider(request) -> None:
    if not access.can_decide_erasure(user=request.auth):
        raise PermissionDenied(_("Hanya admin kota yang memutuskan penghapusan data."))


@router.post("/privacy/erasure-requests/{int:request_id}/approve", response=dict)
def erasure_approve(request: HttpRequest, request_id: int, payload: DecisionIn):
    _decider(request)
    erasure = services.erasure_approve(
        actor=request.auth, request_id=request_id, reason=payload.reason, request=request
    )
    return _erasure_out(erasure)


@router.post("/privacy/erasure-requests/{int:request_id}/reject", response=dict)
def erasure_reject(request: HttpRequest, request_id: int, payload: DecisionIn):
    _decider(request)
    erasure = services.erasure_reject(
        actor=request.auth, request_id=request_id, reason=payload.reason, request=request
    )
    return _erasure_out(erasure)
