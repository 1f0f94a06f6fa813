"""The menu on a phone: a bottom bar with the few destinations of the person's role, "Lainnya"
for the rest, log-out on the account page (issue 18)."""

import re

import pytest

from malpro.catalog.tests.factories import shop


def _bar(page: str) -> list[str]:
    start = page.index('<nav class="bar"')
    return re.findall(r"<span>([^<]+)</span>", page[start : page.index("</nav>", start)])


def _more(page: str) -> list[str]:
    start = page.index('class="menu-list"')
    return re.findall(r"<span>([^<]+)</span>", page[start : page.index("</ul>", start)])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona, bar",
    [
        ("buyer", ["Beranda", "Cari produk", "Keranjang", "Pesanan saya"]),
        ("asn_user", ["Cari produk", "Kewajiban ASN", "Keranjang", "Pesanan saya"]),
        ("seller", ["Produk saya", "Pesanan masuk", "Saldo toko", "Buku kas"]),
        ("officer", ["Registri UMKM", "Dasbor", "Buku UMKM binaan", "Laporan ASN"]),
        ("operator", ["Cari produk", "Buku kas", "Registri UMKM", "Dasbor"]),
        ("city_admin", ["Registri UMKM", "Dasbor", "Tanda integritas", "Pencairan dana"]),
    ],
)
def test_the_bar_holds_the_roles_main_destinations_and_lainnya(request, web, persona, bar):
    user = request.getfixturevalue(persona)
    if persona == "seller":
        shop(user)
    page = web(user).get("/").content.decode()
    assert _bar(page) == [*bar, "Lainnya"]
    assert "Keluar" not in _bar(page)


@pytest.mark.django_db
def test_lainnya_holds_the_rest_and_the_account(web, seller):
    shop(seller)
    more = _more(web(seller).get("/menu/").content.decode())
    for label in ("Beranda", "Cari produk", "Keranjang", "Pesanan saya", "Usaha saya"):
        assert label in more
    assert "Akun saya" in more and "Notifikasi" in more
    assert "Produk saya" not in more  # already in the bar


@pytest.mark.django_db
def test_a_buyer_is_not_offered_a_business_menu(web, buyer):
    everything = _bar(web(buyer).get("/").content.decode()) + _more(
        web(buyer).get("/menu/").content.decode()
    )
    assert "Usaha saya" not in everything and "Produk saya" not in everything


@pytest.mark.django_db
def test_a_visitor_gets_the_shop_and_the_way_in(client):
    page = client.get("/").content.decode()
    assert _bar(page) == ["Beranda", "Cari produk", "Keranjang", "Lainnya"]
    more = _more(client.get("/menu/").content.decode())
    assert "Masuk" in more and "Daftar akun baru" in more


@pytest.mark.django_db
def test_the_current_page_is_marked_in_the_bar(web, buyer):
    page = web(buyer).get("/keranjang/").content.decode()
    bar = page[page.index('<nav class="bar"') :]
    assert re.search(r'href="/keranjang/" aria-current="page"', bar)
    assert not re.search(r'href="/" aria-current', bar)


@pytest.mark.django_db
def test_logging_out_is_on_the_account_page(web, buyer):
    client = web(buyer)
    assert "Keluar" not in client.get("/").content.decode()
    profile = client.get("/akun/profil/").content.decode()
    assert 'action="/akun/keluar/"' in profile and "Keluar" in profile
    client.post("/akun/keluar/")
    assert client.get("/akun/profil/").status_code == 302


@pytest.mark.django_db
def test_the_favicon_is_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("malpro/icon.svg")
