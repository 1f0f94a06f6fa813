"""Reads of the register, scoped to who is asking (the scopes themselves are umkm.access's)."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.core import crypto
from malpro.core.exceptions import NotFound
from malpro.umkm import access
from malpro.umkm.models import (
    Business,
    Claim,
    Document,
    Guidance,
    ImportJob,
    Status,
    StatusChange,
    halal_valid_q,
)


@dataclass
class RegistryFilters:
    q: str = ""
    # An owner's NIK, matched exactly through its keyed hash (NIKs are encrypted). Sent by a
    # POST form or the API body, never in a URL.
    nik: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    agency: str = ""
    status: str = ""
    scale: str = ""
    has_nib: bool | None = None
    halal: bool | None = None
    on_marketplace: bool | None = None


def business_registry(*, user, filters: RegistryFilters) -> QuerySet[Business]:
    qs = access.business_registry_visible(user=user)
    f = filters
    if f.q:
        term = f.q.strip()
        digits = term.replace(" ", "")
        # A NIK is searched through `nik` (a POST body, never a URL), not the free text.
        qs = qs.filter(
            Q(name__icontains=term) | Q(nib=digits) if digits.isdigit() else Q(name__icontains=term)
        )
    if f.nik:
        # Within the reader's scope (business_registry_visible) and exact only: a wrong or
        # partial NIK matches nothing.
        digits = "".join(ch for ch in f.nik if ch.isdigit())
        qs = qs.filter(owner_nik_hash=crypto.nik_hash(digits)) if digits else qs.none()
    if f.kecamatan:
        qs = qs.filter(village__district_id=f.kecamatan)
    if f.kelurahan:
        qs = qs.filter(village_id=f.kelurahan)
    if f.agency:
        qs = qs.filter(
            Exists(Guidance.objects.filter(business=OuterRef("pk"), agency__code=f.agency))
        )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.scale:
        qs = qs.filter(scale=f.scale)
    if f.has_nib is not None:
        qs = qs.filter(nib__isnull=not f.has_nib)
    if f.halal is not None:
        qs = qs.filter(halal_valid_q()) if f.halal else qs.exclude(halal_valid_q())
    if f.on_marketplace is not None:
        qs = qs.filter(on_marketplace=f.on_marketplace)
    return (
        qs.select_related("village__district").prefetch_related("agencies").order_by("name", "id")
    )


def businesses_of_owner(*, user) -> QuerySet[Business]:
    return (
        access.business_owned(user=user)
        .select_related("village__district")
        .prefetch_related("agencies")
        .order_by("-created_at")
    )


def business_public(*, business_id: int) -> Business:
    business = (
        Business.objects.filter(pk=business_id, status=Status.ACTIVE)
        .select_related("village__district")
        .prefetch_related("agencies")
        .first()
    )
    if business is None:
        raise NotFound(_("UMKM tidak ditemukan."))
    return business


def business_list(*, user, filters: RegistryFilters) -> QuerySet[Business]:
    """The API's list: the register in an official's scope, else the caller's own businesses
    (filtered by status only)."""
    if access.can_see_registry(user=user):
        return business_registry(user=user, filters=filters)
    queryset = businesses_of_owner(user=user)
    return queryset.filter(status=filters.status) if filters.status else queryset


def business_history(*, business: Business):
    return business.history.select_related("actor")


def business_documents(*, user, business: Business, parties: set[str] | None = None) -> list:
    """The documents filed for a business, as `user` may see them listed, each marked
    `downloadable` (the auditor sees that a KTP scan exists but cannot download it)."""
    parties = access.business_parties(user, business) if parties is None else parties
    if not access.can_view_documents(user=user, business=business, parties=parties):
        return []
    documents = list(Document.objects.filter(business=business))
    for document in documents:
        document.business = business
        document.downloadable = access.can_download_document(
            user=user, document=document, parties=parties
        )
    return documents


def business_claimable(*, user) -> QuerySet[Business]:
    return access.business_claimable(user=user).select_related("village__district").order_by("name")


def claims_pending_for(*, user) -> QuerySet[Claim]:
    """The pending claims `user` may decide (see access.claim_decidable)."""
    return (
        access.claim_decidable(user=user)
        .filter(state=Claim.State.PENDING)
        .select_related("business__village", "user")
    )


def import_jobs_recent(*, user, limit: int = 10) -> list[ImportJob]:
    """The user's own latest uploads, for the upload page."""
    mine = access.import_job_visible(user=user).filter(created_by=user)
    return list(mine.select_related("agency")[:limit])


# --- the guided registration ("Mulai jualan") and its status page --------------------------------
ONBOARDING_STATES = (Status.DRAFT, Status.REJECTED)


def onboarding_business(*, user) -> Business | None:
    """The owner's business still being registered (a draft, or rejected to be fixed), the
    newest first: "Mulai jualan" resumes it instead of starting another."""
    return businesses_of_owner(user=user).filter(status__in=ONBOARDING_STATES).first()


def ktp_filed(*, business: Business) -> bool:
    return business.documents.filter(kind=Document.Kind.KTP).exists()


def onboarding_step(*, business: Business) -> int:
    """The step of the guided registration to resume at: 2 (documents) until the KTP photo is
    filed, then 3 (first product, and submitting). Step 1 made the business; a rejected one
    starts again there, where most of what an officer asks to fix is."""
    if business.status == Status.REJECTED:
        return 1
    if business.consent_at is None and not ktp_filed(business=business):
        return 2
    return 3


@dataclass
class WaitEstimate:
    """How long verification usually takes: from the agencies' recent verifications when there
    are enough of them (`samples`), else the stated service level (`days_low`-`days_high`
    working days)."""

    days_low: int = 1
    days_high: int = 3
    samples: int = 0
    median_days: int | None = None

    @property
    def from_data(self) -> bool:
        return self.median_days is not None


WAIT_MIN_SAMPLES = 5
WAIT_LOOKBACK_DAYS = 180


def verification_wait(*, business: Business) -> WaitEstimate:
    """The usual time from submission to verification at the agencies guiding `business`,
    over their last 100 verifications in 180 days (the median, in whole days, at least 1);
    the stated service level (1-3 working days) when fewer than 5."""
    agency_ids = list(business.guidance.values_list("agency_id", flat=True))
    if not agency_ids:
        return WaitEstimate()
    since = timezone.now() - dt.timedelta(days=WAIT_LOOKBACK_DAYS)
    guided = Guidance.objects.filter(agency_id__in=agency_ids).values("business_id")
    verified = list(
        StatusChange.objects.filter(
            to_status=Status.VERIFIED,
            from_status=Status.SUBMITTED,
            created_at__gte=since,
            business_id__in=guided,
        )
        .order_by("-created_at")
        .values_list("business_id", "created_at")[:100]
    )
    if len(verified) < WAIT_MIN_SAMPLES:
        return WaitEstimate(samples=len(verified))
    submitted: dict[int, list] = {}
    for business_id, moment in StatusChange.objects.filter(
        to_status=Status.SUBMITTED, business_id__in={b for b, _m in verified}
    ).values_list("business_id", "created_at"):
        submitted.setdefault(business_id, []).append(moment)
    hours = []
    for business_id, moment in verified:
        before = [m for m in submitted.get(business_id, []) if m <= moment]
        if before:
            hours.append((moment - max(before)).total_seconds() / 3600)
    if len(hours) < WAIT_MIN_SAMPLES:
        return WaitEstimate(samples=len(hours))
    days = max(1, math.ceil(statistics.median(hours) / 24))
    return WaitEstimate(samples=len(hours), median_days=days)
