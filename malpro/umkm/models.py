from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from malpro.core.crypto import (
    EncryptedCharField,
    EncryptedMixin,
    HashedModel,
    LookupHashField,
)
from malpro.umkm.scale import Scale, classify


class Sector(models.TextChoices):
    FOOD = "makanan_minuman", _("Makanan & minuman")
    AGRICULTURE = "pertanian", _("Pertanian & peternakan")
    RETAIL = "perdagangan", _("Perdagangan & toko kelontong")
    CRAFT = "kerajinan", _("Kerajinan")
    FASHION = "fashion", _("Fashion & batik")
    BEAUTY = "kecantikan", _("Kecantikan & perawatan")
    SERVICE = "jasa", _("Jasa")
    OTHER = "lainnya", _("Lainnya")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    VERIFIED = "verified", _("Terverifikasi")
    ACTIVE = "active", _("Aktif")
    REJECTED = "rejected", _("Ditolak")
    SUSPENDED = "suspended", _("Dibekukan")


def name_key(name: str) -> str:
    """A business name reduced for matching: case, spaces and punctuation ignored."""
    return re.sub(r"[^0-9a-z]+", " ", (name or "").lower()).strip()


def _private_storage():
    return storages["private"]


class Business(HashedModel):
    """A UMKM in the city's register. It joins the marketplace through verification."""

    name = models.CharField(_("nama usaha"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False, db_index=True)
    description = models.TextField(_("deskripsi"), blank=True, max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun pemilik"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="businesses",
    )
    owner_name = models.CharField(_("nama pemilik"), max_length=120)
    # Encrypted at rest; equality (lookups, the uniqueness below) goes through the keyed hash.
    owner_nik = EncryptedCharField(_("NIK pemilik"), max_length=16, blank=True)
    owner_nik_hash = LookupHashField(source="owner_nik", kind="nik", db_index=True)
    phone = models.CharField(_("nomor HP usaha"), max_length=16, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    # Shown to buyers of a pickup order with the address; free text ("Senin–Sabtu 08.00–16.00").
    opening_hours = models.CharField(_("jam buka"), max_length=120, blank=True)
    village = models.ForeignKey(
        "regions.Village", verbose_name=_("kelurahan"), on_delete=models.PROTECT
    )
    sector = models.CharField(_("sektor"), max_length=20, choices=Sector.choices)
    capital = models.BigIntegerField(_("modal usaha (Rp)"), null=True, blank=True)
    annual_sales = models.BigIntegerField(_("omzet tahunan (Rp)"), null=True, blank=True)
    scale = models.CharField(
        _("skala"), max_length=10, choices=Scale.choices, blank=True, editable=False
    )
    nib = models.CharField(_("NIB"), max_length=13, null=True, blank=True, unique=True)
    halal_number = models.CharField(_("nomor sertifikat halal"), max_length=40, blank=True)
    halal_issued_on = models.DateField(_("halal terbit"), null=True, blank=True)
    halal_expires_on = models.DateField(_("halal berlaku sampai"), null=True, blank=True)
    pirt_number = models.CharField(_("nomor PIRT"), max_length=30, blank=True)
    agencies = models.ManyToManyField(
        "accounts.Agency",
        through="Guidance",
        related_name="businesses",
        verbose_name=_("OPD pembina"),
    )
    on_marketplace = models.BooleanField(_("berjualan di marketplace"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    status_reason = models.CharField(_("alasan status"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("status berubah"), default=timezone.now)
    # Assisted onboarding: who registered it on the owner's behalf, and the owner's consent.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("didaftarkan oleh"),
    )
    consent_at = models.DateTimeField(_("persetujuan pemilik dicatat"), null=True, blank=True)
    consent_note = models.CharField(_("catatan persetujuan"), max_length=255, blank=True)
    claimed_at = models.DateTimeField(_("diklaim pemilik"), null=True, blank=True)
    source = models.CharField(
        _("sumber data"),
        max_length=20,
        default="web",
        choices=[
            ("web", _("Pendaftaran web")),
            ("api", "API"),
            ("import", _("Impor OPD")),
            ("operator", _("Operator")),
        ],
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("UMKM")
        verbose_name_plural = _("UMKM")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_nik_hash", "name_key"],
                condition=~Q(owner_nik_hash=""),
                name="umkm_business_nik_name_unique",
            ),
            models.CheckConstraint(
                condition=Q(capital__gte=0) | Q(capital__isnull=True),
                name="umkm_business_capital_positive",
            ),
            models.CheckConstraint(
                condition=Q(annual_sales__gte=0) | Q(annual_sales__isnull=True),
                name="umkm_business_sales_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(owner__isnull=False),
                name="umkm_business_active_has_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "village"]),
            models.Index(fields=["on_marketplace", "status"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        self.scale = classify(capital=self.capital, annual_sales=self.annual_sales)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_key", "scale", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def slug(self) -> str:
        return slugify(self.name) or "umkm"

    @property
    def halal_valid(self) -> bool:
        return halal_is_valid(self.halal_number, self.halal_expires_on)

    @property
    def halal_expired(self) -> bool:
        return bool(
            self.halal_number
            and self.halal_expires_on
            and self.halal_expires_on < timezone.localdate()
        )

    @property
    def district(self):
        return self.village.district


def halal_is_valid(number: str, expires_on) -> bool:
    return bool(number) and (expires_on is None or expires_on >= timezone.localdate())


def halal_valid_q(prefix: str = "") -> Q:
    """The database form of Business.halal_valid."""
    today = timezone.localdate()
    return ~Q(**{f"{prefix}halal_number": ""}) & (
        Q(**{f"{prefix}halal_expires_on__isnull": True})
        | Q(**{f"{prefix}halal_expires_on__gte": today})
    )


class Guidance(models.Model):
    """An agency guides (membina) a business."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="guidance")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    since = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=20, default="web")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "agency"], name="umkm_guidance_unique")
        ]
        verbose_name = _("pembinaan")
        verbose_name_plural = _("pembinaan")


class StatusChange(models.Model):
    """Every move of a business through its verification states: who, when, why."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("riwayat status")
        verbose_name_plural = _("riwayat status")


class Document(models.Model):
    """A file verification needs (KTP, NIB, halal certificate, ...). Kept out of public media:
    served only through a view that checks who is asking."""

    class Kind(models.TextChoices):
        KTP = "ktp", _("KTP pemilik")
        NIB = "nib", _("Dokumen NIB")
        HALAL = "halal", _("Sertifikat halal")
        PIRT = "pirt", _("Izin PIRT")
        PHOTO = "foto", _("Foto tempat usaha/produk")
        CONSENT = "persetujuan", _("Surat persetujuan pemilik")
        OTHER = "lainnya", _("Lainnya")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("berkas"), upload_to="umkm/docs/%Y/%m/", storage=_private_storage)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")


class Claim(models.Model):
    """An owner asking for the account link of a business someone else registered."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        APPROVED = "approved", _("Disetujui")
        REJECTED = "rejected", _("Ditolak")

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_claims"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    nik = EncryptedCharField(max_length=16, blank=True)
    nik_matched = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("klaim usaha")
        verbose_name_plural = _("klaim usaha")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "user"],
                condition=Q(state="pending"),
                name="umkm_claim_one_pending",
            ),
        ]


class ImportJob(models.Model):
    """One upload of an agency's spreadsheet through the page, and what came of it."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Diunggah")
        RUNNING = "running", _("Sedang diproses")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal dibaca")

    file = models.FileField(upload_to="umkm/imports/%Y/%m/", storage=_private_storage)
    original_name = models.CharField(max_length=200)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    header_map = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    issues = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The file is parsed once, at upload (within core.tabular's limits): its header row here,
    # its rows in ImportRows. row_count is None for jobs uploaded before rows were kept.
    headers = models.JSONField(default=list, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("impor data UMKM")
        verbose_name_plural = _("impor data UMKM")
        ordering = ["-created_at"]


class EncryptedRowsField(EncryptedMixin, models.TextField):
    """A text (here: compressed JSON in base64) stored as a Fernet token, rotated by
    reencrypt_personal_data like every encrypted column."""

    def _plain_text(self, value) -> str:
        return "" if value is None else str(value)


class ImportRows(models.Model):
    """A slice of an upload's parsed rows ([row number, [cells]] pairs: JSON, compressed,
    encrypted, since the cells hold NIKs and phones), so the preview and the run read them
    instead of parsing the file again. Deleted once the rows are imported for real."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_chunks")
    index = models.PositiveIntegerField()
    data = EncryptedRowsField()

    class Meta:
        verbose_name = _("baris impor")
        verbose_name_plural = _("baris impor")
        ordering = ["job", "index"]
        constraints = [
            models.UniqueConstraint(fields=["job", "index"], name="umkm_importrows_job_index")
        ]
