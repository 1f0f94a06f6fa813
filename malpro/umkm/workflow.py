"""The UMKM register's state machines, in one place: a business's verification and an owner's
claim on a business someone else registered. Who is which party lives in umkm.access."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from malpro.core.workflow import SYSTEM, Machine
from malpro.umkm import access
from malpro.umkm.access import ADMIN, DECIDER, GUIDE, OWNER, REGISTRAR
from malpro.umkm.models import Claim, Status

# --- business verification -----------------------------------------------------------------------
TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (Status.DRAFT, Status.SUBMITTED): {OWNER, REGISTRAR, ADMIN},
    (Status.REJECTED, Status.SUBMITTED): {OWNER, REGISTRAR, ADMIN},
    (Status.SUBMITTED, Status.VERIFIED): {GUIDE, ADMIN},
    (Status.SUBMITTED, Status.REJECTED): {GUIDE, ADMIN},
    (Status.VERIFIED, Status.ACTIVE): {OWNER},
    (Status.VERIFIED, Status.SUSPENDED): {GUIDE, ADMIN},
    (Status.ACTIVE, Status.SUSPENDED): {GUIDE, ADMIN},
    (Status.SUSPENDED, Status.ACTIVE): {GUIDE, ADMIN},
    (Status.SUSPENDED, Status.VERIFIED): {GUIDE, ADMIN},
}
REASON_REQUIRED_TO = {Status.REJECTED, Status.SUSPENDED}
REASON_REQUIRED_FROM = {Status.SUSPENDED}
# The reason shown on the business (and to its owner) while it stays in these states.
REASON_SHOWN = {Status.REJECTED, Status.SUSPENDED}
ON_MARKETPLACE = {Status.ACTIVE: True, Status.SUSPENDED: False}


BUSINESS = Machine(
    name="business",
    states=Status,
    edges=TRANSITIONS,
    parties=access.business_parties,
    labels=access.PARTY_LABELS,
    conflict_message=_("Status tidak dapat diubah dari %(from)s ke %(to)s."),
    denied_message=_("Hanya %(who)s yang dapat mengubah status ke %(to)s."),
    not_found_message=_("UMKM tidak ditemukan."),
    lowercase_states=False,  # "dari Draf ke Terverifikasi", as the register shows them
)

# --- an owner's claim ----------------------------------------------------------------------------
CLAIM_TRANSITIONS: dict[tuple[str, str], set[str]] = {
    # The system approves at once when the phone and the NIK on record match the claimant's,
    # and rejects the other pending claims once one is approved.
    (Claim.State.PENDING, Claim.State.APPROVED): {DECIDER, SYSTEM},
    (Claim.State.PENDING, Claim.State.REJECTED): {DECIDER, SYSTEM},
}

CLAIM = Machine(
    name="business_claim",
    states=Claim.State,
    edges=CLAIM_TRANSITIONS,
    parties=access.claim_parties,
    labels=access.CLAIM_PARTY_LABELS,
    field="state",
    conflict_message=_("Klaim ini sudah diputuskan."),
    denied_message=_("Anda tidak berhak memutuskan klaim ini."),
    not_found_message=_("Klaim tidak ditemukan."),
)
