from datetime import timedelta

import pytest
from django.utils import timezone

from malpro.accounts.models import ApiToken
from malpro.conftest import PASSWORD


@pytest.mark.django_db
def test_login_returns_a_bearer_token_that_me_accepts(api, officer):
    response = api().post("/api/v1/auth/login", {"phone": "0812-3450-0006", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["user"]["phone"] == "+6281234500006"
    me = api().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["name"] == "Sri Diskopindag"
    roles = {r["role"]: r for r in me.json()["roles"]}
    assert set(roles) == {"buyer", "agency_officer"}
    assert roles["agency_officer"]["agency"] == {
        "code": "DISKOPINDAG",
        "name": "Dinas Koperasi, Perindustrian dan Perdagangan",
    }


@pytest.mark.django_db
def test_me_shows_the_area_of_an_operator(api, operator):
    roles = api(operator).get("/api/v1/auth/me").json()["roles"]
    area = next(r["area"] for r in roles if r["role"] == "area_operator")
    assert area == {"code": "35.73.02", "name": "Klojen", "level": "kecamatan"}


@pytest.mark.django_db
def test_only_a_hash_of_the_token_is_stored(api, buyer):
    client = api(buyer)
    stored = ApiToken.objects.get(user=buyer)
    assert client.token not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == ApiToken.hash(client.token)


@pytest.mark.django_db
def test_wrong_password_is_401_with_a_message(api, buyer):
    response = api().post("/api/v1/auth/login", {"phone": buyer.phone, "password": "salah-sekali"})
    assert response.status_code == 401
    assert response.json()["message"] == "Nomor HP atau kata sandi salah."


@pytest.mark.django_db
def test_malformed_phone_is_a_field_error(api):
    response = api().post("/api/v1/auth/login", {"phone": "12ab", "password": "x"})
    assert response.status_code == 400
    assert "phone" in response.json()["extra"]["fields"]


@pytest.mark.django_db
def test_missing_password_is_422_naming_the_field(api):
    response = api().post("/api/v1/auth/login", {"phone": "081234500001"})
    assert response.status_code == 422
    assert "password" in response.json()["extra"]["fields"]


@pytest.mark.django_db
def test_repeated_failures_for_one_number_are_rate_limited(api, buyer):
    for _ in range(5):
        assert (
            api()
            .post("/api/v1/auth/login", {"phone": buyer.phone, "password": "tebakan"})
            .status_code
            == 401
        )
    blocked = api().post("/api/v1/auth/login", {"phone": buyer.phone, "password": PASSWORD})
    assert blocked.status_code == 429
    # A delay, not a lockout, and the way to get in at once.
    assert "Tunggu 30 detik" in blocked.json()["message"]
    assert "Lupa kata sandi" in blocked.json()["message"]
    assert blocked.json()["extra"]["retry_after"] == 30


@pytest.mark.django_db
def test_many_attempts_from_one_address_are_rate_limited(api, settings):
    settings.MALPRO_LOGIN_RATE_IP = "3/5m"
    codes = [
        api().post("/api/v1/auth/login", {"phone": f"08123450099{i}", "password": "x"}).status_code
        for i in range(4)
    ]
    assert codes == [401, 401, 401, 429]


@pytest.mark.django_db
def test_me_without_a_token_is_401(api):
    response = api().get("/api/v1/auth/me")
    assert response.status_code == 401
    assert "message" in response.json()


@pytest.mark.django_db
def test_a_forged_token_is_401(api):
    assert (
        api().get("/api/v1/auth/me", headers={"Authorization": "Bearer mp_palsu"}).status_code
        == 401
    )


@pytest.mark.django_db
def test_an_expired_token_is_401(api, buyer):
    client = api(buyer)
    ApiToken.objects.filter(user=buyer).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/auth/me").status_code == 401


@pytest.mark.django_db
def test_a_deactivated_user_token_stops_working(api, buyer):
    client = api(buyer)
    buyer.is_active = False
    buyer.save(update_fields=["is_active"])
    assert client.get("/api/v1/auth/me").status_code == 401


@pytest.mark.django_db
def test_logout_revokes_the_token(api, buyer):
    client = api(buyer)
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


@pytest.mark.django_db
def test_openapi_spec_is_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/login" in spec["paths"]
    assert "/api/v1/regions/districts" in spec["paths"]
