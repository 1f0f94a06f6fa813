import pytest

from malpro.orders.models import Order, Review, ShopDelivery
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product


@pytest.fixture
def item(seller):
    return product(
        delivering_shop(seller, name="Keripik Sanan"), "Keripik Tempe", price=15000, stock=10
    )


def checkout_form(client, business_id, **extra):
    page = client.get("/checkout/")
    token = page.context["form"]["token"].value()
    data = {
        "village_code": "35.73.05.1003",
        "street": "Jl. Sumbersari 5",
        "contact_name": "Citra",
        "contact_phone": "0812-3450-0001",
        "note": "",
        "payment_method": "cod",
        "token": token,
        f"delivery_{business_id}": "delivery",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_buyer_orders_through_the_pages_and_a_double_click_orders_once(web, buyer, item):
    client = web(buyer)
    client.post("/keranjang/tambah/", {"product_id": item.pk, "quantity": 2})
    cart = client.get("/keranjang/").content.decode()
    assert "Keripik Sanan" in cart and "Rp30.000" in cart
    data = checkout_form(client, item.business_id)
    first = client.post("/checkout/", data)
    second = client.post("/checkout/", data)  # the same one-time token
    assert first.status_code == 302 and second["Location"] == first["Location"]
    assert Order.objects.count() == 1
    order = Order.objects.get()
    page = client.get(first["Location"]).content.decode()
    assert order.number in page and "Rp35.000" in page
    detail = client.get(f"/pesanan/{order.pk}/").content.decode()
    assert "Menunggu konfirmasi penjual" in detail and "Batalkan pesanan" in detail


@pytest.mark.django_db
def test_checkout_page_shows_field_errors(web, buyer, item):
    client = web(buyer)
    client.post("/keranjang/tambah/", {"product_id": item.pk, "quantity": 1})
    response = client.post(
        "/checkout/", checkout_form(client, item.business_id, contact_phone="123", street="")
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Nomor HP" in page and not Order.objects.exists()


@pytest.mark.django_db
def test_seller_inbox_one_tap_actions_and_packing_slip(web, buyer, seller, item):
    client = web(buyer)
    client.post("/keranjang/tambah/", {"product_id": item.pk, "quantity": 1})
    client.post("/checkout/", checkout_form(client, item.business_id))
    order = Order.objects.get()
    shop_client = web(seller)
    inbox = shop_client.get("/jual/pesanan/").content.decode()
    assert order.number in inbox and "Terima pesanan" in inbox
    shop_client.post(f"/pesanan/{order.pk}/status/", {"to": "accepted", "next": "/jual/pesanan/"})
    assert order.number in shop_client.get("/jual/pesanan/?tab=dikemas").content.decode()
    slip = shop_client.get(f"/jual/pesanan/{order.pk}/slip/").content.decode()
    assert "Jl. Sumbersari 5" in slip and "Rp20.000" in slip
    shop_client.post(f"/pesanan/{order.pk}/status/", {"to": "ready"})
    shop_client.post(f"/pesanan/{order.pk}/status/", {"to": "delivered", "cash_amount": "20.000"})
    order.refresh_from_db()
    assert order.status == "delivered" and order.cash_collected == 20000


@pytest.mark.django_db
def test_order_pages_are_private(web, buyer, other_buyer, other_seller, item, client):
    buyer_client = web(buyer)
    buyer_client.post("/keranjang/tambah/", {"product_id": item.pk, "quantity": 1})
    buyer_client.post("/checkout/", checkout_form(buyer_client, item.business_id))
    order = Order.objects.get()
    assert web(other_buyer).get(f"/pesanan/{order.pk}/").status_code == 404
    assert web(other_seller).get(f"/jual/pesanan/{order.pk}/slip/").status_code == 404
    assert client.get(f"/pesanan/{order.pk}/").status_code == 302


@pytest.mark.django_db
def test_seller_sets_delivery_fees(web, seller, item):
    response = web(seller).post(
        f"/jual/pengiriman/?usaha={item.business_id}",
        {
            "usaha": item.business_id,
            "pickup": "on",
            "delivery": "on",
            "min_order": "25.000",
            "fee_35_73_01": "10.000",
            "fee_35_73_05": "4000",
        },
    )
    assert response.status_code == 302
    settings_row = ShopDelivery.objects.get(business_id=item.business_id)
    assert settings_row.min_order == 25000
    assert dict(item.business.delivery_fees.values_list("district_id", "fee")) == {
        "35.73.01": 10000,
        "35.73.05": 4000,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["x", "9" * 30, "1.5", "١"])
def test_bad_numbers_in_the_cart_forms_are_errors_not_500s(web, buyer, item, value):
    client = web(buyer)
    for path in ("/keranjang/tambah/", "/keranjang/ubah/"):
        response = client.post(path, {"product_id": value, "quantity": 1})
        assert response.status_code == 302
    response = client.post("/keranjang/tambah/", {"product_id": item.pk, "quantity": value})
    assert response.status_code == 302


EVIL = ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]


@pytest.mark.django_db
@pytest.mark.parametrize("evil", EVIL)
def test_next_to_another_site_is_not_followed(web, buyer, seller, item, evil):
    client = web(buyer)
    refused = client.post(
        "/keranjang/tambah/", {"product_id": item.pk, "quantity": 99, "next": evil}
    )
    assert refused.status_code == 302 and refused["Location"] == "/keranjang/"
    client.post("/keranjang/tambah/", {"product_id": item.pk, "quantity": 1})
    client.post("/checkout/", checkout_form(client, item.business_id))
    order = Order.objects.get()
    moved = web(seller).post(f"/pesanan/{order.pk}/status/", {"to": "accepted", "next": evil})
    assert moved.status_code == 302 and moved["Location"] == f"/pesanan/{order.pk}/"


@pytest.mark.django_db
def test_next_within_the_site_is_followed(web, seller, item):
    response = web(seller).post(
        f"/jual/produk/{item.pk}/stok/",
        {"stock": 5, "price": 15000, "next": "/jual/produk/?usaha=1"},
    )
    assert response["Location"] == "/jual/produk/?usaha=1"


def completed_order(buyer, item, key):
    fill_cart(buyer, (item, 1))
    checkout, _ = place(buyer, {item.business_id: "pickup"}, key=key)
    order = checkout.orders.get()
    Order.objects.filter(pk=order.pk).update(status="completed")
    return order


@pytest.mark.django_db
def test_reviews_and_replies_are_shown_to_buyers_and_on_the_product_and_shop(
    web, client, buyer, other_buyer, seller, item
):
    other = product(item.business, "Keripik Pisang", price=12000, stock=5)
    mine = completed_order(buyer, item, "r-1")
    theirs = completed_order(other_buyer, other, "r-2")
    buyer_client = web(buyer)
    buyer_client.post(
        f"/pesanan/{mine.pk}/ulasan/",
        {"product_id": item.pk, "rating": 5, "text": "Renyah sekali"},
    )
    web(other_buyer).post(f"/pesanan/{theirs.pk}/ulasan/", {"product_id": other.pk, "rating": 4})
    review = Review.objects.get(product=item)
    web(seller).post(f"/ulasan/{review.pk}/balas/", {"text": "Terima kasih, Kak"})

    mine_page = buyer_client.get(f"/pesanan/{mine.pk}/").content.decode()
    assert "Balasan penjual" in mine_page and "Terima kasih, Kak" in mine_page

    page = client.get(f"/produk/{item.pk}/", follow=True).content.decode()
    assert "Renyah sekali" in page and "Terima kasih, Kak" in page and "Citra" in page
    for secret in ("Citra Pembeli", buyer.phone, buyer.phone[3:], "0812-3450-0001"):
        assert secret not in page
    assert review.created_at.strftime("%d/%m/%Y") not in page

    shop = client.get(f"/umkm/profil/{item.business_id}/", follow=True).content.decode()
    assert "★ 4,5" in shop and "dari 2 ulasan" in shop  # Indonesian decimal comma


@pytest.mark.django_db
def test_a_product_without_reviews_says_so(client, item):
    page = client.get(f"/produk/{item.pk}/", follow=True).content.decode()
    assert "Belum ada ulasan." in page


@pytest.mark.django_db
def test_area_names_are_translated(web, buyer, seller, item):
    client = web(buyer)
    client.post("/keranjang/tambah/", {"product_id": item.pk, "quantity": 1})
    client.post("/checkout/", checkout_form(client, item.business_id))
    order = Order.objects.get()
    desk = web(seller)
    indonesian = desk.get("/jual/pesanan/").content.decode()
    for person in (client, desk):
        person.cookies["django_language"] = "en"  # chosen with the footer's switch
    client.post("/keranjang/tambah/", {"product_id": item.pk, "quantity": 1})
    cart = client.get("/keranjang/").content.decode()
    assert "Lowokwaru district" in cart and "Kec. " not in cart
    inbox = desk.get("/jual/pesanan/").content.decode()
    assert "to Lowokwaru district" in inbox and "Kec. " not in inbox
    slip = desk.get(f"/jual/pesanan/{order.pk}/slip/").content.decode()
    assert "Lowokwaru district" in slip and "sub-district" in slip and "Kel. " not in slip
    page = client.get(f"/produk/{item.pk}/", follow=True).content.decode()
    assert "Lowokwaru district" in page
    assert "ke Kec. Lowokwaru" in indonesian
