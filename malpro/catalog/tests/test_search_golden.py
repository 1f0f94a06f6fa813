"""One query set, one expected answer: the top results per query were recorded once (on SQLite,
identical on PostgreSQL) and are checked on every backend (CI runs this file on SQLite and on
PostgreSQL), so both backends are proven to return the same top results, in the same order."""

import pytest

from malpro.catalog.search.engine import SearchParams, search
from malpro.catalog.tests.factories import product, shop

CATALOG = [
    # (shop, name, category, price, stock, description)
    (0, "Keripik Tempe Original", "keripik", 15000, 20, "Tempe tipis renyah, dijual per bungkus"),
    (0, "Keripik Tempe Pedas Daun Jeruk", "keripik", 16000, 0, "Keripik tempe rasa pedas"),
    (0, "Kripik Singkong Balado", "keripik", 12000, 15, "Singkong pilihan bumbu balado"),
    (0, "Keripik Pisang Coklat", "keripik", 18000, 8, "Pisang agung dilapisi coklat"),
    (0, "Kerupuk Udang Sidoarjo", "kerupuk", 20000, 10, "Kerupuk mentah siap goreng"),
    (1, "Sambel Bawang Pedas", "sambal", 25000, 12, "Sambal bawang botol 150 ml"),
    (1, "Sambal Terasi Ulek", "sambal", 22000, 0, "Terasi asli, tanpa pengawet"),
    (1, "Nasi Pecel Madiun", "nasi-lauk", 15000, 30, "Pecel dengan sambal kacang"),
    (1, "Rawon Daging Sapi", "nasi-lauk", 28000, 10, "Kuah hitam kluwek, daging empuk"),
    (2, "Kopi Bubuk Arabika Dampit", "kopi", 45000, 20, "Biji kopi pilihan digiling halus"),
    (2, "Kopi Robusta Tumpang", "kopi", 35000, 25, "Kopi robusta dari lereng Tumpang"),
    (2, "Es Kopi Susu Gula Aren", "minuman-segar", 12000, 40, "Minuman kopi dengan susu segar"),
    (2, "Teh Tubruk Melati", "teh", 8000, 50, "Teh yang dijual per gelas"),
    (2, "Wedang Jahe Merah", "jamu", 10000, 15, "Minum hangat untuk badan"),
    (2, "Susu Sapi Segar Pasteurisasi", "susu", 14000, 30, "Susu segar dari peternak Pujon"),
    (3, "Beras Organik Pandan Wangi 5 kg", "beras", 85000, 20, "Beras pulen organik"),
    (3, "Beras Merah 2 kg", "beras", 40000, 0, "Beras merah sehat"),
    (3, "Minyak Kelapa Murni 1 liter", "minyak-goreng", 60000, 10, "Minyak goreng kelapa"),
    (3, "Gula Aren Cetak", "gula", 25000, 35, "Gula merah asli"),
    (3, "Telur Ayam Kampung 10 butir", "telur", 30000, 15, "Telor kampung segar"),
    (4, "Batik Tulis Malangan", "batik", 350000, 5, "Batik tulis motif topeng Malang"),
    (4, "Kemeja Batik Cap Pria", "pakaian", 175000, 12, "Batik cap katun"),
    (4, "Tas Anyaman Pandan", "anyaman", 95000, 7, "Anyaman tangan pengrajin Malang"),
    (4, "Topeng Malangan Kayu", "kerajinan-kayu", 250000, 3, "Kerajinan kayu topeng"),
]
SHOPS = [
    ("Keripik Sanan", "35.73.01.1005"),
    ("Dapur Bu Rini", "35.73.02.1001"),
    ("Kedai Kopi Dinoyo", "35.73.05.1003"),
    ("Tani Makmur", "35.73.03.1001"),
    ("Batik Celaket", "35.73.02.1005"),
]

EXPECTED = {
    "keripik": [
        "Keripik Pisang Coklat",
        "Kripik Singkong Balado",
        "Keripik Tempe Original",
        "Keripik Tempe Pedas Daun Jeruk",
    ],
    "kripik tempe": ["Keripik Tempe Original", "Keripik Tempe Pedas Daun Jeruk"],
    "sambel": ["Sambel Bawang Pedas", "Sambal Terasi Ulek", "Nasi Pecel Madiun"],
    "kopi": ["Es Kopi Susu Gula Aren", "Kopi Robusta Tumpang", "Kopi Bubuk Arabika Dampit"],
    "coffee": ["Es Kopi Susu Gula Aren", "Kopi Robusta Tumpang", "Kopi Bubuk Arabika Dampit"],
    "minuman": [
        "Wedang Jahe Merah",
        "Teh Tubruk Melati",
        "Es Kopi Susu Gula Aren",
        "Kopi Robusta Tumpang",
        "Kopi Bubuk Arabika Dampit",
    ],
    "jual": ["Teh Tubruk Melati", "Keripik Tempe Original"],
    "susu": ["Susu Sapi Segar Pasteurisasi", "Es Kopi Susu Gula Aren"],
    "beras": ["Beras Organik Pandan Wangi 5 kg", "Beras Merah 2 kg"],
    "telor": ["Telur Ayam Kampung 10 butir"],
    "batik": ["Kemeja Batik Cap Pria", "Batik Tulis Malangan"],
    "malangan": ["Topeng Malangan Kayu", "Batik Tulis Malangan", "Tas Anyaman Pandan"],
    "arbika": ["Kopi Bubuk Arabika Dampit"],
    "singkng": ["Kripik Singkong Balado"],
    "singkong": ["Kripik Singkong Balado"],
    "robsta": ["Kopi Robusta Tumpang"],
    "gula aren": ["Gula Aren Cetak", "Es Kopi Susu Gula Aren"],
    '"gula aren"': ["Gula Aren Cetak", "Es Kopi Susu Gula Aren"],
    "anyaman pandan": ["Tas Anyaman Pandan"],
    "pandan": ["Tas Anyaman Pandan", "Beras Organik Pandan Wangi 5 kg"],
}
TYPING = {
    "kerip": [
        "Keripik Pisang Coklat",
        "Keripik Tempe Original",
        "Keripik Tempe Pedas Daun Jeruk",
        "Kripik Singkong Balado",
    ],
    "beras mer": ["Beras Merah 2 kg"],
    "topen": ["Topeng Malangan Kayu", "Batik Tulis Malangan"],
}


@pytest.fixture
def golden_catalog(db):
    from malpro.conftest import make_user

    shops = []
    for index, (name, village) in enumerate(SHOPS):
        owner = make_user(f"08123460000{index}", f"Pemilik {name}", [("seller", None, None)])
        shops.append(shop(owner, name=name, village=village))
    for shop_index, name, category, price, stock, description in CATALOG:
        product(
            shops[shop_index],
            name,
            category=category,
            price=price,
            stock=stock,
            description=description,
        )


def top(q, typing=False):
    return [p.name for p in search(SearchParams(q=q, typing=typing, page_size=10)).products]


@pytest.mark.django_db
@pytest.mark.parametrize("q", list(EXPECTED))
def test_query_set_gives_the_expected_top_results(golden_catalog, q):
    assert top(q) == EXPECTED[q]


@pytest.mark.django_db
@pytest.mark.parametrize("q", list(TYPING))
def test_typing_ahead_gives_the_expected_top_results(golden_catalog, q):
    assert top(q, typing=True) == TYPING[q]
