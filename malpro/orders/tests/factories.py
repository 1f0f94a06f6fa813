from malpro.catalog.tests.factories import product, shop
from malpro.orders import services
from malpro.orders.services import Address, CheckoutInput


def delivering_shop(owner, *, fees=None, min_order=0, **fields):
    business = shop(owner, **fields)
    services.delivery_update(
        actor=owner,
        business=business,
        pickup=True,
        delivery=True,
        min_order=min_order,
        fees=fees if fees is not None else {"35.73.05": 5000, "35.73.02": 8000},
    )
    return business


def address(**overrides) -> Address:
    values = {
        "village_code": "35.73.05.1003",
        "street": "Jl. Sumbersari Gg. 2 No. 5",
        "contact_phone": "081234500001",
        "contact_name": "Citra",
    }
    values.update(overrides)
    return Address(**values)


def place(buyer, deliveries, *, key="k-1", **overrides):
    cart = services.cart_for(user=buyer)
    return services.checkout_place(
        buyer=buyer,
        cart=cart,
        idempotency_key=key,
        data=CheckoutInput(address=address(**overrides), deliveries=deliveries),
    )


def fill_cart(buyer, *items):
    cart = services.cart_for(user=buyer)
    for item, quantity in items:
        kwargs = (
            {"variant_id": item.pk}
            if hasattr(item, "product_id") and not hasattr(item, "business_id")
            else {"product_id": item.pk}
        )
        services.cart_set(cart=cart, quantity=quantity, **kwargs)
    return cart


__all__ = ["delivering_shop", "fill_cart", "place", "product"]
