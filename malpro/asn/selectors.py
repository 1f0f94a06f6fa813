"""Reads the ASN pages share (who may read what is asn.access's question)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from malpro.asn.models import Bundle, Employee, OfflinePurchase, Policy, Standing
from malpro.catalog.models import Category
from malpro.umkm.models import Business, Status


def standing_history(*, employee: Employee, months: int = 12) -> QuerySet[Standing]:
    return (
        Standing.objects.filter(employee=employee)
        .select_related("period")
        .order_by("-period__year", "-period__month")[:months]
    )


def counting_categories(*, policy: Policy | None) -> list[Category]:
    """The categories a policy counts (its own, not their subcategories); empty: all count."""
    if policy is None:
        return []
    return list(policy.eligible_categories.order_by("name"))


def bundles_active() -> QuerySet[Bundle]:
    return Bundle.objects.filter(is_active=True)


def offline_recent(*, employee: Employee, count: int = 10) -> QuerySet[OfflinePurchase]:
    return OfflinePurchase.objects.filter(employee=employee).select_related("business")[:count]


def offline_shops() -> QuerySet[Business]:
    """The registered, active UMKM an in-person purchase can be recorded at."""
    return (
        Business.objects.filter(status=Status.ACTIVE)
        .select_related("village__district")
        .order_by("name")
    )


FINDER_LIMIT = 20


def offline_shops_search(*, query: str) -> list[Business]:
    """Shops whose name, kelurahan or kecamatan holds every word typed (at most FINDER_LIMIT
    and one more, so the page can say there are more)."""
    shops = offline_shops()
    for word in query.split()[:5]:
        shops = shops.filter(
            Q(name__icontains=word)
            | Q(village__name__icontains=word)
            | Q(village__district__name__icontains=word)
        )
    return list(shops[: FINDER_LIMIT + 1])


def offline_shop(*, business_id: int) -> Business | None:
    return offline_shops().filter(pk=business_id).first()


def offline_shops_by_qris(*, payload: str, nmid: str) -> list[Business]:
    """The shops whose static QRIS is this one: the same NMID (the national merchant number,
    also on the shop's other QRIS codes), or the very same text."""
    match = Q(static_qris__payload=payload.strip())
    if nmid:
        match |= Q(static_qris__nmid=nmid)
    return list(offline_shops().filter(match).distinct()[:10])
