from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from malpro.accounts.decorators import verified_phone_required
from malpro.catalog import access, importer, selectors, services, text
from malpro.catalog.forms import (
    HideForm,
    NewProductForm,
    PhotoForm,
    ProductForm,
    ProductUploadForm,
    SearchForm,
    StockForm,
    VariantFormSet,
)
from malpro.catalog.models import ProductStatus
from malpro.catalog.search.engine import SearchParams, search
from malpro.catalog.search.suggest import suggest
from malpro.core import hooks
from malpro.core.exceptions import ApplicationError, NotFound
from malpro.core.forms import apply_application_error
from malpro.core.money import parse_rupiah
from malpro.core.views import action_outcome, int_param, redirect_next, require_valid
from malpro.regions.selectors import district_list
from malpro.umkm.models import Business, Status
from malpro.umkm.selectors import businesses_of_owner


def home(request):
    return render(
        request,
        "catalog/home.html",
        {
            "categories": selectors.category_tree(),
            "featured": selectors.featured(),
        },
    )


def _params(form: SearchForm, request) -> SearchParams:
    data = form.cleaned_data if form.is_valid() else {}
    return SearchParams(
        q=data.get("q") or "",
        category=selectors.category_by_slug(data.get("category") or ""),
        kecamatan=data.get("kecamatan") or "",
        halal=data.get("halal"),
        agency=(data.get("agency") or "").upper(),
        min_price=data.get("min_price"),
        max_price=data.get("max_price"),
        in_stock=data.get("in_stock"),
        sort=data.get("sort") or "relevance",
        page=data.get("page") or 1,
        page_size=20,
        typing=bool(request.htmx),
    )


def search_page(request):
    form = SearchForm(request.GET or None)
    params = _params(form, request)
    result = search(params)
    categories = selectors.root_categories()
    districts = {d.code: d.name for d in district_list()}
    query = request.GET.copy()
    query.pop("page", None)
    chips = []
    for key, label in (
        ("category", params.category.name if params.category else ""),
        ("kecamatan", districts.get(params.kecamatan, "")),
        ("halal", _("Halal") if params.halal else ""),
        ("in_stock", _("Ada stok") if params.in_stock else ""),
        ("agency", params.agency),
        (
            "min_price",
            f"≥ Rp{params.min_price:,}".replace(",", ".") if params.min_price is not None else "",
        ),
        (
            "max_price",
            f"≤ Rp{params.max_price:,}".replace(",", ".") if params.max_price is not None else "",
        ),
    ):
        if label:
            without = query.copy()
            without.pop(key, None)
            chips.append({"label": label, "remove": without.urlencode()})
    context = {
        "form": form,
        "params": params,
        "result": result,
        "query": query.urlencode(),
        "chips": chips,
        "category_facets": [
            (categories[k], n) for k, n in result.facets["category"].items() if k in categories
        ],
        "district_facets": [
            (code, districts.get(code, code), n)
            for code, n in sorted(result.facets["kecamatan"].items())
        ],
        "sorts": [
            ("relevance", _("Paling sesuai")),
            ("price_asc", _("Termurah")),
            ("price_desc", _("Termahal")),
            ("newest", _("Terbaru")),
            ("best_selling", _("Terlaris")),
        ],
    }
    # Never an empty dead end: a misspelling gets the catalog's spelling, and a search that
    # found nothing offers categories and popular products.
    if result.total == 0:
        context["suggestions"] = suggest(
            params, search=search, popular=lambda: selectors.featured(limit=6)
        )
        spelled = context["suggestions"].query
    else:
        spelled = _respelled(params.q, result.corrections)
    if spelled:
        again = query.copy()
        again["q"] = spelled
        context["did_you_mean"] = {"q": spelled, "query": again.urlencode()}
    template = "catalog/partials/results.html" if request.htmx else "catalog/search.html"
    return render(request, template, context)


def _respelled(q: str, corrections: dict[str, list[str]]) -> str:
    """The query with each word the engine corrected spelled as the catalog spells it."""
    if not corrections:
        return ""
    return " ".join((corrections.get(word) or [word])[0] for word in text.words(q))


def product_page(request, product_id: int, slug: str = ""):
    try:
        product = selectors.product_public(product_id=product_id, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if slug != product.slug:
        return redirect("catalog:product", product_id=product.pk, slug=product.slug)
    context = {
        "product": product,
        "product_actions": hooks.items("catalog.product_actions"),
        "product_sections": hooks.items("catalog.product_sections"),
        "can_moderate": access.can_moderate(user=request.user, product=product),
        "is_owner": access.can_edit_product(user=request.user, product=product),
        "hide_form": HideForm(),
    }
    for extension in hooks.items("catalog.product_context"):  # orders: the recent reviews
        context.update(extension(product))
    return render(request, "catalog/product.html", context)


def storefront_context(business: Business) -> dict:
    """The products part of a shop's public profile (registered with the umkm app)."""
    products = list(selectors.products_of_business(business=business)[:60])
    for product in products:
        product.halal = business.halal_valid
    rating, rating_count = selectors.business_rating(business=business)
    return {
        "storefront_products": products,
        "shop_rating": rating,
        "shop_rating_count": rating_count,
    }


# --- moderation ----------------------------------------------------------------------------------
@login_required
@require_POST
def hide(request, product_id: int):
    with action_outcome(request, _("Produk disembunyikan dari marketplace.")):
        data = require_valid(HideForm(request.POST))
        services.product_transition(
            actor=request.user,
            product_id=product_id,
            to=ProductStatus.HIDDEN,
            reason=data["reason"],
        )
    return redirect("catalog:product_short", product_id=product_id)


@login_required
@require_POST
def unhide(request, product_id: int):
    with action_outcome(request, _("Produk ditayangkan kembali.")):
        services.product_transition(
            actor=request.user, product_id=product_id, to=ProductStatus.PUBLISHED
        )
    return redirect("catalog:product_short", product_id=product_id)


# --- seller pages --------------------------------------------------------------------------------
def _seller_business(request) -> Business | None:
    businesses = list(businesses_of_owner(user=request.user))
    wanted = request.GET.get("usaha") or request.POST.get("usaha")
    for business in businesses:
        if wanted and str(business.pk) == wanted:
            return business
    active = [b for b in businesses if b.status == Status.ACTIVE]
    return active[0] if active else (businesses[0] if businesses else None)


@login_required
def seller_products(request):
    business = _seller_business(request)
    products = (
        selectors.products_of_business(business=business, include_unpublished=True)
        if business
        else []
    )
    return render(
        request,
        "catalog/seller_products.html",
        {
            "business": business,
            "products": products,
            "businesses": businesses_of_owner(user=request.user),
        },
    )


def _variant_rows(formset) -> list[dict]:
    rows = []
    for form in formset:
        data = getattr(form, "cleaned_data", {}) or {}
        if data.get("name"):
            rows.append(
                {"name": data["name"], "price": data.get("price"), "stock": data.get("stock") or 0}
            )
    return rows


@login_required
def product_new(request):
    business = _seller_business(request)
    if business is None:
        return redirect("umkm:start")
    form = NewProductForm(request.POST or None, request.FILES or None)
    variants = VariantFormSet(request.POST or None, prefix="varian")
    if request.method == "POST" and form.is_valid() and variants.is_valid():
        data = services.ProductInput(**form.product_data(), variants=_variant_rows(variants))
        try:
            product = services.product_create(
                actor=request.user,
                business=business,
                data=data,
                photo=form.cleaned_data.get("photo"),
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            if form.cleaned_data.get("photo"):
                done = _("Produk %(name)s disimpan dengan fotonya.")
            else:
                done = _("Produk %(name)s disimpan. Tambahkan fotonya.")
            messages.success(request, done % {"name": product.name})
            return redirect("catalog:product_edit", product_id=product.pk)
    return render(
        request,
        "catalog/product_form.html",
        {
            "form": form,
            "variants": variants,
            "variants_open": request.method == "POST" and not variants.is_valid(),
            "business": business,
            "product": None,
        },
    )


ONBOARDING_STATES = (Status.DRAFT, Status.REJECTED)


@verified_phone_required
def onboarding_product(request, business_id: int):
    """Step 3 of the guided registration ("Mulai jualan", umkm.onboarding): the first product
    with its photo, prepared now and shown to buyers once the shop opens; then submitting."""
    try:
        business = access.business_get_for_seller(user=request.user, business_id=business_id)
    except NotFound:
        raise Http404 from None
    if business.status not in ONBOARDING_STATES:
        return redirect("umkm:status", business_id=business.pk)
    products = list(
        selectors.products_of_business(business=business, include_unpublished=True)[:20]
    )
    posted = request.method == "POST"
    form = NewProductForm(
        request.POST if posted else None, request.FILES if posted else None, photo_required=True
    )
    del form.fields["publish"]  # shown to buyers as soon as the shop opens
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                actor=request.user,
                business=business,
                data=services.ProductInput(**form.product_data(), publish=True),
                photo=form.cleaned_data["photo"],
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(
                request,
                _("Produk %(name)s tersimpan dengan fotonya. Sekarang ajukan verifikasi.")
                % {"name": product.name},
            )
            return redirect(f"{request.path}#ajukan")
    return render(
        request,
        "catalog/onboarding_product.html",
        {
            "form": form,
            "business": business,
            "products": products,
            "step": 3,
            "steps": 3,
            "form_open": request.method == "POST",
        },
    )


def _product_form(product, data=None) -> ProductForm:
    initial = {
        "name": product.name,
        "category_slug": product.category.slug,
        "description": product.description,
        "price": product.price,
        "unit": product.unit,
        "stock": product.stock,
        "weight_grams": product.weight_grams,
        "sku": product.sku or "",
        "publish": product.status == "published",
    }
    return ProductForm(data, initial=initial)


@login_required
def product_edit(request, product_id: int):
    try:
        product = access.product_get_for_owner(user=request.user, product_id=product_id)
    except NotFound:
        raise Http404 from None
    form = _product_form(product, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(
                actor=request.user,
                product_id=product.pk,
                data=services.ProductInput(**form.cleaned_data),
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Produk disimpan."))
            return redirect("catalog:product_edit", product_id=product.pk)
    return _edit_page(request, product, form)


def _edit_page(request, product, form, variant_add=None):
    return render(
        request,
        "catalog/product_form.html",
        {
            "form": form,
            "product": product,
            "business": product.business,
            "variants_list": selectors.variants_of(product=product),
            "photo_form": PhotoForm(),
            "variant_add": variant_add or VariantFormSet(prefix="varian"),
            "variants_open": variant_add is not None,
            "changes": selectors.product_history(product=product),
        },
    )


@login_required
@require_POST
def product_photo(request, product_id: int):
    with action_outcome(request, _("Foto ditambahkan.")):
        data = require_valid(PhotoForm(request.POST, request.FILES))
        services.photo_add(actor=request.user, product_id=product_id, upload=data["photo"])
    return redirect("catalog:product_edit", product_id=product_id)


@login_required
@require_POST
def product_stock(request, product_id: int):
    with action_outcome(request, _("Stok dan harga diperbarui.")):
        data = require_valid(StockForm(request.POST))
        services.stock_set(
            actor=request.user, product_id=product_id, stock=data["stock"], price=data["price"]
        )
    return redirect_next(request, "catalog:seller_products")


@login_required
@require_POST
def variant_save(request, product_id: int):
    try:
        product = access.product_get_for_owner(user=request.user, product_id=product_id)
    except NotFound:
        raise Http404 from None
    variant_id = request.POST.get("variant_id")
    try:
        if variant_id:
            stock, price = request.POST.get("stock"), request.POST.get("price")
            if int_param(variant_id) is None:
                raise NotFound(_("Varian tidak ditemukan."))
            if stock not in (None, "") and int_param(stock) is None:
                raise ValueError(stock)
            services.variant_update(
                actor=request.user,
                variant_id=int_param(variant_id),
                stock=int_param(stock),
                price=parse_rupiah(price) if price not in (None, "") else None,
                is_active=request.POST.get("is_active", "1") == "1",
            )
        else:
            formset = VariantFormSet(request.POST, prefix="varian")
            if not formset.is_valid():
                # The seller's rows come back with each mistake next to its field.
                messages.error(request, _("Periksa isian varian."))
                return _edit_page(request, product, _product_form(product), formset)
            for row in _variant_rows(formset):
                services.variant_add(actor=request.user, product=product, **row)
        messages.success(request, _("Varian disimpan."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except (ValueError, ValidationError):
        messages.error(request, _("Angka stok atau harga tidak valid."))
    return redirect("catalog:product_edit", product_id=product_id)


@login_required
def product_upload(request):
    business = _seller_business(request)
    if business is None:
        return redirect("umkm:start")
    form = ProductUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importer.products_import(
                source=upload,
                filename=upload.name,
                business_id=business.pk,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ApplicationError as exc:
            form.add_error("file", exc.message)
    return render(
        request,
        "catalog/product_upload.html",
        {
            "form": form,
            "business": business,
            "result": result,
            "columns": importer.column_guide(),
        },
    )


def upload_template(request):
    from django.http import HttpResponse

    from malpro.core import tabular

    example = [
        [
            "KTO-250",
            "Keripik Tempe Original 250 g",
            "Renyah, tanpa pengawet",
            "keripik",
            "15.000",
            "pack",
            "40",
            "260",
        ],
        ["", "Sambal Bawang Botol", "Pedas sedang", "Sambal", "25000", "botol", "12", "300"],
    ]
    response = HttpResponse(
        tabular.csv_text(importer.COLUMNS.canonical, example),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="templat-produk.csv"'
    return response
