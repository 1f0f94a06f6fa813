"""The person's rights under UU 27/2022: a copy of their data (privacy.export) and erasure.

Erasure pseudonymises the identity and keeps what law and audit require: orders (amounts,
dates, the business), ledger entries, reports and access records stay; the name, phone,
email, NIK and delivery addresses go; the account is deactivated and every session ends."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.accounts import sessions
from malpro.asn.models import NipClaim
from malpro.core import audit
from malpro.core.exceptions import ApplicationError, NotFound
from malpro.notifications.models import Notification
from malpro.orders.models import Order, SavedAddress
from malpro.privacy import records
from malpro.privacy.models import ErasureRequest
from malpro.umkm.models import Claim

ERASED_NAME = "Pengguna terhapus"
ERASED_TEXT = "[dihapus]"


def erased_phone(user_id: int) -> str:
    """A unique placeholder that satisfies the phone constraint and can never be a real
    Indonesian mobile number (those start with +628): +620 and the account id."""
    return "+620" + f"{user_id:012d}"[-12:]


def erasure_request_create(*, user, note: str = "", request=None) -> ErasureRequest:
    if ErasureRequest.objects.filter(user=user, state=ErasureRequest.State.PENDING).exists():
        raise ApplicationError(
            _("Permintaan penghapusan Anda sedang diperiksa admin kota."), status=409
        )
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(user=user, note=(note or "")[:500])
    except IntegrityError:  # a second tap at the same moment
        raise ApplicationError(
            _("Permintaan penghapusan Anda sedang diperiksa admin kota."), status=409
        ) from None
    audit.record(
        action="privacy.erasure_requested",
        actor=user,
        target=erasure,
        ip=audit.client_ip(request),
    )
    return erasure


def _pending(request_id: int) -> ErasureRequest:
    erasure = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
    if erasure is None:
        raise NotFound(_("Permintaan tidak ditemukan."))
    if erasure.state != ErasureRequest.State.PENDING:
        raise ApplicationError(_("Permintaan ini sudah diputuskan."), status=409)
    return erasure


def erasure_reject(*, actor, request_id: int, reason: str, request=None) -> ErasureRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError.for_field("reason", _("Tuliskan alasan penolakan."))
    with transaction.atomic(durable=True):
        erasure = _pending(request_id)
        erasure.state = ErasureRequest.State.REJECTED
        erasure.decided_by, erasure.decided_at = actor, timezone.now()
        erasure.reason = reason[:500]
        erasure.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        audit.record(
            action="privacy.erasure_rejected",
            actor=actor,
            target=erasure,
            ip=audit.client_ip(request),
        )
    return erasure


def erasure_approve(*, actor, request_id: int, reason: str = "", request=None) -> ErasureRequest:
    with transaction.atomic(durable=True):
        erasure = _pending(request_id)
        user = get_user_model().objects.select_for_update().get(pk=erasure.user_id)
        if user.pk == getattr(actor, "pk", None):
            raise ApplicationError(
                _("Permintaan Anda sendiri diputuskan oleh admin kota lain."), status=403
            )
        _pseudonymise(user)
        sessions.end_all(user=user, reason="erased", actor=actor, request=request)
        erasure.state = ErasureRequest.State.APPROVED
        erasure.decided_by, erasure.decided_at = actor, timezone.now()
        erasure.reason = (reason or "")[:500]
        erasure.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        records.record(
            kind=records.Kind.ERASURE,
            request=request,
            actor=actor,
            subject_user=user,
            reason=f"permintaan #{erasure.pk}",
        )
        audit.record(
            action="privacy.erasure_approved",
            actor=actor,
            target=erasure,
            ip=audit.client_ip(request),
        )
    return erasure


def _pseudonymise(user) -> None:
    user.name = ERASED_NAME
    user.phone = erased_phone(user.pk)
    user.email = ""
    user.nik = ""
    user.nik_verified_at = None
    user.nik_verified_by = None
    user.phone_verified_at = None
    user.is_active = False
    user.set_unusable_password()
    # A full save: field-level hooks (keyed hashes of NIK and phone) see the cleared values.
    user.save()
    # Orders keep amounts, dates, lines and the business (tax, ledger, disputes); the
    # delivery address and contact are the person's and go.
    Order.objects.filter(buyer=user).update(
        contact_name=ERASED_NAME, contact_phone="", street=ERASED_TEXT, note=""
    )
    # Kept addresses serve only the person's next checkout.
    SavedAddress.objects.filter(user=user).delete()
    for claim in Claim.objects.filter(user=user):
        _clear(claim, "nik")
    # The NIP belongs to the city's staff roster (kept by BKPSDM); the claim's copy goes.
    for nip_claim in NipClaim.objects.filter(user=user):
        _clear(nip_claim, "nip")
    Notification.objects.filter(user=user).delete()


def _clear(obj, field: str) -> None:
    """Empties one personal field through save(), so its keyed hash (if the model keeps one)
    is refreshed with it."""
    setattr(obj, field, "")
    fields = {field}
    if any(f.name == f"{field}_hash" for f in obj._meta.concrete_fields):
        fields.add(f"{field}_hash")
    obj.save(update_fields=sorted(fields))
