from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from malpro.core.money import format_rupiah
from malpro.umkm.models import name_key


class Category(models.Model):
    """A node of the marketplace's category tree (edited by the city admin)."""

    name = models.CharField(_("nama"), max_length=80)
    slug = models.SlugField(_("alamat singkat (slug)"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class Unit(models.TextChoices):
    PCS = "pcs", _("buah")
    PACK = "pack", _("pak")
    BOX = "box", _("kotak")
    BOTTLE = "botol", _("botol")
    KG = "kg", _("kg")
    GRAM = "gram", _("gram")
    LITER = "liter", _("liter")
    ML = "ml", _("ml")
    SACK = "karung", _("karung")
    DOZEN = "lusin", _("lusin")
    PORTION = "porsi", _("porsi")
    SET = "set", _("set")
    METER = "meter", _("meter")
    SERVICE = "jasa", _("layanan")


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Tayang")
    HIDDEN = "hidden", _("Disembunyikan moderator")


class Product(models.Model):
    business = models.ForeignKey(
        "umkm.Business", verbose_name=_("UMKM"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("nama produk"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False)
    description = models.TextField(_("deskripsi"), blank=True, max_length=5000)
    category = models.ForeignKey(
        Category, verbose_name=_("kategori"), on_delete=models.PROTECT, related_name="products"
    )
    sku = models.CharField(_("SKU"), max_length=60, null=True, blank=True)
    price = models.BigIntegerField(_("harga (Rp)"))
    unit = models.CharField(_("satuan"), max_length=10, choices=Unit.choices, default=Unit.PCS)
    weight_grams = models.PositiveIntegerField(_("berat (gram)"), default=0)
    stock = models.IntegerField(_("stok"), default=0)
    has_variants = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    hidden_reason = models.CharField(_("alasan disembunyikan"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sold_count = models.PositiveIntegerField(_("terjual"), default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("produk")
        verbose_name_plural = _("produk")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "sku"],
                condition=Q(sku__isnull=False),
                name="catalog_product_sku_unique",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_product_price_gte0"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalog_product_stock_gte0"),
        ]
        indexes = [models.Index(fields=["business", "name_key"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "name_key", "updated_at"}
        super().save(*args, **kwargs)

    @property
    def slug(self) -> str:
        return slugify(self.name) or "produk"

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class Variant(models.Model):
    """A size or flavour of a product, with its own price and stock."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    name = models.CharField(_("nama varian"), max_length=60)
    sku = models.CharField(_("SKU"), max_length=60, blank=True)
    price = models.BigIntegerField(_("harga (Rp)"))
    stock = models.IntegerField(_("stok"), default=0)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("varian")
        verbose_name_plural = _("varian")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "name"], name="catalog_variant_name_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_variant_price_gte0"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="catalog_variant_stock_gte0"),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} – {self.name}"


class Photo(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="produk/%Y/%m/", width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="produk/thumb/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("foto produk")
        verbose_name_plural = _("foto produk")
        ordering = ["position", "id"]


class ProductChange(models.Model):
    """History of prices and stock (and moderation), for sellers, buyers' disputes and audits."""

    class Field(models.TextChoices):
        PRICE = "price", _("harga")
        STOCK = "stock", _("stok")
        STATUS = "status", _("status")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="changes")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    field = models.CharField(max_length=10, choices=Field.choices)
    old_value = models.CharField(max_length=40, blank=True)
    new_value = models.CharField(max_length=40)
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("perubahan produk")
        verbose_name_plural = _("perubahan produk")
        ordering = ["-created_at", "-id"]

    def shown(self, value: str) -> str:
        """A stored value as people read it: prices in rupiah, statuses by their label."""
        if not value:
            return "–"
        if self.field == self.Field.PRICE and value.lstrip("-").isdigit():
            return format_rupiah(int(value))
        if self.field == self.Field.STATUS and value in ProductStatus.values:
            return str(ProductStatus(value).label)
        return value

    @property
    def old_shown(self) -> str:
        return self.shown(self.old_value)

    @property
    def new_shown(self) -> str:
        return self.shown(self.new_value)


class Synonym(models.Model):
    """Words people use for the same thing: spelling variants (keripik, kripik) and synonyms
    (kopi, coffee). Each row is one group, edited by the city admin."""

    words = models.CharField(
        _("kata"), max_length=300, help_text=_("Kata-kata yang setara, dipisah koma: kopi, coffee")
    )
    note = models.CharField(_("catatan"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sinonim pencarian")
        verbose_name_plural = _("sinonim pencarian")

    def __str__(self) -> str:
        return self.words


class SearchDoc(models.Model):
    """One searchable product: what filters, sorts and facets need, copied from the product
    and its business, so a search touches one table. Only published products of active
    businesses have a row. The text itself lives in the backend's index (a tsvector column
    here on PostgreSQL, an FTS5 table on SQLite)."""

    product = models.OneToOneField(
        Product, primary_key=True, on_delete=models.CASCADE, related_name="search_doc"
    )
    business = models.ForeignKey("umkm.Business", on_delete=models.CASCADE, related_name="+")
    category_id = models.BigIntegerField()
    category_root_id = models.BigIntegerField()
    district_code = models.CharField(max_length=8)
    halal_until = models.DateField(null=True)
    in_stock = models.BooleanField()
    price = models.BigIntegerField()
    sold_count = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    # The indexed words (see catalog.text). PostgreSQL builds its tsvector from the raw words
    # with the `indonesian` configuration; SQLite's FTS5 table takes all four columns.
    name_raw = models.TextField(default="")
    body_raw = models.TextField(default="")
    name_stem = models.TextField(default="")
    body_stem = models.TextField(default="")

    class Meta:
        verbose_name = _("dokumen pencarian")
        verbose_name_plural = _("dokumen pencarian")
        indexes = [
            models.Index(fields=["category_id"]),
            models.Index(fields=["category_root_id"]),
            models.Index(fields=["district_code"]),
            models.Index(fields=["price"]),
            models.Index(fields=["-sold_count"]),
            models.Index(fields=["-published_at"]),
            models.Index(fields=["business"]),
        ]


class SearchTerm(models.Model):
    """The catalog's vocabulary (raw words), for typo tolerance and typing-ahead."""

    term = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("kata pencarian")
        verbose_name_plural = _("kata pencarian")


class SearchTermKey(models.Model):
    """One-deletion keys of the vocabulary (SQLite's way to find words one typo away;
    PostgreSQL uses a pg_trgm index on SearchTerm instead)."""

    key = models.CharField(max_length=64, db_index=True)
    term = models.ForeignKey(SearchTerm, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("kunci kata pencarian")
        verbose_name_plural = _("kunci kata pencarian")
        constraints = [
            models.UniqueConstraint(fields=["key", "term"], name="catalog_termkey_unique")
        ]
