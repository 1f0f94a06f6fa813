"""Personal data under UU 27/2022 (PDP): who read whose identifiers (append-only access
records), which privacy notice a person accepted, and their erasure requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An access record is evidence: it is never changed or deleted once written."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("access records are append-only")

    def delete(self):
        raise AppendOnlyError("access records are append-only")

    # bulk_update would be an update by another name.
    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("access records are append-only")


class AccessKind(models.TextChoices):
    VIEW_FULL_NIK = "view_full_nik", _("Melihat NIK lengkap")
    VIEW_FULL_NIP = "view_full_nip", _("Melihat NIP lengkap")
    SEARCH_NIK = "search_nik", _("Mencari usaha dengan NIK")
    DOWNLOAD_DOCUMENT = "download_document", _("Mengunduh dokumen (KTP dan lainnya)")
    EXPORT_REGISTRY = "export_registry", _("Ekspor registri UMKM")
    EXPORT_REPORT = "export_report", _("Ekspor laporan ASN")
    EXPORT_PAYOUT = "export_payout", _("Unduh berkas pencairan bank")
    LOGIN_SUCCESS = "login_success", _("Berhasil masuk")
    LOGIN_FAILURE = "login_failure", _("Gagal masuk")
    DATA_EXPORT = "data_export", _("Unduhan data pribadi oleh pemiliknya")
    ERASURE = "erasure", _("Penghapusan identitas")


class AccessRecord(models.Model):
    """One read of personal data (or a login). Written by privacy.records, never changed:
    the model, its queryset, the admin and (on SQLite and PostgreSQL) a database trigger
    refuse updates and deletes."""

    # PROTECT: an account with records is pseudonymised on erasure, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("oleh"),
    )
    kind = models.CharField(_("jenis"), max_length=24, choices=AccessKind.choices)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("orang yang datanya dibaca"),
    )
    # A plain number, not a key: privacy sits below umkm so that every app may record.
    subject_business_id = models.BigIntegerField(_("usaha"), null=True, blank=True)
    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    where = models.CharField(_("halaman atau API"), max_length=200, blank=True)
    client = models.CharField(_("alamat klien (disamarkan)"), max_length=64, blank=True)
    reason = models.CharField(_("keterangan"), max_length=200, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("catatan akses data")
        verbose_name_plural = _("catatan akses data")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject_user", "-at"], name="privacy_rec_subject_user"),
            models.Index(fields=["subject_business_id", "-at"], name="privacy_rec_subject_biz"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("access records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("access records are append-only")


class Consent(models.Model):
    """A person accepted one version of the privacy notice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="privacy_consents",
        verbose_name=_("pengguna"),
    )
    notice_version = models.CharField(_("versi pemberitahuan"), max_length=20)
    accepted_at = models.DateTimeField(_("disetujui pada"), default=timezone.now)
    where = models.CharField(max_length=200, blank=True, verbose_name=_("tempat persetujuan"))

    class Meta:
        verbose_name = _("persetujuan privasi")
        verbose_name_plural = _("persetujuan privasi")
        ordering = ["-accepted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.notice_version} {self.accepted_at:%Y-%m-%d}"


class ErasureRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        APPROVED = "approved", _("Disetujui: identitas disamarkan")
        REJECTED = "rejected", _("Ditolak")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        verbose_name=_("pengguna"),
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, verbose_name=_("status")
    )
    note = models.CharField(_("catatan pemohon"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("diajukan"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("diputuskan"))
    reason = models.CharField(_("alasan keputusan"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("permintaan penghapusan data")
        verbose_name_plural = _("permintaan penghapusan data")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="privacy_one_pending_erasure_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_state_display()}"
