from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile
from pydantic import Field

from malpro.accounts.auth import BearerAuth
from malpro.catalog import access, selectors, services
from malpro.catalog.models import Product, ProductStatus
from malpro.catalog.search.engine import SearchParams, search
from malpro.core.limits import Page, PageSize, Price, Stock, WeightGrams
from malpro.core.validators import SafeLine, SafeText

router = Router(tags=["catalog"])


class SearchQuery(Schema):
    q: str = Field("", max_length=100)
    category: str = Field("", max_length=80, description="category slug")
    kecamatan: str = Field("", max_length=8, description="kecamatan code, e.g. 35.73.05")
    halal: bool | None = None
    agency: str = Field("", max_length=32)
    min_price: Price | None = None
    max_price: Price | None = None
    in_stock: bool | None = None
    sort: Literal["relevance", "price_asc", "price_desc", "newest", "best_selling"] = "relevance"
    page: Page = 1
    page_size: PageSize = 20
    typing: bool = Field(False, description="the last word is still being typed (prefix)")


class BusinessRef(Schema):
    id: int
    name: str
    kecamatan: str


class ProductOut(Schema):
    id: int
    name: str
    price: int
    unit: str
    halal: bool
    stock: int
    business: BusinessRef
    thumbnail: str | None


class SearchOut(Schema):
    total: int
    page: int
    page_size: int
    results: list[ProductOut]
    facets: dict
    corrections: dict[str, list[str]]


class VariantOut(Schema):
    id: int
    name: str
    price: int
    stock: int


class ProductDetailOut(ProductOut):
    description: str
    category: str
    weight_grams: int
    status: str
    sku: str | None
    sold_count: int
    rating: float | None
    variants: list[VariantOut]
    photos: list[str]


class VariantIn(Schema):
    name: SafeLine = Field(..., max_length=60)
    price: Price
    stock: Stock = 0
    sku: SafeLine = Field("", max_length=60)


class ProductIn(Schema):
    business_id: int
    name: SafeLine = Field(..., max_length=120)
    category: SafeLine = Field(..., max_length=80, description="category slug or name")
    price: Price
    unit: str = Field("pcs", max_length=10)
    stock: Stock = 0
    weight_grams: WeightGrams = 0
    description: SafeText = Field("", max_length=5000)
    sku: SafeLine = Field("", max_length=60)
    publish: bool = True
    variants: list[VariantIn] = Field(default_factory=list, max_length=20)


class ProductUpdateIn(Schema):
    name: SafeLine = Field(..., max_length=120)
    category: SafeLine = Field(..., max_length=80)
    price: Price
    unit: str = Field("pcs", max_length=10)
    stock: Stock = 0
    weight_grams: WeightGrams = 0
    description: SafeText = Field("", max_length=5000)
    sku: SafeLine = Field("", max_length=60)
    publish: bool = True


class VariantUpdateIn(Schema):
    price: Price | None = None
    stock: Stock | None = None
    is_active: bool | None = None


class StockIn(Schema):
    stock: Stock
    price: Price | None = None
    reason: SafeLine = Field("", max_length=200)


class ReasonIn(Schema):
    reason: SafeText = Field("", max_length=500)


def _card(product: Product) -> dict:
    photo = next(iter(product.photos.all()), None)
    return {
        "id": product.pk,
        "name": product.name,
        "price": product.price,
        "unit": product.unit,
        "halal": product.business.halal_valid,
        "stock": product.stock,
        "business": {
            "id": product.business_id,
            "name": product.business.name,
            "kecamatan": product.business.village.district.name,
        },
        "thumbnail": photo.thumbnail.url if photo else None,
    }


def _detail(product: Product) -> dict:
    data = _card(product)
    data.update(
        {
            "description": product.description,
            "category": product.category.slug,
            "weight_grams": product.weight_grams,
            "status": product.status,
            "sku": product.sku,
            "sold_count": product.sold_count,
            "rating": product.rating,
            "variants": [
                {"id": v.pk, "name": v.name, "price": v.price, "stock": v.stock}
                for v in product.variants.all()
                if v.is_active
            ],
            "photos": [p.image.url for p in product.photos.all()],
        }
    )
    return data


def _fresh(request: HttpRequest, product_id: int) -> Product:
    """The product as the caller may see it after their change."""
    return access.product_get_for_user(user=request.auth, product_id=product_id)


@router.get("", response=SearchOut, auth=None, summary="Search products")
def product_search(request: HttpRequest, query: Query[SearchQuery]):
    category = None
    if query.category:
        category = selectors.category_by_slug(query.category)
        if category is None:
            raise NinjaValidationError(
                [
                    {
                        "loc": ["query", "category"],
                        "msg": _("Kategori %(value)s tidak dikenal.") % {"value": query.category},
                    }
                ]
            )
    if (
        query.min_price is not None
        and query.max_price is not None
        and query.min_price > query.max_price
    ):
        raise NinjaValidationError(
            [
                {
                    "loc": ["query", "max_price"],
                    "msg": _("Harga maksimum lebih kecil dari harga minimum."),
                }
            ]
        )
    result = search(
        SearchParams(
            q=query.q,
            category=category,
            kecamatan=query.kecamatan,
            halal=query.halal,
            agency=query.agency.upper(),
            min_price=query.min_price,
            max_price=query.max_price,
            in_stock=query.in_stock,
            sort=query.sort,
            page=query.page,
            page_size=query.page_size,
            typing=query.typing,
        )
    )
    return {
        "total": result.total,
        "page": result.page,
        "page_size": result.page_size,
        "results": [_card(p) for p in result.products],
        "facets": result.facets,
        "corrections": result.corrections,
    }


def _whoever(request: HttpRequest):
    """No token needed: without one the caller is whoever the session says (often nobody)."""
    return request.user


@router.get("/{int:product_id}", response=ProductDetailOut, auth=[BearerAuth(), _whoever])
def product_get(request: HttpRequest, product_id: int):
    """Published products for everyone; drafts and hidden ones also for their owner and
    moderators when they send their token."""
    product = selectors.product_public(product_id=product_id, user=request.auth)
    return _detail(product)


def _input(payload, variants=()) -> services.ProductInput:
    return services.ProductInput(
        name=payload.name,
        category_slug=payload.category,
        price=payload.price,
        unit=payload.unit,
        stock=payload.stock,
        weight_grams=payload.weight_grams,
        description=payload.description,
        sku=payload.sku,
        publish=payload.publish,
        variants=[v.dict() for v in variants],
    )


@router.post("", response={201: ProductDetailOut}, summary="A seller lists a product")
def product_create(request: HttpRequest, payload: ProductIn):
    business = access.business_get_for_seller(user=request.auth, business_id=payload.business_id)
    product = services.product_create(
        actor=request.auth, business=business, data=_input(payload, payload.variants)
    )
    return Status(201, _detail(_fresh(request, product.pk)))


@router.put("/{int:product_id}", response=ProductDetailOut)
def product_update(request: HttpRequest, product_id: int, payload: ProductUpdateIn):
    services.product_update(actor=request.auth, product_id=product_id, data=_input(payload))
    return _detail(_fresh(request, product_id))


@router.post("/{int:product_id}/variants", response={201: ProductDetailOut})
def variant_create(request: HttpRequest, product_id: int, payload: VariantIn):
    product = access.product_get_for_owner(user=request.auth, product_id=product_id)
    services.variant_add(actor=request.auth, product=product, **payload.dict())
    return Status(201, _detail(_fresh(request, product_id)))


@router.patch("/variants/{int:variant_id}", response=ProductDetailOut)
def variant_update(request: HttpRequest, variant_id: int, payload: VariantUpdateIn):
    variant = services.variant_update(actor=request.auth, variant_id=variant_id, **payload.dict())
    return _detail(_fresh(request, variant.product_id))


@router.post("/{int:product_id}/stock", response=ProductDetailOut)
def stock(request: HttpRequest, product_id: int, payload: StockIn):
    services.stock_set(
        actor=request.auth,
        product_id=product_id,
        stock=payload.stock,
        price=payload.price,
        reason=payload.reason,
    )
    return _detail(_fresh(request, product_id))


@router.post("/{int:product_id}/photos", response={201: ProductDetailOut})
def photo(request: HttpRequest, product_id: int, file: File[UploadedFile]):
    services.photo_add(actor=request.auth, product_id=product_id, upload=file)
    return Status(201, _detail(_fresh(request, product_id)))


@router.post("/{int:product_id}/hide", response=ProductDetailOut)
def hide(request: HttpRequest, product_id: int, payload: ReasonIn):
    services.product_transition(
        actor=request.auth, product_id=product_id, to=ProductStatus.HIDDEN, reason=payload.reason
    )
    return _detail(_fresh(request, product_id))


@router.post("/{int:product_id}/unhide", response=ProductDetailOut)
def unhide(request: HttpRequest, product_id: int, payload: ReasonIn):
    services.product_transition(
        actor=request.auth, product_id=product_id, to=ProductStatus.PUBLISHED, reason=payload.reason
    )
    return _detail(_fresh(request, product_id))
