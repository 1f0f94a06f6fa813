from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malpro.core.crypto import EncryptedCharField


class PaymentStatus(models.TextChoices):
    CREATED = "created", _("Dibuat")
    PENDING = "pending", _("Menunggu pembayaran")
    PAID = "paid", _("Lunas")
    EXPIRED = "expired", _("Kedaluwarsa")
    FAILED = "failed", _("Gagal")


def new_reference() -> str:
    return "MLP" + secrets.token_hex(6).upper()


class Payment(models.Model):
    """The cashless payment of one checkout (all its orders), at one provider."""

    checkout = models.OneToOneField(
        "orders.Checkout", on_delete=models.PROTECT, related_name="payment"
    )
    reference = models.CharField(max_length=40, unique=True, default=new_reference)
    method = models.CharField(max_length=10)  # qris | va
    provider = models.CharField(max_length=20)  # simulator | midtrans | snapbi
    amount = models.BigIntegerField()
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.CREATED, db_index=True
    )
    qris_payload = models.TextField(blank=True)
    va_bank = models.CharField(max_length=20, blank=True)
    va_number = models.CharField(max_length=40, blank=True, db_index=True)
    provider_txn_id = models.CharField(max_length=100, blank=True, db_index=True)
    expires_at = models.DateTimeField(db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_late = models.BooleanField(default=False)  # paid after it had expired: refund due
    charge_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pembayaran")
        verbose_name_plural = _("pembayaran")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive")
        ]

    def __str__(self) -> str:
        return self.reference


class Notification(models.Model):
    """Every webhook call, kept as received (signature checked) for audit and replays."""

    provider = models.CharField(max_length=20)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    # provider:txn:status:amount: the same notification twice is processed once.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    body = models.TextField()
    signature_valid = models.BooleanField(default=False)
    result = models.CharField(max_length=40)
    detail = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("notifikasi pembayaran")
        verbose_name_plural = _("notifikasi pembayaran")
        ordering = ["-received_at", "-id"]


class MerchantQRIS(models.Model):
    """A UMKM's own static QRIS sticker, pasted and checked (structure and CRC)."""

    business = models.OneToOneField(
        "umkm.Business", on_delete=models.CASCADE, related_name="static_qris"
    )
    payload = models.TextField()
    merchant_name = models.CharField(max_length=100)
    merchant_city = models.CharField(max_length=60)
    nmid = models.CharField(max_length=40, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("QRIS toko")
        verbose_name_plural = _("QRIS toko")


class BankAccount(models.Model):
    """Where a seller's payouts go."""

    business = models.OneToOneField(
        "umkm.Business", on_delete=models.CASCADE, related_name="bank_account"
    )
    bank_code = models.CharField(_("bank"), max_length=20)
    account_number = EncryptedCharField(_("nomor rekening"), max_length=30)
    account_name = models.CharField(_("nama pemilik rekening"), max_length=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rekening bank")
        verbose_name_plural = _("rekening bank")


class PayoutBatch(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        APPROVED = "approved", _("Disetujui")
        PAID = "paid", _("Sudah ditransfer")
        CANCELLED = "cancelled", _("Dibatalkan")

    provider = models.CharField(max_length=20)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    total = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pencairan dana")
        verbose_name_plural = _("pencairan dana")
        ordering = ["-created_at"]


class PayoutLine(models.Model):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="lines")
    business = models.ForeignKey("umkm.Business", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField()
    bank_code = models.CharField(max_length=20)
    account_number = EncryptedCharField(max_length=30)
    account_name = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("rincian pencairan")
        verbose_name_plural = _("rincian pencairan")
        constraints = [
            models.UniqueConstraint(fields=["batch", "business"], name="payments_line_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_line_positive"),
        ]


class Reconciliation(models.Model):
    provider = models.CharField(max_length=20)
    file_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    matched = models.PositiveIntegerField(default=0)
    mismatches = models.JSONField(default=list)

    class Meta:
        verbose_name = _("rekonsiliasi")
        verbose_name_plural = _("rekonsiliasi")
        ordering = ["-created_at"]
