"""Product search: filters, sorts, facets and pagination over either backend, plus indexing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Value, When
from django.utils import timezone

from malpro.catalog import text
from malpro.catalog.models import Category, Product, ProductStatus, SearchDoc
from malpro.catalog.search.backends import get_backend
from malpro.catalog.search.query import parse
from malpro.umkm.models import Guidance, Status

SORTS = ("relevance", "price_asc", "price_desc", "newest", "best_selling")
NO_EXPIRY = dt.date(9999, 12, 31)


@dataclass
class SearchParams:
    q: str = ""
    category: Category | None = None
    kecamatan: str = ""
    halal: bool | None = None
    agency: str = ""
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    typing: bool = False
    business_id: int | None = None


@dataclass
class SearchResult:
    total: int
    products: list[Product]
    facets: dict = field(default_factory=dict)
    corrections: dict = field(default_factory=dict)
    page: int = 1
    page_size: int = 20

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def descendant_ids(category: Category) -> list[int]:
    ids, frontier = [category.pk], [category.pk]
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def _filtered(params: SearchParams, *, skip: str = ""):
    qs = SearchDoc.objects.all()
    today = timezone.localdate()
    if params.category is not None and skip != "category":
        qs = qs.filter(category_id__in=descendant_ids(params.category))
    if params.kecamatan and skip != "kecamatan":
        qs = qs.filter(district_code=params.kecamatan)
    if params.halal is not None and skip != "halal":
        qs = (
            qs.filter(halal_until__gte=today)
            if params.halal
            else qs.exclude(halal_until__gte=today)
        )
    if params.agency:
        qs = qs.filter(
            Exists(
                Guidance.objects.filter(
                    business_id=OuterRef("business_id"), agency__code=params.agency
                )
            )
        )
    if params.min_price is not None:
        qs = qs.filter(price__gte=params.min_price)
    if params.max_price is not None:
        qs = qs.filter(price__lte=params.max_price)
    if params.in_stock is not None:
        qs = qs.filter(in_stock=params.in_stock)
    if params.business_id is not None:
        qs = qs.filter(business_id=params.business_id)
    return qs


def search(params: SearchParams) -> SearchResult:
    backend = get_backend()
    parsed = parse(params.q, backend, typing=params.typing)

    def build(skip: str = ""):
        qs = _filtered(params, skip=skip)
        if parsed:
            qs = backend.match(qs, parsed.clauses)
        return qs

    qs = build()
    sort = params.sort if params.sort in SORTS else "relevance"
    if sort == "relevance" and parsed:
        # Name matches first, then what is in stock; ties: best sellers, then newest.
        qs = qs.annotate(
            score=F("name_hits") * 10 + Case(When(in_stock=True, then=Value(5)), default=Value(0))
        ).order_by("-score", "-sold_count", "-product_id")
    elif sort == "price_asc":
        qs = qs.order_by("price", "-product_id")
    elif sort == "price_desc":
        qs = qs.order_by("-price", "-product_id")
    elif sort == "newest":
        qs = qs.order_by("-published_at", "-product_id")
    else:  # best selling, and relevance without words
        qs = qs.order_by("-in_stock", "-sold_count", "-product_id")
    today = timezone.localdate()
    # One grouped scan of the matches gives the total and every facet whose own filter is not
    # set (for those, "every filter but its own" is every filter); a facet whose filter is set
    # needs a scan without it. Each scan of a popular word's matches is the expensive part.
    groups = _groups(qs, today)
    total = sum(groups.values())
    skipped = {
        dim: _groups(build(dim), today)
        for dim, active in (
            ("category", params.category is not None),
            ("kecamatan", bool(params.kecamatan)),
            ("halal", params.halal is not None),
        )
        if active
    }
    start = (params.page - 1) * params.page_size
    ids = []
    if start < total:
        ids = list(qs.values_list("product_id", flat=True)[start : start + params.page_size])
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in=ids)
        .select_related("business__village__district", "category")
        .prefetch_related("photos")
    }
    for product in products.values():
        product.halal = product.business.halal_valid
    halal = _facet(skipped.get("halal", groups), 2)
    facets = {
        "category": _facet(skipped.get("category", groups), 0),
        "kecamatan": _facet(skipped.get("kecamatan", groups), 1),
        "halal": {"true": halal.get("1", 0), "false": halal.get("0", 0)},
    }
    return SearchResult(
        total=total,
        products=[products[i] for i in ids if i in products],
        facets=facets,
        corrections=parsed.corrections,
        page=params.page,
        page_size=params.page_size,
    )


def _groups(qs, today) -> dict[tuple, int]:
    """Matches counted by (top-level category, kecamatan, halal valid today: 1 or 0)."""
    valid = Case(When(halal_until__gte=today, then=Value(1)), default=Value(0))
    rows = (
        qs.order_by()
        .annotate(halal_valid=valid)
        .values_list("category_root_id", "district_code", "halal_valid")
        .annotate(n=Count("product_id"))
    )
    return {(root, district, int(ok)): n for root, district, ok, n in rows}


def _facet(groups: dict[tuple, int], position: int) -> dict[str, int]:
    counts: dict = {}
    for key, n in groups.items():
        counts[key[position]] = counts.get(key[position], 0) + n
    return {str(k): counts[k] for k in sorted(counts)}


# --- indexing ------------------------------------------------------------------------------------
def _searchable(product: Product) -> bool:
    business = product.business
    return (
        product.status == ProductStatus.PUBLISHED
        and business.status == Status.ACTIVE
        and business.on_marketplace
    )


def reindex(product_ids) -> None:
    """Brings the index of these products in line with the database (call after any change to
    a product or its business; inside the caller's transaction)."""
    product_ids = list(product_ids)
    if not product_ids:
        return
    backend = get_backend()
    products = list(
        Product.objects.filter(pk__in=product_ids).select_related(
            "business__village", "category__parent"
        )
    )
    keep = [p for p in products if _searchable(p)]
    gone = set(product_ids) - {p.pk for p in keep}
    with transaction.atomic():
        backend.remove(sorted(gone))
        docs, vocabulary = [], set()
        for product in keep:
            business = product.business
            category = product.category
            # The category's words count as the product's: "minuman" finds every drink.
            body = " ".join(
                filter(
                    None,
                    [
                        product.description,
                        category.name,
                        category.parent.name if category.parent_id else "",
                    ],
                )
            )
            name_raw, body_raw = text.raw(product.name), text.raw(body)
            vocabulary.update(name_raw.split())
            vocabulary.update(body_raw.split())
            halal_until = None
            if business.halal_valid:
                halal_until = business.halal_expires_on or NO_EXPIRY
            docs.append(
                SearchDoc(
                    product_id=product.pk,
                    business_id=business.pk,
                    category_id=category.pk,
                    category_root_id=category.parent_id or category.pk,
                    district_code=business.village.district_id,
                    halal_until=halal_until,
                    in_stock=product.stock > 0,
                    price=product.price,
                    sold_count=product.sold_count,
                    published_at=product.published_at or product.created_at,
                    name_raw=name_raw,
                    body_raw=body_raw,
                    name_stem=text.stems(product.name) if backend.vendor == "sqlite" else "",
                    body_stem=text.stems(body) if backend.vendor == "sqlite" else "",
                )
            )
        backend.store(docs)
        backend.add_terms(vocabulary)


def reindex_business(business_id: int) -> None:
    reindex(Product.objects.filter(business_id=business_id).values_list("pk", flat=True))
