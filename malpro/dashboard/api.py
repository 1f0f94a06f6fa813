"""The dashboard's JSON API: the headline figures for a signed-in official's scope, and the
open data (aggregates only, no sign-in)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from malpro.dashboard import access, metrics, periods, public
from malpro.dashboard.schemas import ErrorOut, PublicStatsOut, SummaryOut

router = Router(tags=["dashboard"])
public_router = Router(tags=["open data"], auth=None)


class SummaryQuery(Schema):
    period: str = Field(
        "",
        max_length=10,
        examples=["2026-11"],
        description="2026-11 (bulan), 2026-Q4 (triwulan) atau 2026 (tahun); kosong: bulan ini.",
    )
    agency: str = Field("", max_length=50, description="OPD pembina: id, kode atau singkatan.")
    kecamatan: str = Field("", max_length=80, description="Kecamatan: kode atau nama.")


@router.get(
    "/dashboard/summary",
    response={200: SummaryOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Headline figures of the city's dashboard for one period and scope",
    description=(
        "City admins, auditors and leadership see the whole city (optionally one agency "
        "and/or kecamatan); an agency officer their agency's guided businesses; an area "
        "operator their area. 403 outside one's scope, 422 for an unknown agency, kecamatan "
        "or a bad period (month, quarter or year; not in the future). `previous` holds the "
        "same figures for the period before (while a period runs, as many days of it as "
        "this one has had: 1–29 October against 1–29 November)."
    ),
)
def summary(request: HttpRequest, query: Query[SummaryQuery]):
    scope = access.scope_for(user=request.auth, agency=query.agency, kecamatan=query.kecamatan)
    period = periods.parse(query.period)
    before = period.compared()
    return {
        "period": period.key,
        "period_label": period.label,
        "scope": {
            "label": scope.label,
            "agency": scope.agency.code if scope.agency else None,
            "kecamatan": scope.district.pk if scope.district else None,
        },
        "kpis": metrics.summary(scope, period).kpis(),
        "previous": {
            "period": before.key,
            "period_label": before.label,
            "kpis": metrics.summary(scope, before).kpis(),
        },
        "generated_at": timezone.now().isoformat(),
    }


class PublicQuery(Schema):
    period: str = Field(
        "", max_length=10, examples=["2026-11"], description="2026-11; kosong: bulan ini."
    )


@public_router.get(
    "/public/stats",
    response={200: PublicStatsOut, 422: ErrorOut},
    summary="Open data: the city's aggregate figures for one month (no sign-in)",
    description=(
        "Aggregates only: no names, no personal numbers, no per-ASN data. Every count under "
        f"{public.THRESHOLD} is null, and so is an amount built from fewer than "
        f"{public.THRESHOLD} sellers or orders; `suppressed` lists what was hidden. 422 for "
        "a bad or future period. Cached for a few minutes."
    ),
)
def public_stats(request: HttpRequest, query: Query[PublicQuery]):
    return public.stats_for(query.period)
