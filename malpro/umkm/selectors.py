"""Reads of the register, scoped to who is asking (the scopes themselves are umkm.access's)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from malpro.core import crypto
from malpro.core.exceptions import NotFound
from malpro.umkm import access
from malpro.umkm.models import Business, Claim, Document, Guidance, ImportJob, Status, halal_valid_q


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
