"""Who may see or do what with carts, checkouts, orders and reviews: the one place pages, the
API, menus and the order state machine (orders.workflow) ask.

Towards an order a user is its buyer, its seller (the shop's owner) and/or a city admin (who
may cancel any order before it is delivered, and refund a completed one when the city's
customer service upholds the buyer's complaint); auditors read every order and move none. The
moves each party may make are the machine's table (orders.workflow.TRANSITIONS)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.accounts import access as accounts
from malpro.core.access import signed_in
from malpro.core.exceptions import NotFound
from malpro.orders.models import Checkout, Order, OrderStatus, Review, SavedAddress

BUYER, SELLER, ADMIN = "buyer", "seller", "admin"
PARTY_LABELS = {
    BUYER: gettext_lazy("pembeli"),
    SELLER: gettext_lazy("penjual"),
    ADMIN: gettext_lazy("admin kota"),
}


# --- orders --------------------------------------------------------------------------------------
def order_parties(user, order: Order) -> set[str]:
    """The parties `user` is towards `order` (the machine turns a None actor into the system).
    `order.business` is read: load it with the order."""
    found: set[str] = set()
    if not signed_in(user):
        return found
    if order.buyer_id == user.pk:
        found.add(BUYER)
    if order.business.owner_id == user.pk:
        found.add(SELLER)
    if accounts.is_city_admin(user=user):
        found.add(ADMIN)
    return found


def orders_bought(*, user) -> QuerySet[Order]:
    """The orders `user` placed."""
    if not signed_in(user):
        return Order.objects.none()
    return Order.objects.filter(buyer=user)


def orders_sold(*, user) -> QuerySet[Order]:
    """The orders placed with the shops `user` owns."""
    if not signed_in(user):
        return Order.objects.none()
    return Order.objects.filter(business__owner=user)


def order_visible(*, user) -> QuerySet[Order]:
    """Buyers see their own orders, sellers their shops' orders, city admins and auditors all."""
    if not signed_in(user):
        return Order.objects.none()
    if accounts.sees_whole_city(user=user):
        return Order.objects.all()
    return Order.objects.filter(Q(buyer=user) | Q(business__owner=user))


def _with_details(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("business", "village__district", "buyer").prefetch_related(
        "lines", "events__actor"
    )


def order_get_for_user(*, user, order_id: int) -> Order:
    """The order for its buyer, its seller, a city admin or an auditor; 404 for anyone else."""
    order = _with_details(order_visible(user=user)).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return order


def order_get_for_seller(*, user, order_id: int) -> Order:
    """The order for the owner of its shop only (the packing slip); 404 for anyone else."""
    order = _with_details(orders_sold(user=user)).filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return order


def order_for_review(*, user, order_id: int) -> Order:
    """The buyer's own order, to review; 404 for anyone else."""
    order = orders_bought(user=user).select_related("business").filter(pk=order_id).first()
    if order is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return order


def can_view_my_orders(*, user) -> bool:
    return signed_in(user)


def can_view_inbox(*, user) -> bool:
    """The seller's order inbox (the menu offers it to sellers)."""
    return accounts.is_seller(user=user)


def can_see_contact_phone(*, user, order: Order) -> bool:
    """The recipient's phone: the buyer, the seller who delivers and the city admin."""
    return bool(order_parties(user, order))


def can_print_slip(*, user, order: Order) -> bool:
    return SELLER in order_parties(user, order)


def can_review(*, user, order: Order) -> bool:
    """The buyer reviews the products of a completed order (once each)."""
    return BUYER in order_parties(user, order) and order.status == OrderStatus.COMPLETED


def can_see_reviews_of(*, user, order: Order) -> bool:
    """The seller sees the order's reviews with a reply form."""
    return SELLER in order_parties(user, order)


# --- checkouts, reviews, delivery settings ------------------------------------------------------
def can_use_cart(*, user) -> bool:
    """Anyone fills a cart (an anonymous one joins the user's at login)."""
    return True


def can_check_out(*, user) -> bool:
    return signed_in(user)


def checkout_get_for_buyer(*, user, checkout_id) -> Checkout:
    checkout = (
        Checkout.objects.filter(pk=checkout_id, buyer=user).first() if signed_in(user) else None
    )
    if checkout is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return checkout


def can_reply_review(*, user, review: Review) -> bool:
    """The owner of the reviewed product's shop (`review.product.business` is read)."""
    return signed_in(user) and review.product.business.owner_id == user.pk


def can_manage_delivery(*, user, business) -> bool:
    return signed_in(user) and business.owner_id == user.pk


# --- saved addresses ------------------------------------------------------------------------------
def can_manage_addresses(*, user) -> bool:
    """Anyone signed in keeps their own delivery addresses."""
    return signed_in(user)


def address_visible(*, user) -> QuerySet[SavedAddress]:
    """A person's own saved addresses, the default first; nobody sees another's."""
    if not signed_in(user):
        return SavedAddress.objects.none()
    return SavedAddress.objects.filter(user=user).select_related("village__district")


def address_get_for_owner(*, user, address_id: int) -> SavedAddress:
    """One of the user's own saved addresses; 404 for anyone else's."""
    address = address_visible(user=user).filter(pk=address_id).first()
    if address is None:
        raise NotFound(_("Alamat tidak ditemukan."))
    return address


# Rows of docs/permissions.md: (role, action, scope).
PERMISSIONS = [
    ("anonymous", "cart: fill and view (joins the user's cart at login)", "own session's cart"),
    ("anonymous", "checkout, orders, reviews: none (sent to log in; API 401)", "-"),
    ("buyer", "cart, checkout (idempotent), own orders list and detail", "own cart and orders"),
    ("buyer", "order: cancel before the seller accepts; confirm receipt", "own orders"),
    ("buyer", "review: once per product of a completed order", "own completed orders"),
    (
        "buyer",
        "saved addresses: list, add, edit, delete, make default; checkout prefills the default",
        "own addresses",
    ),
    ("asn", "orders as a buyer (staples bundle included)", "own cart and orders"),
    ("seller", "order inbox, order detail with the buyer's contact", "own shops' orders"),
    ("seller", "order: accept/reject/ready/deliver (COD with the cash)", "own shops' orders"),
    ("seller", "packing slip; reply to reviews", "own shops' orders and products"),
    ("seller", "delivery settings (pickup, fees per kecamatan, minimum)", "own shops"),
    ("agency_officer", "orders as a buyer; no one else's orders", "own cart and orders"),
    ("area_operator", "orders as a buyer; no one else's orders", "own cart and orders"),
    ("city_admin", "order detail, with the buyer's contact", "every order of the city"),
    ("city_admin", "order: cancel (with a reason) until delivered", "every order of the city"),
    (
        "city_admin",
        "order: refund a completed order (a complaint upheld; reason required; page and API "
        "to=refunded)",
        "every order of the city",
    ),
    ("auditor", "order detail (read only, no contact phone, no moves)", "every order of the city"),
    (
        "system",
        "order: placed when paid, cancelled when unpaid or not accepted in time, completed "
        "after N days",
        "all",
    ),
]


def _order(objects) -> dict:
    """A COD order from `buyer` at `seller`'s shop, waiting for the seller."""
    from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product

    item = product(delivering_shop(objects["seller"]), "Keripik Tempe", price=15000, stock=10)
    fill_cart(objects["buyer"], (item, 1))
    checkout, _created = place(objects["buyer"], {item.business_id: "pickup"})
    return {"order": checkout.orders.get()}


def _detail(objects) -> str:
    return f"/pesanan/{objects['order'].pk}/"


def _slip(objects) -> str:
    return f"/jual/pesanan/{objects['order'].pk}/slip/"


def _move(objects) -> str:
    return f"/pesanan/{objects['order'].pk}/status/"


def _api_detail(objects) -> str:
    return f"/api/v1/orders/{objects['order'].pk}"


def _api_move(objects) -> str:
    return f"/api/v1/orders/{objects['order'].pk}/transition"


def _address(objects) -> dict:
    """A saved address of `buyer`."""
    from malpro.orders.services import SavedAddressInput, address_save

    address = address_save(
        user=objects["buyer"],
        data=SavedAddressInput(
            label="Rumah",
            recipient="Citra",
            phone="081234500001",
            village_code="35.73.05.1003",
            street="Jl. Sumbersari 5",
        ),
    )
    return {"address": address}


def _address_edit(objects) -> str:
    return f"/alamat/{objects['address'].pk}/ubah/"


def _address_delete(objects) -> str:
    return f"/alamat/{objects['address'].pk}/hapus/"


def _address_default(objects) -> str:
    return f"/alamat/{objects['address'].pk}/utama/"


def _address_cases() -> list[dict]:
    address = {"make": _address}
    edit, delete, default = _address_edit, _address_delete, _address_default
    return [
        {"role": None, "method": "get", "url": "/alamat/", "expect": 302},
        {"role": None, "method": "get", "url": "/alamat/tambah/", "expect": 302},
        {"role": "buyer", "method": "get", "url": "/alamat/", "expect": 200},
        {"role": "buyer", "method": "get", "url": "/alamat/tambah/", "expect": 200},
        {"role": "asn_user", "method": "get", "url": "/alamat/", "expect": 200},
        {"role": "buyer", "method": "get", "url": edit, "expect": 200, **address},
        {"role": "other_buyer", "method": "get", "url": edit, "expect": 404, **address},
        {"role": "city_admin", "method": "get", "url": edit, "expect": 404, **address},
        {"role": "other_buyer", "method": "post", "url": edit, "expect": 404, **address},
        {"role": "other_buyer", "method": "post", "url": delete, "expect": 404, **address},
        {"role": "other_buyer", "method": "post", "url": default, "expect": 404, **address},
        {"role": "buyer", "method": "post", "url": default, "expect": 302, **address},
        {"role": "buyer", "method": "post", "url": delete, "expect": 302, **address},
        {"role": None, "method": "post", "url": delete, "expect": 302, **address},
    ]


def _cases() -> list[dict]:
    order = {"make": _order}
    accept = {"to": "accepted"}
    cases = [
        {"role": None, "method": "get", "url": "/keranjang/", "expect": 200},
        {"role": None, "method": "get", "url": "/checkout/", "expect": 302},
        {"role": None, "method": "get", "url": "/pesanan/", "expect": 302},
        {"role": None, "method": "get", "url": "/jual/pesanan/", "expect": 302},
        {"role": None, "method": "get", "url": _detail, "expect": 302, **order},
        {"role": None, "method": "get", "url": "/api/v1/orders", "expect": 401},
        {"role": None, "method": "get", "url": _api_detail, "expect": 401, **order},
        {"role": "buyer", "method": "get", "url": "/pesanan/", "expect": 200},
        {"role": "seller", "method": "get", "url": "/jual/pesanan/", "expect": 200},
        {"role": "buyer", "method": "get", "url": _slip, "expect": 404, **order},
        {"role": "seller", "method": "get", "url": _slip, "expect": 200, **order},
        {"role": "other_seller", "method": "get", "url": _slip, "expect": 404, **order},
        {"role": "city_admin", "method": "get", "url": _slip, "expect": 404, **order},
        {"role": "other_seller", "method": "post", "url": _move, "expect": 404, **order},
        {"role": "other_buyer", "method": "get", "url": _api_detail, "expect": 404, **order},
        {"role": "seller", "method": "get", "url": _api_detail, "expect": 200, **order},
        {"role": "buyer", "method": "post", "url": _api_move, "expect": 403, "data": accept},
        {"role": "other_seller", "method": "post", "url": _api_move, "expect": 404},
        {"role": "auditor", "method": "post", "url": _api_move, "expect": 404, "data": accept},
        {"role": "seller", "method": "post", "url": _api_move, "expect": 200, "data": accept},
    ]
    for case in cases[-4:]:
        case.update(order)
        case.setdefault("data", accept)
    for role, expect in (
        ("buyer", 200),
        ("seller", 200),
        ("city_admin", 200),
        ("auditor", 200),
        ("other_buyer", 404),
        ("other_seller", 404),
        ("officer", 404),
        ("operator", 404),
    ):
        cases.append({"role": role, "method": "get", "url": _detail, "expect": expect, **order})
    return cases + _address_cases()


ACCESS_CASES = _cases()
"""Checkable cases for the permissions test; the shape is described under
malpro.accounts.access.ACCESS_CASES ("role", "method", "url" path or callable(objects),
"expect", optional "make": callable(objects) -> dict of created objects, optional "data").
Here `make` places one COD order from `buyer` at `seller`'s shop, as `objects["order"]`."""
