from __future__ import annotations

import contextlib
import hashlib
import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from malpro.accounts.roles import Role
from malpro.core import validators
from malpro.core.crypto import EncryptedCharField, HashedModel, LookupHashField


class Agency(models.Model):
    """A city agency (OPD / Perangkat Daerah): dinas, badan, inspectorate, kecamatan office."""

    class Kind(models.TextChoices):
        SECRETARIAT = "sekretariat", _("Sekretariat")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        INSPECTORATE = "inspektorat", _("Inspektorat")
        KECAMATAN = "kecamatan", _("Kecamatan")
        OTHER = "lainnya", _("Lainnya")

    code = models.CharField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=60)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.DINAS)
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Untuk kantor kecamatan: wilayahnya."),
    )
    guides_umkm = models.BooleanField(
        _("membina UMKM"),
        default=False,
        help_text=_("Ditawarkan kepada penjual sebagai OPD pembina."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("perangkat daerah (OPD)")
        verbose_name_plural = _("perangkat daerah (OPD)")

    def __str__(self) -> str:
        return self.short_name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Every login path (pages, admin, API) finds the user by the normalised number.
        # An unreadable number is looked up as typed, and so simply matches nobody.
        with contextlib.suppress(ValidationError):
            username = validators.clean_phone(username)
        return self.get(phone=username)

    def create_user(self, phone, password=None, **extra):
        user = self.model(phone=validators.clean_phone(phone), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, phone, password=None, **extra):
        extra.setdefault("is_superuser", True)
        user = self.create_user(phone, password, **extra)
        RoleAssignment.objects.create(user=user, role=Role.CITY_ADMIN)
        return user


class User(AbstractBaseUser, PermissionsMixin, HashedModel):
    """A person who logs in with their mobile number. Roles are rows of RoleAssignment."""

    phone = models.CharField(
        _("nomor HP"),
        max_length=16,
        unique=True,
        help_text=_("Format internasional, mis. +6281234567890."),
    )
    name = models.CharField(_("nama"), max_length=120)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    date_joined = models.DateTimeField(_("terdaftar sejak"), default=timezone.now)
    phone_verified_at = models.DateTimeField(_("nomor HP terverifikasi"), null=True, blank=True)
    # The person's own NIK, entered once (when they first register or claim a business) and
    # verified by an officer or operator who saw the KTP. A business they own carries it.
    # Encrypted at rest; lookups and the uniqueness below go through the keyed hash.
    nik = EncryptedCharField(_("NIK"), max_length=16, blank=True)
    nik_hash = LookupHashField(source="nik", kind="nik", db_index=True, verbose_name=_("sidik NIK"))
    nik_verified_at = models.DateTimeField(_("NIK diperiksa dengan KTP"), null=True, blank=True)
    nik_verified_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("NIK diverifikasi oleh"),
    )
    # Moved to a new number by a recovery at the desk: where money goes is held for a few days.
    recovered_at = models.DateTimeField(_("dipulihkan petugas"), null=True, blank=True)
    # The language the person reads messages in (WhatsApp, SMS, email, the bell); Indonesian,
    # the city's language, unless they chose English.
    language = models.CharField(
        _("bahasa"),
        max_length=5,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="accounts_user_email_unique"
            ),
            models.CheckConstraint(
                condition=Q(phone__regex=r"^\+62[0-9]{8,13}$"), name="accounts_user_phone_e164"
            ),
            # One account per person once a KTP was seen; before that several accounts may
            # claim a NIK, so typing someone else's NIK first blocks nobody.
            models.UniqueConstraint(
                fields=["nik_hash"],
                condition=~Q(nik_hash="") & Q(nik_verified_at__isnull=False),
                name="accounts_user_verified_nik_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({validators.mask_phone(self.phone)})"

    @property
    def phone_verified(self) -> bool:
        return self.phone_verified_at is not None

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else ""

    # --- roles ----------------------------------------------------------------------------------
    @cached_property
    def role_assignments(self) -> list[RoleAssignment]:
        if not self.pk:
            return []
        return list(self.roles.select_related("agency", "district", "village__district"))

    def forget_roles(self) -> None:
        self.__dict__.pop("role_assignments", None)

    def has_role(self, *roles: str) -> bool:
        return any(a.role in roles for a in self.role_assignments)

    @property
    def role_names(self) -> list[str]:
        return sorted({a.role for a in self.role_assignments})

    @property
    def is_city_admin(self) -> bool:
        return self.is_active and self.has_role(Role.CITY_ADMIN)

    @property
    def is_auditor(self) -> bool:
        return self.has_role(Role.AUDITOR)

    @property
    def is_staff(self) -> bool:
        # Django admin and a few of its helpers read is_staff: it means "city admin" here.
        return self.is_city_admin

    def officer_agency_ids(self) -> set[int]:
        return {a.agency_id for a in self.role_assignments if a.role == Role.AGENCY_OFFICER}

    def operator_areas(self) -> tuple[set[str], set[str]]:
        """(district codes, village codes) an area operator covers."""
        districts = {
            a.district_id
            for a in self.role_assignments
            if a.role == Role.AREA_OPERATOR and a.district_id
        }
        villages = {
            a.village_id
            for a in self.role_assignments
            if a.role == Role.AREA_OPERATOR and a.village_id
        }
        return districts, villages


class RoleAssignment(models.Model):
    """One role held by one user, with its scope: an agency for officers, an area for operators."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("pengguna")
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("OPD"), null=True, blank=True, on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        "regions.District",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    village = models.ForeignKey(
        "regions.Village",
        verbose_name=_("kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    granted_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diberikan oleh"),
    )
    granted_at = models.DateTimeField(_("diberikan pada"), default=timezone.now)

    class Meta:
        verbose_name = _("peran pengguna")
        verbose_name_plural = _("peran pengguna")
        constraints = [
            models.CheckConstraint(
                name="accounts_role_scope",
                condition=(
                    Q(
                        role=Role.AGENCY_OFFICER,
                        agency__isnull=False,
                        district__isnull=True,
                        village__isnull=True,
                    )
                    | Q(
                        role=Role.AREA_OPERATOR,
                        agency__isnull=True,
                        district__isnull=False,
                        village__isnull=True,
                    )
                    | Q(
                        role=Role.AREA_OPERATOR,
                        agency__isnull=True,
                        district__isnull=True,
                        village__isnull=False,
                    )
                    | (
                        ~Q(role__in=[Role.AGENCY_OFFICER, Role.AREA_OPERATOR])
                        & Q(agency__isnull=True, district__isnull=True, village__isnull=True)
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(agency__isnull=True, district__isnull=True, village__isnull=True),
                name="accounts_role_unique_unscoped",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=Q(agency__isnull=False),
                name="accounts_role_unique_agency",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district"],
                condition=Q(district__isnull=False),
                name="accounts_role_unique_district",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "village"],
                condition=Q(village__isnull=False),
                name="accounts_role_unique_village",
            ),
        ]

    def __str__(self) -> str:
        scope = self.scope_label
        return f"{self.get_role_display()}" + (f" ({scope})" if scope else "")

    @property
    def scope_label(self) -> str:
        if self.agency_id:
            return str(self.agency)
        if self.district_id:
            return _("Kec. %(name)s") % {"name": self.district.name}
        if self.village_id:
            return _("Kel. %(name)s") % {"name": self.village.name}
        return ""


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("pengguna")
    )
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("sidik kunci"))
    prefix = models.CharField(max_length=12, verbose_name=_("awalan"))
    name = models.CharField(max_length=120, blank=True, verbose_name=_("nama"))
    session = models.ForeignKey(
        "LoginSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tokens",
        verbose_name=_("sesi"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("dibuat"))
    expires_at = models.DateTimeField(verbose_name=_("berlaku sampai"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("terakhir dipakai"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("dicabut"))

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class LoginSession(models.Model):
    """One place a person is logged in: a browser (a Django session) or an API client (a chain
    of renewed tokens). People list and end their own; a password change, a reset and
    "keluar dari semua perangkat" end them all."""

    class Kind(models.TextChoices):
        WEB = "web", _("Browser")
        API = "api", _("Aplikasi (API)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    session_key = models.CharField(max_length=40, blank=True, db_index=True)
    device = models.CharField(_("perangkat"), max_length=120, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    # The absolute end: an API session's tokens are renewed up to here, no further.
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True)
    # accounts.sessions.password_stamp() when it started: a changed password ends it.
    password_stamp = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("sesi masuk")
        verbose_name_plural = _("sesi masuk")
        ordering = ["-last_used_at"]
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.device[:40]} ({self.user_id})"


class OneTimeCode(models.Model):
    """A 6-digit code sent to a phone. Only a keyed hash of the code is stored; it lives a few
    minutes, allows a few tries and is used once."""

    class Purpose(models.TextChoices):
        VERIFY = "verify", _("Verifikasi nomor HP")
        RESET = "reset", _("Atur ulang kata sandi")

    phone = models.CharField(max_length=16, db_index=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="one_time_codes"
    )
    code_hash = models.CharField(max_length=64)
    # Who asked: the code can be tried only with the ticket its request got back, so nobody
    # else's wrong guesses spend its tries and nobody else's request replaces it.
    ticket = models.CharField(max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kode sekali pakai")
        verbose_name_plural = _("kode sekali pakai")
        indexes = [models.Index(fields=["phone", "purpose", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {validators.mask_phone(self.phone)}"
