from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from malpro.asn import access, obligation, periods, reports
from malpro.core.exceptions import NotFound, PermissionDenied

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
