import datetime as dt

import pytest
from django.utils import timezone

from malpro.asn import bundles, flags, obligation, periods
from malpro.asn.models import Bundle, BundleItem, IntegrityFlag, Standing
from malpro.asn.tests.factories import complete_order, delivering_shop, employee, policy, product
from malpro.catalog.models import Category
from malpro.conftest import make_user
from malpro.orders import services as orders
from malpro.orders.models import Checkout


def seller_user(n):
    return make_user(f"08129001{n:04d}", f"Penjual {n}", [("seller", None, None)])


@pytest.fixture
def asn(asn_user):
    return employee(user=asn_user)


@pytest.fixture
def bundle():
    found = Bundle.objects.create(name="Paket sembako hemat")
    BundleItem.objects.create(
        bundle=found,
        label="Beras 5 kg",
        category=Category.objects.get(slug="beras"),
        keywords="beras",
        quantity=1,
    )
    BundleItem.objects.create(
        bundle=found,
        label="Minyak goreng 2 L",
        category=Category.objects.get(slug="minyak-goreng"),
        quantity=1,
    )
    return found


def shop_with(n, village, items):
    business = delivering_shop(seller_user(n), name=f"Toko {n}", village=village)
    return [
        product(business, name, category=category, price=price, stock=50)
        for name, category, price in items
    ]


@pytest.mark.django_db
def test_bundle_prefers_near_sellers_with_the_least_asn_revenue(asn, bundle, other_buyer):
    policy()
    lowokwaru = "35.73.05.1003"
    busy = shop_with(
        1,
        lowokwaru,
        [("Beras Pandan 5 kg", "beras", 70000), ("Minyak 2 L", "minyak-goreng", 34000)],
    )
    shop_with(2, lowokwaru, [("Beras Lokal 5 kg", "beras", 72000)])
    far = shop_with(
        3,
        "35.73.03.1001",
        [("Beras Murah 5 kg", "beras", 60000), ("Minyak Murah 2 L", "minyak-goreng", 30000)],
    )
    another_asn = employee(nip="199003152022211001", user=other_buyer, name="ASN Lain")
    assert another_asn.pk
    complete_order(other_buyer, busy[0], 2)  # the busy shop already took ASN money this month
    picks = bundles.plan(bundle=bundle, employee=asn, district_code="35.73.05")
    assert [p.product.name for p in picks] == ["Beras Lokal 5 kg", "Minyak 2 L"]
    assert [p.distance for p in picks] == [0, 0]
    assert far[0].pk  # cheaper but farther: not chosen while a near shop can serve


@pytest.mark.django_db
def test_bundle_never_exceeds_the_cap_per_umkm(asn, bundle, asn_user):
    policy(cap_amount=80_000)
    near = shop_with(
        1,
        "35.73.05.1003",
        [("Beras Pandan 5 kg", "beras", 70000), ("Minyak 2 L", "minyak-goreng", 34000)],
    )
    neighbour = shop_with(2, "35.73.02.1001", [("Minyak Kelapa 2 L", "minyak-goreng", 36000)])
    picks = bundles.plan(bundle=bundle, employee=asn, district_code="35.73.05")
    assert picks[0].product == near[0]
    # 70.000 + 34.000 would pass the 80.000 cap at the near shop: the neighbour serves the oil
    assert picks[1].product == neighbour[0] and picks[1].distance == 1


@pytest.mark.django_db
def test_bundle_page_shows_sellers_then_orders(web, asn, bundle, asn_user):
    policy()
    shop_with(
        1,
        "35.73.05.1003",
        [("Beras Pandan 5 kg", "beras", 70000), ("Minyak 2 L", "minyak-goreng", 34000)],
    )
    client = web(asn_user)
    query = {"village_code": "35.73.05.1003", "street": "Jl. A 1", "payment_method": "cod"}
    preview = client.get(f"/asn/paket/{bundle.pk}/", query).content.decode()
    assert "Toko 1" in preview and "Rp104.000" in preview
    token = preview.split('name="token" value="')[1].split('"')[0]
    plan = preview.split('name="plan" value="')[1].split('"')[0]
    confirm = {**query, "confirm": "1", "token": token, "plan": plan}
    response = client.post(f"/asn/paket/{bundle.pk}/", confirm)
    assert response.status_code == 302
    checkout = Checkout.objects.get(buyer=asn_user)
    assert checkout.grand_total >= 104000 and checkout.orders.count() == 1


@pytest.mark.django_db
def test_bundle_is_not_ordered_when_the_plan_changed_since_it_was_shown(web, asn, bundle, asn_user):
    policy()
    rice, _oil = shop_with(
        1,
        "35.73.05.1003",
        [("Beras Pandan 5 kg", "beras", 70000), ("Minyak 2 L", "minyak-goreng", 34000)],
    )
    client = web(asn_user)
    query = {"village_code": "35.73.05.1003", "street": "Jl. A 1", "payment_method": "cod"}
    preview = client.get(f"/asn/paket/{bundle.pk}/", query).content.decode()
    token = preview.split('name="token" value="')[1].split('"')[0]
    plan = preview.split('name="plan" value="')[1].split('"')[0]
    rice.price = 75000  # the seller changes the price while the buyer reads
    rice.save(update_fields=["price"])
    confirm = {**query, "confirm": "1", "token": token, "plan": plan}
    page = client.post(f"/asn/paket/{bundle.pk}/", confirm)
    assert page.status_code == 200
    assert "Pilihan penjual berubah" in page.content.decode()
    assert "Rp109.000" in page.content.decode()  # the new plan, shown before anything is ordered
    assert not Checkout.objects.filter(buyer=asn_user).exists()
    without_token = client.post(f"/asn/paket/{bundle.pk}/", {**query, "confirm": "1"})
    assert without_token.status_code == 200
    assert not Checkout.objects.filter(buyer=asn_user).exists()


@pytest.mark.django_db
def test_bundle_cap_counts_in_person_purchases(asn, bundle, asn_user):
    from malpro.asn.models import OfflinePurchase

    policy(cap_amount=80_000, counts_offline=True)
    near = shop_with(
        1,
        "35.73.05.1003",
        [("Beras Pandan 5 kg", "beras", 70000), ("Minyak 2 L", "minyak-goreng", 34000)],
    )
    neighbour = shop_with(
        2,
        "35.73.02.1001",
        [("Beras Lain 5 kg", "beras", 71000), ("Minyak Kelapa 2 L", "minyak-goreng", 36000)],
    )
    OfflinePurchase.objects.create(
        employee=asn,
        business=near[0].business,
        amount=20_000,
        purchased_on=timezone.localdate(),
        receipt="asn/nota/x.jpg",
        state=OfflinePurchase.State.CONFIRMED,
    )
    picks = bundles.plan(bundle=bundle, employee=asn, district_code="35.73.05")
    # 20.000 already bought in person + 70.000 would pass the 80.000 cap at the near shop
    assert picks[0].product == neighbour[0]
    assert picks[1].product == near[1]


@pytest.mark.django_db
def test_bundle_lines_and_total_are_whole_rupiah(web, asn, bundle, asn_user):
    policy()
    BundleItem.objects.filter(bundle=bundle, label__startswith="Minyak").update(quantity=2)
    shop_with(
        1,
        "35.73.05.1003",
        [("Beras Pandan 5 kg", "beras", 101_000), ("Minyak 2 L", "minyak-goreng", 35_000)],
    )
    query = {"village_code": "35.73.05.1003", "street": "Jl. A 1", "payment_method": "cod"}
    page = web(asn_user).get(f"/asn/paket/{bundle.pk}/", query).content.decode()
    assert 'data-figure="bundle-total">Rp171.000<' in page
    assert "Rp70.000" in page and "Rp35.000 per barang" in page  # 2 × Rp35.000


@pytest.mark.django_db
def test_bundle_is_ordered_by_the_service_without_a_cart_and_once_per_key(asn, bundle, asn_user):
    from malpro.asn import services
    from malpro.orders.models import Cart

    policy()
    for n in (1, 2):  # two equal shops: the bundle spreads over both
        shop_with(
            n,
            "35.73.05.1003",
            [("Beras Pandan 5 kg", "beras", 70000), ("Minyak 2 L", "minyak-goreng", 34000)],
        )
    picks = bundles.plan(bundle=bundle, employee=asn, district_code="35.73.05")
    order = {
        "buyer": asn_user,
        "bundle_id": bundle.pk,
        "village_code": "35.73.05.1003",
        "street": "Jl. A 1",
        "payment_method": "cod",
        "plan": bundles.signature(picks),
        "idempotency_key": "paket-1",
    }
    checkout = services.bundle_order(**order)
    # A retry (a double tap, a phone resending) gets the first checkout, not "plan changed",
    # though that order now counts for the fair spread.
    assert services.bundle_order(**order) == checkout
    assert sorted(checkout.orders.values_list("items_total", flat=True)) == [34_000, 70_000]
    assert not Cart.objects.exists()
    with pytest.raises(bundles.PlanChanged):
        services.bundle_order(**{**order, "plan": "1:1:1", "idempotency_key": "paket-2"})


# --- integrity flags -----------------------------------------------------------------------------
def kinds(period):
    flags.detect(period)
    return sorted(IntegrityFlag.objects.values_list("kind", flat=True))


@pytest.mark.django_db
def test_related_party_flag_and_innocent_repeat_purchases(asn, asn_user):
    policy()
    relative_shop = delivering_shop(seller_user(1), name="Toko Saudara", phone=asn_user.phone)
    other_shop = delivering_shop(seller_user(2), name="Toko Lain")
    relative = product(relative_shop, "Beras", category="beras", price=70000, stock=50)
    innocent = product(other_shop, "Minyak", category="minyak-goreng", price=30000, stock=50)
    for _ in range(2):
        complete_order(asn_user, relative)
        complete_order(asn_user, innocent)
    period = obligation.period_get(*periods.parse(None))
    found = kinds(period)
    assert found == ["related_party"]
    flag = IntegrityFlag.objects.get()
    assert flag.business == relative_shop and flag.evidence["reasons"] == ["phone"]
    assert "nomor HP UMKM sama dengan nomor HP ASN" in flags.describe(flag)[0]


@pytest.mark.django_db
def test_related_party_by_the_asns_own_delivery_address(asn, asn_user):
    from malpro.orders.models import Order

    policy()
    shop = delivering_shop(seller_user(1), name="Toko Rumah", address="Jl. Sumbersari Gg. 2 No. 5")
    item = product(shop, "Beras", category="beras", price=70000, stock=50)
    for _ in range(2):
        complete_order(asn_user, item)
    period = obligation.period_get(*periods.parse(None))
    assert kinds(period) == []  # the orders went to someone else's contact: not the ASN's home
    Order.objects.filter(buyer=asn_user).update(contact_phone=asn_user.phone)
    assert kinds(period) == ["related_party"]
    assert IntegrityFlag.objects.get().evidence["reasons"] == ["address"]


@pytest.mark.django_db
def test_related_party_by_the_owner_nik_of_a_business_of_the_asn(asn, asn_user):
    from malpro.umkm.tests.factories import make_business

    policy()
    make_business(owner=asn_user, owner_nik="3573014507850003", name="Usaha Sampingan")
    shop = delivering_shop(seller_user(1), name="Toko Atas Nama", owner_nik="3573014507850003")
    item = product(shop, "Beras", category="beras", price=70000, stock=50)
    for _ in range(2):
        complete_order(asn_user, item)
    assert kinds(obligation.period_get(*periods.parse(None))) == ["related_party"]
    flag = IntegrityFlag.objects.get()
    assert flag.business == shop and flag.evidence["reasons"] == ["nik"]


@pytest.mark.django_db
def test_fast_completion_flag(asn, asn_user):
    policy()
    item = product(delivering_shop(seller_user(1)), "Beras", category="beras", price=70000)
    complete_order(asn_user, item, fast=True)  # placed and completed within seconds
    assert kinds(obligation.period_get(*periods.parse(None))) == ["fast_completion"]


@pytest.mark.django_db
def test_an_order_delivered_after_a_real_delay_is_not_flagged(asn, asn_user):
    policy()
    item = product(delivering_shop(seller_user(1)), "Beras", category="beras", price=70000)
    complete_order(asn_user, item)  # placed two days before, delivered the day after
    assert kinds(obligation.period_get(*periods.parse(None))) == []


@pytest.mark.django_db
def test_round_exact_flag_needs_three_periods_in_a_row(asn):
    policy()
    year, month = periods.parse(None)
    for step, counted in ((2, 1_000_000), (1, 1_000_000), (0, 1_000_000)):
        found = obligation.period_get(*periods.previous(year, month, step))
        Standing.objects.create(
            employee=asn, period=found, agency=asn.agency, required=1_000_000, counted=counted
        )
    assert kinds(obligation.period_get(year, month)) == ["round_exact"]


@pytest.mark.django_db
def test_round_exact_not_raised_for_ordinary_spending(asn):
    policy()
    year, month = periods.parse(None)
    for step, counted in ((2, 1_000_000), (1, 1_037_500), (0, 1_000_000)):
        found = obligation.period_get(*periods.previous(year, month, step))
        Standing.objects.create(
            employee=asn, period=found, agency=asn.agency, required=1_000_000, counted=counted
        )
    assert kinds(obligation.period_get(year, month)) == []


@pytest.mark.django_db
def test_device_burst_flag(asn):
    policy()
    users = [make_user(f"08129002{n:04d}", f"ASN {n}") for n in range(5)]
    for n, user in enumerate(users):
        employee(nip=f"19850712201001{2100 + n:04d}"[:18], user=user, name=f"ASN {n}")
        Checkout.objects.create(
            buyer=user,
            idempotency_key=f"x{n}",
            request_hash="h",
            payment_method="cod",
            grand_total=0,
            ip="10.1.2.3",
        )
    assert kinds(obligation.period_get(*periods.parse(None))) == ["device_burst"]


@pytest.mark.django_db
def test_checkouts_from_one_office_spread_over_the_day_are_fine(asn):
    policy()
    users = [make_user(f"08129003{n:04d}", f"ASN {n}") for n in range(5)]
    for n, user in enumerate(users):
        employee(nip=f"19850712201001{2200 + n:04d}"[:18], user=user, name=f"ASN {n}")
        made = Checkout.objects.create(
            buyer=user,
            idempotency_key=f"y{n}",
            request_hash="h",
            payment_method="cod",
            grand_total=0,
            ip="10.1.2.3",
        )
        Checkout.objects.filter(pk=made.pk).update(
            created_at=timezone.now().replace(day=1, hour=8) + dt.timedelta(hours=2 * n)
        )
    assert kinds(obligation.period_get(*periods.parse(None))) == []


def open_order(asn_user):
    """An ASN's order placed (not yet accepted) at a new shop."""
    from malpro.orders.tests.factories import address

    policy()
    item = product(delivering_shop(seller_user(1)), "Beras", category="beras", price=70000)
    cart = orders.cart_for(user=asn_user)
    orders.cart_set(cart=cart, product_id=item.pk, quantity=1)
    checkout, _ = orders.checkout_place(
        buyer=asn_user,
        cart=cart,
        idempotency_key="open-order",
        data=orders.CheckoutInput(address=address(), deliveries={item.business_id: "pickup"}),
    )
    return checkout.orders.get()


@pytest.mark.django_db
def test_post_close_cancellation_flag(asn, asn_user):
    order = open_order(asn_user)
    last_month = periods.previous(*periods.parse(None))
    when = timezone.make_aware(dt.datetime(*last_month, 28, 10))
    type(order).objects.filter(pk=order.pk).update(placed_at=when)
    obligation.period_close(year=last_month[0], month=last_month[1])
    orders.order_transition(actor=asn_user, order_id=order.pk, to="cancelled")
    assert list(IntegrityFlag.objects.values_list("kind", flat=True)) == ["post_close"]
    assert "Dibatalkan" in flags.describe(IntegrityFlag.objects.get())[0]


@pytest.mark.django_db
def test_a_cancellation_in_an_open_period_is_not_flagged(asn, asn_user):
    order = open_order(asn_user)
    last_month = periods.previous(*periods.parse(None))
    obligation.period_close(year=last_month[0], month=last_month[1])  # another period closed
    orders.order_transition(actor=asn_user, order_id=order.pk, to="cancelled")
    assert not IntegrityFlag.objects.exists()
    assert kinds(obligation.period_get(*periods.parse(None))) == []


@pytest.mark.django_db
def test_concentration_flag_and_a_spread_opd(asn, asn_user, other_buyer):
    policy()
    big = product(
        delivering_shop(seller_user(1)),
        "Beras Premium",
        category="beras",
        price=1_000_000,
        stock=100,
    )
    spread = [
        product(
            delivering_shop(seller_user(n)),
            f"Beras {n}",
            category="beras",
            price=500_000,
            stock=100,
        )
        for n in range(2, 8)
    ]
    complete_order(asn_user, big, 3)  # 3.000.000
    for item in spread[:4]:
        complete_order(asn_user, item, 1)  # 2.000.000 spread over four shops
    period = obligation.period_get(*periods.parse(None))
    assert kinds(period) == ["concentration"]
    flag = IntegrityFlag.objects.get(kind="concentration")
    assert flag.business == big.business and flag.evidence["share_percent"] == 60.0


@pytest.mark.django_db
def test_auditor_reviews_a_flag_with_a_note(web, auditor, asn, asn_user):
    policy()
    item = product(delivering_shop(seller_user(1)), "Beras", category="beras", price=70000)
    complete_order(asn_user, item, fast=True)
    flags.detect(obligation.period_get(*periods.parse(None)))
    flag = IntegrityFlag.objects.get()
    client = web(auditor)
    page = client.get("/asn/integritas/").content.decode()
    assert "Selesai beberapa menit" in page and "menit setelah dipesan" in page
    assert "{&#x27;" not in page  # evidence in sentences, not a raw dictionary
    client.post("/asn/integritas/", {"flag_id": flag.pk, "state": "cleared", "note": ""})
    assert IntegrityFlag.objects.get().state == "open"
    client.post(
        "/asn/integritas/",
        {
            "flag_id": flag.pk,
            "state": "cleared",
            "note": "Pesanan ambil di toko, dibayar di tempat",
        },
    )
    flag.refresh_from_db()
    assert flag.state == "cleared" and flag.reviewed_by == auditor
