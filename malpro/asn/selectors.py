"""Reads the ASN pages share (who may read what is asn.access's question)."""

from __future__ import annotations

from django.db.models import QuerySet

from malpro.asn.models import Bundle, Employee, OfflinePurchase, Standing
from malpro.umkm.models import Business, Status


def standing_history(*, employee: Employee, months: int = 12) -> QuerySet[Standing]:
    return (
        Standing.objects.filter(employee=employee)
        .select_related("period")
        .order_by("-period__year", "-period__month")[:months]
    )


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
