"""Every write about people, roles and sessions goes through these functions."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.accounts import access, otp, sessions
from malpro.accounts.models import Agency, ApiToken, OneTimeCode, RoleAssignment, User
from malpro.accounts.roles import AGENCY_SCOPED, AREA_SCOPED, Role
from malpro.core import audit, crypto, netaddr, throttle, validators
from malpro.core.exceptions import (
    ApplicationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
)
from malpro.notifications import services as notices
from malpro.regions.models import District, Village


def _field_error(field: str, error: ValidationError) -> ApplicationError:
    return ApplicationError.for_field(field, " ".join(error.messages))


def phone_normalise(*, phone: str, field: str = "phone") -> str:
    try:
        return validators.clean_phone(phone)
    except ValidationError as exc:
        raise _field_error(field, exc) from None


@transaction.atomic
def user_register(*, phone: str, password: str, name: str, email: str = "", request=None) -> User:
    """A citizen signs up: the account starts as a buyer."""
    phone = phone_normalise(phone=phone)
    name = (name or "").strip()
    if not name:
        raise ApplicationError.for_field("name", _("Nama wajib diisi."))
    if User.objects.filter(phone=phone).exists():
        raise ApplicationError.for_field(
            "phone", _("Nomor HP ini sudah terdaftar. Silakan masuk."), status=409
        )
    email = (email or "").strip()
    if email and User.objects.filter(email__iexact=email).exists():
        raise ApplicationError.for_field("email", _("Email ini sudah dipakai akun lain."))
    user = User(phone=phone, name=name, email=email)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise _field_error("password", exc) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent sign-up with the same number won the race
        raise ApplicationError.for_field(
            "phone", _("Nomor HP ini sudah terdaftar. Silakan masuk."), status=409
        ) from None
    RoleAssignment.objects.create(user=user, role=Role.BUYER)
    audit.record(
        action="accounts.user_registered", actor=user, target=user, ip=audit.client_ip(request)
    )
    return user


def user_update_profile(*, user: User, name: str, email: str = "") -> User:
    name = (name or "").strip()
    if not name:
        raise ApplicationError.for_field("name", _("Nama wajib diisi."))
    email = (email or "").strip()
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ApplicationError.for_field("email", _("Email ini sudah dipakai akun lain."))
    user.name, user.email = name, email
    user.save(update_fields=["name", "email"])
    return user


def _scope_for(
    role: str, agency_code: str | None, area_code: str | None
) -> tuple[Agency | None, District | None, Village | None]:
    agency = district = village = None
    if role in AGENCY_SCOPED:
        if not agency_code:
            raise ApplicationError.for_field("agency", _("Peran petugas OPD memerlukan kode OPD."))
        agency = Agency.objects.filter(code__iexact=agency_code.strip()).first()
        if agency is None:
            raise NotFound(_("OPD dengan kode %(code)s tidak ditemukan.") % {"code": agency_code})
    if role in AREA_SCOPED:
        if not area_code:
            raise ApplicationError.for_field(
                "area", _("Peran operator wilayah memerlukan kode kecamatan atau kelurahan.")
            )
        code = area_code.strip()
        if code.count(".") == 2:
            district = District.objects.filter(code=code).first()
        elif code.count(".") == 3:
            village = Village.objects.filter(code=code).first()
        if district is None and village is None:
            raise NotFound(
                _("Kecamatan/kelurahan dengan kode %(code)s tidak ditemukan.") % {"code": code}
            )
    return agency, district, village


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    agency_code: str | None = None,
    area_code: str | None = None,
    granted_by: User | None = None,
) -> RoleAssignment:
    """Gives `user` a role (idempotent: granting a role held already returns it)."""
    if role not in Role.values:
        raise ApplicationError.for_field(
            "role",
            _("Peran %(role)s tidak dikenal. Pilihan: %(choices)s.")
            % {"role": role, "choices": ", ".join(Role.values)},
        )
    agency, district, village = _scope_for(role, agency_code, area_code)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        agency=agency,
        district=district,
        village=village,
        defaults={"granted_by": granted_by},
    )
    if created:
        audit.record(
            action="accounts.role_granted",
            actor=granted_by,
            target=user,
            data={"role": role, "scope": assignment.scope_label},
        )
    user.forget_roles()
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, revoked_by: User | None = None) -> None:
    user = assignment.user
    audit.record(
        action="accounts.role_revoked",
        actor=revoked_by,
        target=user,
        data={"role": assignment.role, "scope": assignment.scope_label},
    )
    assignment.delete()
    user.forget_roles()


# --- logging in ---------------------------------------------------------------------------------
# Wrong passwords cost growing delays: per (number, address), so an attacker elsewhere never
# slows the owner down, and per number across all addresses, with more free tries, against a
# spread-out attack. A one-time code to the phone clears both at once (password reset).
def _login_backoffs() -> tuple[throttle.Backoff, throttle.Backoff]:
    """(per number and address, per number)."""
    return (
        throttle.Backoff(
            name="login-phone-ip", free=settings.MALPRO_LOGIN_FREE_FAILURES, base=30, cap=15 * 60
        ),
        throttle.Backoff(
            name="login-phone",
            free=settings.MALPRO_LOGIN_FREE_FAILURES_PHONE,
            base=60,
            cap=60 * 60,
        ),
    )


def _rate(spec: str) -> tuple[int, int]:
    """'30/5m' -> (30, 300)."""
    count, _sep, period = spec.partition("/")
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    number = period[:-1] or "1"
    return int(count), int(number) * units[period[-1]]


def login_unlock(*, phone: str, request=None) -> None:
    """The owner proved the phone (a one-time code): the wrong-password delays on the number,
    and on the number from this address, end at once."""
    by_pair, by_number = _login_backoffs()
    by_number.clear(phone)
    by_pair.clear(f"{phone}|{netaddr.rate_key(request)}")


def login_attempt(*, request, phone: str, password: str) -> User:
    """Checks a phone + password pair.

    Each try is reserved atomically before the password is checked: per address (a window),
    per (number, address) and per number (growing delays after free failures). The number's
    own delays spare addresses it logged in from before, so a stranger's failures elsewhere do
    not stop the owner. Raises RateLimited (429, `extra.retry_after`) or ApplicationError (401)
    on a wrong pair. Never counted inside a transaction."""
    place = netaddr.rate_key(request)
    limit, window = _rate(settings.MALPRO_LOGIN_RATE_IP)
    if throttle.hit("login-ip", place, limit=limit, window=window).exceeded:
        raise RateLimited(
            _("Terlalu banyak percobaan masuk dari jaringan ini. Coba lagi beberapa menit lagi.")
        )
    normalised = phone_normalise(phone=phone)
    pair = f"{normalised}|{place}"
    by_pair, by_number = _login_backoffs()
    checks = [(by_pair, pair)]
    if not throttle.known("login-place", pair):
        checks.append((by_number, normalised))
    reserved = []
    for backoff, key in checks:
        wait = backoff.attempt(key)
        if wait:
            for earlier, earlier_key in reserved:
                earlier.release(earlier_key)
            raise RateLimited(
                _(
                    "Kata sandi salah beberapa kali. Tunggu %(wait)s sebelum mencoba lagi, atau "
                    'pakai "Lupa kata sandi" untuk masuk sekarang dengan kode SMS.'
                )
                % {"wait": throttle.wait_words(wait)},
                {"retry_after": wait},
            )
        reserved.append((backoff, key))
    user = authenticate(request, phone=normalised, password=password)
    if user is None:
        for backoff, key in reserved:
            backoff.failed(key)
        audit.record(
            action="accounts.login_failed",
            data={"phone": validators.mask_phone(normalised)},
            ip=audit.client_ip(request),
        )
        raise ApplicationError(_("Nomor HP atau kata sandi salah."), status=401)
    by_pair.succeeded(pair)
    if (by_number, normalised) in reserved:
        by_number.release(normalised)
    throttle.remember("login-place", pair)
    return user


def api_token_issue(*, user: User, name: str = "", request=None) -> tuple[str, ApiToken]:
    """An API login: returns (raw token, row). The raw token is never stored."""
    return sessions.api_started(user=user, request=request, name=name)


def api_token_revoke(*, token: ApiToken) -> None:
    sessions.api_ended(token=token)


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    return sessions.api_authenticated(raw=raw)


# --- passwords, codes and recovery ------------------------------------------------------------
def user_verify_phone_send(*, user: User, request=None) -> otp.Sent:
    """Sends a code to the account's own number, to prove it."""
    if user.phone_verified_at is not None:
        raise Conflict(_("Nomor HP Anda sudah terverifikasi."))
    return otp.send_otp(
        phone=user.phone, purpose=OneTimeCode.Purpose.VERIFY, user=user, request=request
    )


def user_verify_phone(*, user: User, code: str, request=None) -> User:
    """The code sent to the account's number proves it."""
    if user.phone_verified_at is not None:
        return user
    otp.check_otp(phone=user.phone, purpose=OneTimeCode.Purpose.VERIFY, code=code, request=request)
    with transaction.atomic():
        user.phone_verified_at = timezone.now()
        user.save(update_fields=["phone_verified_at"])
        audit.record(
            action="accounts.phone_verified",
            actor=user,
            target=user,
            data={"phone": validators.mask_phone(user.phone)},
            ip=audit.client_ip(request),
        )
    login_unlock(phone=user.phone, request=request)
    return user


def password_reset_send(*, phone: str, request=None) -> otp.Sent:
    """'Lupa kata sandi': a code to the number, if an active account has it. The answer is the
    same when none has (the number's owner is the only one who learns anything)."""
    number = phone_normalise(phone=phone)
    user = User.objects.filter(phone=number, is_active=True).first()
    return otp.send_otp(phone=number, purpose=OneTimeCode.Purpose.RESET, user=user, request=request)


def password_reset(*, phone: str, code: str, password: str, ticket: str = "", request=None) -> User:
    """Sets a new password with the code sent to the number; every session and token of the
    account ends, and the number counts as verified (the code proved it)."""
    number = phone_normalise(phone=phone)
    user = User.objects.filter(phone=number, is_active=True).first()
    probe = user or User(phone=number)
    try:
        validate_password(password, probe)
    except ValidationError as exc:
        raise _field_error("password", exc) from None
    otp.check_otp(
        phone=number,
        purpose=OneTimeCode.Purpose.RESET,
        code=code,
        ticket=ticket,
        request=request,
    )
    if user is None:  # a code is only ever sent to an account's number
        raise ApplicationError.for_field("code", _("Kode tidak berlaku lagi. Minta kode baru."))
    with transaction.atomic():
        user.set_password(password)
        fields = ["password"]
        if user.phone_verified_at is None:
            user.phone_verified_at = timezone.now()
            fields.append("phone_verified_at")
        user.save(update_fields=fields)
        sessions.end_all(user=user, reason="password_reset", request=request)
        audit.record(
            action="accounts.password_reset",
            actor=user,
            target=user,
            ip=audit.client_ip(request),
        )
    login_unlock(phone=number, request=request)
    return user


def user_set_password(*, user: User, password: str, request=None) -> None:
    """A logged-in person changes their password: every other session and token ends; the
    browser in use stays logged in."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise _field_error("password", exc) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        keep = request.session.get(sessions.SESSION_FIELD) if request is not None else None
        sessions.end_all(user=user, reason="password_changed", keep=keep, request=request)
        if request is not None:
            sessions.restamp(request, user)


_CITIZEN_ROLES = {Role.BUYER, Role.SELLER, Role.ASN}


def recovery_in_person(
    *, actor: User, phone: str, ktp_nik: str, new_phone: str, ktp_seen: bool, request=None
) -> User:
    """Someone who lost their phone comes to the kelurahan with their KTP. The operator (or the
    city admin) checks the KTP against the NIK the account holds and moves the account to the
    new number; every session and token ends, the old number is told by SMS, where money goes
    is held for MALPRO_RECOVERY_HOLD_DAYS, and the person sets a new password themselves with
    "Lupa kata sandi" on the new number (the operator never learns it).

    Operators recover citizens' accounts whose NIK is on record; accounts of officials, and
    accounts without a NIK, only the city admin (never their own)."""
    if not access.can_recover_accounts(user=actor):
        raise PermissionDenied(_("Hanya operator wilayah atau admin kota."))
    if not ktp_seen:
        raise ApplicationError.for_field(
            "ktp_seen", _("Pemulihan hanya dengan KTP asli yang Anda lihat sendiri.")
        )
    number = phone_normalise(phone=phone)
    target = phone_normalise(phone=new_phone, field="new_phone")
    try:
        nik = validators.clean_nik(ktp_nik).number
    except ValidationError as exc:
        raise _field_error("ktp_nik", exc) from None
    try:
        with transaction.atomic():
            user = _recover(actor, number, target, nik, request)
    except IntegrityError:
        raise ApplicationError.for_field(
            "new_phone", _("Nomor baru ini sudah dipakai akun lain."), status=409
        ) from None
    return user


def _recover(actor: User, number: str, target: str, nik: str, request) -> User:
    user = User.objects.select_for_update().filter(phone=number).first()
    # The same answer for "no account" and "NIK differs": the desk learns nothing from a guess.
    mismatch = ApplicationError.for_field(
        "ktp_nik",
        _("Tidak ada akun dengan nomor HP ini dan NIK pada KTP ini. Periksa keduanya."),
    )
    if user is None or (user.nik and user.nik != nik):
        raise mismatch
    admin = access.is_city_admin(user=actor)
    official = user.is_superuser or any(a.role not in _CITIZEN_ROLES for a in user.role_assignments)
    if official and (not admin or user.pk == actor.pk):
        raise PermissionDenied(
            _("Akun petugas hanya dapat dipulihkan oleh admin kota lain."), status=403
        )
    if not user.nik and not admin:
        raise PermissionDenied(
            _(
                "Akun ini belum mencatat NIK, jadi KTP tidak dapat dicocokkan di sini. "
                "Pemulihannya hanya oleh admin kota."
            ),
            status=403,
        )
    if target != number and User.objects.filter(phone=target).exists():
        raise ApplicationError.for_field(
            "new_phone", _("Nomor baru ini sudah dipakai akun lain."), status=409
        )
    had_nik = bool(user.nik)
    user.phone = target
    user.phone_verified_at = None
    user.recovered_at = timezone.now()
    user.save(update_fields=["phone", "phone_verified_at", "recovered_at"])
    if had_nik and user.nik_verified_at is None:
        # The KTP in front of the desk shows the NIK the account itself gave.
        _nik_proved(user, by=actor, how="ktp_in_person")
    sessions.end_all(user=user, reason="recovered_in_person", actor=actor, request=request)
    audit.record(
        action="accounts.recovered_in_person",
        actor=actor,
        target=user,
        data={
            "old_phone": validators.mask_phone(number),
            "new_phone": validators.mask_phone(target),
            "nik": validators.mask_nik(nik),
            "nik_on_record": had_nik,
            "ktp_seen": True,
        },
        ip=audit.client_ip(request),
    )
    transaction.on_commit(lambda: _tell_old_number(number, target))
    return user


def _tell_old_number(old: str, new: str) -> None:
    """Best effort: whoever still holds the old number learns of the move at once."""
    text = _(
        "Akun %(site)s untuk nomor ini dipindah petugas ke nomor %(new)s. Bila bukan Anda yang "
        "meminta, segera hubungi admin kota."
    ) % {"site": settings.MALPRO_SITE_NAME, "new": validators.mask_phone(new)}
    notices.send_text_now(phone=old, text=text, template="account.recovered_old_number")


def payout_hold_until(user: User):
    """Until when where money goes may not change after a recovery at the desk (None: no
    hold)."""
    if user.recovered_at is None:
        return None
    until = user.recovered_at + timedelta(days=settings.MALPRO_RECOVERY_HOLD_DAYS)
    return until if until > timezone.now() else None


def require_no_recovery_hold(user: User) -> None:
    until = payout_hold_until(user)
    if until is not None:
        raise PermissionDenied(
            _(
                "Akun ini baru dipulihkan lewat petugas. Demi keamanan, rekening dan QRIS dapat "
                "diubah lagi mulai %(when)s."
            )
            % {"when": timezone.localtime(until).strftime("%d/%m/%Y %H:%M")}
        )


# --- what a phone or a KTP proves ------------------------------------------------------------
class PhoneNotVerified(PermissionDenied):
    """The action relies on the person's phone, which they have not proved yet."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message or _("Verifikasi nomor HP Anda dulu dengan kode yang kami kirim lewat SMS."),
            {"code": "phone_unverified", "verify_url": reverse("accounts:verify_phone")},
        )


def require_verified_phone(user: User) -> None:
    """Raises PhoneNotVerified unless `user` proved their phone (claims, payouts, selling)."""
    if not access.has_verified_phone(user=user):
        raise PhoneNotVerified()


def user_nik_bind(*, user: User, nik: str, field: str = "nik") -> str:
    """The person's own NIK: set the first time they give it, and from then on what they type
    must be the same. Returns the clean NIK. Raises a field error for a NIK other than the
    account's, or one another account proved with its KTP. An unproved NIK blocks nobody: the
    first account whose KTP an officer or operator checks keeps it (user_nik_verify)."""
    try:
        number = validators.clean_nik(nik).number
    except ValidationError as exc:
        raise _field_error(field, exc) from None
    if user.nik:
        if user.nik != number:
            raise ApplicationError.for_field(
                field,
                _(
                    "NIK ini bukan NIK akun Anda (%(mine)s). Usaha hanya dapat didaftarkan atau "
                    "diklaim atas NIK Anda sendiri; bila NIK akun keliru, hubungi operator "
                    "kelurahan dengan membawa KTP."
                )
                % {"mine": validators.mask_nik(user.nik)},
            )
        return number
    digest = crypto.nik_hash(number)  # NIKs are encrypted: equality goes through the hash
    if (
        User.objects.filter(nik_hash=digest, nik_verified_at__isnull=False)
        .exclude(pk=user.pk)
        .exists()
    ):
        raise ApplicationError.for_field(
            field,
            _(
                "NIK ini sudah dipakai akun lain yang diperiksa dengan KTP. Bila itu NIK Anda, "
                "datangi operator kelurahan dengan KTP asli."
            ),
            status=409,
        )
    User.objects.filter(pk=user.pk, nik_hash="").update(nik=number, nik_hash=digest)
    user.nik, user.nik_hash = number, digest
    audit.record(
        action="accounts.nik_bound",
        actor=user,
        target=user,
        data={"nik": validators.mask_nik(number)},
    )
    return number


def _nik_proved(user: User, *, by: User, how: str) -> None:
    """`user`'s NIK was checked against a KTP: it is theirs. Other accounts that typed the same
    NIK without proof lose it (recorded), so nobody can hold a stranger's NIK."""
    now = timezone.now()
    others = list(
        User.objects.select_for_update()
        .filter(nik_hash=crypto.nik_hash(user.nik), nik_verified_at__isnull=True)
        .exclude(pk=user.pk)
        .values_list("pk", flat=True)
    )
    if others:
        User.objects.filter(pk__in=others).update(nik="", nik_hash="")
        for pk in others:
            audit.record(
                action="accounts.nik_released",
                actor=by,
                target=User(pk=pk),
                data={"nik": validators.mask_nik(user.nik), "proved_by_user": user.pk},
            )
    user.nik_verified_at, user.nik_verified_by = now, by
    user.save(update_fields=["nik_verified_at", "nik_verified_by"])
    audit.record(
        action="accounts.nik_verified",
        actor=by,
        target=user,
        data={"nik": validators.mask_nik(user.nik), "how": how},
    )


def user_nik_verify(*, user: User, by: User, nik: str, how: str) -> None:
    """An officer or operator saw the KTP (in person, or its photo on the documents) and it
    shows this NIK for this person."""
    if not access.can_verify_nik(user=by):
        raise PermissionDenied(_("Hanya petugas OPD, operator wilayah atau admin kota."))
    if not user.nik or user.nik != nik or user.nik_verified_at is not None:
        return
    taken = User.objects.filter(nik_hash=crypto.nik_hash(nik), nik_verified_at__isnull=False)
    if taken.exclude(pk=user.pk).exists():
        # Another account proved this NIK with a KTP already: a case for the city admin.
        raise Conflict(_("NIK ini sudah diperiksa dengan KTP untuk akun lain. Hubungi admin kota."))
    _nik_proved(user, by=by, how=how)
