import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from malpro.core import hooks, validators
from malpro.core.exceptions import ApplicationError, NotFound
from malpro.core.forms import apply_application_error
from malpro.core.views import action_outcome, int_param, redirect_next, require_valid
from malpro.orders import access, selectors, services, workflow
from malpro.orders.forms import (
    CheckoutForm,
    DeliverySettingsForm,
    ReviewForm,
    SavedAddressForm,
)
from malpro.orders.models import OrderStatus
from malpro.orders.receivers import CART_TOKEN
from malpro.regions.selectors import district_list
from malpro.umkm.selectors import businesses_of_owner


def current_cart(request, create: bool = False):
    if request.user.is_authenticated:
        return services.cart_for(user=request.user, create=create)
    token = request.session.get(CART_TOKEN)
    if token is None and create:
        token = request.session[CART_TOKEN] = uuid.uuid4().hex
    return services.cart_for(session_key=token, create=create) if token else None


def cart_page(request):
    cart = current_cart(request)
    view = selectors.cart_view(cart)
    template = "orders/partials/cart_body.html" if request.htmx else "orders/cart.html"
    extras = hooks.items("orders.cart_line")  # asn: whether each line counts
    return render(request, template, {"cart": view, "cart_line_extras": extras})


@require_POST
def cart_add(request):
    cart = current_cart(request, create=True)
    try:
        services.cart_set(
            cart=cart,
            product_id=int_param(request.POST.get("product_id")),
            variant_id=int_param(request.POST.get("variant_id")),
            quantity=int_param(request.POST.get("quantity")) or 1,
            add=True,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect_next(request, "orders:cart")
    messages.success(request, _("Masuk keranjang."))
    return redirect("orders:cart")


@require_POST
def cart_update(request):
    cart = current_cart(request, create=True)
    try:
        services.cart_set(
            cart=cart,
            product_id=int_param(request.POST.get("product_id")),
            variant_id=int_param(request.POST.get("variant_id")),
            quantity=int_param(request.POST.get("quantity")) or 0,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return cart_page(request) if request.htmx else redirect("orders:cart")


@login_required
def checkout_page(request):
    cart = current_cart(request)
    view = selectors.checkout_view(cart)
    # A POST goes to the service even when the cart is empty: a double click or a resubmitted
    # form carries the one-time token of a checkout already placed, and the service returns it.
    if not view.groups and request.method != "POST":
        messages.info(request, _("Keranjang masih kosong."))
        return redirect("orders:cart")
    form = CheckoutForm(
        request.POST or None,
        groups=view.groups,
        addresses=selectors.addresses_of(user=request.user),
        initial={
            "contact_name": request.user.name,
            "contact_phone": validators.format_phone(request.user.phone),
            "token": uuid.uuid4().hex,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        try:
            checkout, _created = services.checkout_place(
                buyer=request.user,
                cart=cart or services.cart_for(user=request.user),
                data=data,
                idempotency_key=form.cleaned_data["token"],
                request=request,
            )
        except services.PriceChanged as exc:
            messages.warning(request, exc.message)
            return redirect("orders:checkout")
        except ApplicationError as exc:
            if not view.groups:  # nothing to order (or the same checkout still running)
                in_progress = isinstance(exc, services.CheckoutInProgress)
                messages.info(request, exc.message if in_progress else _("Keranjang masih kosong."))
                return redirect("orders:cart")
            apply_application_error(form, _checkout_fields(exc))
        else:
            return redirect("orders:placed", checkout_id=checkout.pk)
    if not view.groups:
        messages.info(request, _("Keranjang masih kosong."))
        return redirect("orders:cart")
    return render(
        request,
        "orders/checkout.html",
        {
            "cart": view,
            "form": form,
            "chosen": form.chosen_address(),
            "districts": {d.code: d for d in district_list()},
            "totals": selectors.checkout_totals(
                groups=view.groups, methods=form.methods(), district_code=form.district_code()
            ),
        },
    )


def _checkout_fields(exc: ApplicationError) -> ApplicationError:
    """The service names the address's fields "address.<name>"; the form calls them <name>."""
    fields = exc.extra.get("fields") or {}
    if any(name.startswith("address.") for name in fields):
        exc.extra = {
            **exc.extra,
            "fields": {name.removeprefix("address."): msg for name, msg in fields.items()},
        }
    return exc


@login_required
def placed(request, checkout_id):
    try:
        checkout = access.checkout_get_for_buyer(user=request.user, checkout_id=checkout_id)
    except NotFound:
        raise Http404 from None
    for hook in hooks.items("orders.after_checkout"):  # payments: the payment page
        url = hook(checkout)
        if url:
            return redirect(url)
    return render(
        request,
        "orders/placed.html",
        {"checkout": checkout, "orders": selectors.checkout_orders(checkout)},
    )


@login_required
def my_orders(request):
    orders = list(selectors.orders_of_buyer(user=request.user)[:100])
    for order in orders:
        order.payment = selectors.payment_state(order, with_expiry=False)
    return render(request, "orders/my_orders.html", {"orders": orders})


@login_required
def order_detail(request, order_id: int):
    try:
        order = selectors.order_get(user=request.user, order_id=order_id)
    except NotFound:
        raise Http404 from None
    reviews = list(order.reviews.all())
    reviewed = {r.product_id for r in reviews}
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "moves": selectors.order_moves(user=request.user, order=order),
            "can_print_slip": access.can_print_slip(user=request.user, order=order),
            "can_review": access.can_review(user=request.user, order=order),
            "can_see_reviews": access.can_see_reviews_of(user=request.user, order=order),
            "review_form": ReviewForm(),
            "reviewed": reviewed,
            "reviews": reviews,
            "show_phone": access.can_see_contact_phone(user=request.user, order=order),
            "payment": selectors.payment_state(order) if order.buyer_id == request.user.pk else {},
            **selectors.order_contacts(user=request.user, order=order),
        },
    )


@login_required
@require_POST
def order_move(request, order_id: int):
    to = request.POST.get("to", "")
    cash = int_param(request.POST.get("cash_amount", "").replace(".", ""))
    try:
        order = services.order_transition(
            actor=request.user,
            order_id=order_id,
            to=to,
            reason=request.POST.get("reason", ""),
            cash_amount=cash,
        )
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Pesanan %(n)s: %(s)s.")
            % {"n": order.number, "s": order.get_status_display().lower()},
        )
    return redirect_next(request, "orders:detail", order_id=order_id)


def product_reviews_context(product) -> dict:
    """The recent reviews on a product's page (registered with the catalog app)."""
    return {"product_reviews": selectors.reviews_public(product_id=product.pk)}


@login_required
@require_POST
def review(request, order_id: int):
    with action_outcome(request, _("Terima kasih atas ulasannya.")):
        data = require_valid(ReviewForm(request.POST))
        services.review_add(
            buyer=request.user,
            order_id=order_id,
            product_id=data["product_id"],
            rating=data["rating"],
            text=data["text"],
        )
    return redirect("orders:detail", order_id=order_id)


@login_required
@require_POST
def review_reply(request, review_id: int):
    try:
        reply = services.review_reply(
            seller=request.user, review_id=review_id, text=request.POST.get("text", "")
        )
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("orders:inbox")
    return redirect("orders:detail", order_id=reply.order_id)


# --- saved addresses -----------------------------------------------------------------------------
@login_required
def addresses(request):
    return render(
        request,
        "orders/addresses.html",
        {"addresses": selectors.addresses_of(user=request.user)},
    )


@login_required
def address_form(request, address_id: int | None = None):
    """Adds an address, or edits one of the person's own (404 for anyone else's)."""
    initial = {"is_default": False}
    if address_id is not None:
        try:
            initial = SavedAddressForm.initial_of(
                access.address_get_for_owner(user=request.user, address_id=address_id)
            )
        except NotFound:
            raise Http404 from None
    form = SavedAddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_save(user=request.user, data=form.to_input(), address_id=address_id)
        except NotFound:
            raise Http404 from None
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Alamat disimpan."))
            return redirect_next(request, "orders:addresses")
    return render(
        request, "orders/address_form.html", {"form": form, "editing": address_id is not None}
    )


@login_required
@require_POST
def address_delete(request, address_id: int):
    try:
        services.address_delete(user=request.user, address_id=address_id)
    except NotFound:
        raise Http404 from None
    messages.success(
        request, _("Alamat dihapus. Pesanan yang sudah dibuat tetap memakai alamatnya.")
    )
    return redirect("orders:addresses")


@login_required
@require_POST
def address_default(request, address_id: int):
    try:
        address = services.address_make_default(user=request.user, address_id=address_id)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("%(label)s sekarang alamat utama.") % {"label": address.label})
    return redirect("orders:addresses")


# --- seller --------------------------------------------------------------------------------------
@login_required
def inbox(request):
    tab = request.GET.get("tab") or "baru"
    if tab not in workflow.TABS:
        tab = "baru"
    return render(
        request,
        "orders/inbox.html",
        {
            "tab": tab,
            "orders": selectors.orders_of_seller(user=request.user, tab=tab)[:100],
            "counts": selectors.tab_counts(user=request.user),
            "tabs": [
                ("baru", _("Baru")),
                ("dikemas", _("Dikemas")),
                ("dikirim", _("Diantar/diambil")),
                ("selesai", _("Selesai")),
            ],
            "statuses": OrderStatus,
        },
    )


@login_required
def packing_slip(request, order_id: int):
    try:
        order = access.order_get_for_seller(user=request.user, order_id=order_id)
    except NotFound:
        raise Http404 from None
    return render(request, "orders/packing_slip.html", {"order": order})


@login_required
def delivery_settings(request):
    businesses = list(businesses_of_owner(user=request.user))
    if not businesses:
        return redirect("umkm:register")
    wanted = request.GET.get("usaha") or request.POST.get("usaha")
    business = next((b for b in businesses if str(b.pk) == wanted), businesses[0])
    current = services.delivery_of(business)
    districts = list(district_list())
    fees = selectors.delivery_fees(business)
    form = DeliverySettingsForm(
        request.POST or None,
        districts=districts,
        initial={
            "pickup": current.pickup,
            "delivery": current.delivery,
            "min_order": current.min_order,
            "pickup_note": current.pickup_note,
            **{f"fee_{d.code.replace('.', '_')}": fees.get(d.code) for d in districts},
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.delivery_update(actor=request.user, business=business, **form.to_kwargs())
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Pengaturan pengiriman disimpan."))
            return redirect(f"{reverse('orders:delivery_settings')}?usaha={business.pk}")
    return render(
        request,
        "orders/delivery_settings.html",
        {"form": form, "business": business, "businesses": businesses},
    )
