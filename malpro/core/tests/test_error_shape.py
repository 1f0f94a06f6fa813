"""Issue 14, item 7: the API answers `{"message", "extra"}` for 404, 405, 413 and 500 also with
DEBUG off; pages keep their HTML error pages."""

import pytest
from django.test import Client

from malpro.catalog import api as catalog_api


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def _shape(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert set(body) == {"message", "extra"} and body["message"]
    return body


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404(production):
    _shape(production.get("/api/v1/no-such-thing"), 404)
    _shape(production.get("/api/v2/products"), 404)


@pytest.mark.django_db
def test_missing_object_is_a_json_404(production):
    _shape(production.get("/api/v1/products/999999"), 404)


@pytest.mark.django_db
def test_wrong_method_is_a_json_405(production):
    body = _shape(production.delete("/api/v1/products"), 405)
    assert "DELETE" in body["message"]


@pytest.mark.django_db
def test_server_error_is_a_json_500(production, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog_api, "search", boom)
    body = _shape(production.get("/api/v1/products"), 500)
    assert "boom" not in body["message"]


@pytest.mark.django_db
def test_oversized_body_is_a_json_413(production):
    response = production.post(
        "/api/v1/auth/login", "x" * (11 * 1024 * 1024), content_type="application/json"
    )
    _shape(response, 413)


@pytest.mark.django_db
def test_pages_keep_html_error_pages(production):
    response = production.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
