"""A micro shop's books: a cash book (income and spending), customers' and suppliers' debts
(kasbon), simple stock, and who else may keep or read them.

Cash basis, as the shops keep them on paper: income is money in, spending is money out, on
the day it moved. A sale on credit is a debt (not income) until it is paid; each repayment is
the income. Amounts are whole rupiah; a reversal (a marketplace order refunded) is the one
entry with a negative amount, pointing at the entry it reverses, so every sum of entries is
the book's figure and nothing is ever rewritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malpro.core.crypto import EncryptedCharField
from malpro.core.storage import private_storage


class Direction(models.TextChoices):
    IN = "in", _("Pemasukan")
    OUT = "out", _("Pengeluaran")


class Category(models.TextChoices):
    # income
    SALES = "sales", _("Penjualan")
    OTHER_INCOME = "other_income", _("Pemasukan lain")
    CAPITAL_IN = "capital_in", _("Tambahan modal")
    # spending
    STOCK = "stock", _("Beli stok/bahan")
    OPERATING = "operating", _("Biaya operasional (sewa, listrik, gaji, bensin)")
    EQUIPMENT = "equipment", _("Peralatan")
    WITHDRAWAL = "withdrawal", _("Diambil pemilik (prive)")
    OTHER_EXPENSE = "other_expense", _("Pengeluaran lain")


CATEGORIES_BY_DIRECTION = {
    Direction.IN: (Category.SALES, Category.OTHER_INCOME, Category.CAPITAL_IN),
    Direction.OUT: (
        Category.STOCK,
        Category.OPERATING,
        Category.EQUIPMENT,
        Category.WITHDRAWAL,
        Category.OTHER_EXPENSE,
    ),
}
# Money in or out that is not the business earning or spending: it moves cash, not profit.
NOT_PROFIT = (Category.CAPITAL_IN, Category.WITHDRAWAL)


class Method(models.TextChoices):
    CASH = "cash", _("Tunai")
    QRIS = "qris", _("QRIS")
    TRANSFER = "transfer", _("Transfer bank")


class Source(models.TextChoices):
    MANUAL = "manual", _("Dicatat")
    MARKETPLACE = "marketplace", _("Pesanan marketplace")
    ASN_INSTORE = "asn_instore", _("Belanja langsung ASN")
    DEBT_PAYMENT = "debt_payment", _("Pembayaran utang/kasbon")
    REVERSAL = "reversal", _("Pembatalan (dana dikembalikan)")


# Sources whose entries mirror a record elsewhere (an order, a purchase, a debt payment): they
# are changed through that record, not edited in the book.
AUTOMATIC = (Source.MARKETPLACE, Source.ASN_INSTORE, Source.REVERSAL)
# Entries the book's keeper edits and deletes in the cash book; a debt payment is undone from
# its debt, the automatic ones follow their order or purchase.
EDITABLE = (Source.MANUAL,)


class Book(models.Model):
    """A business's book, opened on first use. Who keeps it besides the owner: an area
    operator on the owner's behalf, with the owner's consent recorded."""

    business = models.OneToOneField(
        "umkm.Business", on_delete=models.PROTECT, related_name="book", verbose_name=_("UMKM")
    )
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("buku kas")
        verbose_name_plural = _("buku kas")

    def __str__(self) -> str:
        return str(self.business)


class Assistance(models.Model):
    """An area operator keeps the book of a business whose owner has no smartphone, on the
    owner's behalf. The owner's consent (how and when it was given) is recorded; ending it
    (by the owner, the operator or the city admin) stops the operator's access at once."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="assistances")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="book_assistances"
    )
    consent_at = models.DateTimeField(_("persetujuan pemilik"))
    consent_note = models.CharField(_("cara persetujuan diberikan"), max_length=255)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pendampingan pencatatan")
        verbose_name_plural = _("pendampingan pencatatan")
        constraints = [
            models.UniqueConstraint(
                fields=["book", "operator"],
                condition=Q(ended_at__isnull=True),
                name="books_one_open_assistance",
            )
        ]


class Share(models.Model):
    """The owner shares the book's summaries (never its entries, customers or stock) with a
    guiding agency. The consent is this row: who, when, what text they agreed to; revoking
    ends the agency's view at once."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    consent_text = models.TextField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ringkasan dibagikan")
        verbose_name_plural = _("ringkasan dibagikan")
        constraints = [
            models.UniqueConstraint(
                fields=["book", "agency"],
                condition=Q(revoked_at__isnull=True),
                name="books_one_open_share",
            )
        ]
        indexes = [models.Index(fields=["agency", "revoked_at"])]


class Contact(models.Model):
    """A customer who buys on credit (kasbon) or a supplier the shop owes."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Pelanggan")
        SUPPLIER = "supplier", _("Pemasok")

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(_("nama"), max_length=120)
    phone = EncryptedCharField(_("nomor HP"), max_length=16, blank=True)
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("pelanggan/pemasok")
        verbose_name_plural = _("pelanggan/pemasok")

    def __str__(self) -> str:
        return self.name


class StockItem(models.Model):
    """A thing the shop sells or buys. Linked to a marketplace product (without variants),
    its quantity IS the product's stock (one number: a marketplace sale and a sale in the shop
    take from the same count); unlinked, it is `quantity` here."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("nama barang"), max_length=120)
    unit = models.CharField(_("satuan"), max_length=20, default="pcs")
    quantity = models.IntegerField(_("jumlah stok"), default=0)
    buy_price = models.BigIntegerField(_("harga beli (Rp)"), default=0)
    sell_price = models.BigIntegerField(_("harga jual (Rp)"), default=0)
    product = models.OneToOneField(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="book_item",
        verbose_name=_("produk marketplace"),
    )
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("barang")
        verbose_name_plural = _("barang")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="books_item_quantity_gte0"),
            models.CheckConstraint(
                condition=Q(buy_price__gte=0, sell_price__gte=0), name="books_item_prices_gte0"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Debt(models.Model):
    """Money a customer owes the shop (a sale on credit: kasbon) or the shop owes a supplier
    (stock taken on credit). Its balance is the amount less its payments."""

    class Kind(models.TextChoices):
        RECEIVABLE = "receivable", _("Kasbon pelanggan (piutang)")
        PAYABLE = "payable", _("Utang ke pemasok")

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="debts")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="debts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    paid = models.BigIntegerField(default=0)  # the sum of its payments, kept with them
    occurred_on = models.DateField(_("tanggal"))
    due_on = models.DateField(_("jatuh tempo"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("utang/kasbon")
        verbose_name_plural = _("utang/kasbon")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_debt_positive"),
            models.CheckConstraint(
                condition=Q(paid__gte=0, paid__lte=models.F("amount")), name="books_debt_paid_le"
            ),
            models.UniqueConstraint(
                fields=["book", "client_id"],
                condition=Q(client_id__isnull=False),
                name="books_debt_client_id",
            ),
        ]
        indexes = [models.Index(fields=["book", "contact"])]

    @property
    def balance(self) -> int:
        return self.amount - self.paid


class Entry(models.Model):
    """One line of the cash book."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="entries")
    direction = models.CharField(_("jenis"), max_length=3, choices=Direction.choices)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    amount = models.BigIntegerField(_("jumlah (Rp)"))
    occurred_on = models.DateField(_("tanggal"))
    method = models.CharField(
        _("cara bayar"), max_length=10, choices=Method.choices, default=Method.CASH
    )
    note = models.CharField(_("catatan"), max_length=200, blank=True)
    receipt = models.ImageField(
        _("foto nota"), upload_to="buku/nota/%Y/%m/", storage=private_storage, blank=True
    )
    source = models.CharField(max_length=15, choices=Source.choices, default=Source.MANUAL)
    # What the entry mirrors ("order:12", "order_refund:12", "offline:5", "debt_payment:7"):
    # an event delivered twice finds its entry and writes nothing.
    source_key = models.CharField(max_length=60, null=True, blank=True, unique=True)
    # Made on a phone, perhaps offline: the phone's id for it, so a replay is the same entry.
    client_id = models.UUIDField(null=True, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("catatan kas")
        verbose_name_plural = _("catatan kas")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(amount__lt=0, reverses__isnull=False),
                name="books_entry_amount_sign",
            ),
            models.UniqueConstraint(
                fields=["book", "client_id"],
                condition=Q(client_id__isnull=False),
                name="books_entry_client_id",
            ),
        ]
        indexes = [
            # The summed columns ride at the end of the key so that a month's sums of many
            # books (the agency's view) are an index-only scan instead of a pass over the whole
            # table (bench/books.py, docs/benchmarks.md "books"); not INCLUDE, which SQLite lacks.
            models.Index(
                fields=["book", "occurred_on", "direction", "category", "amount", "id"],
                condition=Q(deleted_at__isnull=True),
                name="books_entry_live_day",
            ),
        ]

    @property
    def automatic(self) -> bool:
        return self.source in AUTOMATIC

    @property
    def signed(self) -> int:
        """The entry's effect on cash: + in, - out."""
        return self.amount if self.direction == Direction.IN else -self.amount


class EntryItem(models.Model):
    """What an entry bought or sold (optional): for stock and the report's top items."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(
        StockItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=120)
    quantity = models.IntegerField()
    total = models.BigIntegerField()

    class Meta:
        verbose_name = _("rincian catatan")
        verbose_name_plural = _("rincian catatan")
        ordering = ["id"]


class Revision(models.Model):
    """An entry as it was before an edit or a deletion: the book keeps its history."""

    class Action(models.TextChoices):
        EDITED = "edited", _("diubah")
        DELETED = "deleted", _("dihapus")
        RESTORED = "restored", _("dipulihkan")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveIntegerField()  # the entry's revision this row preserves
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("riwayat perubahan catatan")
        verbose_name_plural = _("riwayat perubahan catatan")
        ordering = ["-changed_at", "-id"]


class DebtPayment(models.Model):
    """A repayment of a debt; its money is a cash-book entry (income for a kasbon, spending
    for a supplier's debt)."""

    debt = models.ForeignKey(Debt, on_delete=models.CASCADE, related_name="payments")
    amount = models.BigIntegerField()
    paid_on = models.DateField()
    # One payment of a customer may settle several debts (oldest first): one cash entry.
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="debt_payments")
    client_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pembayaran utang")
        verbose_name_plural = _("pembayaran utang")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="books_payment_positive"),
            models.UniqueConstraint(
                fields=["debt", "client_id"],
                condition=Q(client_id__isnull=False),
                name="books_payment_client_id",
            ),
        ]


class StockMove(models.Model):
    """A change of an item's quantity, with why."""

    class Reason(models.TextChoices):
        SALE = "sale", _("Terjual")
        PURCHASE = "purchase", _("Dibeli/masuk")
        ADJUST = "adjust", _("Penyesuaian (hitung ulang)")
        CREDIT_SALE = "credit_sale", _("Terjual (kasbon)")
        CREDIT_PURCHASE = "credit_purchase", _("Masuk (utang pemasok)")
        UNDO = "undo", _("Catatan dihapus")

    item = models.ForeignKey(StockItem, on_delete=models.CASCADE, related_name="moves")
    delta = models.IntegerField()
    quantity_after = models.IntegerField()
    reason = models.CharField(max_length=16, choices=Reason.choices)
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.SET_NULL, related_name="stock_moves"
    )
    debt = models.ForeignKey(
        Debt, null=True, blank=True, on_delete=models.SET_NULL, related_name="stock_moves"
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mutasi stok")
        verbose_name_plural = _("mutasi stok")
        ordering = ["-created_at", "-id"]


class Reminder(models.Model):
    """A reminder the shop sent a customer about a kasbon: when, for how much, which way."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="reminders")
    amount = models.BigIntegerField()
    channel = models.CharField(max_length=20)  # "malpro" (the customer's own channels) or "wa_link"
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pengingat")
        verbose_name_plural = _("pengingat")
        ordering = ["-sent_at", "-id"]
