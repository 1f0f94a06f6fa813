"""Writing access records and consents: the one low-level entry point that any app (umkm,
asn, payments, accounts through signals) calls when it shows or hands out personal data.
It imports nothing above accounts, so every app may use it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.utils import timezone

from malpro.core import netaddr
from malpro.privacy.models import AccessKind, AccessRecord, Consent
from malpro.privacy.notice import NOTICE_VERSION

Kind = AccessKind
# Reads of one's own identifiers (an owner opening their business) are not recorded.
OWN_READS_UNRECORDED = {Kind.VIEW_FULL_NIK, Kind.VIEW_FULL_NIP, Kind.DOWNLOAD_DOCUMENT}


def mask_address(value: str | None) -> str:
    """The network of an address, not the address: an IPv4 /24 or an IPv6 /48 is enough to
    tell places apart and says little about one household."""
    if not value:
        return ""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def masked_client(request) -> str:
    return mask_address(netaddr.client_ip(request) if request is not None else None)


def where(request) -> str:
    """The path of the page or API call, never its query string."""
    return (getattr(request, "path", "") or "")[:200] if request is not None else ""


def _actor(request, actor):
    if actor is not None:
        return actor if getattr(actor, "pk", None) else None
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def record(
    *,
    kind: str,
    request=None,
    actor=None,
    subject_user=None,
    subject_business=None,
    reason: str = "",
) -> AccessRecord | None:
    """One access record. `subject_business` (a Business) also names its owner as the subject
    person, so the owner finds the read on "Data saya"."""
    if subject_business is not None and subject_user is None:
        subject_user_id = getattr(subject_business, "owner_id", None)
    else:
        subject_user_id = getattr(subject_user, "pk", None)
    actor = _actor(request, actor)
    if kind in OWN_READS_UNRECORDED and actor is not None and actor.pk == subject_user_id:
        return None  # a person reading their own data is not someone else's access
    return AccessRecord.objects.create(
        kind=kind,
        actor=actor,
        subject_user_id=subject_user_id,
        subject_business_id=getattr(subject_business, "pk", None),
        where=where(request),
        client=masked_client(request),
        reason=(reason or "")[:200],
    )


def record_businesses(*, kind: str, request, businesses: Iterable, reason: str = "") -> None:
    """One record per business shown (a page of an API list), written in one INSERT."""
    actor, path, client, now = (
        _actor(request, None),
        where(request),
        masked_client(request),
        (timezone.now()),
    )
    businesses = [
        b
        for b in businesses
        if not (actor is not None and kind in OWN_READS_UNRECORDED and b.owner_id == actor.pk)
    ]
    AccessRecord.objects.bulk_create(
        AccessRecord(
            kind=kind,
            actor=actor,
            subject_user_id=b.owner_id,
            subject_business_id=b.pk,
            at=now,
            where=path,
            client=client,
            reason=reason[:200],
        )
        for b in businesses
    )


def consent_record(*, user, request=None, version: str = NOTICE_VERSION) -> Consent:
    """The person accepted the privacy notice `version` (registration)."""
    return Consent.objects.create(user=user, notice_version=version, where=where(request))
