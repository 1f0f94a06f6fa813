import pytest

from malpro.catalog.models import Product, SearchDoc
from malpro.catalog.services import stock_set
from malpro.core.exceptions import ApplicationError, Conflict
from malpro.orders import services
from malpro.orders.models import Cart, CartItem, Checkout, Order
from malpro.orders.tests.factories import address, delivering_shop, fill_cart, place, product


@pytest.fixture
def two_shops(seller, other_seller):
    first = delivering_shop(seller, name="Keripik Sanan")
    second = delivering_shop(
        other_seller, name="Kopi Dinoyo", fees={"35.73.05": 7000}, min_order=30000
    )
    return {
        "tempe": product(first, "Keripik Tempe", price=15000, stock=10),
        "pisang": product(first, "Keripik Pisang", price=18000, stock=5),
        "kopi": product(second, "Kopi Bubuk", price=45000, stock=3),
    }


@pytest.mark.django_db
def test_checkout_splits_orders_per_seller(buyer, two_shops):
    fill_cart(buyer, (two_shops["tempe"], 2), (two_shops["pisang"], 1), (two_shops["kopi"], 1))
    first, second = two_shops["tempe"].business, two_shops["kopi"].business
    checkout, created = place(buyer, {first.pk: "delivery", second.pk: "pickup"})
    assert created
    orders = {o.business_id: o for o in checkout.orders.all()}
    assert (
        orders[first.pk].items_total,
        orders[first.pk].delivery_fee,
        orders[first.pk].total,
    ) == (48000, 5000, 53000)
    assert (orders[second.pk].total, orders[second.pk].delivery_method) == (45000, "pickup")
    assert checkout.grand_total == 98000
    line = orders[first.pk].lines.get(product_name="Keripik Tempe")
    assert (line.unit_price, line.quantity, line.line_total) == (15000, 2, 30000)
    assert orders[first.pk].number.startswith("MLP-")
    assert not CartItem.objects.exists()
    assert Product.objects.get(pk=two_shops["kopi"].pk).stock == 2


@pytest.mark.django_db
def test_prices_and_names_are_snapshotted(buyer, seller, two_shops):
    fill_cart(buyer, (two_shops["tempe"], 1))
    checkout, _ = place(buyer, {two_shops["tempe"].business_id: "pickup"})
    Product.objects.filter(pk=two_shops["tempe"].pk).update(name="Nama Baru", price=99000)
    line = checkout.orders.get().lines.get()
    assert (line.product_name, line.unit_price) == ("Keripik Tempe", 15000)


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_same_checkout(buyer, two_shops):
    fill_cart(buyer, (two_shops["tempe"], 1))
    deliveries = {two_shops["tempe"].business_id: "pickup"}
    first, created = place(buyer, deliveries, key="sama")
    again, created_again = place(buyer, deliveries, key="sama")
    assert created and not created_again and first.pk == again.pk
    assert Order.objects.count() == 1 and Checkout.objects.count() == 1
    with pytest.raises(Conflict):  # the same key for another request
        place(buyer, {two_shops["tempe"].business_id: "delivery"}, key="sama")


@pytest.mark.django_db
def test_out_of_stock_names_the_product_and_what_is_left(buyer, other_buyer, two_shops):
    fill_cart(buyer, (two_shops["kopi"], 3))
    fill_cart(other_buyer, (two_shops["kopi"], 2))
    place(other_buyer, {two_shops["kopi"].business_id: "pickup"})
    with pytest.raises(services.OutOfStock) as info:
        place(buyer, {two_shops["kopi"].business_id: "pickup"})
    assert "Kopi Bubuk" in info.value.message and "tersisa 1" in info.value.message
    assert info.value.extra["available"] == 1 and info.value.status == 409
    assert Order.objects.count() == 1  # nothing half-written
    assert CartItem.objects.filter(cart__user=buyer).count() == 1


@pytest.mark.django_db
def test_a_failed_checkout_takes_no_stock_from_any_seller(buyer, two_shops):
    fill_cart(buyer, (two_shops["tempe"], 2), (two_shops["kopi"], 3))
    Product.objects.filter(pk=two_shops["kopi"].pk).update(stock=1)
    with pytest.raises(services.OutOfStock):
        place(
            buyer,
            {two_shops["tempe"].business_id: "pickup", two_shops["kopi"].business_id: "pickup"},
        )
    assert Product.objects.get(pk=two_shops["tempe"].pk).stock == 10
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_a_changed_price_is_shown_before_the_order(buyer, seller, two_shops):
    fill_cart(buyer, (two_shops["tempe"], 1))
    stock_set(actor=seller, product_id=two_shops["tempe"].pk, stock=10, price=17000)
    deliveries = {two_shops["tempe"].business_id: "pickup"}
    with pytest.raises(services.PriceChanged) as info:
        place(buyer, deliveries)
    assert info.value.extra["items"][0]["new_price"] == 17000
    checkout, _ = place(buyer, deliveries, key="k-2")  # confirmed after seeing it
    assert checkout.grand_total == 17000


@pytest.mark.django_db
def test_delivery_rules(buyer, two_shops):
    kopi = two_shops["kopi"]
    fill_cart(buyer, (kopi, 1))
    with pytest.raises(Conflict) as info:  # Kopi Dinoyo delivers only to Lowokwaru
        place(buyer, {kopi.business_id: "delivery"}, village_code="35.73.02.1001")
    assert "tidak mengantar ke Kecamatan Klojen" in info.value.message
    Product.objects.filter(pk=kopi.pk).update(price=20000)
    CartItem.objects.update(price_seen=20000)
    with pytest.raises(Conflict) as info:  # below the shop's minimum for delivery
        place(buyer, {kopi.business_id: "delivery"}, key="k-3")
    assert "minimal" in info.value.message


@pytest.mark.django_db
def test_every_seller_needs_a_delivery_choice_and_a_valid_address(buyer, two_shops):
    fill_cart(buyer, (two_shops["tempe"], 1), (two_shops["kopi"], 1))
    with pytest.raises(ApplicationError) as info:
        place(buyer, {two_shops["tempe"].business_id: "pickup"})
    assert "setiap penjual" in info.value.message
    with pytest.raises(ApplicationError) as info:
        place(buyer, {}, key="k-4", village_code="99.99", contact_phone="123")
    assert set(info.value.extra["fields"]) == {"address.village_code", "address.contact_phone"}


@pytest.mark.django_db
def test_cart_checks_quantities_against_stock(buyer, two_shops):
    cart = services.cart_for(user=buyer)
    with pytest.raises(Conflict) as info:
        services.cart_set(cart=cart, product_id=two_shops["kopi"].pk, quantity=4)
    assert "tinggal 3" in info.value.message
    services.cart_set(cart=cart, product_id=two_shops["kopi"].pk, quantity=2)
    services.cart_set(cart=cart, product_id=two_shops["kopi"].pk, quantity=1, add=True)
    assert CartItem.objects.get().quantity == 3
    services.cart_set(cart=cart, product_id=two_shops["kopi"].pk, quantity=0)
    assert not CartItem.objects.exists()


@pytest.mark.django_db
def test_anonymous_cart_merges_at_login(client, buyer, two_shops):
    client.post("/keranjang/tambah/", {"product_id": two_shops["tempe"].pk, "quantity": 2})
    assert Cart.objects.filter(user__isnull=True).count() == 1
    fill_cart(buyer, (two_shops["tempe"], 1))
    from malpro.conftest import PASSWORD

    client.post("/akun/masuk/", {"username": buyer.phone, "password": PASSWORD})
    assert CartItem.objects.get(cart__user=buyer).quantity == 3
    assert not Cart.objects.filter(user__isnull=True).exists()


@pytest.mark.django_db
def test_search_index_follows_stock_taken_by_orders(buyer, two_shops):
    fill_cart(buyer, (two_shops["kopi"], 3))
    place(buyer, {two_shops["kopi"].business_id: "pickup"})
    assert SearchDoc.objects.get(product=two_shops["kopi"]).in_stock is False


def place_lines(buyer, lines, deliveries, *, key="l-1"):
    return services.checkout_place(
        buyer=buyer,
        lines=lines,
        idempotency_key=key,
        data=services.CheckoutInput(address=address(), deliveries=deliveries),
    )


@pytest.mark.django_db
def test_explicit_lines_order_without_touching_the_cart(buyer, two_shops):
    tempe, kopi = two_shops["tempe"], two_shops["kopi"]
    fill_cart(buyer, (two_shops["pisang"], 1))
    deliveries = {tempe.business_id: "pickup", kopi.business_id: "pickup"}
    checkout, created = place_lines(buyer, [(tempe.pk, 2), (kopi.pk, 1, 45000)], deliveries)
    assert created and checkout.grand_total == 75000 and checkout.orders.count() == 2
    assert Product.objects.get(pk=kopi.pk).stock == 2
    assert CartItem.objects.filter(cart__user=buyer).count() == 1  # the cart is left alone
    again, created_again = place_lines(buyer, [(tempe.pk, 2), (kopi.pk, 1, 45000)], deliveries)
    assert again.pk == checkout.pk and not created_again
    with pytest.raises(Conflict):  # the same key for other lines
        place_lines(buyer, [(tempe.pk, 1)], deliveries)


@pytest.mark.django_db
def test_explicit_lines_are_checked_like_a_cart(buyer, two_shops):
    kopi = two_shops["kopi"]
    pickup = {kopi.business_id: "pickup"}
    with pytest.raises(services.OutOfStock):
        place_lines(buyer, [(kopi.pk, 4)], pickup)
    with pytest.raises(services.PriceChanged):  # not the price the buyer was shown
        place_lines(buyer, [(kopi.pk, 1, 40000)], pickup, key="l-2")
    with pytest.raises(ApplicationError):
        place_lines(buyer, [(kopi.pk, 0)], pickup, key="l-3")
    Product.objects.filter(pk=kopi.pk).update(status="hidden")
    with pytest.raises(Conflict):
        place_lines(buyer, [(kopi.pk, 1)], pickup, key="l-4")
    assert not Order.objects.exists() and Product.objects.get(pk=kopi.pk).stock == 3
