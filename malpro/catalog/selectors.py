from django.db.models import Prefetch, Sum
from django.utils.translation import gettext as _

from malpro.catalog.models import Category, Photo, Product, ProductStatus, Variant
from malpro.core.exceptions import NotFound
from malpro.umkm.models import Status


def category_tree() -> list[Category]:
    return list(
        Category.objects.filter(is_active=True, parent__isnull=True).prefetch_related(
            Prefetch("children", queryset=Category.objects.filter(is_active=True))
        )
    )


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug, is_active=True).first() if slug else None


def product_public(*, product_id: int, user=None) -> Product:
    """A product as buyers see it: published, of an active shop. Its owner and moderators also
    see it when it is a draft or hidden."""
    product = (
        Product.objects.filter(pk=product_id)
        .select_related("business__village__district", "category__parent")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.filter(is_active=True)),
            "photos",
            "business__agencies",
        )
        .first()
    )
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    visible = product.status == ProductStatus.PUBLISHED and product.business.status == Status.ACTIVE
    if not visible:
        from malpro.catalog.services import can_moderate

        if user is None or not (
            product.business.owner_id == getattr(user, "pk", None) or can_moderate(user, product)
        ):
            raise NotFound(_("Produk tidak ditemukan."))
    product.halal = product.business.halal_valid
    return product


def products_of_business(*, business, include_unpublished: bool = False):
    qs = (
        Product.objects.filter(business=business)
        .select_related("category")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("position", "id")))
    )
    if not include_unpublished:
        qs = qs.filter(status=ProductStatus.PUBLISHED)
    return qs.order_by("-sold_count", "-id")


def business_rating(*, business) -> tuple[float | None, int]:
    """A shop's average rating over all its products' reviews, and how many there are."""
    totals = Product.objects.filter(business=business).aggregate(
        total=Sum("rating_sum"), count=Sum("rating_count")
    )
    count = totals["count"] or 0
    return (round(totals["total"] / count, 1) if count else None), count


def featured(limit: int = 12) -> list[Product]:
    """Best sellers of active shops, in stock, spread over sellers (at most two per shop)."""
    picked, per_shop = [], {}
    candidates = (
        Product.objects.filter(
            status=ProductStatus.PUBLISHED, business__status=Status.ACTIVE, stock__gt=0
        )
        .select_related("business__village__district")
        .prefetch_related("photos")
        .order_by("-sold_count", "-id")[: limit * 5]
    )
    for product in candidates:
        if per_shop.get(product.business_id, 0) >= 2:
            continue
        per_shop[product.business_id] = per_shop.get(product.business_id, 0) + 1
        product.halal = product.business.halal_valid
        picked.append(product)
        if len(picked) >= limit:
            break
    return picked
