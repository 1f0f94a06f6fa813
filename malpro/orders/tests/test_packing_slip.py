"""The packing slip (issue 18): a print button that works with a script and a way to print
without one, and quantities in Indonesian words ("2 pak", "1 buah")."""

import pytest

from malpro.orders.models import Order
from malpro.orders.tests.factories import delivering_shop, fill_cart, place, product

pytestmark = pytest.mark.django_db


def test_packing_slip_has_a_print_button_and_units_in_words(web, buyer, seller):
    business = delivering_shop(seller, name="Keripik Sanan")
    chips = product(business, "Keripik Tempe", price=15000, stock=10, unit="pack")
    sambal = product(business, "Sambal Bawang", price=20000, stock=10, unit="pcs")
    fill_cart(buyer, (chips, 2), (sambal, 1))
    place(buyer, {business.pk: "delivery"})
    order = Order.objects.get()
    slip = web(seller).get(f"/jual/pesanan/{order.pk}/slip/").content.decode()
    assert "data-print" in slip and "Cetak slip" in slip
    assert "orders/slip" in slip and ".js" in slip  # window.print() lives in the static script
    assert "Untuk mencetak: buka menu browser" in slip  # what to do without a script
    assert "2 pak" in slip and "1 buah" in slip
    assert "pack" not in slip.replace("packing", "") and "pcs" not in slip
