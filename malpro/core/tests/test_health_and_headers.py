import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable(client):
    original = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent-dir/malpro.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json()["status"] == "error"


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_home_page_is_indonesian_whatever_the_browser_prefers(client):
    for preference in ("", "en", "en-US,en;q=0.9"):
        page = client.get("/", headers={"Accept-Language": preference}).content.decode()
        assert '<html lang="id">' in page, preference
        assert "Belanja produk UMKM kota sendiri" in page


@pytest.mark.django_db
def test_english_when_chosen(client):
    client.cookies["django_language"] = "en"
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Shop from your own city" in english
    client.cookies["django_language"] = "xx"
    assert '<html lang="id">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switch_sticks_for_the_session(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Shop from your own city" in client.get("/").content.decode()


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
