"""Issue 18: a search that finds nothing is never a dead end. A misspelling gets the catalog's
own spelling ("Mungkin maksud Anda: keripik") and following it finds products; the matching or
popular categories and popular products are offered. The same cases run on PostgreSQL in CI."""

import pytest

from malpro.catalog.tests.factories import product, shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(seller, other_seller):
    sanan = shop(seller, name="Keripik Sanan")
    warung = shop(other_seller, name="Warung Pak Min")
    return {
        "tempe": product(sanan, "Keripik Tempe Original", price=15000, stock=20),
        "bakso": product(warung, "Bakso Urat Beku", category="makanan-beku", price=30000),
    }


def test_a_word_one_typo_away_offers_the_catalogs_spelling_with_its_results(client, catalog):
    page = client.get("/cari/", {"q": "bakzo"})
    html = page.content.decode()
    assert "Mungkin maksud Anda:" in html and "<strong>bakso</strong>" in html
    assert "Bakso Urat Beku" in html  # the engine already found it under its spelling
    assert page.context["did_you_mean"]["query"] == "q=bakso"


def test_a_misspelling_with_no_results_suggests_a_spelling_categories_and_products(client, catalog):
    html = client.get("/cari/", {"q": "kripk"}).content.decode()  # two edits from "keripik"
    assert "Mungkin maksud Anda:" in html and "<strong>keripik</strong>" in html
    assert 'href="?q=keripik"' in html
    assert "Coba kategori" in html and "Produk populer" in html
    following = client.get("/cari/", {"q": "keripik"}).content.decode()
    assert "Keripik Tempe Original" in following


def test_words_the_catalog_does_not_know_still_get_categories_and_popular_products(client, catalog):
    page = client.get("/cari/", {"q": "zzzqqq"})
    html = page.content.decode()
    assert page.context["result"].total == 0
    assert "Mungkin maksud Anda" not in html
    assert "Kategori populer" not in html or "Coba kategori" in html
    assert "Keripik Tempe Original" in html and "Bakso Urat Beku" in html  # popular products
    assert page.context["suggestions"].categories
