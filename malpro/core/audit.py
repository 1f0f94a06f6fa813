from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

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
    if request is None:
        return None
    # Behind a proxy the proxy's own header (MALPRO_CLIENT_IP_HEADER) carries the client.
    key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
    value = request.META.get(key) or request.META.get("REMOTE_ADDR") or ""
    return value.split(",")[0].strip() or None
