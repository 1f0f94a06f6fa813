"""Every write about people, roles and sessions goes through these functions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from malpro.accounts.models import Agency, ApiToken, RoleAssignment, User
from malpro.accounts.roles import AGENCY_SCOPED, AREA_SCOPED, Role
from malpro.core import audit, validators
from malpro.core.exceptions import ApplicationError, NotFound, RateLimited
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


def user_set_password(*, user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise _field_error("password", exc) from None
    user.set_password(password)
    user.save(update_fields=["password"])


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
def _usage(request, group: str, key: str, rate: str, increment: bool):
    return get_usage(
        request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment
    )


def login_attempt(*, request, phone: str, password: str) -> User:
    """Checks a phone + password pair, with rate limits per client address and per number.

    Raises ApplicationError (401) on a wrong pair and RateLimited (429) when too many attempts
    came from one address or failed for one number.
    """
    ip = audit.client_ip(request) or "unknown"
    if _usage(request, "login-ip", ip, settings.MALPRO_LOGIN_RATE_IP, True)["should_limit"]:
        raise RateLimited(
            _("Terlalu banyak percobaan masuk dari jaringan ini. Coba lagi beberapa menit lagi.")
        )
    normalised = phone_normalise(phone=phone)
    phone_limit = settings.MALPRO_LOGIN_RATE_PHONE
    failures = _usage(request, "login-phone", normalised, phone_limit, False)
    if failures["count"] >= failures["limit"]:
        raise RateLimited(
            _("Terlalu banyak percobaan masuk yang gagal untuk nomor ini. Coba lagi 15 menit lagi.")
        )
    user = authenticate(request, phone=normalised, password=password)
    if user is None:
        _usage(request, "login-phone", normalised, phone_limit, True)
        raise ApplicationError(_("Nomor HP atau kata sandi salah."), status=401)
    return user


def api_token_issue(*, user: User, name: str = "") -> tuple[str, ApiToken]:
    """Returns (raw token, row). The raw token is never stored and cannot be shown again."""
    raw = "mp_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash(raw),
        prefix=raw[:10],
        name=name[:120],
        expires_at=timezone.now() + timedelta(days=settings.MALPRO_API_TOKEN_DAYS),
    )
    return raw, token


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    # One write a minute at most, not one per request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
