"""Issue 18, officers and operators: the registry offers each official only their part of the
city (grouped by kecamatan), refuses the rest next to the field, and lays out one card per
business on a phone; the import mapping speaks in column labels."""

import io
import re

import pytest

from malpro.regions.models import Village
from malpro.umkm.models import ImportJob
from malpro.umkm.tests.factories import make_business

pytestmark = pytest.mark.django_db

KLOJEN = "35.73.02"
SUMBERSARI = "35.73.05.1003"  # Kecamatan Lowokwaru


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(1)


def _options(html: str, name: str) -> list[str]:
    return re.findall(r'<option value="([^"]+)"', _select(html, name))


def test_operator_is_offered_only_their_kelurahan_grouped_by_kecamatan(web, operator):
    html = web(operator).get("/umkm/registri/").content.decode()
    villages = _options(html, "kelurahan")
    klojen = set(Village.objects.filter(district_id=KLOJEN).values_list("code", flat=True))
    assert set(villages) == klojen
    assert len(villages) == 11 or len(villages) == len(klojen)
    assert '<optgroup label="Kec. Klojen">' in _select(html, "kelurahan")
    assert _options(html, "kecamatan") == [KLOJEN]


def test_operator_choosing_another_area_gets_a_field_error(web, operator):
    make_business(village=SUMBERSARI, name="Di Lowokwaru")
    make_business(village="35.73.02.1005", name="Di Klojen")
    response = web(operator).get("/umkm/registri/", {"kelurahan": SUMBERSARI})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in _select_tag(html, "kelurahan")
    assert "Di luar wilayah tugas Anda: pilih kelurahan di wilayah Anda." in html
    assert 'id="id_kelurahan_error"' in html
    # The refused choice filters nothing; the operator's own register is still listed.
    assert "Di Klojen" in html and "Di Lowokwaru" not in html


def _select_tag(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}"[^>]*>', html).group(0)


def test_officer_is_offered_only_their_agency(web, officer):
    html = web(officer).get("/umkm/registri/").content.decode()
    assert _options(html, "agency") == ["DISKOPINDAG"]
    # An officer's businesses are anywhere in the city: every kelurahan is offered.
    assert (
        len(_options(html, "kelurahan"))
        == Village.objects.filter(district__regency_id="35.73").count()
    )


def test_officer_choosing_another_agency_gets_a_field_error(web, officer):
    make_business(agencies=("DISKOPINDAG",), name="Binaan Diskopindag")
    html = web(officer).get("/umkm/registri/", {"agency": "DISPANGTAN"}).content.decode()
    assert "Anda hanya dapat memilih OPD Anda sendiri." in html
    assert 'aria-invalid="true"' in _select_tag(html, "agency")
    assert "Binaan Diskopindag" in html


def test_city_admin_is_offered_the_whole_city(web, city_admin):
    html = web(city_admin).get("/umkm/registri/").content.decode()
    assert len(_options(html, "kecamatan")) == 5
    assert "DISPANGTAN" in _options(html, "agency")


def test_registry_rows_carry_card_labels(web, operator):
    make_business(village="35.73.02.1005", name="Kartu Klojen", nib="9120101234567")
    html = web(operator).get("/umkm/registri/").content.decode()
    assert 'class="registry-table"' in html
    row = re.search(r'<tr class="registry-card">(.*?)</tr>', html, re.S).group(1)
    assert "Kartu Klojen" in row
    for label in ("Kelurahan", "Status", "Skala", "NIB", "Halal", "OPD"):
        assert f'data-label="{label}"' in row


def test_import_mapping_shows_column_labels(web, officer):
    csv = (
        "Nama UMKM;Pemilik;NIK;HP;Kelurahan;Kolom lain\n"
        "Keripik;Sari;3573054107850002;0812;Samaan;x\n"
    )
    upload = io.BytesIO(csv.encode())
    upload.name = "umkm.csv"
    client = web(officer)
    response = client.post("/umkm/registri/impor/", {"file": upload, "agency": "DISKOPINDAG"})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    html = client.get(f"/umkm/registri/impor/{job.pk}/").content.decode()
    assert ">Nama usaha<" in html
    assert ">NIK pemilik<" in html
    assert ">nama_usaha<" not in html
    assert ">nik_pemilik<" not in html


def test_import_upload_offers_only_the_officers_agency(web, officer):
    html = web(officer).get("/umkm/registri/impor/").content.decode()
    assert _options(html, "agency") == ["DISKOPINDAG"]
    upload = io.BytesIO(b"nama_usaha\nx\n")
    upload.name = "umkm.csv"
    response = web(officer).post("/umkm/registri/impor/", {"file": upload, "agency": "DISPANGTAN"})
    assert response.status_code == 200
    assert "Anda hanya dapat mengimpor atas nama OPD Anda sendiri." in response.content.decode()
