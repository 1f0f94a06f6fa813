"""Who may see or do what in the catalog: the one place pages, the API, menus and the services
ask.

Parties towards a product (the product machine's `parties`):
- owner: the seller whose business lists the product; edits it, publishes and unpublishes it;
- moderator: an officer of an agency that guides (membina) the business, or a city admin;
  hides a product from the marketplace (with a reason) and shows it again;
- public: anyone who may see the product without being one of the above (a published product
  of an active business); a move they try is refused (403) rather than hidden (404).

Visibility: everyone sees published products of active businesses; an owner sees their own
products in any state; a moderator the products they moderate. Anything else does not exist
for the user (404).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.accounts import access as accounts_access
from malpro.catalog.models import Photo, Product, ProductStatus, Variant
from malpro.core.access import signed_in
from malpro.core.exceptions import NotFound
from malpro.umkm.models import Business, Guidance, Status

OWNER, MODERATOR, PUBLIC = "owner", "moderator", "public"
PARTY_LABELS = {
    OWNER: gettext_lazy("pemilik usaha"),
    MODERATOR: gettext_lazy("petugas OPD pembina atau admin kota"),
    PUBLIC: gettext_lazy("pengunjung"),
}


def _public_q(prefix: str = "") -> Q:
    return Q(
        **{f"{prefix}status": ProductStatus.PUBLISHED, f"{prefix}business__status": Status.ACTIVE}
    )


def _moderated_q(user) -> Q | None:
    """The products `user` moderates: every one for a city admin (an empty Q), those of the
    businesses their agencies guide for an officer, None for everyone else."""
    if accounts_access.is_city_admin(user=user):
        return Q()
    agencies = accounts_access.officer_agency_ids(user=user)
    if not agencies:
        return None
    return Q(
        Exists(Guidance.objects.filter(business_id=OuterRef("business_id"), agency_id__in=agencies))
    )


# --- seeing products -----------------------------------------------------------------------------
def products_public() -> QuerySet[Product]:
    """What buyers find: published products of active businesses."""
    return Product.objects.filter(_public_q())


def products_visible(*, user) -> QuerySet[Product]:
    """Every product `user` may open: the public ones, their own, the ones they moderate."""
    if not signed_in(user):
        return products_public()
    moderated = _moderated_q(user)
    if moderated is not None and not moderated:  # city-wide
        return Product.objects.all()
    visible = _public_q() | Q(business__owner=user)
    if moderated is not None:
        visible |= moderated
    return Product.objects.filter(visible)


def product_get_for_user(*, user, product_id: int) -> Product:
    """A product as its page and the API show it (variants, photos, the shop's agencies)."""
    product = (
        products_visible(user=user)
        .filter(pk=product_id)
        .select_related("business__village__district", "category__parent")
        .prefetch_related(
            Prefetch("variants", queryset=Variant.objects.filter(is_active=True)),
            Prefetch("photos", queryset=Photo.objects.order_by("position", "id")),
            "business__agencies",
        )
        .first()
    )
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    return product


def is_public(product: Product) -> bool:
    return product.status == ProductStatus.PUBLISHED and product.business.status == Status.ACTIVE


# --- parties and what they may do ----------------------------------------------------------------
def is_owner(*, user, product: Product) -> bool:
    return signed_in(user) and product.business.owner_id == user.pk


def can_moderate(*, user, product: Product) -> bool:
    """Officers of an agency guiding the business, and city admins."""
    if not signed_in(user):
        return False
    if accounts_access.is_city_admin(user=user):
        return True
    agencies = accounts_access.officer_agency_ids(user=user)
    return (
        bool(agencies)
        and Guidance.objects.filter(
            business_id=product.business_id, agency_id__in=agencies
        ).exists()
    )


def product_parties(user, product: Product) -> set[str]:
    parties = set()
    if is_owner(user=user, product=product):
        parties.add(OWNER)
    if can_moderate(user=user, product=product):
        parties.add(MODERATOR)
    if not parties and is_public(product):
        parties.add(PUBLIC)
    return parties


def can_edit_product(*, user, product: Product) -> bool:
    """Name, description, price, stock, variants, photos, publishing: the owner only."""
    return is_owner(user=user, product=product)


def can_add_product(*, user, business: Business) -> bool:
    return signed_in(user) and business.owner_id == user.pk


def can_sell(*, user) -> bool:
    """The seller's pages ("Produk saya") are offered to accounts with the seller role."""
    return accounts_access.is_seller(user=user)


def can_search(*, user) -> bool:
    return True


# --- the owner's objects (404 for anyone else: their existence is not revealed) -----------------
def business_get_for_seller(*, user, business_id: int) -> Business:
    business = (
        Business.objects.filter(pk=business_id, owner=user).first() if signed_in(user) else None
    )
    if business is None:
        raise NotFound(_("UMKM tidak ditemukan."))
    return business


def product_get_for_owner(*, user, product_id: int, lock: bool = False) -> Product:
    qs = Product.objects.select_related("business", "category")
    if lock:
        qs = qs.select_for_update()
    product = qs.filter(pk=product_id, business__owner=user).first() if signed_in(user) else None
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    return product


def variant_get_for_owner(*, user, variant_id: int, lock: bool = False) -> Variant:
    qs = Variant.objects.select_related("product__business")
    if lock:
        qs = qs.select_for_update()
    variant = (
        qs.filter(pk=variant_id, product__business__owner=user).first() if signed_in(user) else None
    )
    if variant is None:
        raise NotFound(_("Varian tidak ditemukan."))
    return variant


def photo_get_for_owner(*, user, photo_id: int) -> Photo:
    photo = (
        Photo.objects.filter(pk=photo_id, product__business__owner=user).first()
        if signed_in(user)
        else None
    )
    if photo is None:
        raise NotFound(_("Foto tidak ditemukan."))
    return photo


# Rows of docs/permissions.md: (role, action, scope).
PERMISSIONS = [
    (
        "anonymous",
        "product: search, open its page and API detail",
        "published products of active businesses",
    ),
    ("buyer", "product: search, open", "published products of active businesses"),
    (
        "seller",
        "product: list (page, API, spreadsheet upload), edit, stock and price, variants, photos",
        "own business's products, any status",
    ),
    (
        "seller",
        "product: add (with its first photo), also while the business is being registered and "
        "verified (the guided registration's step 3)",
        "own business, unless suspended; buyers see it once the business is active",
    ),
    (
        "seller",
        "product: publish (draft -> published), unpublish (published -> draft)",
        "own products",
    ),
    ("seller", "product: open its page and API detail when draft or hidden", "own products"),
    (
        "agency_officer",
        "product: hide with a reason (draft/published -> hidden), show again (hidden -> published)",
        "products of businesses their agency guides",
    ),
    (
        "agency_officer",
        "product: open its page and API detail when draft or hidden",
        "products of businesses their agency guides",
    ),
    ("city_admin", "product: hide with a reason, show again", "every product"),
    ("city_admin", "product: open its page and API detail in any status", "every product"),
    ("auditor", "product: search, open", "published products of active businesses"),
]


def _listed(status: str = ProductStatus.PUBLISHED):
    """ACCESS_CASES' `make`: a product of the `seller`'s active business, guided by
    Diskopindag (the `officer`'s agency; `other_officer` serves Dispangtan)."""

    def make(objects):
        from malpro.catalog.tests.factories import product, shop  # test data, only when walked

        item = product(shop(objects["seller"]), "Keripik Tempe", price=15000, stock=5)
        Product.objects.filter(pk=item.pk).update(status=status)
        return {"product": item}

    return make


def product_page(objects) -> str:
    item = objects["product"]
    return f"/produk/{item.pk}-{item.slug}/"


def product_edit_page(objects) -> str:
    return f"/jual/produk/{objects['product'].pk}/"


def product_api(objects) -> str:
    return f"/api/v1/products/{objects['product'].pk}"


def product_api_hide(objects) -> str:
    return f"/api/v1/products/{objects['product'].pk}/hide"


def product_api_stock(objects) -> str:
    return f"/api/v1/products/{objects['product'].pk}/stock"


def _draft_business(objects):
    """ACCESS_CASES' `make`: the `seller`'s business still being registered (a draft)."""
    from malpro.umkm.models import Status
    from malpro.umkm.tests.factories import make_business  # test data, only when walked

    return {"business": make_business(owner=objects["seller"], status=Status.DRAFT)}


def onboarding_product_page(objects) -> str:
    return f"/jual/mulai/{objects['business'].pk}/produk/"


def _rows(url, make, method, expectations, data=None) -> list[dict]:
    rows = []
    for role, expect in expectations:
        row = {"role": role, "method": method, "url": url, "make": make, "expect": expect}
        if data is not None:
            row["data"] = data
        rows.append(row)
    return rows


ACCESS_CASES = [
    {"role": None, "method": "get", "url": "/cari/?q=keripik", "expect": 200},
    {"role": None, "method": "get", "url": "/api/v1/products?q=keripik", "expect": 200},
    {"role": None, "method": "get", "url": "/jual/produk/", "expect": 302},
    {"role": "seller", "method": "get", "url": "/jual/produk/", "expect": 200},
    {
        "role": "seller",
        "method": "get",
        "url": "/jual/produk/baru/",
        "make": _listed(),
        "expect": 200,
    },
    {"role": "buyer", "method": "get", "url": "/jual/produk/baru/", "expect": 302},  # register
    {"role": None, "method": "post", "url": "/api/v1/products", "expect": 401},
    *_rows(
        product_page,
        _listed(),
        "get",
        [(None, 200), ("buyer", 200), ("other_seller", 200), ("auditor", 200)],
    ),
    *_rows(
        product_page,
        _listed(ProductStatus.HIDDEN),
        "get",
        [
            (None, 404),
            ("buyer", 404),
            ("seller", 200),
            ("other_seller", 404),
            ("officer", 200),
            ("other_officer", 404),
            ("auditor", 404),
            ("city_admin", 200),
        ],
    ),
    *_rows(
        product_api,
        _listed(ProductStatus.DRAFT),
        "get",
        [(None, 404), ("seller", 200), ("other_seller", 404), ("officer", 200)],
    ),
    *_rows(
        product_edit_page,
        _listed(),
        "get",
        [(None, 302), ("seller", 200), ("other_seller", 404), ("officer", 404)],
    ),
    *_rows(
        product_api_stock,
        _listed(),
        "post",
        [(None, 401), ("seller", 200), ("other_seller", 404), ("city_admin", 404)],
        data={"stock": 3},
    ),
    *_rows(
        product_api_hide,
        _listed(),
        "post",
        [
            (None, 401),
            ("buyer", 403),
            ("seller", 403),
            ("other_officer", 403),
            ("auditor", 403),
            ("officer", 200),
            ("city_admin", 200),
        ],
        data={"reason": "Foto menyesatkan"},
    ),
    *_rows(
        product_api_hide,
        _listed(ProductStatus.DRAFT),
        "post",
        [("buyer", 404), ("other_officer", 404), ("seller", 403), ("officer", 200)],
        data={"reason": "Foto menyesatkan"},
    ),
    # The guided registration's third step (the first product): the owner only.
    *_rows(
        onboarding_product_page,
        _draft_business,
        "get",
        [(None, 302), ("seller", 200), ("other_seller", 404), ("officer", 404), ("auditor", 404)],
    ),
]
"""Checkable cases for the permissions test; the shape is described under
malpro.accounts.access.ACCESS_CASES ("role", "method", "url" path or callable(objects),
"expect", optional "make": callable(objects) -> dict of created objects, optional "data")."""
