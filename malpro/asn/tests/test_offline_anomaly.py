"""Issue 14, item 6: an in-person ASN purchase far above the usual is not confirmed by one tap
(the seller confirms, then an OPD officer reviews), and one past the absolute maximum is
refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from malpro.asn import services
from malpro.asn.models import OfflinePurchase
from malpro.asn.tests.factories import offline_purchase
from malpro.catalog.tests.factories import shop
from malpro.catalog.tests.test_products import jpeg
from malpro.core.exceptions import ApplicationError, Conflict
from malpro.core.limits import MAX_OFFLINE_PURCHASE


def _confirm(actor, purchase):
    return services.offline_purchase_transition(
        actor=actor, purchase_id=purchase.pk, to=OfflinePurchase.State.CONFIRMED
    )


def _state(purchase):
    return OfflinePurchase.objects.get(pk=purchase.pk).state


@pytest.mark.django_db
def test_a_purchase_past_the_absolute_maximum_is_refused(asn_user, seller):
    with pytest.raises(ApplicationError) as info:
        offline_purchase(asn=asn_user, seller=seller, amount=999_999_999_999)
    assert "amount" in info.value.extra["fields"]
    assert not OfflinePurchase.objects.exists()


@pytest.mark.django_db
def test_far_above_the_obligation_needs_the_seller_then_the_opd(asn_user, seller, officer):
    # The example policy asks Rp1.000.000 a month; Rp2.500.000 is more than twice that.
    purchase = offline_purchase(asn=asn_user, seller=seller, amount=2_500_000)
    assert services.offline_needs_review(purchase)
    with pytest.raises(Conflict):  # the officer cannot confirm before the seller
        _confirm(officer, purchase)
    _confirm(seller, purchase)  # one tap by the seller is not enough
    assert _state(purchase) == OfflinePurchase.State.PENDING
    with pytest.raises(Conflict):
        _confirm(seller, purchase)
    _confirm(officer, purchase)
    assert _state(purchase) == OfflinePurchase.State.CONFIRMED


@pytest.mark.django_db
def test_far_above_the_shops_usual_sales_needs_review(asn_user, seller, officer):
    business = shop(seller)
    for _ in range(5):
        usual = offline_purchase(asn=asn_user, seller=seller, amount=20_000, business=business)
        _confirm(seller, usual)
        assert _state(usual) == OfflinePurchase.State.CONFIRMED  # ordinary: one tap
    big = offline_purchase(asn=asn_user, seller=seller, amount=300_000, business=business)
    assert services.offline_needs_review(big)
    _confirm(seller, big)
    assert _state(big) == OfflinePurchase.State.PENDING


@pytest.mark.django_db
def test_ordinary_purchases_keep_the_one_tap_confirmation(asn_user, seller):
    purchase = offline_purchase(asn=asn_user, seller=seller, amount=150_000)
    assert not services.offline_needs_review(purchase)
    _confirm(seller, purchase)
    assert _state(purchase) == OfflinePurchase.State.CONFIRMED


@pytest.mark.django_db
def test_the_in_store_purchase_form_refuses_an_absurd_amount(asn_user, seller, web):
    offline_purchase(asn=asn_user, seller=seller, amount=10_000)  # puts the ASN on the roster
    business = shop(seller, name="Toko Kedua")
    response = web(asn_user).post(
        "/asn/pembelian-langsung/",
        {
            "business_id": business.pk,
            "amount": "999.999.999.999",
            "purchased_on": timezone.localdate().isoformat(),
            "receipt": SimpleUploadedFile("nota.jpg", jpeg(600, 800).read(), "image/jpeg"),
        },
    )
    assert response.status_code in (200, 302)
    assert not OfflinePurchase.objects.filter(amount__gt=MAX_OFFLINE_PURCHASE).exists()


@pytest.mark.django_db
def test_the_inbox_tells_seller_and_officer_that_the_opd_reviews_it(asn_user, seller, officer, web):
    purchase = offline_purchase(asn=asn_user, seller=seller, amount=2_500_000)
    page = web(seller).post(
        "/jual/pembelian-asn/", {"purchase_id": purchase.pk, "decision": "yes"}, follow=True
    )
    assert "juga diperiksa petugas OPD pembina" in page.content.decode()
    inbox = web(officer).get("/jual/pembelian-asn/").content.decode()
    assert "perlu pemeriksaan OPD" in inbox and "penjual sudah konfirmasi" in inbox
