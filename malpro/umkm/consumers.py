"""The UMKM register's messages, after the commit of the move that produced them.

`umkm.messages`:
- a business verified, rejected or suspended: its owner is told, with the reason;
- a business submitted: the officers who may verify it are told (the machine's GUIDE party:
  officers of the agencies guiding it), or the city admins when no agency guides it yet. Area
  operators register businesses but do not verify them (umkm.workflow), so they are not.
Each message is keyed by the event: a replay sends nothing twice.

`waiting_for` feeds the officers' daily digest (the `notifications.digest` hook): businesses
waiting for verification and owners' claims waiting for a decision, each counted within
what the person may decide (umkm.access).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from malpro.accounts import access as accounts_access
from malpro.accounts.models import User
from malpro.accounts.roles import Role
from malpro.core.models import Event
from malpro.notifications.services import send
from malpro.umkm import access
from malpro.umkm.models import Business, Claim, Guidance, Status

MESSAGES = "umkm.messages"
MESSAGES_KINDS = [
    "business.submitted",
    "business.verified",
    "business.rejected",
    "business.suspended",
]


def messages(event: Event) -> None:
    business = (
        Business.objects.select_related("owner", "village").filter(pk=event.subject_id).first()
    )
    if business is None:
        return
    payload = event.payload or {}
    facts = {
        "business_id": business.pk,
        "shop": business.name,
        "reason": payload.get("reason") or business.status_reason,
    }
    if event.kind == "business.submitted":
        facts["village"] = business.village.name if business.village_id else ""
        for officer in verifiers(business):
            send(user=officer, kind="business.submitted_for_officer", context=facts, event=event)
        return
    if business.owner is None:
        return
    send(user=business.owner, kind=f"{event.kind}_for_owner", context=facts, event=event)


def verifiers(business: Business) -> list[User]:
    """Who may verify `business`: the officers of its guiding agencies, else the city admins."""
    agency_ids = list(
        Guidance.objects.filter(business=business).values_list("agency_id", flat=True)
    )
    people = User.objects.filter(is_active=True)
    if agency_ids:
        people = people.filter(roles__role=Role.AGENCY_OFFICER, roles__agency_id__in=agency_ids)
    else:
        people = people.filter(roles__role=Role.CITY_ADMIN)
    return list(people.distinct().order_by("pk"))


# --- the daily digest ----------------------------------------------------------------------------
def to_verify(*, user):
    """Submitted businesses `user` may verify (in the register they see, as a guide or admin)."""
    waiting = access.business_registry_visible(user=user).filter(status=Status.SUBMITTED)
    if accounts_access.is_city_admin(user=user):
        return waiting
    agency_ids = accounts_access.officer_agency_ids(user=user)
    if not agency_ids:
        return Business.objects.none()
    return waiting.filter(
        Exists(Guidance.objects.filter(business=OuterRef("pk"), agency_id__in=agency_ids))
    )


def waiting_for(user) -> list[tuple[str, int, str]]:
    registry = reverse("umkm:registry")
    return [
        (
            _("Usaha menunggu verifikasi"),
            to_verify(user=user).count(),
            f"{registry}?status={Status.SUBMITTED}",
        ),
        (
            _("Klaim kepemilikan usaha menunggu keputusan"),
            access.claim_decidable(user=user).filter(state=Claim.State.PENDING).count(),
            reverse("umkm:claims_review"),
        ),
    ]
