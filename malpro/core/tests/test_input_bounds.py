"""Issue 14, item 6: bounded numbers, pages and text, and capped request bodies."""

import json

import pytest

from malpro.catalog.models import Product
from malpro.catalog.tests.factories import shop
from malpro.core.limits import MAX_PAGE, MAX_PRICE, MAX_STOCK

HUGE = 2**64
BIGINT_MAX = 2**63 - 1


def _product(business, **extra):
    data = {"business_id": business.pk, "name": "Sambal", "category": "sambal", "price": 10000}
    data.update(extra)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value",
    [
        ("price", HUGE),
        ("price", BIGINT_MAX),
        ("price", MAX_PRICE + 1),
        ("stock", HUGE),
        ("stock", MAX_STOCK + 1),
        ("weight_grams", HUGE),
    ],
)
def test_numbers_past_the_maxima_are_422_with_an_indonesian_field_error(api, seller, field, value):
    business = shop(seller)
    response = api(seller).post("/api/v1/products", _product(business, **{field: value}))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["extra"]["fields"][field].startswith("Paling besar")
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_the_maximum_price_itself_is_accepted(api, seller):
    business = shop(seller)
    response = api(seller).post("/api/v1/products", _product(business, price=MAX_PRICE))
    assert response.status_code == 201
    assert response.json()["price"] == MAX_PRICE


@pytest.mark.django_db
def test_variant_and_stock_endpoints_are_bounded(api, seller):
    business = shop(seller)
    client = api(seller)
    product_id = client.post("/api/v1/products", _product(business)).json()["id"]
    for path, data in [
        (f"/api/v1/products/{product_id}/stock", {"stock": HUGE}),
        (f"/api/v1/products/{product_id}/stock", {"stock": 1, "price": BIGINT_MAX}),
        (f"/api/v1/products/{product_id}/variants", {"name": "Besar", "price": HUGE}),
    ]:
        assert client.post(path, data).status_code == 422, (path, data)
    assert Product.objects.get(pk=product_id).price == 10000


@pytest.mark.django_db
def test_product_page_refuses_a_price_past_the_maximum(web, seller):
    business = shop(seller)
    response = web(seller).post(
        f"/jual/produk/baru/?usaha={business.pk}",
        {
            "usaha": business.pk,
            "name": "Sambal Mahal",
            "category_slug": "sambal",
            "price": str(BIGINT_MAX),
            "unit": "botol",
            "stock": str(HUGE),
            "weight_grams": str(HUGE),
            "publish": "on",
            "varian-TOTAL_FORMS": "0",
            "varian-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "paling besar Rp1.000.000.000" in page
    assert not Product.objects.filter(name="Sambal Mahal").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("page", [HUGE, BIGINT_MAX, MAX_PAGE + 1])
def test_a_huge_page_is_422_on_the_paginated_apis(api, buyer, officer, page):
    assert api(buyer).get("/api/v1/orders", {"page": page}).status_code == 422
    assert api().get("/api/v1/products", {"page": page}).status_code == 422
    assert api(officer).get("/api/v1/umkm", {"page": page}).status_code == 422


@pytest.mark.django_db
def test_a_huge_page_on_the_search_page_is_not_a_500(client):
    assert client.get("/cari/", {"q": "sambal", "page": str(HUGE)}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["Toko\x00Nul", "Toko\u202eabc", "Toko\u2066x\u2069", "Toko\x1bEsc", "Tab\tdi nama"]
)
def test_control_and_bidi_characters_are_refused_in_names(api, seller, name):
    business = shop(seller)
    response = api(seller).post("/api/v1/products", _product(business, name=name))
    assert response.status_code == 422
    assert "name" in response.json()["extra"]["fields"]
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_multiline_text_keeps_line_breaks_but_not_nul(api, seller):
    business = shop(seller)
    client = api(seller)
    ok = client.post("/api/v1/products", _product(business, description="Pedas.\r\n\tEnak."))
    assert ok.status_code == 201
    bad = client.post("/api/v1/products", _product(business, description="Pedas\x00"))
    assert bad.status_code == 422 and "description" in bad.json()["extra"]["fields"]


@pytest.mark.django_db
def test_product_page_refuses_a_right_to_left_override_in_the_name(web, seller):
    business = shop(seller)
    response = web(seller).post(
        f"/jual/produk/baru/?usaha={business.pk}",
        {
            "usaha": business.pk,
            "name": "Sambal\u202eXYZ",
            "category_slug": "sambal",
            "price": "1000",
            "unit": "botol",
            "stock": "1",
            "weight_grams": "1",
            "varian-TOTAL_FORMS": "0",
            "varian-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "pembalik arah" in response.content.decode()
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_cart_quantity_past_the_maximum_is_422(api, buyer):
    response = api(buyer).post("/api/v1/cart/items", {"product_id": 1, "quantity": HUGE})
    assert response.status_code == 422
    assert response.json()["extra"]["fields"]["quantity"].startswith("Paling besar")


@pytest.mark.django_db
def test_an_oversized_api_body_is_413_in_the_api_shape(client):
    body = json.dumps({"phone": "0812", "password": "x" * (11 * 1024 * 1024)})
    response = client.post("/api/v1/auth/login", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"message": "Isi permintaan terlalu besar.", "extra": {}}


@pytest.mark.django_db
def test_an_oversized_form_post_is_a_413_page(client):
    response = client.post("/akun/masuk/", {"username": "x" * (11 * 1024 * 1024)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_the_catalog_services_refuse_numbers_past_the_maxima_whoever_calls_them(seller):
    from malpro.catalog import services
    from malpro.catalog.tests.factories import product
    from malpro.core.exceptions import ApplicationError

    business = shop(seller)
    item = product(business, "Keripik", price=10000, stock=5)
    with pytest.raises(ApplicationError) as info:
        services.stock_set(actor=seller, product_id=item.pk, stock=1, price=BIGINT_MAX)
    assert "price" in info.value.extra["fields"]
    with pytest.raises(ApplicationError):
        services.stock_set(actor=seller, product_id=item.pk, stock=MAX_STOCK + 1)
    with pytest.raises(ApplicationError):
        services.variant_add(actor=seller, product=item, name="Besar", price=MAX_PRICE + 1)
    item.refresh_from_db()
    assert (item.price, item.stock) == (10000, 5)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Keripik\x00Sanan", "Keripik \u202eSanan"])
def test_a_business_name_with_nul_or_bidi_override_is_refused(api, seller, name):
    from malpro.umkm.models import Business
    from malpro.umkm.tests.test_api import PAYLOAD

    response = api(seller).post("/api/v1/umkm", {**PAYLOAD, "name": name})
    assert response.status_code == 422
    assert "name" in response.json()["extra"]["fields"]
    assert not Business.objects.filter(name__startswith="Keripik").exists()
