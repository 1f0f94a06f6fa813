"""malpro.core.words and its template filters: months, durations and quantities in words."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from malpro.core import words


def render(source: str, **context) -> str:
    with translation.override("id"):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11", "November 2026"),
        ("2026-1", "Januari 2026"),
        (dt.date(2026, 8, 17), "Agustus 2026"),
        ((2026, 12), "Desember 2026"),
        ("2026-Q4", "Triwulan IV 2026"),
        ("bukan periode", "bukan periode"),
        ("", ""),
    ],
)
def test_month_label_filter(value, shown):
    assert render("{{ v|month_label }}", v=value) == shown


@pytest.mark.parametrize(
    ("minutes", "shown"),
    [
        (0, "kurang dari 1 menit"),
        (0.4, "kurang dari 1 menit"),
        (1, "1 menit"),
        (12, "12 menit"),
        (60, "1 jam"),
        (185, "3 jam 5 menit"),
        (2 * 24 * 60, "2 hari"),
        (2 * 24 * 60 + 250, "2 hari 4 jam"),
    ],
)
def test_minutes_words_filter(minutes, shown):
    assert render("{{ m|minutes_words }}", m=minutes) == shown


def test_seconds_words_and_empty_values():
    assert render("{{ s|seconds_words }}", s=45) == "kurang dari 1 menit"
    assert render("{{ s|seconds_words }}", s=3 * 3600) == "3 jam"
    assert render("[{{ s|minutes_words }}]", s=None) == "[]"


def test_quantity_filter():
    assert render("{{ q|quantity:u }}", q=2, u="pak") == "2 pak"
    assert render("{{ q|quantity:u }}", q=1200, u="buah") == "1.200 buah"
    assert render("{{ q|quantity:u }}", q=1.5, u="kg") == "1,5 kg"


def test_english_when_chosen():
    with translation.override("en"):
        assert words.month_label("2026-11") == "November 2026"
