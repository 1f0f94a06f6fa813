from datetime import datetime
from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field, model_validator

from malpro.core.limits import MAX_QUANTITY, Amount, Page, PageSize
from malpro.core.validators import SafeLine, SafeText
from malpro.orders import selectors, services
from malpro.orders.models import Checkout, Order

router = Router(tags=["orders"])


class CartItemIn(Schema):
    product_id: int | None = None
    variant_id: int | None = None
    quantity: int = Field(1, ge=0, le=MAX_QUANTITY)

    @model_validator(mode="after")
    def one_of(self):
        if self.product_id is None and self.variant_id is None:
            raise ValueError("product_id or variant_id is required")
        return self


class CartItemRef(Schema):
    product_id: int | None = None
    variant_id: int | None = None


class CartLineOut(Schema):
    product_id: int
    variant_id: int | None
    name: str
    quantity: int
    unit_price: int
    line_total: int
    stock: int
    price_changed: bool


class DeliveryOptionsOut(Schema):
    pickup: bool
    delivery: bool
    min_order: int


class CartGroupOut(Schema):
    business: dict
    items: list[CartLineOut]
    total: int
    delivery_options: DeliveryOptionsOut


class CartOut(Schema):
    groups: list[CartGroupOut]
    total: int
    count: int
    problems: list[str]


class AddressIn(Schema):
    # Needed when a seller delivers; picked up at every shop, the account's name and phone do.
    village_code: str = Field("", max_length=13)
    street: SafeLine = Field("", max_length=255)
    contact_phone: str = Field("", max_length=32)
    contact_name: SafeLine = Field("", max_length=120)
    note: SafeText = Field("", max_length=300)


class SellerChoiceIn(Schema):
    business_id: int
    delivery: Literal["pickup", "delivery"]


class CheckoutIn(Schema):
    address: AddressIn = Field(default_factory=AddressIn)
    sellers: list[SellerChoiceIn] = Field(..., min_length=1, max_length=50)
    payment_method: Literal["cod", "qris", "va"] = "cod"


class OrderBrief(Schema):
    id: int
    number: str | None
    business_id: int
    status: str
    total: int


class CheckoutOut(Schema):
    checkout_id: UUID
    orders: list[OrderBrief]
    grand_total: int


class OrderLineOut(Schema):
    product_id: int | None
    variant_id: int | None
    product_name: str
    variant_name: str
    unit_price: int
    quantity: int
    line_total: int


class OrderEventOut(Schema):
    from_status: str
    to_status: str
    actor: str | None
    reason: str
    at: datetime


class OrderOut(Schema):
    id: int
    number: str | None
    checkout_id: UUID
    business_id: int
    seller_name: str
    status: str
    status_label: str
    payment_method: str
    delivery_method: str
    items_total: int
    delivery_fee: int
    total: int
    cash_collected: int | None
    placed_at: datetime
    lines: list[OrderLineOut]


class OrderDetailOut(OrderOut):
    allowed_transitions: list[str]
    events: list[OrderEventOut]


class TransitionIn(Schema):
    to: str = Field(..., max_length=16)
    reason: SafeText = Field("", max_length=500)
    cash_amount: Amount | None = None


class ReviewIn(Schema):
    product_id: int
    rating: int = Field(..., ge=1, le=5)
    text: SafeText = Field("", max_length=2000)


class OrdersQuery(Schema):
    role: Literal["buyer", "seller"] = "buyer"
    status: str = Field("", max_length=16)
    page: Page = 1
    page_size: PageSize = 20


def _cart_out(user) -> dict:
    view = selectors.cart_view(services.cart_for(user=user, create=False))
    return {
        "groups": [
            {
                "business": {"id": g.business.pk, "name": g.business.name},
                "items": [
                    {
                        "product_id": i.product_id,
                        "variant_id": i.variant_id,
                        "name": i.name,
                        "quantity": i.quantity,
                        "unit_price": i.unit_price,
                        "line_total": i.line_total,
                        "stock": i.stock,
                        "price_changed": i.price_changed,
                    }
                    for i in g.items
                ],
                "total": g.total,
                "delivery_options": {
                    "pickup": g.delivery.pickup,
                    "delivery": g.delivery.delivery,
                    "min_order": g.delivery.min_order,
                },
            }
            for g in view.groups
        ],
        "total": view.total,
        "count": view.count,
        "problems": view.problems,
    }


def _order_out(order: Order, user=None, detail=False) -> dict:
    data = {
        "id": order.pk,
        "number": order.number,
        "checkout_id": order.checkout_id,
        "business_id": order.business_id,
        "seller_name": order.seller_name,
        "status": order.status,
        "status_label": str(order.get_status_display()),
        "payment_method": order.payment_method,
        "delivery_method": order.delivery_method,
        "items_total": order.items_total,
        "delivery_fee": order.delivery_fee,
        "total": order.total,
        "cash_collected": order.cash_collected,
        "placed_at": order.placed_at,
        "lines": [
            {
                "product_id": li.product_id,
                "variant_id": li.variant_id,
                "product_name": li.product_name,
                "variant_name": li.variant_name,
                "unit_price": li.unit_price,
                "quantity": li.quantity,
                "line_total": li.line_total,
            }
            for li in order.lines.all()
        ],
    }
    if detail:
        data["allowed_transitions"] = selectors.order_moves(user=user, order=order)
        data["events"] = [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "actor": e.actor.name if e.actor else None,
                "reason": e.reason,
                "at": e.created_at,
            }
            for e in order.events.all()
        ]
    return data


@router.get("/cart", response=CartOut, summary="The caller's cart, grouped by seller")
def cart_get(request: HttpRequest):
    return _cart_out(request.auth)


@router.get("/cart/items", response=CartOut)
def cart_items(request: HttpRequest):
    return _cart_out(request.auth)


@router.post("/cart/items", response=CartOut, summary="Set the quantity of a product")
def cart_item_set(request: HttpRequest, payload: CartItemIn):
    cart = services.cart_for(user=request.auth)
    services.cart_set(
        cart=cart,
        product_id=payload.product_id,
        variant_id=payload.variant_id,
        quantity=payload.quantity,
    )
    return _cart_out(request.auth)


@router.delete("/cart/items", response=CartOut)
def cart_item_delete(request: HttpRequest, payload: CartItemRef):
    cart = services.cart_for(user=request.auth)
    services.cart_set(
        cart=cart, product_id=payload.product_id, variant_id=payload.variant_id, quantity=0
    )
    return _cart_out(request.auth)


@router.post(
    "/checkout",
    response={200: CheckoutOut, 201: CheckoutOut},
    summary="Place one order per seller from the cart (idempotent)",
)
def checkout(
    request: HttpRequest,
    payload: CheckoutIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=100),
):
    data = services.CheckoutInput(
        address=services.Address(**payload.address.dict()),
        deliveries={s.business_id: s.delivery for s in payload.sellers},
        payment_method=payload.payment_method,
    )
    cart = services.cart_for(user=request.auth)
    placed, created = services.checkout_place(
        buyer=request.auth, cart=cart, data=data, idempotency_key=idempotency_key, request=request
    )
    return Status(201 if created else 200, _checkout_out(placed))


def _checkout_out(checkout: Checkout) -> dict:
    return {
        "checkout_id": checkout.pk,
        "grand_total": checkout.grand_total,
        "orders": selectors.checkout_order_rows(checkout),
    }


@router.get("/orders", response=list[OrderOut])
def orders_list(request: HttpRequest, query: Query[OrdersQuery]):
    if query.role == "seller":
        qs = selectors.orders_of_seller(user=request.auth, status=query.status)
    else:
        qs = selectors.orders_of_buyer(user=request.auth, status=query.status)
    start = (query.page - 1) * query.page_size
    return [_order_out(o) for o in qs[start : start + query.page_size]]


@router.get("/orders/{int:order_id}", response=OrderDetailOut)
def order_get(request: HttpRequest, order_id: int):
    order = selectors.order_get(user=request.auth, order_id=order_id)
    return _order_out(order, request.auth, detail=True)


@router.post("/orders/{int:order_id}/transition", response=OrderDetailOut)
def order_transition(request: HttpRequest, order_id: int, payload: TransitionIn):
    services.order_transition(
        actor=request.auth,
        order_id=order_id,
        to=payload.to,
        reason=payload.reason,
        cash_amount=payload.cash_amount,
    )
    return _order_out(
        selectors.order_get(user=request.auth, order_id=order_id), request.auth, detail=True
    )


@router.post("/orders/{int:order_id}/reviews", response={201: dict})
def order_review(request: HttpRequest, order_id: int, payload: ReviewIn):
    review = services.review_add(
        buyer=request.auth,
        order_id=order_id,
        product_id=payload.product_id,
        rating=payload.rating,
        text=payload.text,
    )
    return Status(201, {"id": review.pk, "rating": review.rating})
