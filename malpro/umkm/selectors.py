"""Reads of the register, scoped to who is asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from malpro.accounts.roles import Role
from malpro.core.exceptions import NotFound
from malpro.umkm.models import Business, Claim, Guidance, Status, halal_valid_q


def registry_scope_q(user, *, to_decide: bool = False) -> Q | None:
    """What part of the register `user` may see as an official; None means nothing.

    City admins and auditors see everything; an agency officer the businesses their agency
    guides; an area operator those in their kecamatan or kelurahan. `to_decide`: only where
    the user may decide (claims), so not the auditor's read-only city-wide view.
    """
    if not user.is_authenticated:
        return None
    if user.has_role(Role.CITY_ADMIN) or (not to_decide and user.has_role(Role.AUDITOR)):
        return Q()
    parts: list[Q] = []
    agency_ids = user.officer_agency_ids()
    if agency_ids:
        parts.append(
            Q(Exists(Guidance.objects.filter(business=OuterRef("pk"), agency_id__in=agency_ids)))
        )
    districts, villages = user.operator_areas()
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


def can_see_registry(user) -> bool:
    return registry_scope_q(user) is not None


@dataclass
class RegistryFilters:
    q: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    agency: str = ""
    status: str = ""
    scale: str = ""
    has_nib: bool | None = None
    halal: bool | None = None
    on_marketplace: bool | None = None


def business_registry(*, user, filters: RegistryFilters) -> QuerySet[Business]:
    scope = registry_scope_q(user)
    if scope is None:
        return Business.objects.none()
    qs = Business.objects.filter(scope)
    f = filters
    if f.q:
        term = f.q.strip()
        digits = term.replace(" ", "")
        qs = qs.filter(
            Q(name__icontains=term) | Q(nib=digits) if digits.isdigit() else Q(name__icontains=term)
        )
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


def business_get_for_official(*, user, business_id: int) -> Business:
    """A business in the asking official's scope; 404 when it is outside (its existence is
    not revealed)."""
    scope = registry_scope_q(user)
    business = None
    if scope is not None:
        business = (
            Business.objects.filter(scope, pk=business_id)
            .select_related("village__district", "owner", "registered_by")
            .first()
        )
    if business is None:
        raise NotFound(_("UMKM tidak ditemukan."))
    return business


def business_get_for_owner(*, user, business_id: int) -> Business:
    business = (
        (
            Business.objects.filter(pk=business_id, owner=user)
            .select_related("village__district")
            .first()
        )
        if user.is_authenticated
        else None
    )
    if business is None:
        raise NotFound(_("UMKM tidak ditemukan."))
    return business


def business_get_visible(*, user, business_id: int) -> Business:
    """For pages and API that both owners and officials use."""
    if user.is_authenticated:
        owned = Business.objects.filter(pk=business_id, owner=user).exists()
        if owned:
            return business_get_for_owner(user=user, business_id=business_id)
    return business_get_for_official(user=user, business_id=business_id)


def businesses_of_owner(*, user) -> QuerySet[Business]:
    return (
        Business.objects.filter(owner=user)
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


def claims_pending_for(*, user) -> QuerySet[Claim]:
    """The pending claims `user` may decide (services.claim_decide: the guiding officers, the
    area's operators, the city admin). The page shows each claimant's full NIK and phone, which
    a deciding official checks against the KTP; no one else sees those claims."""
    scope = registry_scope_q(user, to_decide=True)
    if scope is None:
        return Claim.objects.none()
    visible = Business.objects.filter(scope).values("pk")
    return Claim.objects.filter(state=Claim.State.PENDING, business__in=visible).select_related(
        "business__village", "user"
    )
