import pytest

from malpro.accounts import access
from malpro.accounts.services import api_token_issue


@pytest.mark.django_db
def test_role_questions_per_persona(buyer, seller, officer, operator, city_admin, auditor):
    assert access.sees_whole_city(user=city_admin) and access.sees_whole_city(user=auditor)
    assert not access.sees_whole_city(user=officer)
    assert access.is_seller(user=seller) and not access.is_seller(user=buyer)
    assert access.officer_agency_ids(user=officer) and not access.officer_agency_ids(user=seller)
    assert access.operator_areas(user=operator) == ({"35.73.02"}, set())
    assert access.is_official(user=operator) and not access.is_official(user=buyer)
    assert access.can_manage_roles(user=city_admin) and not access.can_manage_roles(user=auditor)


@pytest.mark.django_db
def test_anonymous_and_deactivated_users_hold_no_role(city_admin, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not access.is_city_admin(user=anonymous) and not access.is_officer(user=anonymous)
    assert access.operator_areas(user=None) == (set(), set())
    django_user_model.objects.filter(pk=city_admin.pk).update(is_active=False)
    city_admin.refresh_from_db()
    assert not access.can_open_back_office(user=city_admin)


@pytest.mark.django_db
def test_a_token_is_revoked_by_its_owner_or_the_city_admin(buyer, other_buyer, city_admin):
    _raw, token = api_token_issue(user=buyer)
    assert access.can_revoke_token(user=buyer, token=token)
    assert access.can_revoke_token(user=city_admin, token=token)
    assert not access.can_revoke_token(user=other_buyer, token=token)
