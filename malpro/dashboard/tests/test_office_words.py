"""Issue 18: the dashboard prints months, days and durations in words."""

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from malpro.dashboard.tables import HOURS, show

pytestmark = pytest.mark.django_db


def test_the_chosen_month_in_words(web, officer):
    page = web(officer).get("/dasbor/", {"periode": "2026-10"}).content.decode()
    assert "<strong>Oktober 2026</strong>" in page
    assert ">Oktober 2026</option>" in page


def test_a_year_lists_its_months_in_words_not_numbers(web, city_admin):
    year = timezone.localdate().year
    page = web(city_admin).get("/dasbor/", {"periode": str(year)}).content.decode()
    assert f'<th scope="row">Januari {year}</th>' in page
    assert f"01/{year}" not in page


def test_a_month_lists_its_days_in_words(web, city_admin):
    first = timezone.localdate().replace(day=1)
    page = web(city_admin).get("/dasbor/", {"periode": f"{first:%Y-%m}"}).content.decode()
    with translation.override("id"):
        shown = date_format(first, "j F Y")
    assert f'<th scope="row">{shown}</th>' in page
    assert f">{first.isoformat()}<" not in page


def test_durations_in_words():
    with translation.override("id"):
        assert show(HOURS, 12.5) == "12 jam 30 menit"
        assert show(HOURS, 0.005) == "kurang dari 1 menit"
        assert show(HOURS, 50) == "2 hari 2 jam"


def test_open_data_lists_months_in_words(client):
    year = timezone.localdate().year
    page = client.get("/data/").content.decode()
    assert f'<th scope="row">Januari {year}</th>' in page
    assert f'<th scope="row">{year}-01</th>' not in page
