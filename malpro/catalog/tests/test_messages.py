"""What a seller is told about their products: hidden by a moderator, stock low or out."""

import pytest

from malpro.catalog import services
from malpro.notifications.channels.base import memory_outbox
from malpro.notifications.models import Notification
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product


def buy(buyer, item, quantity, key):
    fill_cart(buyer, (item, quantity))
    return place(buyer, {item.business_id: "pickup"}, key=key)[0].orders.get()


def notes(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).order_by("pk"))


@pytest.mark.django_db
def test_a_hidden_product_tells_its_seller_the_reason(seller, officer):
    item = product(delivering_shop(seller), "Sambal Pecel", stock=10)
    services.product_transition(
        actor=officer, product_id=item.pk, to="hidden", reason="Label halal tidak sesuai"
    )
    (note,) = notes(seller, "product.hidden_for_seller")
    assert "Label halal tidak sesuai" in note.body and "Sambal Pecel" in note.title
    assert note.link == f"/jual/produk/{item.pk}/"
    kept = [k.out for k in memory_outbox if k.out.template == "malpro_product_hidden_for_seller"]
    assert len(kept) == 1 and kept[0].to == seller.phone


@pytest.mark.django_db
def test_low_stock_is_told_once_per_crossing(buyer, other_buyer, seller, settings):
    settings.MALPRO_LOW_STOCK = 3
    item = product(delivering_shop(seller), "Sambal Pecel", stock=10)
    buy(buyer, item, 5, "a")  # 10 -> 5: above the threshold
    assert notes(seller, "product.stock_low_for_seller") == []
    buy(other_buyer, item, 2, "b")  # 5 -> 3: crosses
    (low,) = notes(seller, "product.stock_low_for_seller")
    assert "tinggal 3" in low.body and low.link == f"/jual/produk/{item.pk}/"
    buy(buyer, item, 1, "c")  # 3 -> 2: still low, not a new crossing
    assert len(notes(seller, "product.stock_low_for_seller")) == 1
    # Restocked above the threshold, then a sale crosses again: told again.
    services.stock_set(actor=seller, product_id=item.pk, stock=8)
    buy(other_buyer, item, 6, "d")  # 8 -> 2
    assert len(notes(seller, "product.stock_low_for_seller")) == 2
    # A sale that empties the shelf says "habis", not "menipis".
    buy(buyer, item, 2, "e")
    assert len(notes(seller, "product.stock_low_for_seller")) == 2
    (out,) = notes(seller, "product.stock_out_for_seller")
    assert "habis" in out.title
    # The seller's own edit to zero is not announced back to them.
    services.stock_set(actor=seller, product_id=item.pk, stock=4)
    services.stock_set(actor=seller, product_id=item.pk, stock=0)
    assert len(notes(seller, "product.stock_out_for_seller")) == 1
