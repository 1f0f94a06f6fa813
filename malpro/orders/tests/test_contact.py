"""Buyer and seller reach each other once an order exists: names, WhatsApp click-to-chat
links with the order's reference, and for a pickup order the shop's address, opening hours and
a map; nobody else sees those phones."""

from urllib.parse import quote

import pytest

from malpro.orders.models import Order
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product
from malpro.umkm.models import Business

SHOP_PHONE = "+6281390001234"
BUYER_PHONE = "081234509876"  # the order's contact phone (the buyer's, as typed at checkout)


@pytest.fixture
def shop(seller):
    return delivering_shop(
        seller,
        name="Keripik Sanan",
        phone=SHOP_PHONE,
        address="Jl. Sanan No. 7",
        opening_hours="Senin–Sabtu 08.00–16.00",
    )


def order_with(buyer, shop, method):
    fill_cart(buyer, (product(shop, "Keripik Tempe", price=15000, stock=10), 1))
    place(buyer, {shop.pk: method}, contact_phone=BUYER_PHONE, contact_name="Citra")
    return Order.objects.get(buyer=buyer)


@pytest.mark.django_db
def test_the_buyer_sees_the_shop_and_its_whatsapp_with_the_order_reference(web, buyer, shop):
    order = order_with(buyer, shop, "delivery")
    page = web(buyer).get(f"/pesanan/{order.pk}/").content.decode()
    text = f"Halo Keripik Sanan, saya menanyakan pesanan {order.number} di Malpro."
    assert f'href="https://wa.me/6281390001234?text={quote(text, safe="")}"' in page
    assert "Keripik Sanan" in page
    assert "google.com/maps" not in page  # delivered: no pickup directions


@pytest.mark.django_db
def test_without_a_business_phone_the_owners_phone_is_used(web, buyer, seller, shop):
    Business.objects.filter(pk=shop.pk).update(phone="")
    order = order_with(buyer, shop, "delivery")
    page = web(buyer).get(f"/pesanan/{order.pk}/").content.decode()
    assert f"https://wa.me/{seller.phone.lstrip('+')}?text=" in page


@pytest.mark.django_db
def test_the_seller_sees_the_buyer_and_their_whatsapp(web, buyer, seller, shop):
    order = order_with(buyer, shop, "delivery")
    page = web(seller).get(f"/pesanan/{order.pk}/").content.decode()
    assert "https://wa.me/6281234509876?text=" in page
    assert quote(order.number, safe="") in page.split("https://wa.me/6281234509876?text=")[1]
    assert "Citra" in page
    assert "wa.me/6281390001234" not in page  # not a link to the seller's own shop


@pytest.mark.django_db
def test_a_pickup_order_shows_address_opening_hours_and_a_map(web, buyer, shop):
    order = order_with(buyer, shop, "pickup")
    page = web(buyer).get(f"/pesanan/{order.pk}/").content.decode()
    assert "Jl. Sanan No. 7" in page and "Senin–Sabtu 08.00–16.00" in page
    village = shop.village
    query = quote(
        f"Jl. Sanan No. 7, {village.name}, Kec. {village.district.name}, Kota Malang", safe=""
    )
    assert f"https://www.google.com/maps/search/?api=1&amp;query={query}" in page
    assert village.name in page


@pytest.mark.django_db
def test_nobody_else_sees_the_phones(web, buyer, other_buyer, other_seller, auditor, shop):
    order = order_with(buyer, shop, "pickup")
    for stranger in (other_buyer, other_seller):
        assert web(stranger).get(f"/pesanan/{order.pk}/").status_code == 404
    page = web(auditor).get(f"/pesanan/{order.pk}/").content.decode()
    assert "wa.me" not in page
    assert "1390001234" not in page and "1234509876" not in page


@pytest.mark.django_db
def test_opening_hours_are_on_the_business_form(web, seller, shop):
    client = web(seller)
    page = client.get(f"/umkm/{shop.pk}/ubah/").content.decode()
    assert 'name="opening_hours"' in page and "Senin–Sabtu 08.00–16.00" in page


@pytest.mark.django_db
def test_the_owner_of_a_verified_shop_changes_its_opening_hours(web, seller, shop):
    client = web(seller)
    data = {
        k: v
        for k, v in client.get(f"/umkm/{shop.pk}/ubah/").context["form"].initial.items()
        if v is not None
    }
    data["opening_hours"] = "Setiap hari 07.00–21.00"
    response = client.post(f"/umkm/{shop.pk}/ubah/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    shop.refresh_from_db()
    assert shop.opening_hours == "Setiap hari 07.00–21.00"


@pytest.mark.django_db
def test_the_api_reads_back_the_opening_hours(api, seller, shop):
    body = api(seller).get(f"/api/v1/umkm/{shop.pk}").json()
    assert body["opening_hours"] == "Senin–Sabtu 08.00–16.00"


@pytest.mark.django_db
def test_an_unpaid_cashless_order_never_shows_the_buyer_to_the_seller(web, buyer, seller):
    """A QRIS order that was never paid never reached the seller: no buyer phone for them."""
    from malpro.payments.tests.helpers import cashless_checkout

    checkout, _payment, _item = cashless_checkout(buyer, seller)
    order = checkout.orders.get()
    page = web(seller).get(f"/pesanan/{order.pk}/")
    assert page.status_code == 200
    digits = buyer.phone.lstrip("+")
    assert digits not in page.content.decode()
