import io

import pytest
from django.core.management import call_command

from malpro.accounts.models import User
from malpro.demo.seeds import DEMO_PASSWORD


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_prints_logins_for_every_role_and_is_idempotent(api):
    first = seed()
    assert "Demo logins (password for all: malpro-demo)" in first
    for phone in ("0811-0000-0001", "0811-0000-0003", "0811-0000-0005", "0811-0000-0008"):
        assert phone in first
    users = User.objects.count()
    second = seed()
    assert "users_created=0" in second
    assert User.objects.count() == users
    admin = User.objects.get(phone="+6281100000001")
    assert admin.is_city_admin
    token = api().post("/api/v1/auth/login", {"phone": "081100000001", "password": DEMO_PASSWORD})
    assert token.status_code == 200
