"""Writes of the ASN programme: NIP claims, in-person purchases, integrity flag reviews and
policy versions. Every move of a stateful object goes through its `<entity>_transition`
(asn.workflow) and records its event; messages to people follow those events after the
commit (consumers.notices)."""

from __future__ import annotations

import copy
import datetime as dt
import statistics

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.accounts import services as account_services
from malpro.accounts.roles import Role
from malpro.asn import access, bundles, flags, obligation
from malpro.asn import workflow as flows
from malpro.asn.models import Bundle, Employee, IntegrityFlag, NipClaim, OfflinePurchase, Policy
from malpro.catalog.images import prepare
from malpro.core import audit, crypto, events, limits, throttle, validators, workflow
from malpro.core.exceptions import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from malpro.core.models import AuditEvent
from malpro.core.money import format_rupiah
from malpro.orders import services as orders
from malpro.orders.models import Checkout
from malpro.umkm.models import Business, Status

MAX_RECEIPT_BYTES = 8 * 1024 * 1024
# An in-person purchase far above the usual needs the seller's confirmation and then an OPD
# officer's (or the city admin's) review, never one tap: above this multiple of the ASN's
# obligation for the period, or of the shop's median confirmed in-store sale (once the shop has
# OFFLINE_MEDIAN_MIN_SALES of them). Past core.limits.MAX_OFFLINE_PURCHASE it is refused.
OFFLINE_OBLIGATION_MULTIPLE = 2
OFFLINE_MEDIAN_MULTIPLE = 10
OFFLINE_MEDIAN_MIN_SALES = 5


# --- NIP claims ----------------------------------------------------------------------------------
# Claims per account and per NIP in a day. A NIP counts the accounts that claimed it (one
# account's repeats count once), and its holder by the roster's phone is never stopped by it:
# strangers cannot use up the day of the ASN whose number BKPSDM has.
CLAIM_DAY = 24 * 60 * 60
CLAIMS_PER_ACCOUNT = 5
CLAIMERS_PER_NIP = 3
# What a claimant is told: approved (only the roster phone's holder), or one answer for
# everything else, so that it never says whether a NIP exists, is taken or waited on.
CLAIM_APPROVED = gettext_lazy("NIP terverifikasi. Selamat datang!")
CLAIM_RECEIVED = gettext_lazy(
    "Klaim diterima. Jika NIP cocok dengan data BKPSDM, OPD Anda akan memeriksanya; hasilnya "
    "muncul di halaman ini."
)


def _claim_payload(claim: NipClaim) -> dict:
    return {
        "claim_id": claim.pk,
        "employee_id": claim.employee_id,
        "user_id": claim.user_id,
        "agency_id": claim.employee.agency_id if claim.employee_id else None,
        "phone_matched": claim.phone_matched,
    }


def nip_claim(*, user, nip: str, request=None) -> NipClaim:
    """A user with a verified phone claims their NIP and becomes an ASN.

    Approved at once (by the system) only when the roster's phone is the account's verified
    phone; otherwise an officer of the ASN's OPD confirms. Whatever the roster says about the
    NIP (none, inactive, linked to another account, waiting on another claim), the claimant
    gets a claim that reads as waiting: a NIP that cannot be taken is kept `unmatched`, out of
    every OPD's queue. Only the form of the NIP is a field error (it tells nothing).

    Limits: CLAIMS_PER_ACCOUNT a day, and CLAIMERS_PER_NIP accounts a day on one NIP (not for
    its roster phone's holder); counted before, and outside, the claim's transaction."""
    account_services.require_verified_phone(user)
    try:
        number = validators.clean_nip(nip).number
    except ValidationError as exc:
        raise ApplicationError.for_field("nip", " ".join(exc.messages)) from None
    _claim_count(user=user, nip=number)
    return _nip_claim(user=user, nip=number, ip=audit.client_ip(request) if request else None)


def _claim_count(*, user, nip: str) -> None:
    usage = throttle.hit(
        "asn-claim-account", str(user.pk), limit=CLAIMS_PER_ACCOUNT, window=CLAIM_DAY
    )
    if usage.exceeded:
        raise RateLimited(
            _(
                "Akun ini sudah %(n)d kali mengklaim NIP hari ini. Coba lagi %(wait)s lagi, atau "
                "hubungi OPD Anda."
            )
            % {"n": CLAIMS_PER_ACCOUNT, "wait": throttle.wait_words(usage.retry_after)},
            {"retry_after": usage.retry_after},
        )
    # NIPs are encrypted: the roster is matched on their keyed hash.
    roster = Employee.objects.filter(nip_hash=crypto.nip_hash(nip))
    roster_phone = roster.values_list("phone", flat=True).first()
    if roster_phone and roster_phone == user.phone:
        return
    first_today = throttle.hit("asn-claim-pair", f"{user.pk}|{nip}", limit=1, window=CLAIM_DAY)
    usage = throttle.hit(
        "asn-claim-nip", nip, limit=CLAIMERS_PER_NIP, window=CLAIM_DAY, count=first_today.count == 1
    )
    if usage.exceeded:
        raise RateLimited(
            _(
                "NIP ini sudah diklaim dari beberapa akun hari ini. Coba lagi %(wait)s lagi, atau "
                "hubungi OPD Anda."
            )
            % {"wait": throttle.wait_words(usage.retry_after)},
            {"retry_after": usage.retry_after},
        )


def _unmatched_reason(employee: Employee | None) -> str:
    """Why the roster cannot take a claim on this entry ("" when it can). Kept on the claim for
    the city admin and auditors; never shown to the claimant."""
    if employee is None:
        return _("NIP tidak ada di daftar ASN kota")
    if not employee.is_active:
        return _("NIP tercatat tidak aktif")
    if employee.user_id is not None:
        return _("NIP sudah terhubung ke akun lain")
    return ""


@transaction.atomic
def _nip_claim(*, user, nip: str, ip: str | None) -> NipClaim:
    # One account's claims one at a time; then the roster entry, then claims (the order
    # nip_claim_transition takes them too).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    linked = Employee.objects.filter(user=user).first()
    if linked is not None:
        if linked.nip == nip:
            raise Conflict(_("NIP ini sudah terhubung ke akun Anda."))
        raise Conflict(_("Akun ini sudah terhubung ke NIP lain."))
    employee = Employee.objects.select_for_update().filter(nip_hash=crypto.nip_hash(nip)).first()
    earlier = NipClaim.objects.select_for_update(of=("self",)).select_related("employee")
    for claim in earlier.filter(user=user, state__in=NipClaim.OPEN):
        _decide(claim, actor=user, to=NipClaim.State.WITHDRAWN, reason=_("Diganti klaim baru"))
    why = _unmatched_reason(employee)
    phone_matched = not why and bool(employee.phone) and employee.phone == user.phone
    claim = NipClaim.objects.create(
        user=user,
        nip=nip,
        employee=employee,
        state=NipClaim.State.UNMATCHED if why else NipClaim.State.PENDING,
        phone_matched=phone_matched,
        reason=why,
    )
    workflow.created(machine=flows.NIP_CLAIM, obj=claim, actor=user, payload=_claim_payload(claim))
    if phone_matched:
        _approve(claim, actor=None, reason=_("Nomor HP terverifikasi sama dengan data BKPSDM."))
    audit.record(
        action="asn.nip_claimed",
        actor=user,
        target=claim,
        data={
            "auto": phone_matched,
            "matched": not why,
            "why": why,
            "employee_id": claim.employee_id,
            "nip": validators.mask_nip(nip),
        },
        ip=ip,
    )
    return claim


def _approve(claim: NipClaim, *, actor, reason: str) -> None:
    """Links the account to the roster entry and rejects the other claims waiting on it (by
    the system, with the reason): once the NIP has its account, they cannot be approved."""
    employee = claim.employee
    employee.user, employee.claimed_at = claim.user, timezone.now()
    employee.save(update_fields=["user", "claimed_at"])
    account_services.role_grant(user=claim.user, role=Role.ASN, granted_by=actor)
    _decide(claim, actor=actor, to=NipClaim.State.APPROVED, reason=reason)
    if actor is None:
        why = _("NIP ini sudah diverifikasi oleh pemilik nomor HP yang tercatat di BKPSDM")
    else:
        why = _("NIP ini sudah dihubungkan OPD ke akun lain")
    others = NipClaim.objects.select_for_update(of=("self",)).select_related("employee")
    for other in others.filter(employee=employee, state=NipClaim.State.PENDING).exclude(
        pk=claim.pk
    ):
        _decide(other, actor=None, to=NipClaim.State.REJECTED, reason=why)


def _decide(claim: NipClaim, *, actor, to: str, reason: str) -> None:
    _record_decision(
        claim,
        machine=flows.NIP_CLAIM,
        actor=actor,
        to=to,
        reason=reason,
        payload=_claim_payload,
        checked=actor is not None,
    )


def _record_decision(obj, *, machine, actor, to: str, reason: str, payload, checked: bool):
    """A claim or an in-person purchase decided: who, when and why are written with the move
    (and its event, whose payload `payload(obj)` builds once they are set)."""
    obj.decided_by, obj.decided_at = actor, timezone.now()
    obj.reason = reason[:300]
    workflow.transition(
        machine=machine,
        obj=obj,
        to=to,
        actor=actor,
        reason=obj.reason,
        fields=("decided_by", "decided_at", "reason"),
        payload=payload(obj),
        checked=checked,
    )


def _check_claim_move(claim: NipClaim, *, to: str, actor) -> None:
    """The machine's check, except that to its claimant alone an unmatched claim answers as a
    waiting one (same status, same message): trying a move on one's own claim must not tell
    whether the roster took it."""
    seen = claim
    if claim.state == NipClaim.State.UNMATCHED and flows.NIP_CLAIM.parties_of(actor, claim) == {
        access.CLAIMANT
    }:
        seen = copy.copy(claim)
        seen.state = NipClaim.State.PENDING.value
    flows.NIP_CLAIM.check(obj=seen, to=to, actor=actor)


@transaction.atomic
def nip_claim_transition(*, actor, claim_id: int, to: str, reason: str = "") -> NipClaim:
    """An officer of the ASN's OPD (or the city admin) approves or rejects a pending claim
    (a rejection needs a reason); the claimant withdraws their open claim."""
    found = NipClaim.objects.filter(pk=claim_id).values("employee_id").first()
    if found is None:
        raise NotFound(_("Klaim tidak ditemukan."))
    if found["employee_id"] is not None:
        # The roster entry before its claims, as nip_claim locks them: two officers
        # approving two claims on one NIP at once cannot both link it.
        Employee.objects.select_for_update().filter(pk=found["employee_id"]).first()
    claim = (
        NipClaim.objects.select_for_update(of=("self",)).select_related("employee").get(pk=claim_id)
    )
    _check_claim_move(claim, to=to, actor=actor)
    reason = (reason or "").strip()
    if to in flows.CLAIM_REASON_REQUIRED and not reason:
        raise ApplicationError.for_field("reason", _("Alasan penolakan wajib diisi."))
    if to == NipClaim.State.APPROVED:
        if claim.employee.user_id is not None:
            raise Conflict(_("NIP ini sudah terhubung ke akun lain."))
        if Employee.objects.filter(user_id=claim.user_id).exists():
            raise Conflict(_("Akun pengaju sudah terhubung ke NIP lain."))
        _approve(claim, actor=actor, reason=reason or _("Dikonfirmasi OPD."))
    else:
        _decide(claim, actor=actor, to=to, reason=reason)
    audit.record(
        action="asn.claim_decided",
        actor=actor,
        target=claim,
        data={"state": to, "approved": to == NipClaim.State.APPROVED},
    )
    return claim


# --- offline purchases ---------------------------------------------------------------------------
def _offline_payload(purchase: OfflinePurchase) -> dict:
    return {
        "purchase_id": purchase.pk,
        "employee_id": purchase.employee_id,
        "business_id": purchase.business_id,
        "amount": purchase.amount,
        "purchased_on": purchase.purchased_on.isoformat(),
    }


@transaction.atomic
def offline_record(
    *, user, business_id: int, amount: int, purchased_on: dt.date, receipt, description: str = ""
) -> OfflinePurchase:
    employee = access.employee_of(user=user)
    if employee is None:
        raise PermissionDenied(_("Hanya ASN yang dapat mencatat pembelian langsung."))
    business = Business.objects.filter(pk=business_id, status=Status.ACTIVE).first()
    if business is None:
        raise ApplicationError.for_field("business_id", _("Pilih UMKM aktif yang terdaftar."))
    if amount is None or amount <= 0:
        raise ApplicationError.for_field("amount", _("Jumlah harus lebih dari nol."))
    if amount > limits.MAX_OFFLINE_PURCHASE:
        raise ApplicationError.for_field(
            "amount",
            _("Satu pembelian langsung paling besar %(max)s.")
            % {"max": format_rupiah(limits.MAX_OFFLINE_PURCHASE)},
            status=422,
        )
    today = timezone.localdate()
    if purchased_on > today or purchased_on < today - dt.timedelta(days=60):
        raise ApplicationError.for_field(
            "purchased_on", _("Tanggal belanja harus dalam 60 hari terakhir.")
        )
    period = obligation.period_get(purchased_on.year, purchased_on.month)
    if period.closed_at is not None:
        raise Conflict(_("Periode %(p)s sudah ditutup.") % {"p": period})
    if receipt is None or receipt.size == 0:
        raise ApplicationError.for_field("receipt", _("Unggah foto nota."))
    if receipt.size > MAX_RECEIPT_BYTES:
        raise ApplicationError.for_field("receipt", _("Foto nota terlalu besar (maks. 8 MB)."))
    image, _thumb = prepare(receipt)
    purchase = OfflinePurchase(
        employee=employee,
        business=business,
        amount=amount,
        purchased_on=purchased_on,
        description=description[:200],
    )
    purchase.receipt.save(image.name, image, save=False)
    purchase.save()
    workflow.created(
        machine=flows.OFFLINE_PURCHASE, obj=purchase, actor=user, payload=_offline_payload(purchase)
    )
    reasons = offline_anomalies(
        employee=employee, business=business, amount=amount, purchased_on=purchased_on
    )
    if reasons:
        audit.record(
            action=OFFLINE_ANOMALOUS,
            actor=user,
            target=purchase,
            data={"amount": amount, "reasons": reasons},
        )
    return purchase


OFFLINE_ANOMALOUS = "asn.offline_anomalous"
OFFLINE_SELLER_CONFIRMED = "asn.offline_seller_confirmed"


def offline_anomalies(*, employee, business, amount: int, purchased_on: dt.date) -> list[str]:
    """Why an in-person purchase is far above the usual (empty when it is not)."""
    reasons = []
    policy = obligation.policy_in_force(purchased_on.year, purchased_on.month)
    if policy is not None:
        required = obligation.required_for(employee, policy, purchased_on.year, purchased_on.month)
        if required and amount > OFFLINE_OBLIGATION_MULTIPLE * required:
            reasons.append(
                _("lebih dari %(n)d× kewajiban periode ini (%(req)s)")
                % {"n": OFFLINE_OBLIGATION_MULTIPLE, "req": format_rupiah(required)}
            )
    usual = list(
        OfflinePurchase.objects.filter(
            business=business, state=OfflinePurchase.State.CONFIRMED
        ).values_list("amount", flat=True)[:500]
    )
    if len(usual) >= OFFLINE_MEDIAN_MIN_SALES:
        median = statistics.median_low(usual)
        if amount > OFFLINE_MEDIAN_MULTIPLE * median:
            reasons.append(
                _("lebih dari %(n)d× belanja langsung yang biasa di toko ini (%(median)s)")
                % {"n": OFFLINE_MEDIAN_MULTIPLE, "median": format_rupiah(median)}
            )
    return [str(r) for r in reasons]


def _offline_marked(purchase: OfflinePurchase, action: str) -> bool:
    return AuditEvent.objects.filter(
        action=action, target_type=purchase._meta.label_lower, target_id=str(purchase.pk)
    ).exists()


def offline_needs_review(purchase: OfflinePurchase) -> bool:
    """An anomalous purchase: confirmed only by the seller and then an OPD officer."""
    return _offline_marked(purchase, OFFLINE_ANOMALOUS)


def offline_seller_confirmed(purchase: OfflinePurchase) -> bool:
    return _offline_marked(purchase, OFFLINE_SELLER_CONFIRMED)


@transaction.atomic
def offline_purchase_transition(
    *, actor, purchase_id: int, to: str, reason: str = ""
) -> OfflinePurchase:
    """The shop's owner (or a guiding officer, or the city admin) confirms or rejects an ASN's
    in-person purchase while its period is open; a rejection needs a reason."""
    purchase = (
        OfflinePurchase.objects.select_for_update()
        .select_related("business", "employee")
        .filter(pk=purchase_id)
        .first()
    )
    if purchase is None:
        raise NotFound(_("Pembelian tidak ditemukan."))
    flows.OFFLINE_PURCHASE.check(obj=purchase, to=to, actor=actor)
    period = obligation.period_get(purchase.purchased_on.year, purchase.purchased_on.month)
    if period.closed_at is not None:
        raise Conflict(_("Periode %(p)s sudah ditutup.") % {"p": period})
    reason = (reason or "").strip()
    if to in flows.OFFLINE_REASON_REQUIRED and not reason:
        raise ApplicationError.for_field("reason", _("Alasan penolakan wajib diisi."))
    if to == OfflinePurchase.State.CONFIRMED and offline_needs_review(purchase):
        parties = access.offline_purchase_parties(actor, purchase)
        seller_done = offline_seller_confirmed(purchase)
        if access.SELLER in parties and not seller_done:
            # The seller's word is recorded; the purchase waits for the OPD's review.
            audit.record(
                action=OFFLINE_SELLER_CONFIRMED,
                actor=actor,
                target=purchase,
                data={"amount": purchase.amount},
            )
            return purchase
        if not (parties & {access.GUIDE, access.ADMIN}):
            raise Conflict(
                _(
                    "Pembelian ini jauh di atas kebiasaan: konfirmasi Anda sudah dicatat dan "
                    "menunggu pemeriksaan petugas OPD."
                )
            )
        if not seller_done:
            raise Conflict(
                _(
                    "Pembelian ini jauh di atas kebiasaan: penjual harus mengonfirmasinya "
                    "lebih dulu, lalu petugas OPD memeriksanya."
                )
            )
    _record_decision(
        purchase,
        machine=flows.OFFLINE_PURCHASE,
        actor=actor,
        to=to,
        reason=reason,
        payload=_offline_payload,
        checked=True,
    )
    audit.record(
        action="asn.offline_decided",
        actor=actor,
        target=purchase,
        data={"confirmed": to == OfflinePurchase.State.CONFIRMED, "amount": purchase.amount},
    )
    return purchase


# --- integrity flags -----------------------------------------------------------------------------
@transaction.atomic
def integrity_flag_transition(*, actor, flag_id: int, to: str, note: str) -> IntegrityFlag:
    """An auditor (or the city admin) reviews an open flag: cleared (wajar) or confirmed
    (terbukti), always with a note."""
    flag = IntegrityFlag.objects.select_for_update().filter(pk=flag_id).first()
    if flag is None:
        raise NotFound(_("Tanda tidak ditemukan."))
    flows.INTEGRITY_FLAG.check(obj=flag, to=to, actor=actor)
    note = (note or "").strip()
    if not note:
        raise ApplicationError.for_field("note", _("Catatan pemeriksaan wajib diisi."))
    flag.note = note[:500]
    flag.reviewed_by, flag.reviewed_at = actor, timezone.now()
    workflow.transition(
        machine=flows.INTEGRITY_FLAG,
        obj=flag,
        to=to,
        actor=actor,
        reason=flag.note,
        fields=("note", "reviewed_by", "reviewed_at"),
        payload=flags.event_payload(flag),
        checked=True,
    )
    audit.record(
        action="asn.flag_reviewed",
        actor=actor,
        target=flag,
        data={"state": to, "kind": flag.kind},
    )
    return flag


# --- staples bundles -----------------------------------------------------------------------------
def bundle_order(
    *,
    buyer,
    bundle_id: int,
    village_code: str,
    street: str,
    payment_method: str,
    plan: str,
    idempotency_key: str,
) -> Checkout:
    """Orders a staples bundle for an ASN: the sellers picked now (bundles.plan), only when
    they are the ones the buyer was shown (`plan`, their signature), one order per seller
    through the checkout, delivered where the seller delivers to the buyer's kecamatan. A
    retry with the same key returns the first checkout."""
    employee = access.employee_of(user=buyer)
    if employee is None:
        raise PermissionDenied(_("Paket sembako hanya untuk ASN."))
    bundle = Bundle.objects.filter(pk=bundle_id, is_active=True).first()
    if bundle is None:
        raise NotFound(_("Paket tidak ditemukan."))
    district = (village_code or "").rsplit(".", 1)[0]
    picks = bundles.plan(
        bundle=bundle, employee=employee, district_code=district, placed_with=idempotency_key
    )
    if plan != bundles.signature(picks):
        raise bundles.PlanChanged(
            _(
                "Pilihan penjual berubah sejak Anda melihatnya (stok atau harga berubah). "
                "Periksa lagi, lalu pesan."
            )
        )
    if gaps := bundles.missing(picks):
        raise Conflict(_("Paket belum dapat dipenuhi: %(items)s.") % {"items": ", ".join(gaps)})
    sellers = {p.product.business_id: p.product.business for p in picks}
    checkout, _created = orders.checkout_place(
        buyer=buyer,
        # The prices the buyer saw: a price changed since is refused, not charged.
        lines=[(p.product.pk, p.quantity, p.price) for p in picks],
        idempotency_key=idempotency_key,
        data=orders.CheckoutInput(
            address=orders.Address(
                village_code=village_code,
                street=street,
                contact_phone=buyer.phone,
                contact_name=buyer.name,
            ),
            deliveries={pk: bundles.delivery_for(b, district) for pk, b in sellers.items()},
            payment_method=payment_method,
        ),
    )
    return checkout


# --- policy ------------------------------------------------------------------------------------
def policy_guard(policy: Policy) -> None:
    """A version a closed period used is history: change the rules with a new version."""
    if policy.locked:
        raise Conflict(
            _(
                "Kebijakan ini dipakai periode yang sudah ditutup dan tidak dapat "
                "diubah. Buat versi baru dengan tanggal berlaku baru."
            )
        )


POLICY_EVENTS = ("created", "changed", "published", "deleted")


def policy_payload(policy: Policy) -> dict:
    return {
        "policy_id": policy.pk,
        "effective_from": policy.effective_from.isoformat(),
        "regulation_ref": policy.regulation_ref,
        "is_example": policy.is_example,
        "default_amount": policy.default_amount,
        "cap_amount": policy.cap_amount,
        "cap_share": policy.cap_share,
        "counts_offline": policy.counts_offline,
        "amounts": [
            [a.basis, a.value, a.amount] for a in policy.amounts.order_by("basis", "value")
        ],
        "categories": sorted(policy.eligible_categories.values_list("pk", flat=True)),
    }


def policy_record(*, actor, policy: Policy, what: str, changed=()) -> None:
    """Records `policy.<what>` for a version saved in the back office, in the saving
    transaction, once its amounts and categories are saved too (or just before it is
    deleted). A change that turns an example into the rules in force is `published`."""
    if what not in POLICY_EVENTS:
        raise ValueError(f"unknown policy event {what!r}")
    events.record(
        kind=f"policy.{what}",
        subject=policy,
        actor=actor,
        payload={**policy_payload(policy), "changed": sorted(changed)},
    )
