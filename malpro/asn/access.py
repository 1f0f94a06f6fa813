"""Who may see or do what in the ASN programme: the one place pages, the API, menus, exports
and the services ask.

- An ASN (an account linked to a roster entry) sees their own obligation, standings, in-person
  purchases and receipts, and orders staples bundles; a signed-in account that is not (yet) an
  ASN claims a NIP.
- Reports, the roster and NIP claims: the city admin, auditors and officers of BKPSDM and the
  Inspektorat see every OPD; another OPD's officer sees their own OPD. A claim is decided by
  the city admin or an officer of the ASN's OPD (an auditor reads the queue, masked). Full NIPs
  in exports only for who keeps the roster (the city admin, BKPSDM); the roster is imported by
  the city admin and BKPSDM/Inspektorat officers, never by an auditor.
- In-person purchases: confirmed or rejected by the shop's owner, an officer of an agency that
  guides the shop, or the city admin; the receipt is seen by them, the ASN and auditors.
- Integrity flags: auditors and the city admin read and decide them.

Outside their scope an object does not exist for the user (404); a party that may see an
object but not make a move gets 403.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.accounts import access as accounts
from malpro.accounts.models import Agency
from malpro.asn.models import Employee, IntegrityFlag, NipClaim, OfflinePurchase
from malpro.core import validators
from malpro.core.access import signed_in
from malpro.core.exceptions import NotFound

OVERSIGHT_AGENCIES = {"BKPSDM", "INSPEKTORAT"}
ROSTER_KEEPERS = {"BKPSDM"}

# Parties towards a NIP claim.
CLAIMANT, DECIDER, READER = "claimant", "decider", "reader"
CLAIM_PARTY_LABELS = {
    CLAIMANT: gettext_lazy("pengaju klaim"),
    DECIDER: gettext_lazy("petugas OPD ASN ini atau admin kota"),
    READER: gettext_lazy("pembaca laporan"),
}
# Parties towards an in-person purchase.
ASN, SELLER, GUIDE, ADMIN, AUDITOR = "asn", "seller", "guide", "admin", "auditor"
OFFLINE_PARTY_LABELS = {
    ASN: gettext_lazy("ASN pembeli"),
    SELLER: gettext_lazy("penjual"),
    GUIDE: gettext_lazy("petugas OPD pembina"),
    ADMIN: gettext_lazy("admin kota"),
    AUDITOR: gettext_lazy("auditor"),
}
OFFLINE_DECIDERS = frozenset({SELLER, GUIDE, ADMIN})
# Parties towards an integrity flag.
REVIEWER = "reviewer"
FLAG_PARTY_LABELS = {REVIEWER: gettext_lazy("auditor atau admin kota")}


def _agency_ids(codes) -> set[int]:
    return set(Agency.objects.filter(code__in=codes).values_list("pk", flat=True))


# --- the ASN themselves --------------------------------------------------------------------------
def employee_of(*, user) -> Employee | None:
    """The roster entry linked to the account: who is an ASN here, whatever the role rows say."""
    if not signed_in(user):
        return None
    return Employee.objects.filter(user=user).select_related("agency").first()


def can_see_obligation_menu(*, user) -> bool:
    return accounts.is_asn(user=user)


def can_claim_nip(*, user) -> bool:
    """Every signed-in user who is not (yet) an ASN: the way in for a civil servant."""
    return signed_in(user) and not accounts.is_asn(user=user)


def can_record_offline(*, user) -> bool:
    return employee_of(user=user) is not None


def can_order_bundle(*, user) -> bool:
    return employee_of(user=user) is not None


# --- reports and the roster ----------------------------------------------------------------------
def sees_all_asn(*, user) -> bool:
    """The city admin, auditors, and officers of BKPSDM and the Inspektorat see every OPD."""
    if accounts.sees_whole_city(user=user):
        return True
    mine = accounts.officer_agency_ids(user=user)
    return bool(mine and mine & _agency_ids(OVERSIGHT_AGENCIES))


def report_agency_ids(*, user) -> set[int] | None:
    """The OPD whose ASN the user may read: None for every OPD, else the officer's own
    (empty: none at all)."""
    return None if sees_all_asn(user=user) else accounts.officer_agency_ids(user=user)


def can_view_reports(*, user) -> bool:
    """Reports, trends and their exports (and the menu that leads there)."""
    return report_agency_ids(user=user) != set()


def keeps_roster(*, user) -> bool:
    """The city admin and BKPSDM officers keep the roster: they see full NIPs in exports;
    other readers of the reports see them masked."""
    if accounts.is_city_admin(user=user):
        return True
    mine = accounts.officer_agency_ids(user=user)
    return bool(mine and mine & _agency_ids(ROSTER_KEEPERS))


def can_import_roster(*, user) -> bool:
    if accounts.is_city_admin(user=user):
        return True
    return sees_all_asn(user=user) and not accounts.is_auditor(user=user)


# --- NIP claims ----------------------------------------------------------------------------------
def nip_claim_visible(*, user) -> QuerySet[NipClaim]:
    """The claims of the OPD the user reads, and the user's own. Claims of a NIP not on the
    roster belong to no OPD: the city-wide readers see them."""
    if not signed_in(user):
        return NipClaim.objects.none()
    scope = report_agency_ids(user=user)
    seen = Q(user=user)
    if scope is None:
        seen = Q()
    elif scope:
        seen |= Q(employee__agency_id__in=scope)
    return NipClaim.objects.filter(seen)


def nip_claims_to_review(*, user) -> QuerySet[NipClaim]:
    """The claims page: pending claims of the OPD the user reads (an unmatched claim never
    reaches an OPD), oldest first, the claims waiting on one NIP side by side."""
    scope = report_agency_ids(user=user)
    if scope == set():
        return NipClaim.objects.none()
    pending = NipClaim.objects.filter(state=NipClaim.State.PENDING)
    if scope is not None:
        pending = pending.filter(employee__agency_id__in=scope)
    return pending.select_related("employee__agency", "user").order_by("employee_id", "created_at")


def own_nip_claim(*, user) -> NipClaim | None:
    if not signed_in(user):
        return None
    return NipClaim.objects.filter(user=user).first()


def own_nip_claims(*, user) -> QuerySet[NipClaim]:
    if not signed_in(user):
        return NipClaim.objects.none()
    return NipClaim.objects.filter(user=user)


# What a claimant is told about their own claim: a claim the roster could not take reads like
# any claim waiting for an OPD (the same state, no roster details), so the answer never says
# whether a NIP exists, is taken, inactive or waiting on someone else.
CLAIMANT_STATES = {
    NipClaim.State.PENDING: (NipClaim.State.PENDING, gettext_lazy("Menunggu pemeriksaan")),
    NipClaim.State.UNMATCHED: (NipClaim.State.PENDING, gettext_lazy("Menunggu pemeriksaan")),
    NipClaim.State.APPROVED: (NipClaim.State.APPROVED, gettext_lazy("Disetujui")),
    NipClaim.State.REJECTED: (NipClaim.State.REJECTED, gettext_lazy("Ditolak")),
    NipClaim.State.WITHDRAWN: (NipClaim.State.WITHDRAWN, gettext_lazy("Diganti klaim baru")),
}


def claim_for_claimant(claim: NipClaim) -> dict:
    """One's own claim as its claimant may read it (page and API): the NIP masked, the state
    as CLAIMANT_STATES says, when it was decided, and the reason of a rejection only."""
    state, label = CLAIMANT_STATES[claim.state]
    decided = state != NipClaim.State.PENDING
    return {
        "id": claim.pk,
        "nip": validators.mask_nip(claim.nip),
        "state": str(state),
        "state_label": str(label),
        "created_at": claim.created_at,
        "decided_at": claim.decided_at if decided else None,
        "reason": claim.reason if state == NipClaim.State.REJECTED else "",
    }


def can_view_claims(*, user) -> bool:
    return can_view_reports(user=user)


def can_decide_claim(*, user, obj: NipClaim) -> bool:
    """The city admin, or an officer of the ASN's own OPD (who can call the person)."""
    if accounts.is_city_admin(user=user):
        return True
    return obj.employee_id is not None and (
        obj.employee.agency_id in accounts.officer_agency_ids(user=user)
    )


def nip_claim_parties(user, claim: NipClaim) -> set[str]:
    if not signed_in(user):
        return set()
    found = set()
    if claim.user_id == user.pk:
        found.add(CLAIMANT)
    if can_decide_claim(user=user, obj=claim):
        found.add(DECIDER)
    scope = report_agency_ids(user=user)
    if scope is None or (claim.employee_id is not None and claim.employee.agency_id in scope):
        found.add(READER)
    return found


def nip_claim_get_for_user(*, user, nip_claim_id: int) -> NipClaim:
    claim = nip_claim_visible(user=user).select_related("employee").filter(pk=nip_claim_id).first()
    if claim is None:
        raise NotFound(_("Klaim tidak ditemukan."))
    return claim


# --- in-person purchases -------------------------------------------------------------------------
def _offline_deciding_q(user) -> Q | None:
    """The purchases the user may confirm or reject; None: none."""
    if not signed_in(user):
        return None
    if accounts.is_city_admin(user=user):
        return Q()
    mine = Q(business__owner=user)
    if agencies := accounts.officer_agency_ids(user=user):
        mine |= Q(business__guidance__agency_id__in=agencies)
    return mine


def offline_purchase_visible(*, user) -> QuerySet[OfflinePurchase]:
    """The ASN's own purchases, those the user decides, and every one for auditors."""
    if accounts.sees_whole_city(user=user):
        return OfflinePurchase.objects.all()
    deciding = _offline_deciding_q(user)
    if deciding is None:
        return OfflinePurchase.objects.none()
    return OfflinePurchase.objects.filter(deciding | Q(employee__user=user)).distinct()


def offline_purchases_to_decide(*, user) -> QuerySet[OfflinePurchase]:
    """The inbox: pending purchases at the user's shops, the shops their agency guides, or
    all for the city admin."""
    deciding = _offline_deciding_q(user)
    if deciding is None:
        return OfflinePurchase.objects.none()
    return (
        OfflinePurchase.objects.filter(deciding, state=OfflinePurchase.State.PENDING)
        .select_related("business", "employee")
        .distinct()
        .order_by("purchased_on", "pk")
    )


def can_use_offline_inbox(*, user) -> bool:
    """The menu entry: sellers, officers and the city admin."""
    return (
        accounts.is_seller(user=user)
        or accounts.is_city_admin(user=user)
        or accounts.is_officer(user=user)
    )


def offline_purchase_parties(user, purchase: OfflinePurchase) -> set[str]:
    if not signed_in(user):
        return set()
    found = set()
    if purchase.employee.user_id == user.pk:
        found.add(ASN)
    if purchase.business.owner_id == user.pk:
        found.add(SELLER)
    agencies = accounts.officer_agency_ids(user=user)
    if agencies and purchase.business.guidance.filter(agency_id__in=agencies).exists():
        found.add(GUIDE)
    if accounts.is_city_admin(user=user):
        found.add(ADMIN)
    if accounts.is_auditor(user=user):
        found.add(AUDITOR)
    return found


def can_decide_offline(*, user, obj: OfflinePurchase) -> bool:
    return bool(offline_purchase_parties(user, obj) & OFFLINE_DECIDERS)


def can_view_receipt(*, user, obj: OfflinePurchase) -> bool:
    return bool(offline_purchase_parties(user, obj))


def offline_purchase_get_for_user(*, user, offline_purchase_id: int) -> OfflinePurchase:
    purchase = (
        OfflinePurchase.objects.select_related("business", "employee")
        .filter(pk=offline_purchase_id)
        .first()
    )
    if purchase is None or not offline_purchase_parties(user, purchase):
        raise NotFound(_("Pembelian tidak ditemukan."))
    return purchase


# --- integrity flags -----------------------------------------------------------------------------
def can_view_flags(*, user) -> bool:
    """Auditors review the queue; the city admin too. OPD officers do not see flags about
    their own staff (the Inspektorat's auditors do)."""
    return accounts.is_auditor(user=user) or accounts.is_city_admin(user=user)


def integrity_flag_visible(*, user) -> QuerySet[IntegrityFlag]:
    if not can_view_flags(user=user):
        return IntegrityFlag.objects.none()
    return IntegrityFlag.objects.all()


def can_review_flag(*, user, obj: IntegrityFlag | None = None) -> bool:
    return can_view_flags(user=user)


def integrity_flag_parties(user, flag: IntegrityFlag) -> set[str]:
    return {REVIEWER} if can_review_flag(user=user, obj=flag) else set()


def integrity_flag_get_for_user(*, user, integrity_flag_id: int) -> IntegrityFlag:
    flag = integrity_flag_visible(user=user).filter(pk=integrity_flag_id).first()
    if flag is None:
        raise NotFound(_("Tanda tidak ditemukan."))
    return flag


# Rows of docs/permissions.md: (role, action, scope).
PERMISSIONS = [
    ("anonymous", "ASN pages and API", "none: sent to log in (pages) or 401 (API)"),
    (
        "buyer",
        "ASN: claim a NIP (page and POST /api/v1/asn/claims), with a verified phone; at most "
        "5 claims a day, and 3 accounts a day on one NIP (not its roster phone's holder)",
        "own account; one open claim (a new one withdraws it)",
    ),
    (
        "buyer",
        "ASN: read own NIP claims (page, /api/v1/asn/claims/mine); withdraw an open one",
        "own claims; the same answer and state ('menunggu') whether or not the NIP exists, "
        "is taken, inactive or claimed by others",
    ),
    ("buyer", "ASN reports, claims queue, flags, roster import", "none (404 / 403 on the API)"),
    ("asn", "ASN: own obligation and standings (page and /api/v1/asn/me/obligation)", "own"),
    ("asn", "ASN: record an in-person purchase; see its receipt", "own purchases"),
    ("asn", "ASN: order a staples bundle", "own account"),
    ("seller", "ASN in-person purchase: confirm/reject, see the receipt", "own shop's purchases"),
    (
        "agency_officer",
        "ASN reports (page, exports, API), pending NIP claims (page, /api/v1/asn/claims)",
        "own OPD; every OPD for BKPSDM and Inspektorat officers",
    ),
    (
        "agency_officer",
        "ASN NIP claim: approve/reject (page, POST /api/v1/asn/claims/{id}/transition); "
        "claims of a NIP not on the roster, inactive or taken never reach an OPD",
        "pending claims of ASN of own OPD",
    ),
    (
        "agency_officer",
        "ASN in-person purchase: confirm/reject, see the receipt",
        "shops own agency guides",
    ),
    ("agency_officer", "ASN full NIPs in report exports", "BKPSDM officers only"),
    ("agency_officer", "ASN roster import", "BKPSDM and Inspektorat officers only"),
    ("city_admin", "ASN reports, exports with full NIPs, roster import", "every OPD"),
    ("city_admin", "ASN NIP claim: approve/reject", "every claim"),
    ("city_admin", "ASN in-person purchase: confirm/reject", "every purchase"),
    ("city_admin", "ASN integrity flags: read, clear/confirm", "every flag"),
    (
        "auditor",
        "ASN reports and exports (NIPs masked), pending claims (NIPs and phones masked)",
        "all",
    ),
    ("auditor", "ASN integrity flags: read, clear/confirm", "every flag"),
    ("auditor", "ASN receipts of in-person purchases", "every purchase"),
    (
        "system",
        "ASN NIP claim: approve when the roster's phone is the account's verified phone; "
        "then reject the other claims waiting on that NIP (also after an officer's approval)",
        "-",
    ),
    ("system", "ASN standings: recompute after an ASN's order completes/closes", "-"),
]


def _asn_employee(objects) -> dict:
    """The asn_user persona on the roster, in Diskopindag (the `officer`'s OPD)."""
    from malpro.asn.tests.factories import employee

    return {"employee": employee(user=objects["asn_user"], agency="DISKOPINDAG")}


def _policy(objects) -> dict:
    """A policy version in force (the reports of a month without one answer 409)."""
    from malpro.asn.tests.factories import policy

    return {"obj": policy()}


def _pending_claim(objects) -> dict:
    """The buyer's claim on a Diskopindag NIP, waiting for the OPD."""
    from malpro.asn.tests.factories import employee

    person = employee(nip="199003152022211001", name="Citra", agency="DISKOPINDAG")
    claim = NipClaim.objects.create(user=objects["buyer"], employee=person, nip=person.nip)
    return {"obj": claim}


def _unmatched_claim(objects) -> dict:
    """The buyer's claim on a NIP that is not on the roster (it reaches no OPD)."""
    claim = NipClaim.objects.create(
        user=objects["buyer"], nip="199003152022211001", state=NipClaim.State.UNMATCHED
    )
    return {"obj": claim}


def _unverified_buyer(objects) -> dict:
    """The buyer has not proved their phone (an account from before phones were verified)."""
    objects["buyer"].phone_verified_at = None
    objects["buyer"].save(update_fields=["phone_verified_at"])
    return {}


def _claim_move(o) -> str:
    return f"/api/v1/asn/claims/{o['obj'].pk}/transition"


def _purchase(objects) -> dict:
    """A pending in-person purchase of the asn_user at the seller's shop, guided by
    Diskopindag."""
    from malpro.asn.tests.factories import offline_purchase

    return {"obj": offline_purchase(asn=objects["asn_user"], seller=objects["seller"])}


def _flag(objects) -> dict:
    return {"obj": IntegrityFlag.objects.create(kind=IntegrityFlag.Kind.DEVICE_BURST, key="t:1")}


def _receipt(o) -> str:
    return f"/asn/pembelian-langsung/{o['obj'].pk}/nota/"


def _cases(url, make, expected, method="get", data=None):
    return [
        {"role": role, "method": method, "url": url, "make": make, "expect": expect}
        | ({"data": data} if data is not None else {})
        for role, expect in expected
    ]


ACCESS_CASES = [
    # Each case: a persona (a fixture name from malpro/conftest.py; None: anonymous) asks
    # `method` `url` (with `data`) and gets `expect`. `url` is a path, or a callable(objects)
    # -> path where `objects` maps persona names to users and holds what `make(objects)`
    # returned ("obj": the object of the case). Personas: `officer` serves Diskopindag,
    # `other_officer` Dispangtan; asn_user holds the ASN role (and, with _asn_employee, a
    # roster entry in Diskopindag).
    {"role": None, "method": "get", "url": "/asn/", "expect": 302},
    {"role": "buyer", "method": "get", "url": "/asn/", "expect": 200},
    {"role": "asn_user", "method": "get", "url": "/asn/", "make": _asn_employee, "expect": 200},
    {"role": None, "method": "get", "url": "/api/v1/asn/me/obligation", "expect": 401},
    {"role": "buyer", "method": "get", "url": "/api/v1/asn/me/obligation", "expect": 404},
    *_cases(
        "/asn/laporan/",
        None,
        [
            (None, 302),
            ("buyer", 404),
            ("seller", 404),
            ("asn_user", 404),
            ("operator", 404),
            ("officer", 200),
            ("auditor", 200),
            ("city_admin", 200),
        ],
    ),
    *_cases(
        "/api/v1/asn/reports/opd",
        _policy,
        [(None, 401), ("buyer", 403), ("officer", 200), ("auditor", 200), ("city_admin", 200)],
    ),
    *_cases(
        "/asn/klaim/",
        _pending_claim,
        [(None, 302), ("buyer", 404), ("officer", 200), ("auditor", 200), ("city_admin", 200)],
    ),
    # Claiming a NIP: the page (POST) and the API, with a verified phone; the answer is the
    # same for a NIP not on the roster (none is here) as for one waiting for its OPD.
    *_cases("/asn/", None, [(None, 302), ("buyer", 302)], "post", {"nip": "199003152022211001"}),
    *_cases("/asn/", _unverified_buyer, [("buyer", 302)]),  # to /akun/verifikasi-hp/
    *_cases(
        "/api/v1/asn/claims",
        None,
        [(None, 401), ("buyer", 202), ("officer", 202)],
        "post",
        {"nip": "199003152022211001"},
    ),
    *_cases(
        "/api/v1/asn/claims",
        _unverified_buyer,
        [("buyer", 403)],
        "post",
        {"nip": "199003152022211001"},
    ),
    *_cases(
        "/api/v1/asn/claims",
        _asn_employee,
        [("asn_user", 409)],
        "post",
        {"nip": "198507122010012003"},
    ),
    *_cases("/api/v1/asn/claims/mine", _pending_claim, [(None, 401), ("buyer", 200)]),
    *_cases(
        "/api/v1/asn/claims",
        _pending_claim,
        [(None, 401), ("buyer", 403), ("officer", 200), ("auditor", 200), ("city_admin", 200)],
    ),
    # Deciding a claim: its OPD's officer or the city admin; for anyone else it does not exist
    # (404) or is not theirs to decide (403: the claimant, an auditor).
    *_cases(
        _claim_move,
        _pending_claim,
        [
            (None, 401),
            ("buyer", 403),
            ("other_buyer", 404),
            ("seller", 404),
            ("officer", 200),
            ("other_officer", 404),
            ("auditor", 403),
            ("city_admin", 200),
        ],
        "post",
        {"to": "approved"},
    ),
    *_cases(
        _claim_move, _pending_claim, [("buyer", 200), ("officer", 403)], "post", {"to": "withdrawn"}
    ),
    # The claimant's own unmatched claim answers like a waiting one (403 to approve it, as
    # above); it reaches no OPD (404 for an officer), the city admin sees it (409: no move).
    *_cases(
        _claim_move,
        _unmatched_claim,
        [("buyer", 403), ("officer", 404), ("city_admin", 409)],
        "post",
        {"to": "approved"},
    ),
    *_cases("/asn/roster/impor/", None, [("officer", 404), ("auditor", 404), ("city_admin", 200)]),
    *_cases(
        "/asn/integritas/",
        _flag,
        [(None, 302), ("buyer", 404), ("officer", 404), ("auditor", 200), ("city_admin", 200)],
    ),
    *_cases(
        _receipt,
        _purchase,
        [
            (None, 302),
            ("asn_user", 200),
            ("seller", 200),
            ("other_seller", 404),
            ("officer", 200),
            ("other_officer", 404),
            ("buyer", 404),
            ("auditor", 200),
            ("city_admin", 200),
        ],
    ),
    *_cases("/jual/pembelian-asn/", None, [(None, 302), ("seller", 200), ("officer", 200)]),
    # The in-store purchase: the shop finder (a search, and a photo of the shop's QRIS read on
    # the server) is for an ASN on the roster; anyone else is sent to /asn/.
    *_cases(
        "/asn/pembelian-langsung/?q=usaha",
        _asn_employee,
        [(None, 302), ("buyer", 302), ("seller", 302), ("asn_user", 200)],
    ),
    *_cases(
        "/asn/pembelian-langsung/pindai-qris/",
        _asn_employee,
        [(None, 302), ("buyer", 302), ("asn_user", 200)],  # 200: "choose a photo first"
        "post",
        {},
    ),
    *_cases("/asn/pembelian-langsung/pindai-qris/", _asn_employee, [("asn_user", 405)]),
]
"""Checkable cases for the permissions test (the shape is described under
malpro.accounts.access.ACCESS_CASES): persona, method, url (or callable(objects) -> url),
optional make(objects) -> dict of objects, expected status."""
