from collections import Counter

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from malpro.asn import access, obligation, periods, reports, services
from malpro.asn.models import NipClaim
from malpro.asn.schemas import (
    ClaimToReviewOut,
    ClaimTransitionIn,
    ClaimTransitionOut,
    NipClaimAnswerOut,
    NipClaimIn,
    OwnClaimOut,
)
from malpro.core import validators
from malpro.core.exceptions import NotFound, PermissionDenied
from malpro.privacy import records as privacy_records

router = Router(tags=["asn"])


class PeriodQuery(Schema):
    period: str = Field("", max_length=7, examples=["2026-11"])


class ExclusionOut(Schema):
    kind: str
    reason: str
    amount: int
    order_id: int | None
    offline_id: int | None
    business_id: int | None
    business: str


class ObligationOut(Schema):
    period: str
    required: int
    counted: int
    remaining: int
    days_left: int
    excluded: list[ExclusionOut]
    policy: str
    policy_is_example: bool


class AgencyReportOut(Schema):
    agency: str
    agency_code: str
    asn_count: int
    compliant: int
    compliant_share: float
    total_counted: int
    total_required: int


@router.get("/asn/me/obligation", response=ObligationOut)
def my_obligation(request: HttpRequest, query: Query[PeriodQuery]):
    employee = access.employee_of(user=request.auth)
    if employee is None:
        raise NotFound(_("Akun ini belum terhubung ke NIP ASN."))
    year, month = periods.parse(query.period or None)
    result = obligation.obligation_for(employee, year, month)
    return {
        "period": result.period,
        "required": result.required,
        "counted": result.counted,
        "remaining": result.remaining,
        "days_left": result.days_left,
        "excluded": [vars(e) for e in result.excluded],
        "policy": str(result.policy.regulation_ref),
        "policy_is_example": result.policy.is_example,
    }


@router.get("/asn/reports/opd", response=list[AgencyReportOut])
def opd_report(request: HttpRequest, query: Query[PeriodQuery]):
    if not access.can_view_reports(user=request.auth):
        raise PermissionDenied(_("Laporan ini untuk OPD, BKPSDM, Inspektorat dan admin kota."))
    year, month = periods.parse(query.period or None)
    visible = access.report_agency_ids(user=request.auth)
    return [
        {
            "agency": r.agency.name,
            "agency_code": r.agency.code,
            "asn_count": r.asn_count,
            "compliant": r.compliant,
            "compliant_share": r.share,
            "total_counted": r.total_counted,
            "total_required": r.total_required,
        }
        for r in reports.opd_report(year=year, month=month, agency_ids=visible)
    ]


# --- NIP claims ----------------------------------------------------------------------------------
@router.post(
    "/asn/claims",
    response={200: NipClaimAnswerOut, 202: NipClaimAnswerOut},
    summary="Claim one's NIP (needs a verified phone)",
)
def nip_claim(request: HttpRequest, payload: NipClaimIn):
    """200 when the roster's phone is the account's verified phone (linked at once); otherwise
    202 with the same message and a `pending` claim, whatever the roster says about the NIP.
    403 `phone_unverified` before the phone is verified, 400 for a malformed NIP, 429 over the
    daily limits."""
    claim = services.nip_claim(user=request.auth, nip=payload.nip, request=request)
    if claim.state == NipClaim.State.APPROVED:
        return Status(
            200,
            {"message": str(services.CLAIM_APPROVED), "claim": access.claim_for_claimant(claim)},
        )
    return Status(
        202, {"message": str(services.CLAIM_RECEIVED), "claim": access.claim_for_claimant(claim)}
    )


@router.get("/asn/claims/mine", response=list[OwnClaimOut], summary="One's own NIP claims")
def nip_claims_mine(request: HttpRequest):
    return [access.claim_for_claimant(c) for c in access.own_nip_claims(user=request.auth)[:20]]


@router.get(
    "/asn/claims", response=list[ClaimToReviewOut], summary="Pending NIP claims of one's OPD"
)
def nip_claims_to_review(request: HttpRequest):
    user = request.auth
    if not access.can_view_claims(user=user):
        raise PermissionDenied(
            _("Klaim NIP diperiksa petugas OPD, BKPSDM, Inspektorat dan admin kota.")
        )
    shown = list(access.nip_claims_to_review(user=user)[:500])
    waiting = Counter(claim.employee_id for claim in shown)
    rows = []
    for claim in shown:
        full = access.can_decide_claim(user=user, obj=claim)
        if full:
            privacy_records.record(
                kind=privacy_records.Kind.VIEW_FULL_NIP, request=request, subject_user=claim.user
            )
        employee = claim.employee
        rows.append(
            {
                "id": claim.pk,
                "nip": claim.nip if full else validators.mask_nip(claim.nip),
                "employee_name": employee.name,
                "agency_code": employee.agency.code,
                "account_name": claim.user.name,
                "account_phone": claim.user.phone
                if full
                else validators.mask_phone(claim.user.phone),
                "account_phone_verified": claim.user.phone_verified_at is not None,
                "roster_phone": employee.phone if full else validators.mask_phone(employee.phone),
                "created_at": claim.created_at,
                "other_claims": waiting[claim.employee_id] - 1,
                "decidable": full,
            }
        )
    return rows


@router.post(
    "/asn/claims/{int:claim_id}/transition",
    response=ClaimTransitionOut,
    summary="Approve or reject a NIP claim (its OPD's officer), or withdraw one's own",
)
def nip_claim_transition(request: HttpRequest, claim_id: int, payload: ClaimTransitionIn):
    claim = services.nip_claim_transition(
        actor=request.auth, claim_id=claim_id, to=payload.to, reason=payload.reason
    )
    return {"id": claim.pk, "state": claim.state}
