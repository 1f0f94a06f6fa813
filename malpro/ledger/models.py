"""A double-entry ledger: every rupiah that moves is a journal entry whose lines sum to zero.
Amounts are signed whole rupiah: debit positive, credit negative. Rows are append-only (the
database refuses UPDATE and DELETE on them, see migration 0002)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    ESCROW = "escrow", _("Dana titipan platform di penyedia pembayaran")
    CLEARING = "clearing", _("Pembayaran pembeli belum diselesaikan")
    SELLER_PAYABLE = "seller_payable", _("Utang ke penjual")
    REFUNDS_PAYABLE = "refunds_payable", _("Pengembalian dana ke pembeli")
    SELLER_CASH = "seller_cash", _("Tunai COD yang diterima penjual")
    COD_SALES = "cod_sales", _("Penjualan COD")


class Account(models.Model):
    code = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    business = models.ForeignKey(
        "umkm.Business", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("akun")
        verbose_name_plural = _("akun")

    def __str__(self) -> str:
        return self.code


class EntryKind(models.TextChoices):
    CAPTURE = "capture", _("Pembayaran diterima")
    ORDER_COMPLETED = "order_completed", _("Pesanan selesai: hak penjual")
    REFUND_DUE = "refund_due", _("Pesanan batal setelah dibayar: dana kembali")
    COD_COLLECTED = "cod_collected", _("Tunai COD diterima penjual")
    PAYOUT = "payout", _("Pembayaran ke penjual")
    REFUND_PAID = "refund_paid", _("Pengembalian dana dibayar")
    ORDER_REFUNDED = "order_refunded", _("Pesanan selesai dikembalikan dananya: dari saldo penjual")
    COD_REFUNDED = "cod_refunded", _("Tunai COD dikembalikan penjual ke pembeli")


class JournalEntry(models.Model):
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    # One entry per event: a repeated webhook or signal cannot post twice.
    key = models.CharField(max_length=120, unique=True)
    memo = models.CharField(max_length=300, blank=True)
    checkout = models.ForeignKey(
        "orders.Checkout", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    business = models.ForeignKey(
        "umkm.Business", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    provider = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("jurnal")
        verbose_name_plural = _("jurnal")

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount = models.BigIntegerField()  # debit > 0, credit < 0

    class Meta:
        verbose_name = _("baris jurnal")
        verbose_name_plural = _("baris jurnal")
        ordering = ["id"]
        indexes = [models.Index(fields=["account"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("journal lines are append-only")
        super().save(*args, **kwargs)
