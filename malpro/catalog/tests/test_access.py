import pytest

from malpro.catalog import access
from malpro.catalog.models import Product
from malpro.catalog.tests.factories import product, shop


@pytest.fixture
def three(seller):
    """A published, a draft and a hidden product of one shop guided by Diskopindag."""
    business = shop(seller, agencies=("DISKOPINDAG",))
    items = {s: product(business, f"Keripik {s}") for s in ("published", "draft", "hidden")}
    for status, item in items.items():
        Product.objects.filter(pk=item.pk).update(status=status)
    return items


def names(user):
    return set(access.products_visible(user=user).values_list("name", flat=True))


@pytest.mark.django_db
def test_who_sees_which_product(three, buyer, seller, officer, other_officer, city_admin):
    everything = {"Keripik published", "Keripik draft", "Keripik hidden"}
    assert names(None) == names(buyer) == names(other_officer) == {"Keripik published"}
    assert names(seller) == names(officer) == names(city_admin) == everything


@pytest.mark.django_db
def test_a_suspended_shops_products_are_not_public(three, buyer, seller):
    from malpro.umkm.models import Business

    Business.objects.filter(pk=three["published"].business_id).update(status="suspended")
    assert names(buyer) == set()
    assert "Keripik published" in names(seller)


@pytest.mark.django_db
def test_moderators_and_editors(three, seller, other_seller, officer, other_officer, auditor):
    item = three["published"]
    assert access.can_moderate(user=officer, product=item)
    assert not access.can_moderate(user=other_officer, product=item)
    assert not access.can_moderate(user=auditor, product=item)
    assert access.can_edit_product(user=seller, product=item)
    assert not access.can_edit_product(user=other_seller, product=item)
    assert not access.can_edit_product(user=officer, product=item)


@pytest.mark.django_db
def test_the_menu_offers_my_products_to_sellers_only(seller, buyer):
    from malpro.core import nav

    def labels(user):
        return [str(i["label"]) for i in nav.items_for(user)]

    assert "Produk saya" in labels(seller) and "Produk saya" not in labels(buyer)
    assert "Cari produk" in labels(buyer)


@pytest.mark.django_db
def test_the_owner_reads_their_draft_through_the_api_with_a_token(api, seller, three):
    path = f"/api/v1/products/{three['draft'].pk}"
    assert api(seller).get(path).status_code == 200
    assert api().get(path).status_code == 404
