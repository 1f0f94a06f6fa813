"""Every write to the catalog. Each change to what buyers can find reindexes the product in the
same transaction, so search never shows what the database no longer holds."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.catalog import access, images
from malpro.catalog.models import (
    Category,
    Photo,
    Product,
    ProductChange,
    ProductStatus,
    SearchDoc,
    Unit,
    Variant,
)
from malpro.catalog.search.engine import reindex
from malpro.catalog.workflow import PRODUCT, REASON_REQUIRED
from malpro.core import audit, events, limits, workflow
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.umkm.models import Business, Status

MAX_PHOTOS = 8


@dataclass
class ProductInput:
    name: str
    category_slug: str
    price: int
    unit: str = Unit.PCS
    stock: int = 0
    weight_grams: int = 0
    description: str = ""
    sku: str = ""
    publish: bool = True
    variants: list[dict] = field(default_factory=list)


def _category(slug_or_name: str) -> Category:
    value = (slug_or_name or "").strip()
    category = (
        Category.objects.filter(slug=value.lower(), is_active=True).first()
        or Category.objects.filter(name__iexact=value, is_active=True).first()
    )
    if category is None:
        raise ApplicationError.for_field(
            "category", _("Kategori %(value)s tidak dikenal.") % {"value": value}
        )
    return category


def _clean(data: ProductInput) -> dict:
    errors: dict[str, str] = {}
    name = " ".join((data.name or "").split())
    if not name:
        errors["name"] = _("Nama produk wajib diisi.")
    elif len(name) > 120:
        errors["name"] = _("Nama produk terlalu panjang (maksimal 120 karakter).")
    category = None
    try:
        category = _category(data.category_slug)
    except ApplicationError as exc:
        errors.update(exc.extra["fields"])
    if data.price is None or data.price < 0:
        errors["price"] = _("Harga harus angka rupiah 0 atau lebih.")
    elif data.price > limits.MAX_PRICE:
        errors["price"] = limits.too_large(_("Harga"), limits.MAX_PRICE, money=True)
    if data.stock is None or data.stock < 0:
        errors["stock"] = _("Stok tidak boleh negatif.")
    elif data.stock > limits.MAX_STOCK:
        errors["stock"] = limits.too_large(_("Stok"), limits.MAX_STOCK)
    if data.weight_grams is None or data.weight_grams < 0:
        errors["weight_grams"] = _("Berat tidak boleh negatif.")
    elif data.weight_grams > limits.MAX_WEIGHT_GRAMS:
        errors["weight_grams"] = limits.too_large(_("Berat (gram)"), limits.MAX_WEIGHT_GRAMS)
    if data.unit not in Unit.values:
        errors["unit"] = _("Satuan %(value)s tidak dikenal.") % {"value": data.unit}
    if errors:
        raise ApplicationError(
            next(iter(errors.values()))
            if len(errors) == 1
            else _("Periksa kembali isian yang ditandai."),
            {"fields": errors},
        )
    return {
        "name": name,
        "category": category,
        "price": data.price,
        "unit": data.unit,
        "stock": data.stock,
        "weight_grams": data.weight_grams,
        "description": (data.description or "").strip()[:5000],
        "sku": (data.sku or "").strip()[:60] or None,
    }


def _log(product, field_name, old, new, actor, variant=None, reason=""):
    if str(old) != str(new):
        ProductChange.objects.create(
            product=product,
            variant=variant,
            field=field_name,
            old_value=str(old),
            new_value=str(new),
            actor=actor,
            reason=reason[:200],
        )


def stock_moved(*, product: Product, old: int, actor, reason: str = "") -> None:
    """A seller's edit that empties a product's stock records `product.stock_out`; one that
    fills an empty product again `product.restocked` (sales by orders are not edits)."""
    new = product.stock
    if old > 0 and new <= 0:
        kind = "product.stock_out"
    elif old <= 0 and new > 0:
        kind = "product.restocked"
    else:
        return
    events.record(
        kind=kind,
        subject=product,
        actor=actor,
        payload={"business_id": product.business_id, "stock": new, "reason": (reason or "")[:200]},
    )


def _check_business_can_sell(business: Business) -> None:
    """A new seller prepares products while the business is being registered and verified
    (the guided registration's third step); buyers see them once the shop is open (active:
    catalog.access.products_public). A suspended business adds none."""
    if business.status == Status.SUSPENDED:
        raise Conflict(
            _("Usaha ini dibekukan: produk baru tidak dapat ditambahkan. Hubungi OPD pembina.")
        )


@transaction.atomic
def product_create(*, actor, business: Business, data: ProductInput, photo=None) -> Product:
    """A new product of `business`, with its first photo when `photo` (an upload) is given:
    the product and the photo are saved together or not at all."""
    if not access.can_add_product(user=actor, business=business):
        raise PermissionDenied(_("Hanya pemilik usaha yang dapat menambah produk."))
    _check_business_can_sell(business)
    values = _clean(data)
    product = Product(business=business, **values)
    if data.publish:
        product.status, product.published_at = ProductStatus.PUBLISHED, timezone.now()
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise ApplicationError.for_field("sku", _("SKU ini sudah dipakai produk lain.")) from None
    _log(product, "price", "", product.price, actor)
    _log(product, "stock", "", product.stock, actor)
    workflow.created(
        machine=PRODUCT, obj=product, actor=actor, payload={"business_id": business.pk}
    )
    for position, variant in enumerate(data.variants):
        _variant_create(
            actor=actor,
            product=product,
            name=variant.get("name", ""),
            price=variant.get("price"),
            stock=variant.get("stock", 0),
            sku=variant.get("sku", ""),
            position=position,
        )
    if data.variants:
        _sync_from_variants(product)
    if photo is not None:
        _photo_save(product, photo)
    reindex([product.pk])
    return product


def _move(*, product: Product, to: str, actor, reason: str = "", checked: bool = False):
    """One move of the product machine on a locked product (the caller reindexes)."""
    frm, fields = product.status, []
    if to == ProductStatus.HIDDEN:
        product.hidden_reason, product.hidden_by = reason[:500], actor
        fields += ["hidden_reason", "hidden_by"]
    elif frm == ProductStatus.HIDDEN:
        product.hidden_reason = ""
        fields.append("hidden_reason")
    if to == ProductStatus.PUBLISHED and (frm == ProductStatus.DRAFT or not product.published_at):
        product.published_at = timezone.now()
        fields.append("published_at")
    workflow.transition(
        machine=PRODUCT,
        obj=product,
        to=to,
        actor=actor,
        reason=reason,
        fields=fields,
        payload={"business_id": product.business_id},
        checked=checked,
    )
    _log(product, "status", frm, to, actor, reason=reason)
    if to == ProductStatus.HIDDEN:
        audit.record(
            action="catalog.product_hidden",
            actor=actor,
            target=product,
            data={"reason": reason[:200]},
        )
    elif frm == ProductStatus.HIDDEN:
        audit.record(action="catalog.product_unhidden", actor=actor, target=product)


@transaction.atomic
def product_transition(*, actor, product_id: int, to: str, reason: str = "") -> Product:
    """Every change of a product's status: the seller publishes or unpublishes, a moderator
    hides (with a reason) or shows again. Records `product.<to>`."""
    product = (
        Product.objects.select_for_update().select_related("business").filter(pk=product_id).first()
    )
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    PRODUCT.check(obj=product, to=to, actor=actor)
    reason = (reason or "").strip()
    if to in REASON_REQUIRED and not reason:
        raise ApplicationError.for_field("reason", _("Alasan wajib diisi."))
    _move(product=product, to=to, actor=actor, reason=reason, checked=True)
    reindex([product.pk])
    return product


@transaction.atomic
def product_update(*, actor, product_id: int, data: ProductInput) -> Product:
    product = access.product_get_for_owner(user=actor, product_id=product_id, lock=True)
    values = _clean(data)
    old_price, old_stock = product.price, product.stock
    if product.has_variants:
        values.pop("price")
        values.pop("stock")
    for name, value in values.items():
        setattr(product, name, value)
    try:
        with transaction.atomic():
            product.save(update_fields=list(values))
    except IntegrityError:
        raise ApplicationError.for_field("sku", _("SKU ini sudah dipakai produk lain.")) from None
    _log(product, "price", old_price, product.price, actor)
    _log(product, "stock", old_stock, product.stock, actor)
    stock_moved(product=product, old=old_stock, actor=actor)
    # A hidden product stays hidden: only a moderator shows it again.
    if data.publish and product.status == ProductStatus.DRAFT:
        _move(product=product, to=ProductStatus.PUBLISHED, actor=actor)
    elif not data.publish and product.status == ProductStatus.PUBLISHED:
        _move(product=product, to=ProductStatus.DRAFT, actor=actor)
    reindex([product.pk])
    return product


def _sync_from_variants(product: Product) -> None:
    """A product with variants shows its lowest price and the sum of the stock."""
    active = product.variants.filter(is_active=True)
    summary = active.aggregate(lowest=Min("price"), total=Sum("stock"))
    product.has_variants = active.exists()
    if product.has_variants:
        product.price, product.stock = summary["lowest"], summary["total"] or 0
    product.save(update_fields=["has_variants", "price", "stock"])


def _variant_create(
    *, actor, product: Product, name: str, price, stock=0, sku: str = "", position: int = 0
) -> Variant:
    name = " ".join((name or "").split())
    errors = {}
    if not name:
        errors["name"] = _("Nama varian wajib diisi.")
    if price is None or int(price) < 0:
        errors["price"] = _("Harga harus angka rupiah 0 atau lebih.")
    elif int(price) > limits.MAX_PRICE:
        errors["price"] = limits.too_large(_("Harga"), limits.MAX_PRICE, money=True)
    if stock is None or int(stock) < 0:
        errors["stock"] = _("Stok tidak boleh negatif.")
    elif int(stock) > limits.MAX_STOCK:
        errors["stock"] = limits.too_large(_("Stok"), limits.MAX_STOCK)
    if errors:
        raise ApplicationError(next(iter(errors.values())), {"fields": errors})
    if not access.can_edit_product(user=actor, product=product):
        raise PermissionDenied(_("Hanya pemilik usaha yang dapat mengubah produk."))
    try:
        with transaction.atomic():
            variant = Variant.objects.create(
                product=product,
                name=name,
                price=int(price),
                stock=int(stock),
                sku=(sku or "")[:60],
                position=position,
            )
    except IntegrityError:
        raise ApplicationError.for_field(
            "name", _("Varian %(name)s sudah ada.") % {"name": name}
        ) from None
    _log(product, "price", "", variant.price, actor, variant=variant)
    _log(product, "stock", "", variant.stock, actor, variant=variant)
    return variant


@transaction.atomic
def variant_add(
    *, actor, product: Product, name: str, price, stock=0, sku: str = "", position: int = 0
) -> Variant:
    if not access.can_edit_product(user=actor, product=product):
        raise PermissionDenied(_("Hanya pemilik usaha yang dapat mengubah produk."))
    # The caller's copy may be stale: the stock event compares with the row as it is.
    product = access.product_get_for_owner(user=actor, product_id=product.pk, lock=True)
    old_stock = product.stock
    variant = _variant_create(
        actor=actor,
        product=product,
        name=name,
        price=price,
        stock=stock,
        sku=sku,
        position=position,
    )
    _sync_from_variants(product)
    stock_moved(product=product, old=old_stock, actor=actor)
    reindex([product.pk])
    return variant


@transaction.atomic
def variant_update(
    *, actor, variant_id: int, price=None, stock=None, is_active=None, reason: str = ""
) -> Variant:
    variant = access.variant_get_for_owner(user=actor, variant_id=variant_id, lock=True)
    product = variant.product
    old_stock = product.stock
    if price is not None:
        if price < 0:
            raise ApplicationError.for_field("price", _("Harga harus angka rupiah 0 atau lebih."))
        if price > limits.MAX_PRICE:
            raise ApplicationError.for_field(
                "price", limits.too_large(_("Harga"), limits.MAX_PRICE, money=True)
            )
        _log(product, "price", variant.price, price, actor, variant, reason)
        variant.price = price
    if stock is not None:
        if stock < 0:
            raise ApplicationError.for_field("stock", _("Stok tidak boleh negatif."))
        if stock > limits.MAX_STOCK:
            raise ApplicationError.for_field("stock", limits.too_large(_("Stok"), limits.MAX_STOCK))
        _log(product, "stock", variant.stock, stock, actor, variant, reason)
        variant.stock = stock
    if is_active is not None:
        variant.is_active = is_active
    variant.save()
    _sync_from_variants(product)
    stock_moved(product=product, old=old_stock, actor=actor, reason=reason)
    reindex([variant.product_id])
    return variant


@transaction.atomic
def stock_set(
    *, actor, product_id: int, stock: int, price: int | None = None, reason: str = ""
) -> Product:
    """The seller's quick update of stock (and price) of a product without variants."""
    product = access.product_get_for_owner(user=actor, product_id=product_id, lock=True)
    if product.has_variants:
        raise Conflict(_("Produk ini memakai varian: ubah stok dan harga per varian."))
    if stock is None or stock < 0:
        raise ApplicationError.for_field("stock", _("Stok tidak boleh negatif."))
    if stock > limits.MAX_STOCK:
        raise ApplicationError.for_field("stock", limits.too_large(_("Stok"), limits.MAX_STOCK))
    if price is not None and price < 0:
        raise ApplicationError.for_field("price", _("Harga harus angka rupiah 0 atau lebih."))
    if price is not None and price > limits.MAX_PRICE:
        raise ApplicationError.for_field(
            "price", limits.too_large(_("Harga"), limits.MAX_PRICE, money=True)
        )
    old_stock = product.stock
    _log(product, "stock", product.stock, stock, actor, reason=reason)
    product.stock = stock
    fields = ["stock"]
    if price is not None:
        _log(product, "price", product.price, price, actor, reason=reason)
        product.price = price
        fields.append("price")
    product.save(update_fields=fields)
    stock_moved(product=product, old=old_stock, actor=actor, reason=reason)
    reindex([product.pk])
    return product


@transaction.atomic
def photo_add(*, actor, product_id: int, upload) -> Photo:
    product = access.product_get_for_owner(user=actor, product_id=product_id, lock=True)
    if product.photos.count() >= MAX_PHOTOS:
        raise ApplicationError.for_field(
            "photo", _("Maksimal %(n)d foto per produk.") % {"n": MAX_PHOTOS}
        )
    return _photo_save(product, upload)


def _photo_save(product: Product, upload) -> Photo:
    image, thumbnail = images.prepare(upload)
    photo = Photo(product=product, position=product.photos.count())
    photo.image.save(image.name, image, save=False)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    photo.save()
    return photo


@transaction.atomic
def photo_delete(*, actor, photo_id: int) -> None:
    photo = access.photo_get_for_owner(user=actor, photo_id=photo_id)
    photo.image.delete(save=False)
    photo.thumbnail.delete(save=False)
    photo.delete()


def stock_changed(product_ids) -> None:
    """Stock moved outside the seller's pages (orders): keep the search index's in-stock flag
    true, without reindexing the text."""
    ids = list(product_ids)
    if ids:
        SearchDoc.objects.filter(product_id__in=ids).update(
            in_stock=Exists(Product.objects.filter(pk=OuterRef("product_id"), stock__gt=0))
        )
