import pytest

from malpro.orders.models import Order
from malpro.orders.tests.factories import delivering_shop, product


@pytest.fixture
def shops(seller, other_seller):
    return {
        "tempe": product(
            delivering_shop(seller, name="Keripik Sanan"), "Keripik Tempe", price=15000, stock=10
        ),
        "kopi": product(
            delivering_shop(other_seller, name="Kopi Dinoyo"), "Kopi Bubuk", price=45000, stock=3
        ),
    }


def body(shops, **extra):
    data = {
        "address": {
            "village_code": "35.73.05.1003",
            "street": "Jl. Sumbersari 5",
            "contact_phone": "081234500001",
        },
        "sellers": [
            {"business_id": shops["tempe"].business_id, "delivery": "delivery"},
            {"business_id": shops["kopi"].business_id, "delivery": "pickup"},
        ],
        "payment_method": "cod",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_cart_and_checkout_through_the_api(api, buyer, seller, shops):
    client = api(buyer)
    client.post("/api/v1/cart/items", {"product_id": shops["tempe"].pk, "quantity": 2})
    cart = client.post("/api/v1/cart/items", {"product_id": shops["kopi"].pk, "quantity": 1})
    assert cart.json()["total"] == 75000
    assert [g["business"]["name"] for g in client.get("/api/v1/cart").json()["groups"]] == [
        "Keripik Sanan",
        "Kopi Dinoyo",
    ]
    response = client.post("/api/v1/checkout", body(shops), headers={"Idempotency-Key": "abc-123"})
    assert response.status_code == 201
    result = response.json()
    assert result["grand_total"] == 80000
    assert sorted(o["total"] for o in result["orders"]) == [35000, 45000]
    assert all(o["status"] == "placed" for o in result["orders"])
    retry = client.post("/api/v1/checkout", body(shops), headers={"Idempotency-Key": "abc-123"})
    assert retry.status_code == 200 and retry.json() == result
    assert Order.objects.count() == 2


@pytest.mark.django_db
def test_checkout_needs_an_idempotency_key(api, buyer, shops):
    client = api(buyer)
    client.post("/api/v1/cart/items", {"product_id": shops["tempe"].pk, "quantity": 1})
    response = client.post("/api/v1/checkout", body(shops))
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["extra"]["fields"]


@pytest.mark.django_db
def test_out_of_stock_is_409_naming_the_product(api, buyer, other_buyer, shops):
    first, second = api(buyer), api(other_buyer)
    first.post("/api/v1/cart/items", {"product_id": shops["kopi"].pk, "quantity": 3})
    second.post("/api/v1/cart/items", {"product_id": shops["kopi"].pk, "quantity": 2})
    one_seller = {"sellers": [{"business_id": shops["kopi"].business_id, "delivery": "pickup"}]}
    assert (
        second.post(
            "/api/v1/checkout", body(shops, **one_seller), headers={"Idempotency-Key": "x"}
        ).status_code
        == 201
    )
    response = first.post(
        "/api/v1/checkout", body(shops, **one_seller), headers={"Idempotency-Key": "y"}
    )
    assert response.status_code == 409
    assert "Kopi Bubuk" in response.json()["message"]
    assert response.json()["extra"]["available"] == 1


@pytest.mark.django_db
def test_order_transitions_through_the_api(api, buyer, seller, other_seller, shops):
    buyer_client = api(buyer)
    buyer_client.post("/api/v1/cart/items", {"product_id": shops["tempe"].pk, "quantity": 1})
    placed = buyer_client.post(
        "/api/v1/checkout",
        body(shops, sellers=[{"business_id": shops["tempe"].business_id, "delivery": "pickup"}]),
        headers={"Idempotency-Key": "t"},
    ).json()
    order_id = placed["orders"][0]["id"]
    url = f"/api/v1/orders/{order_id}/transition"
    seller_client = api(seller)
    assert buyer_client.post(url, {"to": "accepted"}).status_code == 403
    assert seller_client.post(url, {"to": "completed"}).status_code == 409
    assert api(other_seller).post(url, {"to": "accepted"}).status_code == 404
    assert seller_client.post(url, {"to": "accepted"}).json()["status"] == "accepted"
    assert seller_client.post(url, {"to": "ready"}).status_code == 200
    missing_cash = seller_client.post(url, {"to": "delivered"})
    assert missing_cash.status_code == 400
    assert "cash_amount" in missing_cash.json()["extra"]["fields"]
    assert seller_client.post(url, {"to": "delivered", "cash_amount": 15000}).status_code == 200
    done = buyer_client.post(url, {"to": "completed"}).json()
    assert done["status"] == "completed"
    assert [e["to_status"] for e in done["events"]] == [
        "placed",
        "accepted",
        "ready",
        "delivered",
        "completed",
    ]
    review = buyer_client.post(
        f"/api/v1/orders/{order_id}/reviews", {"product_id": shops["tempe"].pk, "rating": 5}
    )
    assert review.status_code == 201
    seller_view = seller_client.get("/api/v1/orders", {"role": "seller"}).json()
    assert [o["id"] for o in seller_view] == [order_id]
    assert api(other_seller).get("/api/v1/orders", {"role": "seller"}).json() == []


@pytest.mark.django_db
def test_orders_api_requires_a_token(api):
    assert api().get("/api/v1/orders").status_code == 401
    assert api().get("/api/v1/cart").status_code == 401
