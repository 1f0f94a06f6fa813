"""Identifiers never in URLs: a NIK in a query string is refused (API) or dropped with a
message (pages); searching by NIK goes through a POST."""

import pytest

from malpro.umkm.tests.factories import make_business

NIK = "3573051203850001"


@pytest.mark.django_db
def test_the_registry_page_refuses_a_nik_in_the_query_string(web, officer):
    make_business(owner_nik=NIK, agencies=("DISKOPINDAG",), name="Bakso Pak Nik")
    client = web(officer)
    response = client.get("/umkm/registri/", {"q": NIK, "status": "verified"})
    assert response.status_code == 302
    assert response["Location"] == "/umkm/registri/?status=verified"
    response = client.get("/umkm/registri/", {"q": "3573 0512 0385 0001"})
    assert response.status_code == 302 and "3573" not in response["Location"]


@pytest.mark.django_db
def test_the_registry_page_searches_a_nik_by_post(web, officer):
    make_business(owner_nik=NIK, agencies=("DISKOPINDAG",), name="Bakso Pak Nik")
    make_business(agencies=("DISKOPINDAG",), name="Keripik Lain")
    client = web(officer)
    page = client.get("/umkm/registri/").content.decode()
    assert 'method="post"' in page and 'name="nik"' in page
    page = client.post("/umkm/registri/", {"nik": NIK}).content.decode()
    assert "Bakso Pak Nik" in page and "Keripik Lain" not in page
    page = client.post("/umkm/registri/", {"nik": "1234"}).content.decode()
    assert "Bakso Pak Nik" not in page and "16 digit" in page


@pytest.mark.django_db
def test_the_api_refuses_a_nik_in_the_query_string_and_searches_by_post(api, officer):
    from malpro.privacy.models import AccessRecord

    business = make_business(owner_nik=NIK, agencies=("DISKOPINDAG",))
    make_business(agencies=("DISKOPINDAG",))
    client = api(officer)
    refused = client.get("/api/v1/umkm", {"q": NIK})
    assert refused.status_code == 422
    assert "POST /api/v1/umkm/search" in refused.json()["message"]
    found = client.post("/api/v1/umkm/search", {"nik": NIK})
    assert found.status_code == 200
    assert [r["id"] for r in found.json()["results"]] == [business.pk]
    assert AccessRecord.objects.filter(kind="search_nik", subject_business_id=business.pk)
    assert client.post("/api/v1/umkm/search", {"nik": "12"}).status_code == 422
    assert client.get("/api/v1/umkm", {"q": "9120101234567"}).status_code == 200  # a NIB
