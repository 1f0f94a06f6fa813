import json
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from malpro.core import hooks
from malpro.core.money import format_rupiah
from malpro.orders import access, services, workflow
from malpro.orders.models import (
    Cart,
    CartItem,
    Checkout,
    DeliveryFee,
    DeliveryMethod,
    Order,
    OrderStatus,
    PaymentMethod,
    Review,
)
from malpro.umkm.models import Business


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


def checkout_view(cart: Cart | None) -> CartView:
    """The cart as the checkout shows it: each seller's group also knows its delivery fee per
    kecamatan (`group.fees`)."""
    view = cart_view(cart)
    for group in view.groups:
        group.fees = delivery_fees(group.business)
        group.fees_json = json.dumps(group.fees, sort_keys=True)
    return view


def _orders(qs: QuerySet[Order]) -> QuerySet[Order]:
    return qs.select_related("business", "village__district", "buyer").prefetch_related("lines")


def orders_of_buyer(*, user, status: str = "") -> QuerySet[Order]:
    qs = _orders(access.orders_bought(user=user))
    return qs.filter(status=status) if status else qs


def payment_state(order: Order, *, with_expiry: bool = True) -> dict:
    """For the buyer's pages: where to pay an unpaid cashless order ("Bayar sekarang": the
    page the payments app registered for checkouts), and whether its time ran out (cancelled
    by the system, never paid)."""
    cashless = order.payment_method != PaymentMethod.COD
    state = {"pay_url": None, "pay_expired": False}
    if cashless and order.status == OrderStatus.PENDING_PAYMENT:
        for hook in hooks.items("orders.after_checkout"):
            # The hook reads the checkout's id and payment method: no need to load it.
            url = hook(Checkout(pk=order.checkout_id, payment_method=order.payment_method))
            if url:
                state["pay_url"] = url
                break
    elif (
        with_expiry and cashless and order.status == OrderStatus.CANCELLED and order.paid_at is None
    ):
        # Only the system cancels an unpaid cashless order by itself: when its time ran out.
        last = order.events.order_by("-created_at", "-id").first() if order.pk else None
        state["pay_expired"] = last is not None and last.actor_id is None
    return state


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


@dataclass
class CheckoutTotals:
    """What the checkout page says the buyer will pay, for the deliveries chosen so far."""

    items: int
    shipping: int
    total: int
    delivery: bool  # some seller brings the goods
    unknown: bool  # ... but where to is not known yet (no address): shipping not counted
    fees: dict  # business id -> the fee, or None when that seller does not deliver there


def checkout_totals(*, groups, methods: dict[int, str], district_code: str) -> CheckoutTotals:
    """Items, shipping and total for the delivery chosen per seller (`methods`) to the
    kecamatan `district_code` ("" while no address is chosen). Each group of `checkout_view`
    also gets `fee_state` ("known", "none": not delivered there, "": not asked) and `fee`."""
    items = shipping = 0
    delivery = unknown = False
    fees: dict = {}
    for group in groups:
        items += group.total
        group.fee_state, group.fee = "", None
        if methods.get(group.business.pk) != DeliveryMethod.DELIVERY:
            continue
        delivery = True
        if not district_code:
            unknown = True
            continue
        fee = group.fees.get(district_code)
        fees[group.business.pk] = fee
        group.fee = fee
        if fee is None:
            unknown = True
            group.fee_state = "none"
        else:
            group.fee_state = "known"
            shipping += fee
    return CheckoutTotals(items, shipping, items + shipping, delivery, unknown, fees)


def addresses_of(*, user) -> list:
    """A person's saved addresses, the default first."""
    return list(access.address_visible(user=user))


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


# --- reaching each other -------------------------------------------------------------------------
@dataclass
class Contact:
    """The other party of an order as one of its parties sees it: a name and a WhatsApp
    click-to-chat link with the order's reference (no link without a phone)."""

    role: str  # "seller" (what the buyer sees) or "buyer" (what the seller sees)
    name: str
    whatsapp: str = ""


@dataclass
class Pickup:
    """Where a pickup order is collected: the shop's address, opening hours and a map."""

    address: str
    village: str
    district: str
    opening_hours: str
    map_url: str


def whatsapp_link(phone: str, text: str) -> str:
    """https://wa.me/<international digits>?text=<the prefilled message>; "" without a
    phone. wa.me takes the number without + or leading zeros (+62812... -> 62812...)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits:
        return ""
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def order_contacts(*, user, order: Order) -> dict:
    """What `user` sees to reach the other party of `order`: for its buyer the shop's name and
    WhatsApp (the business's phone, else its owner's) and, for a pickup order, the shop's
    address, opening hours and a map link; for its seller the buyer's name and WhatsApp (the
    order's contact phone). Nobody else (an admin, an auditor) gets these phones."""
    parties = access.order_parties(user, order)
    out: dict = {"contacts": [], "pickup": None}
    if not parties & {access.BUYER, access.SELLER}:
        return out
    reference = order.number or str(order.pk)
    site = settings.MALPRO_SITE_NAME
    business = (
        Business.objects.select_related("owner", "village__district__regency")
        .filter(pk=order.business_id)
        .first()
    )
    if access.BUYER in parties and business is not None:
        # The shop's own number, else its owner's if the owner proved it (a code by SMS).
        owner = business.owner
        phone = business.phone or (owner.phone if owner and owner.phone_verified else "")
        text = _("Halo %(shop)s, saya menanyakan pesanan %(number)s di %(site)s.") % {
            "shop": business.name,
            "number": reference,
            "site": site,
        }
        out["contacts"].append(Contact("seller", business.name, whatsapp_link(phone, text)))
        if order.delivery_method == DeliveryMethod.PICKUP:
            village = business.village
            district = village.district
            city = _city_name(district.regency.name if district.regency_id else "")
            place = ", ".join(
                part
                for part in (business.address, village.name, f"Kec. {district.name}", city)
                if part
            )
            out["pickup"] = Pickup(
                address=business.address,
                village=village.name,
                district=district.name,
                opening_hours=business.opening_hours,
                map_url="https://www.google.com/maps/search/?api=1&query=" + quote(place, safe=""),
            )
    reached_seller = order.payment_method == PaymentMethod.COD or order.paid_at is not None
    if access.SELLER in parties and reached_seller:
        # Only an order that reached the seller: an unpaid cashless order never did.
        name = order.contact_name or order.buyer.name
        text = _("Halo %(name)s, ini %(shop)s di %(site)s, tentang pesanan %(number)s.") % {
            "name": name,
            "shop": order.seller_name,
            "number": reference,
            "site": site,
        }
        phone = order.contact_phone or order.buyer.phone
        out["contacts"].append(Contact("buyer", name, whatsapp_link(phone, text)))
    return out


def _city_name(regency: str) -> str:
    # The register spells regencies in capitals ("KOTA MALANG"); a map search reads either.
    return regency.title() if regency.isupper() else regency
