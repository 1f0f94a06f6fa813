"""The ASN programme's state machines, in one place: a NIP claim, an in-person purchase and an
integrity flag. Who is which party lives in asn.access; the services in asn.services move
them (`<entity>_transition`) and record `<machine>.<state>` events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from malpro.asn import access
from malpro.asn.access import ADMIN, CLAIMANT, DECIDER, GUIDE, REVIEWER, SELLER
from malpro.asn.models import IntegrityFlag, NipClaim, OfflinePurchase
from malpro.core.workflow import SYSTEM, Machine

# --- a NIP claim ---------------------------------------------------------------------------------
# A claim is born pending (a roster entry that can take it) or unmatched (one that cannot: no
# such NIP, inactive, linked to another account; no OPD acts on it). The system approves at once
# when the roster's phone is the account's verified phone, and then rejects the other claims
# waiting on that NIP, as it does when an officer approves one of them; otherwise an officer of
# the ASN's OPD (or the city admin) decides. The claimant withdraws an open claim (a new claim
# does it for them). A decided claim stays decided: a new attempt is a new claim.
CLAIM_TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (NipClaim.State.PENDING, NipClaim.State.APPROVED): {DECIDER, SYSTEM},
    (NipClaim.State.PENDING, NipClaim.State.REJECTED): {DECIDER, SYSTEM},
    (NipClaim.State.PENDING, NipClaim.State.WITHDRAWN): {CLAIMANT},
    (NipClaim.State.UNMATCHED, NipClaim.State.WITHDRAWN): {CLAIMANT},
}
CLAIM_REASON_REQUIRED = {NipClaim.State.REJECTED}

NIP_CLAIM = Machine(
    name="nip_claim",
    states=NipClaim.State,
    edges=CLAIM_TRANSITIONS,
    parties=access.nip_claim_parties,
    labels=access.CLAIM_PARTY_LABELS,
    field="state",
    conflict_message=_("Klaim ini sudah diputuskan."),
    denied_message=_("Hanya %(who)s yang dapat memutuskan klaim ini."),
    not_found_message=_("Klaim tidak ditemukan."),
)

# --- an in-person purchase -----------------------------------------------------------------------
# The shop's owner confirms what they sold; an officer of a guiding agency or the city admin
# may decide for a shop that does not answer.
OFFLINE_TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (OfflinePurchase.State.PENDING, OfflinePurchase.State.CONFIRMED): {SELLER, GUIDE, ADMIN},
    (OfflinePurchase.State.PENDING, OfflinePurchase.State.REJECTED): {SELLER, GUIDE, ADMIN},
}
OFFLINE_REASON_REQUIRED = {OfflinePurchase.State.REJECTED}

OFFLINE_PURCHASE = Machine(
    name="offline_purchase",
    states=OfflinePurchase.State,
    edges=OFFLINE_TRANSITIONS,
    parties=access.offline_purchase_parties,
    labels=access.OFFLINE_PARTY_LABELS,
    field="state",
    conflict_message=_("Pembelian ini sudah diputuskan."),
    denied_message=_("Hanya %(who)s yang dapat mengonfirmasi pembelian ini."),
    not_found_message=_("Pembelian tidak ditemukan."),
)

# --- an integrity flag ---------------------------------------------------------------------------
# Raised by the detection rules (the system), reviewed once by an auditor or the city admin
# with a note.
FLAG_TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (IntegrityFlag.State.OPEN, IntegrityFlag.State.CLEARED): {REVIEWER},
    (IntegrityFlag.State.OPEN, IntegrityFlag.State.CONFIRMED): {REVIEWER},
}

INTEGRITY_FLAG = Machine(
    name="integrity_flag",
    states=IntegrityFlag.State,
    edges=FLAG_TRANSITIONS,
    parties=access.integrity_flag_parties,
    labels=access.FLAG_PARTY_LABELS,
    field="state",
    conflict_message=_("Tanda ini sudah ditinjau (%(from)s)."),
    denied_message=_("Hanya %(who)s yang dapat meninjau tanda ini."),
    not_found_message=_("Tanda tidak ditemukan."),
)
