"""Issue 18, the buyer: saved addresses, a checkout that prefills the default and asks an address
only when a seller delivers, totals with shipping, and "Bayar sekarang" on unpaid orders."""

import re

import pytest

from malpro.catalog.tests.factories import shop
from malpro.orders import services
from malpro.orders.models import Order, OrderStatus, SavedAddress
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product

pytestmark = pytest.mark.django_db

ADDRESS = {
    "label": "Kantor",
    "recipient": "Citra",
    "phone": "0812-3450-0009",
    "village_code": "35.73.02.1001",
    "street": "Jl. Tugu 1",
}


def keep(user, **overrides) -> SavedAddress:
    values = {
        "label": "Rumah",
        "recipient": "Citra Pembeli",
        "phone": "081234500001",
        "village_code": "35.73.05.1003",
        "street": "Jl. Sumbersari Gg. 2 No. 5",
    }
    values.update(overrides)
    return services.address_save(user=user, data=services.SavedAddressInput(**values))


@pytest.fixture
def item(seller):
    # Delivers to Lowokwaru (35.73.05) for Rp5.000 and to Klojen (35.73.02) for Rp8.000.
    return product(delivering_shop(seller, name="Dapur Bu Sari"), "Sambal Bawang", price=25000)


def test_a_buyer_adds_edits_makes_default_and_deletes_saved_addresses(web, buyer):
    client = web(buyer)
    page = client.get("/alamat/tambah/").content.decode()
    assert '<optgroup label="Kec. Klojen">' in page  # kelurahan grouped by kecamatan
    response = client.post("/alamat/tambah/", ADDRESS)
    assert response.status_code == 302
    first = SavedAddress.objects.get(user=buyer)
    assert first.is_default  # the first one is the default
    assert first.phone == "+6281234500009"
    # The phone is stored encrypted, like the project's other personal numbers.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM orders_savedaddress WHERE id = %s", [first.pk])
        assert cursor.fetchone()[0].startswith("gAAAAA")
    client.post("/alamat/tambah/", {**ADDRESS, "label": "Rumah", "is_default": "on"})
    second = SavedAddress.objects.get(user=buyer, label="Rumah")
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    listing = client.get("/alamat/").content.decode()
    assert "Kantor" in listing and "Rumah" in listing and "Jadikan utama" in listing
    client.post(f"/alamat/{first.pk}/utama/")
    first.refresh_from_db()
    assert first.is_default
    edit = client.get(f"/alamat/{first.pk}/ubah/").content.decode()
    assert 'value="Jl. Tugu 1"' in edit and "0812-3450-0009" in edit
    client.post(f"/alamat/{first.pk}/ubah/", {**ADDRESS, "street": "Jl. Tugu 2"})
    first.refresh_from_db()
    assert first.street == "Jl. Tugu 2"
    client.post(f"/alamat/{first.pk}/hapus/")
    assert list(SavedAddress.objects.filter(user=buyer)) == [second]
    second.refresh_from_db()
    assert second.is_default  # the remaining one took over


def test_an_address_form_says_what_is_wrong_next_to_the_field(web, buyer):
    page = web(buyer).post("/alamat/tambah/", {**ADDRESS, "phone": "12ab", "street": ""})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="id_phone_error"' in html and 'id="id_street_error"' in html
    assert 'aria-invalid="true"' in html
    assert not SavedAddress.objects.exists()


def test_another_persons_address_is_not_found(web, buyer, other_buyer):
    address = keep(buyer)
    other = web(other_buyer)
    assert other.get(f"/alamat/{address.pk}/ubah/").status_code == 404
    assert other.post(f"/alamat/{address.pk}/ubah/", ADDRESS).status_code == 404
    assert other.post(f"/alamat/{address.pk}/hapus/").status_code == 404
    assert other.post(f"/alamat/{address.pk}/utama/").status_code == 404
    assert "Sumbersari" not in other.get("/alamat/").content.decode()
    address.refresh_from_db()
    assert address.street == "Jl. Sumbersari Gg. 2 No. 5"


def test_the_checkout_prefills_the_default_address_and_counts_its_shipping(web, buyer, item):
    keep(buyer, label="Kantor", village_code="35.73.02.1001", street="Jl. Tugu 1")
    home = keep(buyer, is_default=True)
    fill_cart(buyer, (item, 2))
    client = web(buyer)
    page = client.get("/checkout/")
    html = page.content.decode()
    assert "<h1>Selesaikan pesanan</h1>" in html and "Checkout" not in html
    checked = re.search(
        r'<input type="radio" name="address_choice" value="(\d+)"[^>]*checked', html
    )
    assert checked and int(checked.group(1)) == home.pk
    assert "Simpan alamat ini" in html
    # Picked up (the default choice): no shipping and nothing "not yet included".
    totals = page.context["totals"]
    assert (totals.delivery, totals.total) == (False, 50000)
    # Delivery chosen to the saved home in Lowokwaru: the total includes its Rp5.000.
    data = {
        "address_choice": str(home.pk),
        "payment_method": "cod",
        "token": "t-1",
        f"delivery_{item.business_id}": "delivery",
        "note": "",
    }
    client.post("/checkout/", data)
    order = Order.objects.get(buyer=buyer)
    assert (order.delivery_fee, order.total, order.village_id) == (5000, 55000, "35.73.05.1003")
    assert order.street == "Jl. Sumbersari Gg. 2 No. 5" and order.contact_phone == "+6281234500001"
    # The order keeps its own copy: changing the saved address changes no past order.
    keep_data = services.SavedAddressInput(
        label="Rumah",
        recipient="X",
        phone="081234500001",
        village_code="35.73.02.1001",
        street="Jl. Lain 9",
    )
    services.address_save(user=buyer, data=keep_data, address_id=home.pk)
    order.refresh_from_db()
    assert order.street == "Jl. Sumbersari Gg. 2 No. 5"


def test_totals_say_shipping_is_included_once_delivery_is_chosen(web, buyer, item):
    keep(buyer)
    fill_cart(buyer, (item, 1))
    client = web(buyer)
    token = client.get("/checkout/").context["form"]["token"].value()
    # A bound form that comes back (here: a missing payment method) shows the chosen delivery.
    page = client.post(
        "/checkout/",
        {"token": token, f"delivery_{item.business_id}": "delivery", "payment_method": "x"},
    )
    html = page.content.decode()
    known = re.search(r'<p class="row" data-when="known"( hidden)?>', html)
    assert known and not known.group(1)
    assert "Total termasuk ongkir" in html and "Rp30.000" in html
    unknown = re.search(r'<p class="row" data-when="unknown"( hidden)?>', html)
    assert unknown.group(1)  # "belum termasuk ongkir" is hidden: the fee is known


def test_without_an_address_the_total_says_shipping_is_not_known_yet(web, buyer, item):
    fill_cart(buyer, (item, 1))
    client = web(buyer)
    page = client.post(
        "/checkout/",
        {"token": "t", f"delivery_{item.business_id}": "delivery", "payment_method": "cod"},
    )
    html = page.content.decode()
    assert page.context["totals"].unknown
    assert 'id="id_village_code_error"' in html and 'id="id_street_error"' in html
    assert "Wajib diisi untuk pesanan yang diantar." in html
    assert not Order.objects.exists()


def test_a_pickup_only_cart_asks_no_address(web, buyer, seller):
    pickup = product(shop(seller, name="Warung Bu Tin"), "Tempe Mendoan", price=12000)
    fill_cart(buyer, (pickup, 1))
    client = web(buyer)
    page = client.get("/checkout/")
    html = page.content.decode()
    assert "Alamat pengiriman" not in html and 'name="village_code"' not in html
    assert "Total (diambil di toko, tanpa ongkir)" in html
    token = page.context["form"]["token"].value()
    response = client.post(
        "/checkout/",
        {"token": token, f"delivery_{pickup.business_id}": "pickup", "payment_method": "cod"},
    )
    assert response.status_code == 302
    order = Order.objects.get(buyer=buyer)
    assert order.village_id is None and order.street == ""
    assert (order.contact_name, order.contact_phone) == (buyer.name, buyer.phone)
    detail = client.get(f"/pesanan/{order.pk}/").content.decode()
    assert "Ambil di toko" in detail


def test_a_new_address_typed_at_checkout_can_be_saved(web, buyer, item):
    fill_cart(buyer, (item, 1))
    client = web(buyer)
    token = client.get("/checkout/").context["form"]["token"].value()
    client.post(
        "/checkout/",
        {
            "token": token,
            "address_choice": "baru",
            "village_code": "35.73.02.1001",
            "street": "Jl. Tugu 1",
            "contact_name": "Citra",
            "contact_phone": "0812-3450-0001",
            "save_address": "on",
            "save_label": "Kantor",
            f"delivery_{item.business_id}": "delivery",
            "payment_method": "cod",
        },
    )
    assert Order.objects.get(buyer=buyer).delivery_fee == 8000
    saved = SavedAddress.objects.get(user=buyer)
    assert (saved.label, saved.village_id, saved.is_default) == ("Kantor", "35.73.02.1001", True)


def test_bayar_sekarang_only_on_unpaid_cashless_orders(web, buyer, item, seller):
    fill_cart(buyer, (item, 1))
    services.checkout_place(
        buyer=buyer,
        cart=services.cart_for(user=buyer),
        idempotency_key="q-1",
        data=services.CheckoutInput(
            address=services.Address("", "", ""),
            deliveries={item.business_id: "pickup"},
            payment_method="qris",
        ),
    )
    unpaid = Order.objects.get(buyer=buyer)
    fill_cart(buyer, (item, 1))
    cod = place(buyer, {item.business_id: "pickup"}, key="c-1")[0].orders.get()
    client = web(buyer)
    pay_url = f"/bayar/{unpaid.checkout_id}/"
    listing = client.get("/pesanan/").content.decode()
    assert listing.count("Bayar sekarang") == 1 and f'href="{pay_url}"' in listing
    detail = client.get(f"/pesanan/{unpaid.pk}/").content.decode()
    assert "Bayar sekarang" in detail and f'href="{pay_url}"' in detail
    assert "Bayar sekarang" not in client.get(f"/pesanan/{cod.pk}/").content.decode()
    # The seller sees the order, never the buyer's payment button.
    assert "Bayar sekarang" not in web(seller).get(f"/pesanan/{unpaid.pk}/").content.decode()
    # Its time ran out (the system cancels it): the page says so and what to do.
    services.order_transition(
        actor=None, order_id=unpaid.pk, to=OrderStatus.CANCELLED, reason="Pembayaran kedaluwarsa."
    )
    detail = client.get(f"/pesanan/{unpaid.pk}/").content.decode()
    assert "Bayar sekarang" not in detail
    assert "Waktu pembayaran sudah habis" in detail and "Belanja lagi" in detail


def test_a_sold_out_product_shows_a_disabled_stok_habis_button(client, seller):
    gone = product(shop(seller), "Keripik Habis", price=10000, stock=0)
    html = client.get(f"/produk/{gone.pk}/", follow=True).content.decode()
    button = re.search(r"<button[^>]*sold-out[^>]*>([^<]*)</button>", html)
    assert button and "disabled" in button.group(0) and button.group(1) == "Stok habis"
    assert "Tambah ke keranjang" not in html


def test_the_api_takes_a_pickup_only_checkout_without_an_address(api, buyer, seller):
    pickup = product(shop(seller, name="Warung Bu Tin"), "Tempe Mendoan", price=12000)
    client = api(buyer)
    client.post("/api/v1/cart/items", {"product_id": pickup.pk, "quantity": 1})
    sellers = [{"business_id": pickup.business_id, "delivery": "pickup"}]
    response = client.post(
        "/api/v1/checkout", {"sellers": sellers}, headers={"Idempotency-Key": "api-pickup"}
    )
    assert response.status_code == 201, response.json()
    order = Order.objects.get(buyer=buyer)
    assert order.village_id is None and order.contact_phone == buyer.phone
    delivered = [{"business_id": pickup.business_id, "delivery": "delivery"}]
    refused = client.post(
        "/api/v1/checkout", {"sellers": delivered}, headers={"Idempotency-Key": "api-2"}
    )
    assert refused.status_code == 400
    assert "address.village_code" in refused.json()["extra"]["fields"]


def test_another_persons_saved_address_cannot_be_used_at_checkout(web, buyer, other_buyer, item):
    theirs = keep(other_buyer, street="Jl. Rahasia 7")
    fill_cart(buyer, (item, 1))
    page = web(buyer).post(
        "/checkout/",
        {
            "token": "t-x",
            "address_choice": str(theirs.pk),
            f"delivery_{item.business_id}": "delivery",
            "payment_method": "cod",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200 and not Order.objects.exists()
    assert "Alamat itu sudah tidak ada; pilih alamat lain." in html
    assert "Jl. Rahasia 7" not in html
