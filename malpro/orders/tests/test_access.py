import pytest
from django.contrib.auth.models import AnonymousUser

from malpro.core import nav
from malpro.orders import access


@pytest.mark.django_db
def test_each_role_sees_its_own_orders(request, buyer, other_buyer, seller, auditor, city_admin):
    order = access._order({"buyer": buyer, "seller": seller})["order"]
    for user, sees in (
        (buyer, True),
        (seller, True),
        (auditor, True),
        (city_admin, True),
        (other_buyer, False),
        (AnonymousUser(), False),
    ):
        assert access.order_visible(user=user).filter(pk=order.pk).exists() is sees
    assert (
        list(access.orders_sold(user=buyer)) == [] and list(access.orders_bought(user=seller)) == []
    )
    assert access.can_see_contact_phone(user=city_admin, order=order)
    assert not access.can_see_contact_phone(user=auditor, order=order)
    assert access.order_parties(auditor, order) == set()


@pytest.mark.django_db
def test_the_menu_offers_the_inbox_to_sellers_only(buyer, seller):
    def labels(user):
        return [str(i["label"]) for i in nav.items_for(user)]

    assert "Pesanan masuk" in labels(seller) and "Pesanan masuk" not in labels(buyer)
    assert "Pesanan saya" in labels(buyer) and "Pesanan saya" not in labels(AnonymousUser())
    assert "Keranjang" in labels(AnonymousUser())
