"""Writes of the ASN programme: claims, offline purchases, exemptions, policy versions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.accounts import services as account_services
from malpro.accounts.models import Agency
from malpro.accounts.roles import Role
from malpro.asn import obligation, periods
from malpro.asn.models import Employee, NipClaim, OfflinePurchase, Policy
from malpro.core import audit, validators
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.notifications.services import notify
from malpro.umkm.models import Business, Status

OVERSIGHT_AGENCIES = {"BKPSDM", "INSPEKTORAT"}
MAX_RECEIPT_BYTES = 8 * 1024 * 1024


def sees_all_asn(user) -> bool:
    """The city admin, auditors, and officers of BKPSDM and the Inspektorat see every OPD."""
    if not user.is_authenticated:
        return False
    if user.is_city_admin or user.is_auditor:
        return True
    oversight = Agency.objects.filter(code__in=OVERSIGHT_AGENCIES).values_list("pk", flat=True)
    return bool(set(user.officer_agency_ids()) & set(oversight))


def keeps_roster(user) -> bool:
    """The city admin and BKPSDM officers keep the roster: they see full NIPs in exports;
    other readers of the reports see them masked."""
    if not user.is_authenticated:
        return False
    if user.is_city_admin:
        return True
    keeper = Agency.objects.filter(code="BKPSDM").values_list("pk", flat=True)
    return bool(set(user.officer_agency_ids()) & set(keeper))


def visible_agency_ids(user) -> set[int] | None:
    """None: every agency; otherwise the officer's own agencies."""
    return None if sees_all_asn(user) else set(user.officer_agency_ids())


def employee_of(user) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.filter(user=user).select_related("agency").first()


@transaction.atomic
def nip_claim(*, user, nip: str, birth_date: dt.date) -> NipClaim:
    """A user becomes an ASN by claiming their NIP: it must be on the roster and active, the
    birth date must be the one the NIP carries, and the roster's phone decides: the same as the
    account's → approved at once; otherwise their OPD's officer confirms."""
    try:
        parsed = validators.clean_nip(nip)
    except ValidationError as exc:
        raise ApplicationError.for_field("nip", " ".join(exc.messages)) from None
    if birth_date != parsed.birth_date:
        raise ApplicationError.for_field("birth_date", _("Tanggal lahir tidak sesuai dengan NIP."))
    employee = Employee.objects.select_for_update().filter(nip=parsed.number).first()
    if employee is None:
        raise NotFound(_("NIP ini tidak ada di daftar ASN kota. Hubungi BKPSDM."))
    if not employee.is_active:
        raise Conflict(_("NIP ini tercatat tidak aktif."))
    if employee.user_id is not None:
        if employee.user_id == user.pk:
            raise Conflict(_("NIP ini sudah terhubung ke akun Anda."))
        raise Conflict(_("NIP ini sudah diklaim akun lain. Hubungi OPD Anda bila ini keliru."))
    if Employee.objects.filter(user=user).exists():
        raise Conflict(_("Akun ini sudah terhubung ke NIP lain."))
    pending = NipClaim.objects.filter(employee=employee, state=NipClaim.State.PENDING).first()
    if pending is not None:
        if pending.user_id == user.pk:
            return pending
        raise Conflict(_("NIP ini sedang diklaim akun lain dan menunggu konfirmasi OPD."))
    phone_matched = bool(employee.phone) and employee.phone == user.phone
    claim = NipClaim.objects.create(user=user, employee=employee, phone_matched=phone_matched)
    if phone_matched:
        _approve(claim, decided_by=None, reason=_("Nomor HP sama dengan data BKPSDM."))
    audit.record(
        action="asn.nip_claimed",
        actor=user,
        target=employee,
        data={"auto": phone_matched, "nip": validators.mask_nip(parsed.number)},
    )
    return claim


def _approve(claim: NipClaim, *, decided_by, reason: str) -> None:
    employee = claim.employee
    employee.user, employee.claimed_at = claim.user, timezone.now()
    employee.save(update_fields=["user", "claimed_at"])
    claim.state, claim.decided_by, claim.decided_at = (
        NipClaim.State.APPROVED,
        decided_by,
        timezone.now(),
    )
    claim.reason = reason[:300]
    claim.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    account_services.role_grant(user=claim.user, role=Role.ASN, granted_by=decided_by)
    notify(
        user=claim.user,
        kind="asn.claim_approved",
        title=_("NIP Anda terverifikasi"),
        body=_("Akun Anda sekarang terhubung ke data ASN %(name)s.") % {"name": employee.name},
        link="/asn/",
    )


def can_decide_claim(user, claim: NipClaim) -> bool:
    return user.is_authenticated and (
        user.is_city_admin or (claim.employee.agency_id in user.officer_agency_ids())
    )


@transaction.atomic
def nip_claim_decide(*, actor, claim_id: int, approve: bool, reason: str = "") -> NipClaim:
    claim = (
        NipClaim.objects.select_for_update().select_related("employee").filter(pk=claim_id).first()
    )
    if claim is None or not can_decide_claim(actor, claim):
        raise NotFound(_("Klaim tidak ditemukan."))
    if claim.state != NipClaim.State.PENDING:
        raise Conflict(_("Klaim ini sudah diputuskan."))
    if approve:
        if claim.employee.user_id is not None:
            raise Conflict(_("NIP ini sudah terhubung ke akun lain."))
        _approve(claim, decided_by=actor, reason=reason or _("Dikonfirmasi OPD."))
    else:
        if not reason.strip():
            raise ApplicationError.for_field("reason", _("Alasan penolakan wajib diisi."))
        claim.state, claim.decided_by, claim.decided_at = (
            NipClaim.State.REJECTED,
            actor,
            timezone.now(),
        )
        claim.reason = reason.strip()[:300]
        claim.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    audit.record(
        action="asn.claim_decided", actor=actor, target=claim.employee, data={"approved": approve}
    )
    return claim


# --- offline purchases ---------------------------------------------------------------------------
@transaction.atomic
def offline_record(
    *, user, business_id: int, amount: int, purchased_on: dt.date, receipt, description: str = ""
) -> OfflinePurchase:
    employee = employee_of(user)
    if employee is None:
        raise PermissionDenied(_("Hanya ASN yang dapat mencatat pembelian langsung."))
    business = Business.objects.filter(pk=business_id, status=Status.ACTIVE).first()
    if business is None:
        raise ApplicationError.for_field("business_id", _("Pilih UMKM aktif yang terdaftar."))
    if amount is None or amount <= 0:
        raise ApplicationError.for_field("amount", _("Jumlah harus lebih dari nol."))
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
    from malpro.catalog.images import prepare

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
    if business.owner_id:
        notify(
            user=business.owner,
            kind="asn.offline_to_confirm",
            title=_("Konfirmasi pembelian langsung"),
            body=_("%(name)s mencatat belanja %(amount)s di %(shop)s pada %(date)s.")
            % {
                "name": employee.name,
                "amount": f"Rp{amount:,}".replace(",", "."),
                "shop": business.name,
                "date": purchased_on.strftime("%d/%m/%Y"),
            },
            link="/jual/pembelian-asn/",
        )
    return purchase


def can_decide_offline(user, purchase: OfflinePurchase) -> bool:
    if not user.is_authenticated:
        return False
    if purchase.business.owner_id == user.pk or user.is_city_admin:
        return True
    return purchase.business.guidance.filter(agency_id__in=user.officer_agency_ids()).exists()


@transaction.atomic
def offline_decide(*, actor, purchase_id: int, confirm: bool, reason: str = "") -> OfflinePurchase:
    purchase = (
        OfflinePurchase.objects.select_for_update()
        .select_related("business", "employee")
        .filter(pk=purchase_id)
        .first()
    )
    if purchase is None or not can_decide_offline(actor, purchase):
        raise NotFound(_("Pembelian tidak ditemukan."))
    if purchase.state != OfflinePurchase.State.PENDING:
        raise Conflict(_("Pembelian ini sudah diputuskan."))
    period = obligation.period_get(purchase.purchased_on.year, purchase.purchased_on.month)
    if period.closed_at is not None:
        raise Conflict(_("Periode %(p)s sudah ditutup.") % {"p": period})
    if not confirm and not reason.strip():
        raise ApplicationError.for_field("reason", _("Alasan penolakan wajib diisi."))
    purchase.state = OfflinePurchase.State.CONFIRMED if confirm else OfflinePurchase.State.REJECTED
    purchase.decided_by, purchase.decided_at = actor, timezone.now()
    purchase.reason = reason.strip()[:300]
    purchase.save(update_fields=["state", "decided_by", "decided_at", "reason"])
    obligation.standing_refresh(
        purchase.employee, purchase.purchased_on.year, purchase.purchased_on.month
    )
    audit.record(
        action="asn.offline_decided",
        actor=actor,
        target=purchase,
        data={"confirmed": confirm, "amount": purchase.amount},
    )
    return purchase


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


def current_period() -> tuple[int, int]:
    return periods.parse(None)
