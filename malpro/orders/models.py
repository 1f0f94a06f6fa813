from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malpro.catalog.models import Unit
from malpro.core.crypto import EncryptedCharField


class Cart(models.Model):
    """A basket: a logged-in user's (kept in the database) or an anonymous visitor's (by
    session), merged into the user's at login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
    )
    session_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("keranjang")
        verbose_name_plural = _("keranjang")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(session_key__isnull=False),
                name="orders_cart_has_owner",
            )
        ]


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    # The price the buyer last saw; checkout refuses to charge another one silently.
    price_seen = models.BigIntegerField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("isi keranjang")
        verbose_name_plural = _("isi keranjang")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cart", "product", "variant"], name="orders_cartitem_unique"
            ),
            models.UniqueConstraint(
                fields=["cart", "product"],
                condition=Q(variant__isnull=True),
                name="orders_cartitem_unique_plain",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_cartitem_qty"),
        ]


class ShopDelivery(models.Model):
    """How a shop hands over its orders: pickup at the shop and/or its own delivery with a fee
    per kecamatan (DeliveryFee) and an optional minimum order."""

    business = models.OneToOneField(
        "umkm.Business", on_delete=models.CASCADE, related_name="delivery"
    )
    pickup = models.BooleanField(_("ambil di toko"), default=True)
    delivery = models.BooleanField(_("diantar penjual"), default=False)
    min_order = models.BigIntegerField(_("minimal belanja untuk diantar (Rp)"), default=0)
    pickup_note = models.CharField(_("keterangan pengambilan"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pengaturan pengiriman toko")
        verbose_name_plural = _("pengaturan pengiriman toko")


class DeliveryFee(models.Model):
    business = models.ForeignKey(
        "umkm.Business", on_delete=models.CASCADE, related_name="delivery_fees"
    )
    district = models.ForeignKey("regions.District", on_delete=models.PROTECT, related_name="+")
    fee = models.BigIntegerField(_("ongkos kirim (Rp)"))

    class Meta:
        verbose_name = _("ongkos kirim")
        verbose_name_plural = _("ongkos kirim")
        constraints = [
            models.UniqueConstraint(fields=["business", "district"], name="orders_fee_unique"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="orders_fee_gte0"),
        ]


class PaymentMethod(models.TextChoices):
    COD = "cod", _("Bayar di tempat (COD)")
    QRIS = "qris", _("QRIS")
    VA = "va", _("Transfer virtual account")


class Checkout(models.Model):
    """One press of "Pesan": the orders it made (one per seller) and the key that makes a
    retry return it instead of ordering twice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts"
    )
    idempotency_key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    grand_total = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("transaksi pembelian")
        verbose_name_plural = _("transaksi pembelian")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"], name="orders_checkout_idempotent"
            )
        ]


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Menunggu pembayaran")
    PLACED = "placed", _("Menunggu konfirmasi penjual")
    ACCEPTED = "accepted", _("Diterima penjual")
    READY = "ready", _("Siap diambil / sedang diantar")
    DELIVERED = "delivered", _("Sudah diterima pembeli")
    COMPLETED = "completed", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan pembeli")
    REJECTED = "rejected", _("Ditolak penjual")
    # A completed order whose buyer's complaint the city's customer service upheld.
    REFUNDED = "refunded", _("Dikembalikan dananya")


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("Ambil di toko")
    DELIVERY = "delivery", _("Diantar penjual")


class Order(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(max_length=30, unique=True, null=True)
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    business = models.ForeignKey("umkm.Business", on_delete=models.PROTECT, related_name="orders")
    seller_name = models.CharField(max_length=150)
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED, db_index=True
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    # The payment provider that captured a cashless order's money (set with the move to
    # "placed"); empty for COD and for orders paid before this was recorded.
    paid_via = models.CharField(max_length=20, blank=True)
    status_reason = models.CharField(max_length=500, blank=True)
    # Whether the buyer held the ASN role when ordering: the city's dashboard counts these
    # orders as ASN money (a snapshot, like the prices, so later role changes rewrite nothing).
    buyer_asn = models.BooleanField(default=False)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    delivery_method = models.CharField(max_length=10, choices=DeliveryMethod.choices)
    items_total = models.BigIntegerField()
    delivery_fee = models.BigIntegerField(default=0)
    total = models.BigIntegerField()
    # Delivery address, snapshotted (empty when every seller of the checkout hands over at the
    # shop: no address is asked then).
    village = models.ForeignKey(
        "regions.Village", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district_code = models.CharField(max_length=8, blank=True, db_index=True)
    street = models.CharField(max_length=255, blank=True)
    contact_name = models.CharField(max_length=120)
    contact_phone = models.CharField(max_length=16)
    note = models.CharField(max_length=300, blank=True)
    cash_collected = models.BigIntegerField(null=True, blank=True)
    placed_at = models.DateTimeField(default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # cancelled or rejected
    # Refunded after completion: completed_at stays (the day it was counted as a sale).
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pesanan")
        verbose_name_plural = _("pesanan")
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["business", "status"]),
            models.Index(fields=["buyer", "-placed_at"]),
            models.Index(fields=["status", "delivered_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total=models.F("items_total") + models.F("delivery_fee")),
                name="orders_order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=Q(items_total__gte=0) & Q(delivery_fee__gte=0),
                name="orders_order_amounts_gte0",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    variant = models.ForeignKey(
        "catalog.Variant", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(max_length=120)
    variant_name = models.CharField(max_length=60, blank=True)
    category_id = models.BigIntegerField(null=True)
    unit = models.CharField(max_length=10)  # the product's Unit code when ordered
    unit_price = models.BigIntegerField()
    quantity = models.PositiveIntegerField()
    line_total = models.BigIntegerField()

    class Meta:
        verbose_name = _("baris pesanan")
        verbose_name_plural = _("baris pesanan")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(line_total=models.F("unit_price") * models.F("quantity")),
                name="orders_line_total_adds_up",
            )
        ]

    @property
    def unit_label(self) -> str:
        """The unit as people read it ("pak", not the stored code "pack")."""
        return str(Unit(self.unit).label) if self.unit in Unit.values else self.unit


class OrderEvent(models.Model):
    """Every move of an order: who, when, why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("riwayat pesanan")
        verbose_name_plural = _("riwayat pesanan")
        ordering = ["created_at", "id"]


class Review(models.Model):
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(blank=True, max_length=2000)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ulasan")
        verbose_name_plural = _("ulasan")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "product"], name="orders_review_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="orders_review_rating_1_5"
            ),
        ]


class SavedAddress(models.Model):
    """A buyer's kept delivery address ("Rumah", "Kantor"); the checkout prefills the default.
    An order copies it (Order's address fields), so editing or deleting one never changes a
    past order. The phone is personal data: stored encrypted, like the books' contacts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_addresses"
    )
    label = models.CharField(_("nama alamat"), max_length=40)
    recipient = models.CharField(_("nama penerima"), max_length=120)
    phone = EncryptedCharField(_("nomor HP penerima"), max_length=16)
    village = models.ForeignKey("regions.Village", on_delete=models.PROTECT, related_name="+")
    street = models.CharField(_("alamat (jalan, nomor, RT/RW, patokan)"), max_length=255)
    is_default = models.BooleanField(_("alamat utama"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alamat tersimpan")
        verbose_name_plural = _("alamat tersimpan")
        ordering = ["-is_default", "label", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default=True),
                name="orders_savedaddress_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def district_code(self) -> str:
        return self.village.district_id
