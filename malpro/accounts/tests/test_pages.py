import pytest
from django.contrib.auth import get_user_model

from malpro.conftest import PASSWORD

User = get_user_model()


@pytest.mark.django_db
def test_register_creates_a_buyer_and_logs_them_in(client):
    response = client.post(
        "/akun/daftar/",
        {
            "name": "Eka Warga",
            "phone": "0857 1234 5678",
            "email": "",
            "password": "kopi-tubruk-malang",
            "password_again": "kopi-tubruk-malang",
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(phone="+6285712345678")
    assert user.role_names == ["buyer"]
    assert user.password.startswith("argon2")
    profile = client.get("/akun/profil/").content.decode()
    assert "Eka Warga" in profile
    assert "0857-1234-5678" in profile


@pytest.mark.django_db
def test_register_shows_field_errors_in_indonesian(client, buyer):
    response = client.post(
        "/akun/daftar/",
        {
            "name": "",
            "phone": buyer.phone,
            "password": "123",
            "password_again": "124",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bidang ini tidak boleh kosong." in page  # Django's own message, in Indonesian
    assert "Kedua kata sandi tidak sama." in page
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_register_refuses_a_number_that_is_taken(client, buyer):
    response = client.post(
        "/akun/daftar/",
        {
            "name": "Orang Lain",
            "phone": "0812-3450-0001",
            "password": "kopi-tubruk-malang",
            "password_again": "kopi-tubruk-malang",
            "privacy_consent": "on",
        },
    )
    assert "Nomor HP ini sudah terdaftar" in response.content.decode()
    assert User.objects.filter(phone="+6281234500001").count() == 1


@pytest.mark.django_db
def test_register_refuses_a_weak_password(client):
    response = client.post(
        "/akun/daftar/",
        {
            "name": "Eka",
            "phone": "085712345678",
            "password": "12345678",
            "password_again": "12345678",
            "privacy_consent": "on",
        },
    )
    assert "id_password_errors" in response.content.decode()
    assert not User.objects.filter(phone="+6285712345678").exists()


@pytest.mark.django_db
def test_login_with_any_spelling_of_the_number(client, buyer):
    response = client.post("/akun/masuk/", {"username": "+62 812-3450-0001", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/akun/profil/").status_code == 200


@pytest.mark.django_db
def test_login_failure_says_so_in_indonesian(client, buyer):
    response = client.post("/akun/masuk/", {"username": buyer.phone, "password": "salah"})
    assert response.status_code == 200
    assert "Nomor HP atau kata sandi salah." in response.content.decode()


@pytest.mark.django_db
def test_login_page_is_rate_limited_per_number(client, buyer):
    for _ in range(5):
        client.post("/akun/masuk/", {"username": buyer.phone, "password": "salah"})
    response = client.post("/akun/masuk/", {"username": buyer.phone, "password": PASSWORD})
    assert "Tunggu 30 detik" in response.content.decode()
    assert client.get("/akun/profil/").status_code == 302


@pytest.mark.django_db
def test_login_form_is_csrf_protected(buyer):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/akun/masuk/", {"username": buyer.phone, "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.django_db
def test_profile_requires_login(client):
    response = client.get("/akun/profil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


@pytest.mark.django_db
def test_profile_update(web, buyer):
    client = web(buyer)
    response = client.post("/akun/profil/", {"name": "Citra P.", "email": "citra@contoh.id"})
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert (buyer.name, buyer.email) == ("Citra P.", "citra@contoh.id")


@pytest.mark.django_db
def test_profile_refuses_an_email_used_by_someone_else(web, buyer, other_buyer):
    other_buyer.email = "dodi@contoh.id"
    other_buyer.save()
    response = web(buyer).post("/akun/profil/", {"name": "Citra", "email": "DODI@contoh.id"})
    assert "Email ini sudah dipakai akun lain." in response.content.decode()


@pytest.mark.django_db
def test_password_change(web, buyer, client):
    logged_in = web(buyer)
    response = logged_in.post(
        "/akun/kata-sandi/",
        {
            "old_password": PASSWORD,
            "new_password1": "sandi-baru-yang-panjang",
            "new_password2": "sandi-baru-yang-panjang",
        },
    )
    assert response.status_code == 302
    assert logged_in.get("/akun/profil/").status_code == 200  # session kept
    assert (
        client.post(
            "/akun/masuk/", {"username": buyer.phone, "password": "sandi-baru-yang-panjang"}
        ).status_code
        == 302
    )


@pytest.mark.django_db
def test_password_change_with_wrong_old_password(web, buyer):
    response = web(buyer).post(
        "/akun/kata-sandi/",
        {
            "old_password": "bukan",
            "new_password1": "sandi-baru-yang-panjang",
            "new_password2": "sandi-baru-yang-panjang",
        },
    )
    assert response.status_code == 200
    assert "id_old_password_errors" in response.content.decode()


@pytest.mark.django_db
def test_logout_is_a_post(web, buyer):
    client = web(buyer)
    assert client.get("/akun/keluar/").status_code == 405
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'  # no cached page for the next person
    assert client.get("/akun/profil/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["buyer", "seller", "officer", "operator", "auditor"])
def test_admin_is_closed_to_everyone_but_the_city_admin(web, request, persona):
    user = request.getfixturevalue(persona)
    response = web(user).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_is_open_to_the_city_admin(web, city_admin):
    client = web(city_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/accounts/agency/").status_code == 200


@pytest.mark.django_db
def test_admin_login_refuses_a_non_admin(client, buyer):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": buyer.phone, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "bukan admin kota" in response.content.decode()


@pytest.mark.django_db
def test_admin_login_accepts_the_city_admin(client, city_admin):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "0812-3450-0009", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_login_field_accepts_a_number_typed_with_spaces_and_dashes(client):
    page = client.get("/akun/masuk/").content.decode()
    assert 'maxlength="32"' in page
