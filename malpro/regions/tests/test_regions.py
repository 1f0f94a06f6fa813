import io

import pytest
from django.core.management import CommandError, call_command

from malpro.regions.models import District, Province, Regency, Village


def _load(**kwargs) -> str:
    out = io.StringIO()
    call_command("load_regions", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_kota_malang_is_loaded_with_5_kecamatan_and_57_kelurahan():
    assert Regency.objects.get(code="35.73").name == "Kota Malang"
    assert District.objects.filter(regency="35.73").count() == 5
    assert Village.objects.filter(district__regency="35.73").count() == 57


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    before = {v.code: v.name for v in Village.objects.all()}
    output = _load(regency="35.73")
    assert "created=0 updated=0 unchanged=64" in output
    assert {v.code: v.name for v in Village.objects.all()} == before


@pytest.mark.django_db
def test_a_renamed_area_is_corrected_on_reload():
    Village.objects.filter(code="35.73.01.1001").update(name="Salah Nama")
    assert "updated=1" in _load(regency="35.73")
    assert Village.objects.get(code="35.73.01.1001").name == "Balearjosari"


@pytest.mark.django_db
def test_another_regency_can_be_loaded_beside_the_city():
    output = _load(regency="35.07")  # Kabupaten Malang
    assert "regencies=1" in output
    assert Regency.objects.filter(code="35.07").exists()
    assert Province.objects.filter(code="35").count() == 1
    assert District.objects.filter(regency="35.07").count() == 33


@pytest.mark.django_db
def test_unknown_regency_is_refused_with_exit_code_2():
    with pytest.raises(CommandError) as info:
        _load(regency="99.99")
    assert info.value.returncode == 2
    assert "99.99" in str(info.value)


@pytest.mark.django_db
def test_api_lists_the_kecamatan_of_kota_malang(api):
    response = api().get("/api/v1/regions/districts", {"regency": "35.73"})
    assert response.status_code == 200
    assert response.json() == [
        {"code": "35.73.01", "name": "Blimbing"},
        {"code": "35.73.02", "name": "Klojen"},
        {"code": "35.73.03", "name": "Kedungkandang"},
        {"code": "35.73.04", "name": "Sukun"},
        {"code": "35.73.05", "name": "Lowokwaru"},
    ]


@pytest.mark.django_db
def test_api_defaults_to_the_configured_city(api):
    assert len(api().get("/api/v1/regions/districts").json()) == 5


@pytest.mark.django_db
def test_api_lists_the_11_kelurahan_of_blimbing(api):
    response = api().get("/api/v1/regions/villages", {"district": "35.73.01"})
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 11
    assert body[0] == {"code": "35.73.01.1001", "name": "Balearjosari"}
    assert {"code": "35.73.01.1011", "name": "Jodipan"} in body


@pytest.mark.django_db
def test_api_unknown_codes_are_404_with_a_message(api):
    response = api().get("/api/v1/regions/villages", {"district": "35.73.09"})
    assert response.status_code == 404
    assert "35.73.09" in response.json()["message"]
    assert api().get("/api/v1/regions/districts", {"regency": "99.99"}).status_code == 404


@pytest.mark.django_db
def test_api_missing_district_parameter_is_422_naming_it(api):
    response = api().get("/api/v1/regions/villages")
    assert response.status_code == 422
    assert "district" in response.json()["extra"]["fields"]
