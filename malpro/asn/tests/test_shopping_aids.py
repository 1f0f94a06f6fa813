"""What an ASN sees while shopping (issue 18): whether a product and each cart line count toward
the obligation (and why not), what is under way next to what already counts, "Belanja sekarang",
and the in-store purchase's shop found by name, kelurahan or a photo of its QRIS."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from malpro.asn import obligation
from malpro.asn.models import OfflinePurchase, Period
from malpro.asn.tests.factories import (
    delivered_order,
    delivering_shop,
    employee,
    policy,
    product,
)
from malpro.catalog.models import Category
from malpro.catalog.tests.factories import shop
from malpro.catalog.tests.test_products import jpeg
from malpro.core.tests.qr_images import plain_photo, qr_photo, qr_png, upload
from malpro.orders import services as orders
from malpro.payments import qris
from malpro.payments.models import MerchantQRIS
from malpro.umkm.models import Status

COUNTS = "Dihitung untuk kewajiban ASN"
NMID = "ID1026000077777"


@pytest.fixture
def asn(asn_user):
    return employee(user=asn_user)


@pytest.fixture
def staples_only(db):
    """This year's policy counts staples (sembako and its subcategories) only."""
    found = policy(effective_from=dt.date(timezone.localdate().year, 1, 1))
    found.eligible_categories.add(Category.objects.get(slug="sembako"))
    return found


@pytest.fixture
def goods(seller, other_seller):
    staples = delivering_shop(seller, name="Toko Sembako Barokah")
    crafts = delivering_shop(other_seller, name="Batik Tulis Celaket")
    return {
        "beras": product(staples, "Beras 5 kg", category="beras", price=70000, stock=50),
        "batik": product(crafts, "Kemeja Batik", category="keripik", price=150000, stock=5),
    }


def page(client, url):
    return client.get(url).content.decode()


def product_url(item):
    return f"/produk/{item.pk}-{item.slug}/"


@pytest.mark.django_db
def test_a_product_page_tells_an_asn_whether_it_counts_and_why_not(
    web, asn, asn_user, staples_only, goods
):
    client = web(asn_user)
    assert COUNTS in page(client, product_url(goods["beras"]))
    batik = page(client, product_url(goods["batik"]))
    assert COUNTS not in batik
    assert "Tidak dihitung: kategori Keripik tidak termasuk program belanja ASN" in batik


@pytest.mark.django_db
def test_nobody_but_an_asn_sees_the_badge(web, client, buyer, staples_only, goods):
    for visitor in (web(buyer), client):
        shown = page(visitor, product_url(goods["beras"]))
        assert COUNTS not in shown and "Tidak dihitung" not in shown


@pytest.mark.django_db
def test_the_rule_is_the_obligations_own(staples_only, goods):
    """The badge asks the rules compute() uses: the seller must be an active UMKM, the category
    one the policy counts, the period open, a policy in force."""
    rules = obligation.counting_rules()
    beras, batik = goods["beras"], goods["batik"]
    assert rules.verdict(business_status=Status.ACTIVE, category_id=beras.category_id).counts
    assert not rules.verdict(business_status=Status.ACTIVE, category_id=batik.category_id).counts
    suspended = rules.verdict(business_status=Status.SUSPENDED, category_id=beras.category_id)
    assert suspended.reason == "penjual belum terverifikasi sebagai UMKM Kota Malang"
    today = timezone.localdate()
    Period.objects.create(
        year=today.year, month=today.month, policy=staples_only, closed_at=timezone.now()
    )
    closed = obligation.counting_rules().verdict(
        business_status=Status.ACTIVE, category_id=beras.category_id
    )
    assert not closed.counts and "sudah ditutup" in closed.reason


@pytest.mark.django_db
def test_without_a_policy_nothing_is_said_to_count(asn):
    rules = obligation.counting_rules()
    verdict = rules.verdict(business_status=Status.ACTIVE, category_id=1)
    assert not verdict.counts and "belum ada kebijakan" in verdict.reason


@pytest.mark.django_db
def test_each_cart_line_says_whether_it_counts_in_the_same_queries_for_any_number_of_lines(
    web, asn, asn_user, staples_only, goods, seller
):
    client = web(asn_user)
    cart = orders.cart_for(user=asn_user)
    orders.cart_set(cart=cart, product_id=goods["beras"].pk, quantity=1)
    with CaptureQueriesContext(connection) as one_line:
        client.get("/keranjang/")
    orders.cart_set(cart=cart, product_id=goods["batik"].pk, quantity=1)
    more = shop(seller, name="Toko Kedua")
    for n in range(3):
        orders.cart_set(
            cart=cart, product_id=product(more, f"Gula {n}", category="gula").pk, quantity=1
        )
    with CaptureQueriesContext(connection) as five_lines:
        shown = page(client, "/keranjang/")
    assert shown.count('data-asn-verdict="counts"') == 4
    assert shown.count('data-asn-verdict="not"') == 1
    assert "Tidak dihitung: kategori produk ini tidak termasuk program belanja ASN" in shown
    badge_queries = [q for q in five_lines.captured_queries if "asn_" in q["sql"]]
    assert len(badge_queries) <= 4  # the roster entry, the period, the policy, its categories
    # More lines (and sellers) cost the cart its own per-seller reads, never one per badge.
    assert len(five_lines) - len(one_line) <= 2


@pytest.mark.django_db
def test_a_buyers_cart_has_no_badges(web, buyer, staples_only, goods):
    client = web(buyer)
    orders.cart_set(cart=orders.cart_for(user=buyer), product_id=goods["beras"].pk, quantity=1)
    assert "data-asn-verdict" not in page(client, "/keranjang/")


@pytest.mark.django_db
def test_the_obligation_page_shows_what_is_under_way_next_to_what_counts(
    web, asn, asn_user, staples_only, goods
):
    client = web(asn_user)
    delivered_order(asn_user, goods["beras"], 2, key="a")  # 140,000 counting, not finished
    delivered_order(asn_user, goods["batik"], 1, key="b")  # does not count: not under way
    shown = page(client, "/asn/")
    assert 'data-figure="pending">Rp140.000' in shown
    assert "Sedang diproses: Rp140.000" in shown
    assert "dihitung setelah pesanan selesai" in shown
    assert 'data-figure="counted">Rp0' in shown


@pytest.mark.django_db
def test_completed_orders_leave_pending_for_counted(web, asn, asn_user, staples_only, goods):
    order = delivered_order(asn_user, goods["beras"], 1, key="a")
    orders.order_transition(actor=asn_user, order_id=order.pk, to="completed")
    shown = page(web(asn_user), "/asn/")
    assert 'data-figure="counted">Rp70.000' in shown and 'data-figure="pending"' not in shown


@pytest.mark.django_db
def test_pending_counts_unpaid_orders_and_unconfirmed_in_store_purchases(
    asn, asn_user, staples_only, goods
):
    from malpro.asn.tests.factories import offline_purchase

    offline_purchase(asn=asn_user, seller=goods["beras"].business.owner, amount=50_000)
    today = timezone.localdate()
    pending = obligation.pending_for(asn, today.year, today.month, policy=staples_only)
    assert (pending.offline, pending.offline_count, pending.total) == (50_000, 1, 50_000)


@pytest.mark.django_db
def test_an_unconfirmed_in_store_purchase_is_under_way_not_refused(
    web, asn, asn_user, staples_only, goods
):
    from malpro.asn.tests.factories import offline_purchase

    offline_purchase(asn=asn_user, seller=goods["beras"].business.owner, amount=50_000)
    shown = page(web(asn_user), "/asn/")
    assert 'data-figure="pending">Rp50.000' in shown
    assert "menunggu konfirmasi penjual (Rp50.000)" in shown
    assert "Pembelian langsung belum dikonfirmasi" not in shown  # not under "Tidak dihitung"


@pytest.mark.django_db
def test_belanja_sekarang_goes_to_the_counting_category(web, asn, asn_user, staples_only):
    shown = page(web(asn_user), "/asn/")
    assert 'href="/cari/?category=sembako" data-action="shop-now"' in shown
    assert "Belanja sekarang" in shown


@pytest.mark.django_db
def test_belanja_sekarang_searches_everything_when_all_categories_count(web, asn, asn_user):
    policy(effective_from=dt.date(timezone.localdate().year, 1, 1))
    shown = page(web(asn_user), "/asn/")
    assert 'href="/cari/" data-action="shop-now"' in shown
    assert "Semua kategori dihitung" in shown


# --- the in-store purchase: finding the shop ------------------------------------------------------
@pytest.fixture
def shops(seller, other_seller):
    tlogomas = shop(seller, name="Keripik Tempe Bu Siti")  # Kel. Tlogomas, Kec. Lowokwaru
    samaan = shop(other_seller, name="Toko Kue Samaan Jaya", village="35.73.02.1003")
    return {"tlogomas": tlogomas, "samaan": samaan}


@pytest.fixture
def in_store(asn, staples_only):
    return asn


@pytest.mark.django_db
def test_the_finder_is_a_search_not_a_list_of_every_umkm(web, asn_user, in_store, shops):
    shown = page(web(asn_user), "/asn/pembelian-langsung/")
    assert 'name="q"' in shown and "<select" not in shown
    # A photo from the camera or the gallery (capture would force the camera).
    assert 'accept="image/*"' in shown and "capture=" not in shown
    assert "Keripik Tempe Bu Siti" not in shown  # nothing listed before a search


@pytest.mark.django_db
def test_the_shop_is_found_by_name(web, asn_user, in_store, shops):
    shown = page(web(asn_user), "/asn/pembelian-langsung/?q=bu+siti")
    assert f'data-shop="{shops["tlogomas"].pk}"' in shown
    assert f'data-shop="{shops["samaan"].pk}"' not in shown
    assert "Kel. Tlogomas, Kec. Lowokwaru" in shown


@pytest.mark.django_db
def test_the_shop_is_found_by_kelurahan(web, asn_user, in_store, shops):
    shown = page(web(asn_user), "/asn/pembelian-langsung/?q=tlogomas")
    assert f'data-shop="{shops["tlogomas"].pk}"' in shown
    none = page(web(asn_user), "/asn/pembelian-langsung/?q=sawojajar")
    assert "Tidak ada toko terdaftar" in none and "foto QRIS" in none


@pytest.mark.django_db
def test_an_inactive_shop_is_not_offered(web, asn_user, in_store, shops):
    shops["tlogomas"].status = Status.SUSPENDED
    shops["tlogomas"].save(update_fields=["status"])
    shown = page(web(asn_user), "/asn/pembelian-langsung/?q=tlogomas")
    assert "data-shop=" not in shown


def _register_qris(business, nmid=NMID):
    payload = qris.build_static(merchant_name=business.name, merchant_city="MALANG", nmid=nmid)
    MerchantQRIS.objects.create(
        business=business,
        payload=payload,
        merchant_name=business.name[:25].upper(),
        merchant_city="MALANG",
        nmid=nmid,
    )
    return payload


def scan(client, data, name="qris.jpg"):
    return client.post(
        "/asn/pembelian-langsung/pindai-qris/", {"photo": upload(data, name)}, follow=True
    )


@pytest.mark.django_db
def test_the_shop_is_found_from_a_photo_of_its_qris_and_the_purchase_recorded(
    web, asn_user, in_store, shops
):
    payload = _register_qris(shops["samaan"])
    client = web(asn_user)
    response = scan(client, qr_photo(payload))
    shown = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"?usaha={shops['samaan'].pk}")
    assert "Toko ditemukan dari QRIS: Toko Kue Samaan Jaya." in shown
    assert f'data-chosen-shop="{shops["samaan"].pk}"' in shown
    client.post(
        "/asn/pembelian-langsung/",
        {
            "business_id": shops["samaan"].pk,
            "amount": "85.000",
            "purchased_on": timezone.localdate().isoformat(),
            "receipt": upload(jpeg(600, 800).read(), "nota.jpg"),
        },
    )
    purchase = OfflinePurchase.objects.get()
    assert (purchase.business, purchase.amount) == (shops["samaan"], 85_000)


@pytest.mark.django_db
def test_the_shop_is_matched_by_its_nmid_even_from_another_qris_of_it(
    web, asn_user, in_store, shops
):
    _register_qris(shops["tlogomas"])
    other_code = qris.build_dynamic(
        merchant_name="KERIPIK BU SITI",
        merchant_city="MALANG",
        nmid=NMID,
        amount=20000,
        reference="EDC1",
    )
    response = scan(web(asn_user), qr_png(other_code), "qr.png")
    assert response.redirect_chain[-1][0].endswith(f"?usaha={shops['tlogomas'].pk}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("image", "says"),
    [
        (plain_photo, "Kode QR tidak terbaca di foto ini"),
        (lambda: qr_png("https://malangkota.go.id"), "bukan QRIS"),
        (
            lambda: qr_png(
                qris.build_static(merchant_name="TOKO LAIN", merchant_city="BATU", nmid="ID99")
            ),
            "QRIS ini (TOKO LAIN) belum terdaftar di toko Malpro mana pun",
        ),
    ],
    ids=["no-code", "not-qris", "unknown-shop"],
)
def test_a_qris_photo_that_finds_no_shop_says_why(web, asn_user, in_store, shops, image, says):
    _register_qris(shops["samaan"])
    response = scan(web(asn_user), image())
    shown = response.content.decode()
    assert response.status_code == 200 and not response.redirect_chain
    assert says in shown and 'aria-invalid="true"' in shown
    # The page answers the photo's POST; searching from it again goes to the finder itself.
    assert '<form method="get" action="/asn/pembelian-langsung/" role="search"' in shown
    again = web(asn_user).get("/asn/pembelian-langsung/", {"q": "Samaan"})
    assert again.status_code == 200 and "Toko Kue Samaan Jaya" in again.content.decode()


@pytest.mark.django_db
def test_only_an_asn_on_the_roster_records_in_store_purchases(web, buyer, shops):
    assert web(buyer).get("/asn/pembelian-langsung/?q=siti").status_code == 302
    assert web(buyer).post("/asn/pembelian-langsung/pindai-qris/", {}).status_code == 302
