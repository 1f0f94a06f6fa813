from django.db.models import Prefetch, Sum

from malpro.catalog import access
from malpro.catalog.models import Category, Photo, Product, ProductChange, ProductStatus


def category_tree() -> list[Category]:
    return list(
        Category.objects.filter(is_active=True, parent__isnull=True).prefetch_related(
            Prefetch("children", queryset=Category.objects.filter(is_active=True))
        )
    )


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug, is_active=True).first() if slug else None


def product_public(*, product_id: int, user=None) -> Product:
    """A product as its page shows it: published, of an active shop, for everyone; its owner
    and its moderators also see it when it is a draft or hidden (catalog.access)."""
    product = access.product_get_for_user(user=user, product_id=product_id)
    product.halal = product.business.halal_valid
    return product


def root_categories() -> dict[str, Category]:
    """Top-level categories by id (as text), for the search facets."""
    return {str(c.pk): c for c in Category.objects.filter(parent__isnull=True)}


def variants_of(*, product: Product):
    """Every variant of a product, the inactive ones too (the seller's edit page)."""
    return product.variants.all()


def product_history(*, product: Product, limit: int = 20) -> list[ProductChange]:
    """The latest changes of price, stock and status (the seller's edit page)."""
    return list(product.changes.select_related("actor", "variant")[:limit])


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
        access.products_public()
        .filter(stock__gt=0)
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
