import datetime as dt

import pytest
from django.utils import timezone

from malpro.asn import obligation, periods
from malpro.asn.models import Exemption, Standing
from malpro.asn.tests.factories import complete_order, delivering_shop, employee, policy, product
from malpro.catalog.models import Category
from malpro.orders.tests.factories import address


@pytest.fixture
def asn(asn_user):
    return employee(user=asn_user, golongan="III/b", tpp_class="7")


@pytest.fixture
def shops(seller, other_seller):
    first = delivering_shop(seller, name="Toko Sembako Barokah")
    second = delivering_shop(other_seller, name="Keripik Sanan")
    return {
        "beras": product(first, "Beras 5 kg", category="beras", price=70000, stock=100),
        "minyak": product(
            first, "Minyak 2 liter", category="minyak-goreng", price=35000, stock=100
        ),
        "keripik": product(second, "Keripik Tempe", category="keripik", price=15000, stock=100),
    }


def now_period():
    return periods.parse(None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        ((), 1_000_000),
        ((("golongan", "III", 750_000),), 750_000),
        ((("golongan", "III", 750_000), ("tpp_class", "7", 1_200_000)), 1_200_000),
        ((("tpp_class", "7", 1_200_000), ("eselon", "IV.A", 2_000_000)), 1_200_000),
    ],
)
def test_required_amount_follows_the_most_specific_rule(asn, amounts, expected):
    found = policy(amounts=amounts)
    assert obligation.required_for(asn, found, 2026, 11) == expected


@pytest.mark.django_db
def test_eselon_beats_tpp_class(asn):
    asn.eselon = "IV.A"
    found = policy(amounts=(("tpp_class", "7", 1_200_000), ("eselon", "IV.A", 2_000_000)))
    assert obligation.required_for(asn, found, 2026, 11) == 2_000_000


@pytest.mark.django_db
def test_exemptions(asn):
    found = policy(default=900_000)
    Exemption.objects.create(
        employee=asn, kind="leave", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 10)
    )
    assert obligation.required_for(asn, found, 2026, 11) == 600_000  # 20 of 30 days
    Exemption.objects.create(
        employee=asn, kind="secondment", start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31)
    )
    assert obligation.required_for(asn, found, 2026, 12) == 0
    asn.started_on = dt.date(2027, 1, 17)  # a new hire, 15 of 31 days
    assert obligation.required_for(asn, found, 2027, 1) == 435_400


@pytest.mark.django_db
def test_completed_orders_count_and_cancelled_do_not(asn, shops, asn_user, seller):
    policy()
    complete_order(asn_user, shops["beras"], 2)
    from malpro.orders import services as orders

    cart = orders.cart_for(user=asn_user)
    orders.cart_set(cart=cart, product_id=shops["minyak"].pk, quantity=1)
    checkout, _ = orders.checkout_place(
        buyer=asn_user,
        cart=cart,
        idempotency_key="cancel-me",
        data=orders.CheckoutInput(
            address=address(), deliveries={shops["minyak"].business_id: "pickup"}
        ),
    )
    orders.order_transition(actor=asn_user, order_id=checkout.orders.get().pk, to="cancelled")
    result = obligation.compute(asn, *now_period())
    assert (result.required, result.counted, result.remaining) == (1_000_000, 140_000, 860_000)
    assert [e.kind for e in result.excluded] == ["cancelled"]


@pytest.mark.django_db
def test_only_eligible_categories_count_when_the_policy_names_some(asn, shops, asn_user):
    found = policy()
    found.eligible_categories.add(Category.objects.get(slug="sembako"))
    complete_order(asn_user, shops["beras"], 1)
    complete_order(asn_user, shops["keripik"], 2)
    result = obligation.compute(asn, *now_period())
    assert result.counted == 70_000
    assert [(e.kind, e.amount) for e in result.excluded] == [("ineligible_category", 30_000)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cap", "share", "counted"),
    [
        (100_000, None, 100_000 + 15_000),  # absolute cap per UMKM
        (None, 15, 150_000 + 15_000),  # 15% of Rp1.000.000
        (300_000, 15, 150_000 + 15_000),  # the stricter of the two
    ],
)
def test_cap_per_umkm(asn, shops, asn_user, cap, share, counted):
    policy(cap_amount=cap, cap_share=share)
    complete_order(asn_user, shops["beras"], 2)  # 140.000 at one UMKM
    complete_order(asn_user, shops["minyak"], 2)  # 70.000 more at the same UMKM
    complete_order(asn_user, shops["keripik"], 1)  # 15.000 elsewhere
    result = obligation.compute(asn, *now_period())
    assert result.counted == counted
    over = [e for e in result.excluded if e.kind == "over_cap"]
    assert sum(e.amount for e in over) == 210_000 - (counted - 15_000)


@pytest.mark.django_db
def test_offline_purchases_count_once_confirmed_and_only_if_the_policy_says_so(
    asn, shops, asn_user, seller
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from malpro.asn import services
    from malpro.catalog.tests.test_products import jpeg

    found = policy()
    receipt = jpeg(600, 800)
    purchase = services.offline_record(
        user=asn_user,
        business_id=shops["beras"].business_id,
        amount=250_000,
        purchased_on=timezone.localdate(),
        receipt=SimpleUploadedFile("nota.jpg", receipt.read(), "image/jpeg"),
    )
    assert obligation.compute(asn, *now_period()).counted == 0
    services.offline_purchase_transition(actor=seller, purchase_id=purchase.pk, to="confirmed")
    assert obligation.compute(asn, *now_period()).counted == 250_000
    assert Standing.objects.get(employee=asn).counted == 250_000
    found.counts_offline = False
    found.save()
    result = obligation.compute(asn, *now_period())
    assert result.counted == 0 and result.excluded[0].kind == "offline_not_counted"


@pytest.mark.django_db
def test_a_guiding_officer_confirms_an_in_person_purchase_from_the_inbox(
    asn, shops, asn_user, officer, other_buyer, web
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from malpro.accounts.models import Agency
    from malpro.asn import services
    from malpro.asn.models import OfflinePurchase
    from malpro.catalog.tests.test_products import jpeg
    from malpro.umkm.models import Guidance

    policy(counts_offline=True)
    business = shops["beras"].business
    Guidance.objects.filter(business=business).delete()  # not (yet) guided by the officer's OPD
    purchase = services.offline_record(
        user=asn_user,
        business_id=business.pk,
        amount=150_000,
        purchased_on=timezone.localdate(),
        receipt=SimpleUploadedFile("nota.jpg", jpeg(600, 800).read(), "image/jpeg"),
    )
    client = web(officer)
    assert "Tidak ada yang menunggu" in client.get("/jual/pembelian-asn/").content.decode()
    Guidance.objects.create(business=business, agency=Agency.objects.get(code="DISKOPINDAG"))
    page = client.get("/jual/pembelian-asn/").content.decode()
    assert business.name in page and "Rp150.000" in page
    client.post("/jual/pembelian-asn/", {"purchase_id": purchase.pk, "decision": "yes"})
    purchase.refresh_from_db()
    assert purchase.state == OfflinePurchase.State.CONFIRMED and purchase.decided_by == officer
    assert obligation.compute(asn, *now_period()).counted == 150_000
    # a buyer with no role there sees nothing and cannot decide; a bad id is not an error page
    stranger = web(other_buyer)
    assert business.name not in stranger.get("/jual/pembelian-asn/").content.decode()
    assert stranger.post("/jual/pembelian-asn/", {"purchase_id": "x"}).status_code == 302


@pytest.mark.django_db
def test_a_policy_change_mid_year_leaves_closed_periods_unchanged(asn, shops, asn_user):
    old = policy(effective_from=dt.date(2026, 1, 1), default=500_000)
    march = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    complete_order(asn_user, shops["beras"], 3, completed_at=march)  # 210.000 in March
    obligation.period_close(year=2026, month=3)
    frozen = Standing.objects.get(employee=asn, period__month=3)
    assert (frozen.required, frozen.counted) == (500_000, 210_000)
    assert old.locked
    from malpro.asn.models import PolicyAmount
    from malpro.core.exceptions import Conflict

    old.default_amount = 100_000
    with pytest.raises(Conflict, match="sudah ditutup"):
        old.save()  # history cannot be rewritten, not even from the shell
    with pytest.raises(Conflict):
        PolicyAmount.objects.create(policy=old, basis="golongan", value="IV", amount=1)
    old.refresh_from_db()
    assert old.default_amount == 500_000
    new = policy(effective_from=dt.date(2026, 4, 1), default=2_000_000, cap_amount=50_000)
    assert obligation.policy_for(2026, 5) == new and obligation.policy_for(2026, 3) == old
    again = obligation.obligation_for(asn, 2026, 3)
    assert (again.required, again.counted) == (500_000, 210_000)
    obligation.standing_refresh(asn, 2026, 3)  # a refresh does not touch a closed period
    assert Standing.objects.get(pk=frozen.pk).counted == 210_000


@pytest.mark.django_db
def test_standing_follows_completed_orders(asn, shops, asn_user, seller):
    policy()
    complete_order(asn_user, shops["keripik"], 4)
    assert Standing.objects.get(employee=asn).counted == 60_000
