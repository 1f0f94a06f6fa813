import pytest

from malpro.catalog.models import Category
from malpro.catalog.tests.factories import product, shop
from malpro.catalog.tests.test_products import jpeg


@pytest.fixture
def listed(seller):
    business = shop(
        seller, name="Keripik Sanan", village="35.73.01.1005", halal_number="ID35110000123450123"
    )
    return {
        "tempe": product(
            business,
            "Keripik Tempe Original",
            price=15000,
            stock=20,
            description="Dijual per bungkus",
        ),
        "pisang": product(business, "Kripik Pisang", price=18000, stock=0),
    }


@pytest.mark.django_db
def test_search_api_shape(api, listed):
    response = api().get("/api/v1/products", {"q": "kripik", "sort": "relevance"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    first = body["results"][0]
    assert set(first) == {"id", "name", "price", "unit", "halal", "stock", "business", "thumbnail"}
    assert first["name"] == "Keripik Tempe Original" and first["halal"] is True
    assert first["business"] == {
        "id": listed["tempe"].business_id,
        "name": "Keripik Sanan",
        "kecamatan": "Blimbing",
    }
    keripik = Category.objects.get(slug="makanan-ringan")
    assert body["facets"]["category"] == {str(keripik.pk): 2}
    assert body["facets"]["kecamatan"] == {"35.73.01": 2}
    assert body["facets"]["halal"] == {"true": 2, "false": 0}


@pytest.mark.django_db
def test_search_api_filters_and_paging(api, listed):
    def names(**params):
        return [r["name"] for r in api().get("/api/v1/products", params).json()["results"]]

    assert names(in_stock="true") == ["Keripik Tempe Original"]
    assert names(min_price=16000) == ["Kripik Pisang"]
    assert names(category="keripik", sort="price_desc") == [
        "Kripik Pisang",
        "Keripik Tempe Original",
    ]
    assert names(kecamatan="35.73.02") == []
    assert names(page_size=1, page=2, sort="price_asc") == ["Kripik Pisang"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_price": -1}, "min_price"),
        ({"max_price": -5}, "max_price"),
        ({"category": "tidak-ada"}, "category"),
        ({"page_size": 101}, "page_size"),
        ({"sort": "acak"}, "sort"),
        ({"halal": "mungkin"}, "halal"),
        ({"min_price": 5000, "max_price": 1000}, "max_price"),
    ],
)
def test_bad_search_parameters_are_422_naming_the_field(api, params, field):
    response = api().get("/api/v1/products", params)
    assert response.status_code == 422
    assert field in response.json()["extra"]["fields"]


@pytest.mark.django_db
def test_product_detail_is_public_but_drafts_are_not(api, listed, seller):
    assert api().get(f"/api/v1/products/{listed['tempe'].pk}").json()["stock"] == 20
    draft = product(listed["tempe"].business, "Rahasia", publish=False)
    assert api().get(f"/api/v1/products/{draft.pk}").status_code == 404


@pytest.mark.django_db
def test_seller_manages_products_through_the_api(api, seller, other_seller):
    business = shop(seller)
    client = api(seller)
    created = client.post(
        "/api/v1/products",
        {
            "business_id": business.pk,
            "name": "Sambal Bawang",
            "category": "sambal",
            "price": 0,
            "variants": [
                {"name": "Sedang", "price": 22000, "stock": 4},
                {"name": "Pedas", "price": 25000, "stock": 6},
            ],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["price"], body["stock"], len(body["variants"])) == (22000, 10, 2)
    product_id = body["id"]
    variant_id = body["variants"][0]["id"]
    assert (
        client.patch(f"/api/v1/products/variants/{variant_id}", {"stock": 1}).json()["stock"] == 7
    )
    upload = client.client.post(
        f"/api/v1/products/{product_id}/photos",
        {"file": jpeg(800, 600)},
        headers={"Authorization": f"Bearer {client.token}"},
    )
    assert upload.status_code == 201 and len(upload.json()["photos"]) == 1
    plain = client.post(
        "/api/v1/products",
        {
            "business_id": business.pk,
            "name": "Kerupuk",
            "category": "kerupuk",
            "price": 9000,
            "stock": 3,
        },
    )
    stock = client.post(
        f"/api/v1/products/{plain.json()['id']}/stock", {"stock": 30, "price": 9500}
    )
    assert (stock.json()["stock"], stock.json()["price"]) == (30, 9500)
    other = api(other_seller)
    assert other.post(f"/api/v1/products/{product_id}/stock", {"stock": 1}).status_code == 404
    assert (
        other.post(
            "/api/v1/products",
            {"business_id": business.pk, "name": "X", "category": "sambal", "price": 1},
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_officer_hides_through_the_api(api, listed, officer, buyer):
    url = f"/api/v1/products/{listed['tempe'].pk}/hide"
    assert api(buyer).post(url, {"reason": "x"}).status_code == 403
    response = api(officer).post(url, {"reason": "Foto bukan produk asli"})
    assert response.status_code == 200 and response.json()["status"] == "hidden"
    assert api().get("/api/v1/products", {"q": "tempe"}).json()["total"] == 0
