from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from malpro.core.money import format_rupiah
from malpro.orders import access, services, workflow
from malpro.orders.models import Cart, CartItem, DeliveryFee, Order, OrderStatus, Review


@dataclass
class CartGroup:
    business: object
    items: list = field(default_factory=list)
    total: int = 0


@dataclass
class CartView:
    groups: list[CartGroup]
    total: int
    count: int
    problems: list[str]


def cart_view(cart: Cart | None) -> CartView:
    """The cart grouped by seller, with current prices and what is wrong (stock, price)."""
    if cart is None:
        return CartView([], 0, 0, [])
    groups: dict[int, CartGroup] = {}
    problems = []
    items = (
        CartItem.objects.filter(cart=cart)
        .select_related("product__business__village__district", "variant")
        .prefetch_related("product__photos")
    )
    for item in items:
        product, variant = item.product, item.variant
        item.unit_price = variant.price if variant else product.price
        item.stock = variant.stock if variant else product.stock
        item.line_total = item.unit_price * item.quantity
        item.price_changed = item.unit_price != item.price_seen
        item.short = item.quantity > item.stock
        item.name = f"{product.name} ({variant.name})" if variant else product.name
        if item.short:
            problems.append(
                _("Stok %(name)s tinggal %(n)d.") % {"name": item.name, "n": item.stock}
            )
        if item.price_changed:
            problems.append(
                _("Harga %(name)s berubah menjadi %(p)s.")
                % {"name": item.name, "p": format_rupiah(item.unit_price)}
            )
        group = groups.setdefault(product.business_id, CartGroup(product.business))
        group.items.append(item)
        group.total += item.line_total
    ordered = list(groups.values())
    for group in ordered:
        group.delivery = services.delivery_of(group.business)
    return CartView(
        ordered,
        sum(g.total for g in ordered),
        sum(i.quantity for g in ordered for i in g.items),
        problems,
    )


def _orders(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("business", "village__district", "buyer").prefetch_related("lines")


def orders_of_buyer(*, user, status: str = "") -> QuerySet[Order]:
    qs = _orders(access.orders_bought(user=user))
    return qs.filter(status=status) if status else qs


def orders_of_seller(*, user, tab: str = "", status: str = "") -> QuerySet[Order]:
    qs = _orders(access.orders_sold(user=user))
    if tab in workflow.TABS:
        qs = qs.filter(status__in=workflow.TABS[tab])
    return qs.filter(status=status) if status else qs


def order_get(*, user, order_id: int) -> Order:
    """The order for its buyer, its seller or the city admin/auditor; 404 for anyone else."""
    return access.order_get_for_user(user=user, order_id=order_id)


def order_moves(*, user, order: Order) -> list[str]:
    """The moves `user` may make on `order` now (buttons, the API's allowed_transitions)."""
    return workflow.ORDER.targets(user, order)


def tab_counts(*, user) -> dict[str, int]:
    counts = {}
    base = access.orders_sold(user=user)
    for tab, statuses in workflow.TABS.items():
        counts[tab] = base.filter(status__in=statuses).count() if tab != "selesai" else None
    return counts


def checkout_orders(checkout) -> QuerySet[Order]:
    """The orders a checkout made, one per seller, in the order they were made."""
    return checkout.orders.select_related("business").order_by("id")


def checkout_order_rows(checkout) -> list[dict]:
    """The API's answer to a checkout: each order's id, number, seller, status and total (no
    join: the answer names the seller by id)."""
    return list(
        checkout.orders.order_by("id").values("id", "number", "business_id", "status", "total")
    )


def delivery_fees(business) -> dict[str, int]:
    """A shop's delivery fee per kecamatan code."""
    return dict(DeliveryFee.objects.filter(business=business).values_list("district_id", "fee"))


ACTIVE_STATUSES = [OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.READY]


def reviews_public(*, product_id: int, limit: int = 10) -> list[dict]:
    """A product's recent reviews as anyone may see them: the rating, the text, the buyer's
    first name only (no phone, no date) and the seller's reply."""
    rows = (
        Review.objects.filter(product_id=product_id)
        .order_by("-created_at", "-id")
        .values("rating", "text", "reply", "buyer__name")[:limit]
    )
    return [
        {
            "rating": row["rating"],
            "text": row["text"],
            "reply": row["reply"],
            "name": (row["buyer__name"] or "").split(" ")[0] or _("Pembeli"),
        }
        for row in rows
    ]
