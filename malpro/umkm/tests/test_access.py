import pytest

from malpro.umkm import access
from malpro.umkm.tests.factories import make_business


@pytest.mark.django_db
def test_business_visible_follows_each_role_scope(
    seller, other_seller, officer, other_officer, operator, city_admin, auditor, buyer
):
    lowokwaru = make_business(owner=seller, agencies=("DISKOPINDAG",), village="35.73.05.1003")
    klojen = make_business(agencies=("DISPANGTAN",), village="35.73.02.1001")

    def visible(user):
        return set(access.business_visible(user=user))

    assert visible(seller) == {lowokwaru}
    assert visible(other_seller) == set() and visible(buyer) == set()
    assert visible(officer) == {lowokwaru}
    assert visible(other_officer) == {klojen}
    assert visible(operator) == {klojen}
    assert visible(city_admin) == visible(auditor) == {lowokwaru, klojen}


@pytest.mark.django_db
def test_an_official_who_owns_a_business_outside_their_scope_still_sees_it(other_officer):
    own = make_business(owner=other_officer, agencies=("DISKOPINDAG",))
    assert access.business_get_for_user(user=other_officer, business_id=own.pk) == own


@pytest.mark.django_db
def test_parties_of_each_persona(seller, officer, operator, city_admin, auditor, buyer):
    business = make_business(owner=seller, agencies=("DISKOPINDAG",), village="35.73.02.1001")
    assert access.business_parties(seller, business) == {"owner"}
    assert access.business_parties(officer, business) == {"guide"}
    assert access.business_parties(operator, business) == {"registrar"}
    assert access.business_parties(city_admin, business) == {"admin"}
    assert access.business_parties(auditor, business) == {"auditor"}
    assert access.business_parties(buyer, business) == set()


@pytest.mark.django_db
def test_the_menu_offers_the_registry_to_officials_only(buyer, seller, officer, auditor):
    from malpro.core import nav

    def labels(user):
        return [str(i["label"]) for i in nav.items_for(user)]

    from malpro.umkm.tests.factories import make_business

    # A buyer starts selling from "Mulai jualan"; "Usaha saya" is for those who have one.
    assert "Usaha saya" not in labels(buyer) and "Registri UMKM" not in labels(buyer)
    make_business(owner=buyer, status="draft")
    buyer.refresh_from_db()
    del buyer._malpro_owns_business  # a page is one request; this test reuses the user
    assert "Usaha saya" in labels(buyer)
    assert "Registri UMKM" not in labels(seller)
    assert "Registri UMKM" in labels(officer) and "Registri UMKM" in labels(auditor)
