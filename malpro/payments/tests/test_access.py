import pytest

from malpro.payments import access


@pytest.mark.django_db
def test_the_menu_asks_the_access_module(seller, buyer, city_admin, auditor):
    from malpro.core import nav

    def labels(user):
        return [str(i["label"]) for i in nav.items_for(user)]

    assert "Saldo toko" in labels(seller) and "Saldo toko" not in labels(buyer)
    assert "Pencairan dana" in labels(city_admin) and "Pencairan dana" in labels(auditor)
    assert "Pencairan dana" not in labels(seller)


@pytest.mark.django_db
def test_payments_visible_to_their_buyer_and_the_city(buyer, other_buyer, seller, auditor):
    from malpro.payments.tests.helpers import cashless_checkout

    _, payment, _ = cashless_checkout(buyer, seller)
    assert list(access.payment_visible(user=buyer)) == [payment]
    assert list(access.payment_visible(user=auditor)) == [payment]
    assert not access.payment_visible(user=other_buyer).exists()
