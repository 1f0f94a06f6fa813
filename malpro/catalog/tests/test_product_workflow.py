"""The product machine: every pair of states × every party, through product_transition, and
the events a seller's edits record."""

import pytest

from malpro.catalog import services
from malpro.catalog.models import Product, ProductStatus
from malpro.catalog.tests.factories import product, shop
from malpro.catalog.workflow import PRODUCT, TRANSITIONS
from malpro.core.exceptions import Conflict, NotFound, PermissionDenied
from malpro.core.models import Event

ALL = [s.value for s in ProductStatus]


@pytest.fixture
def item(seller):
    return product(shop(seller, agencies=("DISKOPINDAG",)), "Keripik Tempe", stock=5)


def at(item, status):
    Product.objects.filter(pk=item.pk).update(status=status)
    return Product.objects.get(pk=item.pk)


def kinds(item):
    return list(
        Event.objects.filter(subject_type="catalog.product", subject_id=str(item.pk))
        .order_by("pk")
        .values_list("kind", flat=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), [(f, t) for f in ALL for t in ALL if f != t])
def test_transition_table(item, seller, officer, city_admin, buyer, frm, to):
    parties = {"owner": seller, "moderator": officer, "admin": city_admin, "public": buyer}
    for name, user in parties.items():
        party = "moderator" if name == "admin" else name
        item = at(item, frm)
        move = {"actor": user, "product_id": item.pk, "to": to, "reason": "alasan"}
        if PRODUCT.allows(frm, to, party):
            assert services.product_transition(**move).status == to
            event = Event.objects.filter(kind=f"product.{to}").latest("pk")
            assert event.payload["business_id"] == item.business_id
            assert (event.payload["from"], event.payload["reason"]) == (frm, "alasan")
        elif party == "public" and frm != ProductStatus.PUBLISHED:
            with pytest.raises(NotFound):  # a draft or hidden product is not theirs to know
                services.product_transition(**move)
        else:
            with pytest.raises(Conflict if (frm, to) not in TRANSITIONS else PermissionDenied):
                services.product_transition(**move)
            assert Product.objects.get(pk=item.pk).status == frm


@pytest.mark.django_db
def test_creation_and_the_sellers_publishing_are_recorded(item, seller):
    data = services.ProductInput(name="Keripik Tempe", category_slug="keripik", price=10000)
    data.publish, data.stock = False, 5
    services.product_update(actor=seller, product_id=item.pk, data=data)
    data.publish = True
    services.product_update(actor=seller, product_id=item.pk, data=data)
    assert kinds(item) == ["product.published", "product.draft", "product.published"]


@pytest.mark.django_db
def test_a_hidden_product_stays_hidden_when_its_owner_edits_it(item, seller, officer):
    services.product_transition(actor=officer, product_id=item.pk, to="hidden", reason="Palsu")
    data = services.ProductInput(name="Keripik Tempe Asli", category_slug="keripik", price=1)
    services.product_update(actor=seller, product_id=item.pk, data=data)
    assert Product.objects.get(pk=item.pk).status == "hidden"


@pytest.mark.django_db
def test_emptying_the_stock_and_filling_it_again_are_recorded(item, seller):
    services.stock_set(actor=seller, product_id=item.pk, stock=2)  # still in stock: no event
    services.stock_set(actor=seller, product_id=item.pk, stock=0, reason="habis")
    services.stock_set(actor=seller, product_id=item.pk, stock=0)
    services.stock_set(actor=seller, product_id=item.pk, stock=7)
    assert kinds(item) == ["product.published", "product.stock_out", "product.restocked"]
    out = Event.objects.get(kind="product.stock_out")
    assert out.payload == {"business_id": item.business_id, "stock": 0, "reason": "habis"}
    assert out.actor == seller


@pytest.mark.django_db
def test_variants_running_out_record_the_products_stock_out(seller):
    data = services.ProductInput(
        name="Sambal",
        category_slug="sambal",
        price=0,
        variants=[{"name": "Pedas", "price": 25000, "stock": 4}],
    )
    item = services.product_create(actor=seller, business=shop(seller), data=data)
    services.variant_update(actor=seller, variant_id=item.variants.get().pk, stock=0)
    services.variant_add(actor=seller, product=item, name="Sedang", price=22000, stock=3)
    assert kinds(item) == ["product.published", "product.stock_out", "product.restocked"]
