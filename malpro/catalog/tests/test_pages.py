import pytest

from malpro.catalog import services
from malpro.catalog.models import Product
from malpro.catalog.tests.factories import product, shop
from malpro.catalog.tests.test_products import jpeg


@pytest.fixture
def listed(seller):
    business = shop(seller, name="Keripik Sanan", village="35.73.01.1005")
    return product(
        business, "Keripik Tempe Original", price=15000, stock=20, description="Dijual per bungkus"
    )


@pytest.mark.django_db
def test_home_shows_categories_and_featured_products(client, listed):
    page = client.get("/").content.decode()
    assert "Bahan pokok &amp; sembako" in page and "Keripik Tempe Original" in page


@pytest.mark.django_db
def test_search_page_and_live_fragment(client, listed):
    page = client.get("/cari/", {"q": "kripik"}).content.decode()
    assert "Keripik Tempe Original" in page and "<html" in page
    fragment = client.get("/cari/", {"q": "kerip"}, headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert "Keripik Tempe Original" in text and "<html" not in text


@pytest.mark.django_db
def test_search_page_filter_chips(client, listed):
    page = client.get("/cari/", {"q": "keripik", "kecamatan": "35.73.01", "halal": "true"})
    text = page.content.decode()
    assert "Blimbing ✕" in text and "Halal ✕" in text


@pytest.mark.django_db
def test_search_results_list_without_per_product_queries(
    client, seller, django_assert_max_num_queries
):
    business = shop(seller)
    for n in range(15):
        product(business, f"Keripik Nomor {n}")
    with django_assert_max_num_queries(16):
        client.get("/cari/", {"q": "keripik"})


@pytest.mark.django_db
def test_product_page_and_storefront(client, listed):
    response = client.get(f"/produk/{listed.pk}/", follow=True)
    page = response.content.decode()
    assert "Keripik Tempe Original" in page and "Rp15.000" in page and "Kec." in page
    storefront = client.get(f"/umkm/profil/{listed.business_id}/", follow=True).content.decode()
    assert "Keripik Tempe Original" in storefront


@pytest.mark.django_db
def test_seller_lists_a_product_with_variants_and_photo_from_the_pages(web, seller):
    business = shop(seller)
    client = web(seller)
    response = client.post(
        f"/jual/produk/baru/?usaha={business.pk}",
        {
            "usaha": business.pk,
            "name": "Sambal Bawang",
            "category_slug": "sambal",
            "price": "22.000",
            "unit": "botol",
            "stock": "0",
            "weight_grams": "300",
            "publish": "on",
            "varian-TOTAL_FORMS": "3",
            "varian-INITIAL_FORMS": "0",
            "varian-0-name": "Sedang",
            "varian-0-price": "22.000",
            "varian-0-stock": "4",
            "varian-1-name": "Pedas",
            "varian-1-price": "25000",
            "varian-1-stock": "6",
        },
    )
    item = Product.objects.get(name="Sambal Bawang")
    assert response.status_code == 302 and item.stock == 10 and item.has_variants
    client.post(f"/jual/produk/{item.pk}/foto/", {"photo": jpeg(1000, 800)})
    assert item.photos.count() == 1
    page = client.get(f"/produk/{item.pk}/", follow=True).content.decode()
    assert 'loading="lazy"' in client.get("/cari/", {"q": "sambal"}).content.decode()
    assert "Pedas" in page and "Rp25.000" in page


@pytest.mark.django_db
def test_product_pages_are_the_owners(web, listed, other_seller, client):
    assert web(other_seller).get(f"/jual/produk/{listed.pk}/").status_code == 404
    assert client.get(f"/jual/produk/{listed.pk}/").status_code == 302


@pytest.mark.django_db
def test_officer_hides_a_product_from_its_page(web, listed, officer):
    client = web(officer)
    assert "Sembunyikan produk" in client.get(f"/produk/{listed.pk}/", follow=True).content.decode()
    client.post(f"/produk/{listed.pk}/sembunyikan/", {"reason": "Foto tidak sesuai"})
    listed.refresh_from_db()
    assert listed.status == "hidden"


@pytest.mark.django_db
def test_mass_upload_page(web, seller, tmp_path):
    from malpro.catalog.tests.test_import_products import ROWS, write

    business = shop(seller)
    path = write(tmp_path / "p.csv", ROWS)
    with open(path, "rb") as handle:
        response = web(seller).post(
            f"/jual/produk/unggah/?usaha={business.pk}", {"usaha": business.pk, "file": handle}
        )
    page = response.content.decode()
    assert "created=2 updated=0 unchanged=0 rejected=5" in page
    assert "Kategori tidak-ada tidak dikenal" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("variant_id", "stock", "message"),
    [
        ("x", "1", "Varian tidak ditemukan."),
        ("9" * 30, "1", "Varian tidak ditemukan."),
        ("999999", "1", "Varian tidak ditemukan."),
        (None, "9" * 30, "Angka stok atau harga tidak valid."),
    ],
)
def test_bad_numbers_in_the_variant_form_are_errors_not_500s(
    web, seller, listed, variant_id, stock, message
):
    variant = services.variant_add(actor=seller, product=listed, name="Besar", price=20000, stock=2)
    client = web(seller)
    response = client.post(
        f"/jual/produk/{listed.pk}/varian/",
        {"variant_id": variant_id or variant.pk, "stock": stock, "price": "20000"},
    )
    assert response.status_code == 302
    assert message in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "evil", ["https://evil.example/", "//evil.example/x", "https:evil.example"]
)
def test_stock_form_does_not_follow_next_to_another_site(web, seller, listed, evil):
    response = web(seller).post(
        f"/jual/produk/{listed.pk}/stok/", {"stock": 5, "price": 15000, "next": evil}
    )
    assert response.status_code == 302 and response["Location"] == "/jual/produk/"
    listed.refresh_from_db()
    assert listed.stock == 5


@pytest.mark.django_db
def test_bad_new_variants_come_back_with_their_errors_and_nothing_is_saved(web, listed):
    client = web(listed.business.owner)
    form = {
        "varian-TOTAL_FORMS": "3",
        "varian-INITIAL_FORMS": "0",
        "varian-0-name": "",
        "varian-0-price": "18.000",
        "varian-0-stock": "5",
        "varian-1-name": "Jumbo",
        "varian-1-price": "dua puluh ribu",
    }
    response = client.post(f"/jual/produk/{listed.pk}/varian/", form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Periksa isian varian." in page
    assert "Isi nama varian, atau kosongkan harga dan stoknya." in page
    assert 'value="Jumbo"' in page and 'value="dua puluh ribu"' in page  # nothing retyped
    assert page.count('class="errorlist" role="alert"') == 2
    assert not listed.variants.exists()

    form.update({"varian-0-name": "Sedang", "varian-1-price": "20.000", "varian-1-stock": "2"})
    assert client.post(f"/jual/produk/{listed.pk}/varian/", form).status_code == 302
    assert sorted(listed.variants.values_list("name", "price")) == [
        ("Jumbo", 20000),
        ("Sedang", 18000),
    ]
