"""The language cases of product search. The suite runs on SQLite (FTS5) and again on
PostgreSQL (full text with the `indonesian` configuration and pg_trgm) in CI: every case here
must give the same products on both."""

import pytest

from malpro.catalog import services
from malpro.catalog.models import Category, Synonym
from malpro.catalog.search.engine import SearchParams, search
from malpro.catalog.tests.factories import product, shop


@pytest.fixture
def catalog(seller, other_seller):
    kripik = shop(
        seller, name="Keripik Sanan", village="35.73.01.1005", halal_number="ID35110000123450123"
    )
    kopi = shop(
        other_seller, name="Kedai Kopi Dinoyo", village="35.73.05.1003", agencies=("DISPANGTAN",)
    )
    items = {
        "tempe": product(
            kripik,
            "Keripik Tempe Original",
            price=15000,
            stock=20,
            description="Keripik tempe tipis renyah dijual per bungkus 250 gram",
        ),
        "pisang": product(
            kripik,
            "Kripik Pisang Coklat",
            price=18000,
            stock=0,
            description="Pisang agung dari Lumajang",
        ),
        "sambal": product(
            kripik,
            "Sambel Bawang Pedas",
            category="sambal",
            price=25000,
            description="Sambal botol tanpa pengawet",
        ),
        "kopi": product(
            kopi,
            "Kopi Bubuk Arabika Dampit",
            category="kopi",
            price=45000,
            description="Biji kopi pilihan digiling halus",
        ),
        "es": product(
            kopi,
            "Es Kopi Susu Gula Aren",
            category="minuman-segar",
            price=12000,
            description="Minuman dingin kopi dengan susu segar",
        ),
        "jahe": product(
            kopi,
            "Wedang Jahe Merah",
            category="jamu",
            price=10000,
            description="Minum hangat untuk badan",
        ),
        "teh": product(
            kopi,
            "Teh Tubruk Melati",
            category="teh",
            price=8000,
            description="Seduhan teh yang dijual per gelas",
        ),
    }
    return items


def found(q="", **params):
    result = search(SearchParams(q=q, page_size=50, **params))
    return [p.name for p in result.products]


def ids(q="", **params):
    return {p.pk for p in search(SearchParams(q=q, page_size=50, **params)).products}


@pytest.mark.django_db
def test_affixes_minuman_finds_minum(catalog):
    assert catalog["jahe"].name in found("minuman")


@pytest.mark.django_db
def test_affixes_jual_finds_dijual(catalog):
    assert {catalog["tempe"].pk, catalog["teh"].pk} <= ids("jual")


@pytest.mark.django_db
def test_spelling_variants_keripik_and_kripik(catalog):
    both = {catalog["tempe"].pk, catalog["pisang"].pk}
    assert both <= ids("kripik")
    assert both <= ids("keripik")


@pytest.mark.django_db
def test_spelling_variants_sambal_and_sambel(catalog):
    assert catalog["sambal"].pk in ids("sambal")
    assert catalog["sambal"].pk in ids("sambel")


@pytest.mark.django_db
def test_synonym_coffee_finds_kopi(catalog):
    assert {catalog["kopi"].pk, catalog["es"].pk} <= ids("coffee")


def api_ids(client, q):
    response = client.get("/api/v1/products", {"q": q, "page_size": 50})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.django_db
def test_synonyms_are_editable_by_the_city_admin(catalog, web, city_admin):
    browser = web(city_admin)
    assert catalog["jahe"].pk not in api_ids(browser, "ginger")  # the groups are now cached
    response = browser.post(
        "/admin/catalog/synonym/add/", {"words": "jahe, ginger", "note": "bahasa Inggris"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert catalog["jahe"].pk in api_ids(browser, "ginger")


@pytest.mark.django_db
def test_a_synonym_edited_or_deleted_in_the_admin_applies_at_once(catalog, web, city_admin):
    browser = web(city_admin)
    row = Synonym.objects.create(words="jahe, ginger")
    assert catalog["jahe"].pk in api_ids(browser, "ginger")
    change = f"/admin/catalog/synonym/{row.pk}/change/"
    assert browser.post(change, {"words": "jahe, zingiber", "note": ""}).status_code == 302
    assert catalog["jahe"].pk not in api_ids(browser, "ginger")
    assert catalog["jahe"].pk in api_ids(browser, "zingiber")
    delete = f"/admin/catalog/synonym/{row.pk}/delete/"
    assert browser.post(delete, {"post": "yes"}).status_code == 302
    assert catalog["jahe"].pk not in api_ids(browser, "zingiber")


@pytest.mark.django_db
def test_a_synonym_needs_two_words(web, city_admin):
    response = web(city_admin).post("/admin/catalog/synonym/add/", {"words": "ginger"})
    assert response.status_code == 200
    assert "paling sedikit dua kata" in response.content.decode()
    assert not Synonym.objects.filter(words="ginger").exists()


@pytest.mark.django_db
def test_the_category_tree_is_editable_by_the_city_admin(catalog, web, city_admin, auditor):
    assert web(auditor).get("/admin/catalog/category/").status_code == 302
    browser = web(city_admin)
    listing = browser.get("/admin/catalog/category/")
    assert listing.status_code == 200 and "— Jamu" in listing.content.decode()
    jamu = Category.objects.get(slug="jamu")
    response = browser.post(
        f"/admin/catalog/category/{jamu.pk}/change/",
        {
            "name": "Rempah Tradisional",
            "slug": "jamu",
            "parent": jamu.parent_id,
            "position": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # The category's words are indexed with its products: the rename is searchable at once.
    assert catalog["jahe"].pk in api_ids(browser, "rempah")


@pytest.mark.django_db
def test_the_category_tree_stays_two_levels(web, city_admin):
    child = Category.objects.get(slug="jamu")
    response = web(city_admin).post(
        "/admin/catalog/category/add/",
        {"name": "Jamu Gendong", "slug": "jamu-gendong", "parent": child.pk, "position": 0},
    )
    assert response.status_code == 200
    assert not Category.objects.filter(slug="jamu-gendong").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typo", ["kerupik", "keripk", "arbika", "arabkia", "pisnag", "coklet"])
def test_one_letter_typos_in_long_words(catalog, typo):
    expected = {
        "kerupik": "tempe",
        "keripk": "tempe",
        "arbika": "kopi",
        "arabkia": "kopi",
        "pisnag": "pisang",
        "coklet": "pisang",
    }[typo]
    assert catalog[expected].pk in ids(typo)


@pytest.mark.django_db
def test_short_words_are_not_typo_corrected(catalog):
    assert ids("tah") == set()  # "teh" is one letter away, but a 3-letter word is too short


@pytest.mark.django_db
def test_prefix_while_typing(catalog):
    result = search(SearchParams(q="kerip", typing=True, page_size=50))
    assert {catalog["tempe"].pk, catalog["pisang"].pk} <= {p.pk for p in result.products}
    assert catalog["tempe"].pk in {
        p.pk for p in search(SearchParams(q="keripik tem", typing=True)).products
    }


@pytest.mark.django_db
def test_phrases(catalog):
    assert ids('"kopi susu"') == {catalog["es"].pk}
    assert catalog["kopi"].pk in ids("kopi bubuk")
    assert ids('"bubuk kopi"') == set()


@pytest.mark.django_db
def test_every_word_must_match(catalog):
    assert ids("keripik pisang") == {catalog["pisang"].pk}


@pytest.mark.django_db
def test_name_matches_rank_above_description_matches(catalog):
    names = found("susu")
    assert names.index("Es Kopi Susu Gula Aren") == 0


@pytest.mark.django_db
def test_in_stock_ranks_above_out_of_stock(catalog):
    names = found("keripik")
    assert names.index("Keripik Tempe Original") < names.index("Kripik Pisang Coklat")


@pytest.mark.django_db
def test_filters(catalog):
    minuman = Category.objects.get(slug="minuman")
    assert ids(category=minuman) == {catalog[k].pk for k in ("kopi", "es", "jahe", "teh")}
    assert ids(kecamatan="35.73.01") == {catalog[k].pk for k in ("tempe", "pisang", "sambal")}
    assert ids(halal=True) == {catalog[k].pk for k in ("tempe", "pisang", "sambal")}
    assert ids(agency="DISPANGTAN") == {catalog[k].pk for k in ("kopi", "es", "jahe", "teh")}
    assert ids(min_price=12000, max_price=18000) == {
        catalog[k].pk for k in ("tempe", "pisang", "es")
    }
    assert catalog["pisang"].pk not in ids(in_stock=True)


@pytest.mark.django_db
def test_sorts(catalog):
    assert found(sort="price_asc")[0] == "Teh Tubruk Melati"
    assert found(sort="price_desc")[0] == "Kopi Bubuk Arabika Dampit"
    assert found(sort="newest")[0] == "Teh Tubruk Melati"
    services.stock_set(
        actor=catalog["sambal"].business.owner, product_id=catalog["sambal"].pk, stock=5
    )
    type(catalog["sambal"]).objects.filter(pk=catalog["sambal"].pk).update(sold_count=99)
    from malpro.catalog.search.engine import reindex

    reindex([catalog["sambal"].pk])
    assert found(sort="best_selling")[0] == "Sambel Bawang Pedas"


@pytest.mark.django_db
def test_facets(catalog):
    result = search(SearchParams(q="kopi"))
    minuman = Category.objects.get(slug="minuman")
    assert result.facets["category"] == {str(minuman.pk): 2}
    assert result.facets["kecamatan"] == {"35.73.05": 2}
    assert result.facets["halal"] == {"true": 0, "false": 2}


@pytest.mark.django_db
def test_hidden_and_suspended_products_disappear(catalog, officer, city_admin):
    services.product_transition(
        actor=city_admin, product_id=catalog["teh"].pk, to="hidden", reason="Foto palsu"
    )
    assert catalog["teh"].pk not in ids("teh")
    from malpro.umkm import services as umkm_services

    umkm_services.business_transition(
        actor=city_admin,
        business_id=catalog["tempe"].business_id,
        to="suspended",
        reason="Pemeriksaan",
    )
    assert ids("keripik") == set()


@pytest.mark.django_db
def test_the_same_query_set_gives_a_stable_order(catalog):
    for q in ("kopi", "keripik", "minuman", "coffee", "jual"):
        assert found(q) == found(q)
