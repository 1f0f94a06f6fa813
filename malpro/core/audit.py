from __future__ import annotations

from typing import Any

from django.db import models

from malpro.core import netaddr
from malpro.core.models import AuditEvent


def record(
    *,
    action: str,
    actor=None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Writes one audit row in the caller's transaction (so it exists exactly when the change
    does). `data` must hold no secrets and only masked personal numbers."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip=ip,
    )


def client_ip(request) -> str | None:
    """The client's address (from a trusted proxy's header only: core.netaddr)."""
    return netaddr.client_ip(request)
