"""Every write about carts, checkouts and orders."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.accounts import access as accounts_access
from malpro.catalog.models import Product, ProductStatus, Variant
from malpro.catalog.services import stock_changed
from malpro.core import audit, events, validators
from malpro.core import workflow as core_workflow
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.core.money import format_rupiah
from malpro.orders import access, workflow
from malpro.orders.models import (
    Cart,
    CartItem,
    Checkout,
    DeliveryFee,
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    Review,
    SavedAddress,
    ShopDelivery,
)
from malpro.regions.models import Village
from malpro.umkm.models import Business, Status

log = logging.getLogger(__name__)

MAX_QUANTITY = 999


# --- cart ----------------------------------------------------------------------------------------
def cart_for(*, user=None, session_key: str | None = None, create: bool = True) -> Cart | None:
    if user is not None and user.is_authenticated:
        if create:
            return Cart.objects.get_or_create(user=user)[0]
        return Cart.objects.filter(user=user).first()
    if not session_key:
        return None
    if create:
        return Cart.objects.get_or_create(session_key=session_key)[0]
    return Cart.objects.filter(session_key=session_key).first()


def _buyable(product_id: int | None, variant_id: int | None) -> tuple[Product, Variant | None]:
    variant = None
    if variant_id is not None:
        variant = (
            Variant.objects.select_related("product__business")
            .filter(pk=variant_id, is_active=True)
            .first()
        )
        if variant is None:
            raise NotFound(_("Varian tidak ditemukan."))
        product = variant.product
    else:
        product = Product.objects.select_related("business").filter(pk=product_id).first()
        if product is None:
            raise NotFound(_("Produk tidak ditemukan."))
        if product.has_variants:
            raise ApplicationError.for_field("variant_id", _("Pilih variannya dulu."))
    if product.status != ProductStatus.PUBLISHED or product.business.status != Status.ACTIVE:
        raise Conflict(_("%(name)s sedang tidak dijual.") % {"name": product.name})
    return product, variant


@transaction.atomic
def cart_set(
    *,
    cart: Cart,
    product_id: int | None = None,
    variant_id: int | None = None,
    quantity: int,
    add: bool = False,
) -> CartItem | None:
    """Puts `quantity` of a product (or adds it, with add=True) in the cart; 0 removes it.
    Quantities are checked against the stock now and again at checkout."""
    product, variant = _buyable(product_id, variant_id)
    item = CartItem.objects.filter(cart=cart, product=product, variant=variant).first()
    if add and item is not None:
        quantity += item.quantity
    if quantity < 0 or quantity > MAX_QUANTITY:
        raise ApplicationError.for_field(
            "quantity", _("Jumlah harus antara 1 dan %(n)d.") % {"n": MAX_QUANTITY}
        )
    if quantity == 0:
        if item is not None:
            item.delete()
        return None
    stock = variant.stock if variant else product.stock
    if quantity > stock:
        raise Conflict(
            _("Stok %(name)s tinggal %(left)d.")
            % {"name": _line_name(product, variant), "left": stock},
            {
                "product_id": product.pk,
                "variant_id": variant.pk if variant else None,
                "available": stock,
            },
        )
    price = variant.price if variant else product.price
    if item is None:
        item = CartItem.objects.create(
            cart=cart, product=product, variant=variant, quantity=quantity, price_seen=price
        )
    else:
        item.quantity, item.price_seen = quantity, price
        item.save(update_fields=["quantity", "price_seen"])
    return item


def _line_name(product, variant) -> str:
    return f"{product.name} ({variant.name})" if variant else product.name


@transaction.atomic
def cart_merge(*, session_key: str, user) -> int:
    """At login, the anonymous basket joins the user's (quantities added, capped by stock)."""
    anonymous = Cart.objects.filter(session_key=session_key).first()
    if anonymous is None:
        return 0
    target = cart_for(user=user)
    moved = 0
    for item in anonymous.items.select_related("product", "variant"):
        existing = CartItem.objects.filter(
            cart=target, product=item.product, variant=item.variant
        ).first()
        stock = item.variant.stock if item.variant else item.product.stock
        quantity = min((existing.quantity if existing else 0) + item.quantity, max(stock, 1))
        if existing:
            existing.quantity = quantity
            existing.save(update_fields=["quantity"])
        else:
            CartItem.objects.create(
                cart=target,
                product=item.product,
                variant=item.variant,
                quantity=quantity,
                price_seen=item.price_seen,
            )
        moved += 1
    anonymous.delete()
    return moved


# --- delivery settings ----------------------------------------------------------------------------
def delivery_of(business: Business) -> ShopDelivery:
    return ShopDelivery.objects.filter(business=business).first() or ShopDelivery(
        business=business, pickup=True, delivery=False, min_order=0
    )


@transaction.atomic
def delivery_update(
    *,
    actor,
    business: Business,
    pickup: bool,
    delivery: bool,
    min_order: int,
    fees: dict[str, int],
    pickup_note: str = "",
) -> ShopDelivery:
    if not access.can_manage_delivery(user=actor, business=business):
        raise PermissionDenied(_("Hanya pemilik usaha yang dapat mengatur pengiriman."))
    if not pickup and not delivery:
        raise ApplicationError(_("Aktifkan minimal satu cara: ambil di toko atau diantar."))
    if min_order < 0 or any(fee < 0 for fee in fees.values()):
        raise ApplicationError(_("Jumlah tidak boleh negatif."))
    if delivery and not fees:
        raise ApplicationError(_("Isi ongkos kirim untuk minimal satu kecamatan."))
    settings_row, _created = ShopDelivery.objects.update_or_create(
        business=business,
        defaults={
            "pickup": pickup,
            "delivery": delivery,
            "min_order": min_order,
            "pickup_note": pickup_note[:200],
        },
    )
    DeliveryFee.objects.filter(business=business).exclude(district_id__in=fees).delete()
    for district, fee in fees.items():
        DeliveryFee.objects.update_or_create(
            business=business, district_id=district, defaults={"fee": fee}
        )
    return settings_row


def delivery_fee_for(business: Business, district_code: str) -> int | None:
    row = DeliveryFee.objects.filter(business=business, district_id=district_code).first()
    return row.fee if row else None


# --- checkout ------------------------------------------------------------------------------------
@dataclass
class Address:
    village_code: str
    street: str
    contact_phone: str
    contact_name: str = ""
    note: str = ""


@dataclass
class CheckoutInput:
    address: Address
    deliveries: dict[int, str]  # business id -> "pickup" | "delivery"
    payment_method: str = PaymentMethod.COD
    sellers: list[int] = field(default_factory=list)
    # A label ("Rumah"): the typed address is also kept as a saved address of the buyer.
    save_address_as: str = ""


class OutOfStock(Conflict):
    pass


class PriceChanged(Conflict):
    pass


def _request_hash(data: CheckoutInput, lines=None) -> str:
    payload = {
        "address": vars(data.address),
        "deliveries": sorted(data.deliveries.items()),
        "payment": data.payment_method,
    }
    if lines is not None:
        payload["lines"] = sorted(list(line) for line in lines)
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _payment_methods() -> set[str]:
    return set(getattr(settings, "MALPRO_PAYMENT_METHODS", ["cod"]))


# How long a copy of a checkout waits for the same buyer's checkout in progress (a double tap,
# a phone retrying) before answering 409 "still being processed".
CHECKOUT_WAIT_SECONDS = 5.0
IN_PROGRESS = "checkout_in_progress"


class CheckoutInProgress(Conflict):
    pass


def checkout_place(
    *,
    buyer,
    cart: Cart | None = None,
    lines: Sequence[tuple[int, int]] | Sequence[tuple[int, int, int]] | None = None,
    data: CheckoutInput,
    idempotency_key: str,
    request=None,
) -> tuple[Checkout, bool]:
    """Turns the cart (or explicit `lines` of (product_id, quantity[, price seen]), for the
    ASN staples bundle) into one order per seller, in one transaction. Returns (checkout,
    created): a retry with the same key returns the first checkout and creates nothing.

    A copy sent while the first is still running waits for it and returns its result; after
    CHECKOUT_WAIT_SECONDS it answers CheckoutInProgress (409) instead, and a retry later gets
    the original. The key is looked up only here, after that wait, never before: a copy that
    looked first and read the cart after the first copy emptied it answered "Keranjang
    kosong" for a checkout that had succeeded."""
    if (cart is None) == (lines is None):
        raise TypeError("checkout_place takes a cart or lines, not both")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ApplicationError.for_field(
            "idempotency_key",
            _("Kunci idempotensi (Idempotency-Key) wajib, maksimal 100 karakter."),
        )
    items = None if lines is None else _explicit_lines(lines)
    request_hash = _request_hash(data, None if items is None else [i.key for i in items])
    try:
        with transaction.atomic(durable=True):
            _wait_for_checkouts_of(buyer)
            existing = Checkout.objects.filter(buyer=buyer, idempotency_key=key).first()
            if existing is not None:
                return _same_request(existing, request_hash), False
            if items is None:
                items = _cart_items(cart)
            return _place(buyer, items, data, key, request_hash, request), True
    except PriceChanged as exc:
        # The cart is read once, inside the transaction; the prices it refused are recorded as
        # seen after the rollback, so confirming again goes through.
        if cart is not None:
            for changed in exc.extra["items"]:
                CartItem.objects.filter(
                    cart=cart, product_id=changed["product_id"], variant_id=changed["variant_id"]
                ).update(price_seen=changed["new_price"])
        raise
    except IntegrityError:
        # The same key, placed by a parallel request that committed first (the wait above
        # makes this rare: only a database without it, or a lost lock).
        existing = Checkout.objects.filter(buyer=buyer, idempotency_key=key).first()
        if existing is None:
            raise
        return _same_request(existing, request_hash), False
    except OperationalError as exc:
        if not _lock_timed_out(exc):
            raise
        raise CheckoutInProgress(
            _("Pesanan yang sama sedang diproses, coba lagi sebentar."), {"code": IN_PROGRESS}
        ) from None


def _wait_for_checkouts_of(buyer) -> None:
    """Makes a buyer's checkouts run one after another, so a copy reads the key (and the cart)
    only after the copy before it committed. PostgreSQL: a transaction-level advisory lock per
    buyer, tried at once and then awaited up to CHECKOUT_WAIT_SECONDS; SQLite: its write
    transactions already run one at a time (BEGIN IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return
    name = f"malpro.checkout:{buyer.pk}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [name])
        if cursor.fetchone()[0]:
            return
        cursor.execute(
            "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
            [f"{int(CHECKOUT_WAIT_SECONDS * 1000)}ms"],
        )
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def _lock_timed_out(exc: OperationalError) -> bool:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == "55P03"  # lock_not_available


def _same_request(existing: Checkout, request_hash: str) -> Checkout:
    if existing.request_hash != request_hash:
        raise Conflict(_("Kunci idempotensi ini sudah dipakai untuk pesanan lain."))
    return existing


@dataclass
class _Line:
    """An explicit line (the staples bundle) shaped like a cart item for _place."""

    product: Product
    quantity: int
    price_seen: int | None = None
    variant: Variant | None = None
    pk: None = None

    @property
    def product_id(self) -> int:
        return self.product.pk

    @property
    def variant_id(self) -> None:
        return None

    @property
    def key(self) -> tuple:
        return (self.product.pk, self.quantity, self.price_seen)


def _explicit_lines(lines) -> list[_Line]:
    wanted: dict[int, list] = {}
    for line in lines:
        product_id, quantity, *seen = line
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise ApplicationError.for_field(
                "quantity", _("Jumlah harus antara 1 dan %(n)d.") % {"n": MAX_QUANTITY}
            )
        entry = wanted.setdefault(int(product_id), [0, seen[0] if seen else None])
        entry[0] += quantity
    if not wanted:
        raise Conflict(_("Tidak ada barang yang dipesan."))
    products = {
        p.pk: p for p in Product.objects.select_related("business").filter(pk__in=list(wanted))
    }
    out = []
    for product_id in sorted(wanted):  # the stock rows are taken in product order
        product = products.get(product_id)
        if product is None:
            raise NotFound(_("Produk tidak ditemukan."))
        if product.has_variants:
            raise ApplicationError.for_field("product_id", _("Pilih variannya dulu."))
        quantity, seen = wanted[product_id]
        out.append(_Line(product=product, quantity=quantity, price_seen=seen))
    return out


def _place(buyer, items: list, data: CheckoutInput, key, request_hash, request) -> Checkout:
    if data.payment_method not in _payment_methods():
        raise ApplicationError.for_field(
            "payment_method",
            _("Metode pembayaran %(m)s belum tersedia.") % {"m": data.payment_method},
        )
    address = data.address
    # An address is asked only when a seller brings the goods; a checkout picked up at every
    # shop keeps the buyer's name and phone for the sellers and no address. An address that
    # is given is checked all the same.
    needs_address = any(v == DeliveryMethod.DELIVERY for v in data.deliveries.values()) or bool(
        (address.village_code or "").strip() or (address.street or "").strip()
    )
    village, phone = _checkout_address(address, buyer=buyer, needs_address=needs_address)
    if not items:
        raise Conflict(_("Keranjang kosong."))
    _check_prices(items)

    by_business: dict[int, list] = {}
    for item in items:
        business = item.product.business
        if business.status != Status.ACTIVE or item.product.status != ProductStatus.PUBLISHED:
            raise Conflict(
                _("%(name)s sedang tidak dijual; hapus dari keranjang.")
                % {"name": item.product.name},
                {"product_id": item.product_id},
            )
        by_business.setdefault(business.pk, []).append(item)
    missing = [b for b in by_business if b not in data.deliveries]
    if missing:
        raise ApplicationError(
            _("Pilih cara pengiriman untuk setiap penjual."),
            {"fields": {"sellers": _("Pilih cara pengiriman.")}, "missing": missing},
        )

    now = timezone.now()
    # Cash on delivery goes to the seller at once; a cashless order waits for its payment.
    initial = (
        OrderStatus.PLACED
        if data.payment_method == PaymentMethod.COD
        else (OrderStatus.PENDING_PAYMENT)
    )
    # Every seller's delivery is checked and priced before anything is written: the checkout
    # row is then inserted once, with its grand total.
    plans = []
    for business_id in sorted(by_business):
        lines = by_business[business_id]
        business = lines[0].product.business
        method = data.deliveries[business_id]
        items_total = sum(
            (i.variant.price if i.variant else i.product.price) * i.quantity for i in lines
        )
        fee = _delivery_fee(business, method, village, items_total)
        plans.append((business, method, lines, items_total, fee))
    checkout = Checkout.objects.create(
        buyer=buyer,
        idempotency_key=key,
        request_hash=request_hash,
        payment_method=data.payment_method,
        grand_total=sum(items_total + fee for *_, items_total, fee in plans),
        ip=audit.client_ip(request),
        user_agent=(request.headers.get("User-Agent", "")[:200] if request else ""),
    )
    sold_out: dict[int, int] = {}  # product id -> business id, for product.stock_out
    # product id -> (business id, stock left), for product.stock_low: the sale that brought
    # the stock to MALPRO_LOW_STOCK or below (the UPDATE's RETURNING tells which one crossed).
    low_stock: dict[int, tuple[int, int]] = {}
    low = settings.MALPRO_LOW_STOCK
    orders: list[Order] = []
    births: list[dict] = []  # the checkout's events, written in one INSERT at the end
    buyer_asn = accounts_access.is_asn(user=buyer)
    for business, method, lines, items_total, fee in plans:
        order = Order.objects.create(
            checkout=checkout,
            buyer=buyer,
            business=business,
            seller_name=business.name,
            buyer_asn=buyer_asn,
            payment_method=data.payment_method,
            delivery_method=method,
            items_total=items_total,
            delivery_fee=fee,
            total=items_total + fee,
            village=village,
            district_code=village.district_id if village else "",
            street=(address.street or "").strip()[:255] if village else "",
            contact_name=(address.contact_name or buyer.name)[:120],
            contact_phone=phone,
            note=(address.note or "")[:300],
            placed_at=now,
            status=initial,
        )
        order.number = f"MLP-{timezone.localtime(now):%y%m%d}-{order.pk:06d}"
        order.save(update_fields=["number"])
        order_lines = []
        for item in lines:
            left = _take_stock(item)
            if left == 0:
                sold_out[item.product_id] = item.product.business_id
            elif left <= low < left + item.quantity:
                low_stock[item.product_id] = (item.product.business_id, left)
            price = item.variant.price if item.variant else item.product.price
            order_lines.append(
                OrderLine(
                    order=order,
                    product=item.product,
                    variant=item.variant,
                    product_name=item.product.name,
                    variant_name=item.variant.name if item.variant else "",
                    category_id=item.product.category_id,
                    unit=item.product.unit,
                    unit_price=price,
                    quantity=item.quantity,
                    line_total=price * item.quantity,
                )
            )
        OrderLine.objects.bulk_create(order_lines)  # one INSERT for all the lines of an order
        OrderEvent.objects.create(order=order, from_status="", to_status=initial, actor=buyer)
        births.append(
            core_workflow.birth(
                machine=workflow.ORDER,
                obj=order,
                actor=buyer,
                payload={"reason": "", **order_payload(order, order_lines)},
            )
        )
        orders.append(order)
    if data.payment_method != PaymentMethod.COD:
        # A cashless checkout's payment starts from this event (payments.start, in this
        # transaction). A COD checkout has no payment to start: its orders' events say it all.
        births.append(
            dict(
                kind="checkout.placed",
                subject=checkout,
                actor=buyer,
                payload={
                    "payment_method": checkout.payment_method,
                    "total": checkout.grand_total,
                    "order_ids": [o.pk for o in orders],
                },
            )
        )
    # The checkout took the last units of these products.
    births += [
        dict(
            kind="product.stock_out",
            subject=Product(pk=product_id, business_id=business_id),
            actor=buyer,
            payload={"business_id": business_id},
        )
        for product_id, business_id in sorted(sold_out.items())
    ]
    births += [
        dict(
            kind="product.stock_low",
            subject=Product(pk=product_id, business_id=business_id),
            actor=buyer,
            payload={"business_id": business_id, "stock": left, "threshold": low},
        )
        for product_id, (business_id, left) in sorted(low_stock.items())
        if product_id not in sold_out
    ]
    events.record_many(births)
    if data.save_address_as.strip() and village is not None:
        _address_keep(buyer, data.save_address_as, address, village, phone)
    cart_item_ids = [i.pk for i in items if i.pk is not None]
    if cart_item_ids:
        CartItem.objects.filter(pk__in=cart_item_ids).delete()
    # A checkout only takes stock, so the search index's in-stock flag changes only for the
    # products it sold out (RETURNING told which): no index write in the common case.
    stock_changed(sold_out.keys())
    return checkout


def _city_village(code: str) -> Village | None:
    return (
        Village.objects.select_related("district")
        .filter(code=(code or "").strip(), district__regency_id=settings.MALPRO_REGENCY)
        .first()
    )


def _checkout_address(address: Address, *, buyer, needs_address: bool):
    """(village or None, phone) of a checkout, or the field errors of its address."""
    errors = {}
    village = None
    if needs_address:
        village = _city_village(address.village_code)
        if village is None:
            errors["address.village_code"] = _("Pilih kelurahan di kota ini.")
        if not (address.street or "").strip():
            errors["address.street"] = _("Alamat jalan wajib diisi.")
    phone = buyer.phone
    if needs_address or (address.contact_phone or "").strip():
        try:
            phone = validators.clean_phone(address.contact_phone)
        except ValidationError as exc:
            errors["address.contact_phone"] = " ".join(exc.messages)
    if errors:
        raise ApplicationError(next(iter(errors.values())), {"fields": errors})
    return village, phone


def _address_keep(buyer, label: str, address: Address, village, phone: str) -> None:
    """The address typed at checkout, kept ("Simpan alamat ini"); the first one is the default.
    Over the limit it is simply not kept: the order itself never fails for it."""
    kept = SavedAddress.objects.filter(user=buyer)
    if kept.count() >= MAX_SAVED_ADDRESSES:
        return
    SavedAddress.objects.create(
        user=buyer,
        label=label.strip()[:40],
        recipient=(address.contact_name or buyer.name).strip()[:120],
        phone=phone,
        village=village,
        street=(address.street or "").strip()[:255],
        is_default=not kept.filter(is_default=True).exists(),
    )


def order_payload(order: Order, lines=None) -> dict:
    """What every order event carries (other apps' consumers rely on these keys); `lines` are
    included when given."""
    payload = {
        "number": order.number or "",
        "buyer_id": order.buyer_id,
        "business_id": order.business_id,
        "total": order.total,
        "payment_method": order.payment_method,
        "paid_via": order.paid_via,
    }
    if lines is not None:
        payload["lines"] = [
            {"product_id": line.product_id, "quantity": line.quantity, "amount": line.line_total}
            for line in lines
        ]
    return payload


def _delivery_fee(business, method: str, village, items_total: int) -> int:
    """The delivery fee of one seller's order, or a Conflict saying why this delivery is not
    possible."""
    options = delivery_of(business)
    if method == DeliveryMethod.PICKUP:
        if not options.pickup:
            raise Conflict(_("%(shop)s tidak melayani ambil di toko.") % {"shop": business.name})
        return 0
    if method != DeliveryMethod.DELIVERY:
        raise ApplicationError.for_field("delivery", _("Cara pengiriman tidak dikenal."))
    if not options.delivery:
        raise Conflict(_("%(shop)s tidak melayani pengantaran.") % {"shop": business.name})
    fee = delivery_fee_for(business, village.district_id)
    if fee is None:
        raise Conflict(
            _("%(shop)s tidak mengantar ke Kecamatan %(d)s.")
            % {"shop": business.name, "d": village.district.name}
        )
    if items_total < options.min_order:
        raise Conflict(
            _("Belanja minimal untuk diantar %(shop)s: %(min)s.")
            % {"shop": business.name, "min": format_rupiah(options.min_order)}
        )
    return fee


def _cart_items(cart: Cart) -> list[CartItem]:
    # Sorted by product: every checkout takes its stock rows in the same order, so two
    # checkouts can wait for each other but never deadlock.
    return list(
        CartItem.objects.filter(cart=cart)
        .select_related("product__business", "variant")
        .order_by("product_id", "variant_id")
    )


def _check_prices(items: list) -> None:
    """Refuses to charge a price the buyer has not seen (checkout_place then records the new
    prices as seen, so confirming again works)."""
    details = []
    for item in items:
        current = item.variant.price if item.variant else item.product.price
        if item.price_seen is not None and current != item.price_seen:
            details.append(
                {
                    "product_id": item.product_id,
                    "variant_id": item.variant_id,
                    "name": _line_name(item.product, item.variant),
                    "old_price": item.price_seen,
                    "new_price": current,
                }
            )
    if details:
        raise PriceChanged(
            _("Harga berubah sejak dimasukkan ke keranjang: periksa lalu pesan lagi."),
            {"code": "price_changed", "items": details},
        )


def _take(model, pk: int, quantity: int, *, only_if_enough: bool = True) -> int | None:
    """One statement takes `quantity` from a row's stock if it holds enough and says what is
    left (None: not enough, nothing taken). The database checks and takes at once, so two
    buyers can never take the same last unit (no read-then-write); RETURNING tells a sold-out
    product without another query. Raw SQL: the ORM's update() returns only a count."""
    table = connection.ops.quote_name(model._meta.db_table)
    condition = " AND stock >= %s" if only_if_enough else ""
    params = [quantity, pk, quantity] if only_if_enough else [quantity, pk]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET stock = stock - %s WHERE id = %s{condition} RETURNING stock",  # noqa: S608 (table name from the model)
            params,
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _take_stock(item) -> int:
    """Takes an item's units; returns the product's stock left (0: sold out), or raises
    OutOfStock."""
    if item.variant_id:
        taken = _take(Variant, item.variant_id, item.quantity)
        if taken is not None:
            taken = _take(Product, item.product_id, item.quantity, only_if_enough=False)
    else:
        taken = _take(Product, item.product_id, item.quantity)
    if taken is not None:
        return taken
    left = (
        Variant.objects.filter(pk=item.variant_id).values_list("stock", flat=True)
        if item.variant_id
        else Product.objects.filter(pk=item.product_id).values_list("stock", flat=True)
    )
    available = left.first() or 0
    raise OutOfStock(
        _("Stok %(name)s tidak cukup: tersisa %(left)d, diminta %(want)d.")
        % {
            "name": _line_name(item.product, item.variant),
            "left": available,
            "want": item.quantity,
        },
        {
            "code": "out_of_stock",
            "product_id": item.product_id,
            "variant_id": item.variant_id,
            "available": available,
            "requested": item.quantity,
        },
    )


def _return_stock(lines: list[OrderLine], *, actor, business_id: int) -> None:
    """A closed order's units go back on the shelf; a product that was sold out is on sale
    again (`product.restocked`, and the search index's in-stock flag)."""
    restocked: list[int] = []
    for line in lines:
        if line.variant_id:
            _take(Variant, line.variant_id, -line.quantity, only_if_enough=False)
        if line.product_id:
            left = _take(Product, line.product_id, -line.quantity, only_if_enough=False)
            if left == line.quantity:  # it was at 0 before this order gave its units back
                restocked.append(line.product_id)
    if restocked:
        stock_changed(restocked)
        events.record_many(
            [
                dict(
                    kind="product.restocked",
                    subject=Product(pk=product_id, business_id=business_id),
                    actor=actor,
                    payload={"business_id": business_id, "reason": "order_closed"},
                )
                for product_id in sorted(set(restocked))
            ]
        )


# --- transitions ---------------------------------------------------------------------------------
@transaction.atomic
def order_transition(
    *,
    actor,
    order_id: int,
    to: str,
    reason: str = "",
    cash_amount: int | None = None,
    paid_via: str = "",
) -> Order:
    """Moves an order along the one transition table (orders.workflow); actor None is the
    system (a periodic job, a payment webhook: it passes the provider that captured the money
    as `paid_via` with the move to "placed"). Raises 404 for orders the actor has no part in,
    403 for a move that is not theirs, 409 for a move the table does not allow from the
    current state. Records `order.<to>` with the payload of `order_payload`."""
    order = Order.objects.select_for_update().select_related("business").filter(pk=order_id).first()
    if order is None:
        raise NotFound(workflow.ORDER.not_found_message)
    mine = workflow.ORDER.check(obj=order, to=to, actor=actor)
    to = OrderStatus(to).value
    frm = order.status
    reason = (reason or "").strip()
    if to in workflow.REASON_REQUIRED and not reason:
        raise ApplicationError.for_field("reason", _("Alasan wajib diisi."))
    if (
        to in workflow.ADMIN_REASON_REQUIRED
        and workflow.ADMIN in mine
        and workflow.BUYER not in mine
        and not reason
    ):
        raise ApplicationError.for_field("reason", _("Alasan wajib diisi."))
    fields = ["status_reason", workflow.TIMESTAMP[to]]
    if to == OrderStatus.DELIVERED and order.payment_method == PaymentMethod.COD:
        if cash_amount is None:
            raise ApplicationError.for_field(
                "cash_amount", _("Catat uang tunai yang diterima dari pembeli.")
            )
        if cash_amount != order.total:
            raise ApplicationError.for_field(
                "cash_amount",
                _("Uang diterima (%(got)s) tidak sama dengan total pesanan (%(total)s).")
                % {"got": format_rupiah(cash_amount), "total": format_rupiah(order.total)},
            )
        order.cash_collected = cash_amount
        fields.append("cash_collected")
    if to == OrderStatus.PLACED and paid_via:
        order.paid_via = paid_via[:20]
        fields.append("paid_via")
    order.status_reason = reason[:500]
    setattr(order, workflow.TIMESTAMP[to], timezone.now())
    # Completed, closed and refunded orders carry their lines (sales counts, stock, standings,
    # the seller's books).
    lines = list(order.lines.all()) if to in workflow.FINAL else None
    core_workflow.transition(
        machine=workflow.ORDER,
        obj=order,
        to=to,
        actor=actor,
        reason=reason,
        fields=fields,
        payload=order_payload(order, lines),
        checked=True,
    )
    OrderEvent.objects.create(
        order=order,
        from_status=frm,
        to_status=to,
        actor=actor if actor is not None else None,
        reason=reason[:500],
    )
    if to in workflow.CLOSED:
        _return_stock(lines, actor=actor, business_id=order.business_id)
    # A refunded order returns no stock: the goods were handed over and may be used or
    # damaged; the seller puts back by hand whatever comes back sellable.
    return order


def orders_autocomplete(*, days: int | None = None, now=None) -> int:
    """Completes orders delivered more than `days` ago that the buyer did not confirm. One
    order that cannot be completed (moved meanwhile, refused) never stops the others."""
    days = settings.MALPRO_ORDER_AUTOCOMPLETE_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    done = 0
    for order_id in list(
        Order.objects.filter(status=OrderStatus.DELIVERED, delivered_at__lte=cutoff).values_list(
            "pk", flat=True
        )
    ):
        try:
            order_transition(
                actor=None,
                order_id=order_id,
                to=OrderStatus.COMPLETED,
                reason=_("Selesai otomatis %(d)d hari setelah diterima.") % {"d": days},
            )
        except Conflict:  # moved meanwhile (the buyer confirmed): nothing to do
            continue
        except ApplicationError:
            log.warning("orders_autocomplete: order %s was not completed", order_id)
            continue
        done += 1
    return done


def orders_cancel_unaccepted(*, hours: int | None = None, now=None) -> int:
    """Cancels orders that reached their seller (placed, or paid) more than `hours` ago and
    were neither accepted nor rejected: the buyer is not left waiting, the stock returns, and
    a paid order is owed back (the ledger's refund due). One order that cannot be cancelled
    (moved meanwhile) never stops the others."""
    hours = settings.MALPRO_ORDER_ACCEPT_HOURS if hours is None else hours
    cutoff = (now or timezone.now()) - timedelta(hours=hours)
    late = Order.objects.filter(status=OrderStatus.PLACED).filter(
        Q(paid_at__isnull=True, placed_at__lte=cutoff) | Q(paid_at__lte=cutoff)
    )
    done = 0
    for order_id in list(late.order_by("pk").values_list("pk", flat=True)):
        try:
            order_transition(
                actor=None,
                order_id=order_id,
                to=OrderStatus.CANCELLED,
                reason=_("Dibatalkan otomatis: penjual tidak menanggapi dalam %(h)d jam.")
                % {"h": hours},
            )
        except Conflict:  # accepted or rejected meanwhile
            continue
        except ApplicationError:
            log.warning("orders_cancel_unaccepted: order %s was not cancelled", order_id)
            continue
        done += 1
    return done


# --- reviews -------------------------------------------------------------------------------------
@transaction.atomic
def review_add(*, buyer, order_id: int, product_id: int, rating: int, text: str = "") -> Review:
    order = access.order_for_review(user=buyer, order_id=order_id)
    if not access.can_review(user=buyer, order=order):
        raise Conflict(_("Ulasan dapat ditulis setelah pesanan selesai."))
    if not order.lines.filter(product_id=product_id).exists():
        raise ApplicationError.for_field("product_id", _("Produk ini tidak ada di pesanan."))
    if not 1 <= int(rating) <= 5:
        raise ApplicationError.for_field("rating", _("Nilai harus 1 sampai 5."))
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product_id=product_id,
                buyer=buyer,
                order=order,
                rating=int(rating),
                text=(text or "").strip()[:2000],
            )
    except IntegrityError:
        raise Conflict(_("Anda sudah mengulas produk ini.")) from None
    # The product's rating (sum and count) is the catalog's: its consumer counts this event.
    events.record(
        kind="review.added",
        subject=review,
        actor=buyer,
        payload={"product_id": product_id, "rating": review.rating, "order_id": order.pk},
    )
    return review


@transaction.atomic
def review_reply(*, seller, review_id: int, text: str) -> Review:
    review = Review.objects.select_related("product__business").filter(pk=review_id).first()
    if review is None or not access.can_reply_review(user=seller, review=review):
        raise NotFound(_("Ulasan tidak ditemukan."))
    if not (text or "").strip():
        raise ApplicationError.for_field("text", _("Balasan tidak boleh kosong."))
    review.reply, review.replied_at = text.strip()[:2000], timezone.now()
    review.save(update_fields=["reply", "replied_at"])
    events.record(
        kind="review.replied",
        subject=review,
        actor=seller,
        payload={"product_id": review.product_id, "order_id": review.order_id},
    )
    return review


# --- saved addresses -----------------------------------------------------------------------------
MAX_SAVED_ADDRESSES = 10


@dataclass
class SavedAddressInput:
    label: str
    recipient: str
    phone: str
    village_code: str
    street: str
    is_default: bool = False


def _address_fields(data: SavedAddressInput) -> dict:
    errors = {}
    village = _city_village(data.village_code)
    if village is None:
        errors["village_code"] = _("Pilih kelurahan di kota ini.")
    if not data.label.strip():
        errors["label"] = _("Beri nama alamat ini, mis. Rumah atau Kantor.")
    if not data.recipient.strip():
        errors["recipient"] = _("Nama penerima wajib diisi.")
    if not data.street.strip():
        errors["street"] = _("Alamat jalan wajib diisi.")
    try:
        phone = validators.clean_phone(data.phone)
    except ValidationError as exc:
        errors["phone"] = " ".join(exc.messages)
        phone = ""
    if errors:
        raise ApplicationError(next(iter(errors.values())), {"fields": errors})
    return {
        "label": data.label.strip()[:40],
        "recipient": data.recipient.strip()[:120],
        "phone": phone,
        "village": village,
        "street": data.street.strip()[:255],
    }


def _only_default(user, address: SavedAddress) -> None:
    SavedAddress.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(
        is_default=False
    )
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default", "updated_at"])


@transaction.atomic
def address_save(*, user, data: SavedAddressInput, address_id: int | None = None) -> SavedAddress:
    """Adds a saved address (address_id None) or changes one of the user's own (404 for
    anyone else's). The first address, or one marked default, becomes the default."""
    fields = _address_fields(data)
    if address_id is None:
        kept = SavedAddress.objects.select_for_update().filter(user=user)
        if kept.count() >= MAX_SAVED_ADDRESSES:
            raise Conflict(
                _("Paling banyak %(n)d alamat; hapus yang tidak dipakai lagi.")
                % {"n": MAX_SAVED_ADDRESSES}
            )
        first = not kept.exists()
        address = SavedAddress.objects.create(user=user, is_default=False, **fields)
        if first or data.is_default:
            _only_default(user, address)
        return address
    address = access.address_get_for_owner(user=user, address_id=address_id)
    for name, value in fields.items():
        setattr(address, name, value)
    address.save()
    if data.is_default:
        _only_default(user, address)
    return address


@transaction.atomic
def address_make_default(*, user, address_id: int) -> SavedAddress:
    address = access.address_get_for_owner(user=user, address_id=address_id)
    _only_default(user, address)
    return address


@transaction.atomic
def address_delete(*, user, address_id: int) -> None:
    """Deletes one of the user's saved addresses (past orders keep their own copy); when it
    was the default, the next one becomes the default."""
    address = access.address_get_for_owner(user=user, address_id=address_id)
    was_default = address.is_default
    address.delete()
    if was_default:
        following = SavedAddress.objects.filter(user=user).order_by("label", "id").first()
        if following is not None:
            _only_default(user, following)
