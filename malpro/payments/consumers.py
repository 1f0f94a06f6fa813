"""After-commit consumers of the payments' own events (core.events)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from malpro.notifications.services import send
from malpro.umkm.models import Business


def tell_owner(event) -> None:
    """`payout_account.changed` / `static_qris.changed`: the business owner is told (once per
    event: the message is keyed by the event)."""
    business = Business.objects.select_related("owner").filter(pk=event.subject_id).first()
    if business is None or business.owner is None:
        return
    send(
        user=business.owner,
        kind=event.kind,
        context={
            "shop": business.name,
            "when": timezone.localtime(event.occurred_at).strftime("%d/%m/%Y %H:%M"),
            "bank": event.payload.get("bank_code", ""),
            "merchant": event.payload.get("merchant_name", ""),
            "path": f"{reverse('payments:balance')}?usaha={business.pk}",
        },
        event=event,
    )
