"""After-commit consumers of the payments' own events (core.events)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malpro.notifications.services import notify
from malpro.umkm.models import Business

NOTICES = {
    "payout_account.changed": (
        _("Rekening pencairan usaha Anda diubah"),
        _(
            "Rekening pencairan %(shop)s diubah pada %(when)s (bank %(bank)s). Jika bukan Anda "
            "yang mengubahnya, segera ganti kata sandi dan hubungi admin kota sebelum "
            "pencairan berikutnya."
        ),
    ),
    "static_qris.changed": (
        _("QRIS statis usaha Anda diubah"),
        _(
            "QRIS statis %(shop)s diubah pada %(when)s (merchant %(merchant)s). Jika bukan Anda "
            "yang mengubahnya, segera ganti kata sandi dan hubungi admin kota."
        ),
    ),
}


def tell_owner(event) -> None:
    """`payout_account.changed` / `static_qris.changed`: the business owner is told in the app
    (once per event: the notice's dedupe key is the event's id)."""
    title, body = NOTICES[event.kind]
    business = Business.objects.select_related("owner").filter(pk=event.subject_id).first()
    if business is None or business.owner is None:
        return
    when = timezone.localtime(event.occurred_at).strftime("%d/%m/%Y %H:%M")
    notify(
        user=business.owner,
        kind=event.kind,
        title=str(title),
        body=str(body)
        % {
            "shop": business.name,
            "when": when,
            "bank": event.payload.get("bank_code", ""),
            "merchant": event.payload.get("merchant_name", ""),
        },
        link=f"{reverse('payments:balance')}?usaha={business.pk}",
        dedupe_key=f"{event.uid}:owner",
    )
