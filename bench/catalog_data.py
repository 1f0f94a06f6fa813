"""A deterministic generator of a city-scale marketplace catalog for Kota Malang.

`generate(products=1_000_000, businesses=80_000, seed=...)` returns a Catalog whose
`businesses()` and `products()` iterate plain tuples: active businesses selling on the
marketplace, spread over the city's real kelurahan (and so its five kecamatan), and published
products with stock, prices in whole rupiah and the names UMKM give their goods ("Keripik Tempe
Pedas 250 gr", "Batik Tulis Malangan Motif Topeng", "Kopi Bubuk Dampit 200 g"), in the real
category tree (malpro/catalog/data/categories.py, by slug).

Only a seeded random.Random is used, never set iteration or the clock, so the same
(products, businesses, seed) always gives the same rows. The generator does not import Django;
the loader (bench.search_child) writes the rows into the tables with bulk SQL.

    .venv/bin/python -m bench.catalog_data --products 20 --businesses 5     # a sample
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass

from bench.umkm_data import BRANDS, BU_PAK, MEN, REGENCY, WOMEN, load_villages

DEFAULT_SEED = 35730
DEFAULT_PRODUCTS = 1_000_000
DEFAULT_BUSINESSES = 80_000

ORIGINS = [
    "Malang",
    "Khas Malang",
    "Dampit",
    "Tumpang",
    "Poncokusumo",
    "Pujon",
    "Batu",
    "Singosari",
    "Sanan",
    "Dinoyo",
    "Kepanjen",
    "Wajak",
    "Ngantang",
    "Lawang",
    "Arjosari",
    "Tlogomas",
]


@dataclass(frozen=True)
class Kind:
    """How one subcategory's products are named and priced."""

    items: tuple[str, ...]
    variants: tuple[str, ...]
    sizes: tuple[str, ...]
    price: tuple[int, int, int]  # lowest, highest, step (whole rupiah)
    unit: str
    words: tuple[str, ...]  # description phrases


def _k(items: str, variants: str, sizes: str, price, unit: str, words: str) -> Kind:
    def split(text: str) -> tuple[str, ...]:
        return tuple(text.split(";")) if text else ()

    return Kind(split(items), split(variants), split(sizes), price, unit, split(words))


# slug -> how its products look. Every child category of the seeded tree has an entry.
KINDS: dict[str, Kind] = {
    "beras": _k(
        "Beras Pandan Wangi;Beras Rojolele;Beras Mentik Wangi;Beras Merah;Beras Hitam Organik;"
        "Beras Ketan Putih;Beras IR64 Premium;Beras Organik",
        "Pulen;Super;Premium;Medium;Organik",
        "1 kg;2 kg;5 kg;10 kg;25 kg",
        (12_000, 350_000, 500),
        "karung",
        "beras pulen hasil petani lokal;dikemas rapat;tanpa pemutih;panen baru",
    ),
    "minyak-goreng": _k(
        "Minyak Goreng Sawit;Minyak Kelapa Murni;Minyak Kelapa Kampung;Minyak Goreng Curah",
        "Jernih;Asli;Tanpa Kolesterol",
        "500 ml;1 liter;2 liter;5 liter",
        (9_000, 120_000, 500),
        "botol",
        "minyak goreng jernih;untuk menggoreng;kemasan botol;tahan lama",
    ),
    "gula": _k(
        "Gula Aren Cetak;Gula Kelapa;Gula Pasir Lokal;Gula Semut Aren;Gula Merah Batok",
        "Asli;Murni;Organik",
        "250 gr;500 gr;1 kg",
        (8_000, 60_000, 500),
        "pack",
        "gula asli tanpa campuran;cocok untuk kolak dan jamu;manis legit",
    ),
    "telur": _k(
        "Telur Ayam Kampung;Telur Ayam Negeri;Telur Bebek;Telur Asin;Telur Puyuh",
        "Segar;Omega;Organik",
        "10 butir;1 kg;1 peti;30 butir",
        (15_000, 420_000, 500),
        "pack",
        "telur segar dari peternak;diambil setiap pagi;telor pilihan",
    ),
    "tepung": _k(
        "Tepung Terigu;Tepung Beras;Tepung Tapioka;Tepung Mocaf;Tepung Maizena;Tepung Ketan",
        "Serbaguna;Protein Tinggi;Halus",
        "500 gr;1 kg;5 kg",
        (6_000, 75_000, 500),
        "pack",
        "tepung halus untuk kue;bahan roti dan gorengan;kemasan ulang",
    ),
    "bumbu-dapur": _k(
        "Bumbu Rawon;Bumbu Pecel;Bumbu Rujak;Bumbu Soto;Bumbu Nasi Goreng;Kluwek;Terasi Udang;"
        "Bawang Goreng;Merica Bubuk;Ketumbar Bubuk;Kunyit Bubuk",
        "Instan;Asli;Spesial;Praktis",
        "50 gr;100 gr;250 gr;500 gr",
        (3_000, 55_000, 500),
        "pack",
        "bumbu racikan rumahan;tanpa pengawet;praktis tinggal masak;rempah pilihan",
    ),
    "keripik": _k(
        "Keripik Tempe;Keripik Singkong;Keripik Pisang;Keripik Apel;Keripik Nangka;"
        "Keripik Kentang;Keripik Talas;Keripik Usus;Keripik Salak;Keripik Bayam;Kripik Tempe Sagu;"
        "Keripik Buah",
        "Original;Pedas;Balado;Keju;Jagung Bakar;Pedas Daun Jeruk;Manis;Rumput Laut;Barbeque;"
        "Sapi Panggang;Coklat",
        "100 gr;150 gr;200 gr;250 gr;500 gr;1 kg",
        (7_000, 95_000, 500),
        "pack",
        "renyah dan gurih;digoreng tipis;tanpa pengawet;oleh oleh khas malang;camilan keluarga",
    ),
    "kue-kering": _k(
        "Kue Nastar;Kastengel;Putri Salju;Kue Kacang;Lidah Kucing;Kue Semprit;Cookies Coklat;"
        "Kue Bawang;Rambutan Keju;Sagu Keju",
        "Premium;Spesial Lebaran;Wisman;Lumer;Renyah",
        "250 gr;500 gr;toples 1 kg",
        (25_000, 180_000, 1_000),
        "box",
        "kue kering buatan rumah;mentega asli;cocok untuk hampers lebaran;toples cantik",
    ),
    "kerupuk": _k(
        "Kerupuk Udang;Kerupuk Ikan;Kerupuk Samiler;Kerupuk Rambak;Kerupuk Bawang;Krupuk Puli;"
        "Kerupuk Kulit Sapi;Kerupuk Tahu;Opak Gambir",
        "Mentah;Matang;Pedas;Original",
        "250 gr;500 gr;1 kg",
        (8_000, 85_000, 500),
        "pack",
        "kerupuk siap goreng;mengembang sempurna;lauk pelengkap;renyah gurih",
    ),
    "nasi-lauk": _k(
        "Nasi Pecel;Rawon Daging;Nasi Campur;Soto Ayam Lamongan;Nasi Goreng Jawa;"
        "Ayam Goreng Kremes;Bakso Malang;Cwie Mie;Nasi Rawon;Sego Resek;Tahu Telor;Rujak Cingur;"
        "Lalapan Lele;"
        "Ayam Bakar Madu;Mie Ayam",
        "Spesial;Komplit;Jumbo;Pedas;Biasa",
        "1 porsi;porsi jumbo;paket hemat",
        (8_000, 65_000, 1_000),
        "porsi",
        "masakan rumahan hangat;bumbu meresap;porsi mengenyangkan;cocok untuk makan siang",
    ),
    "kue-basah": _k(
        "Lapis Legit;Klepon;Lemper Ayam;Onde Onde;Nagasari;Getuk Lindri;Kue Lumpur;Bolu Kukus;"
        "Risoles;Pastel Sayur;Dadar Gulung;Putu Ayu;Brownies Kukus;Bikang",
        "Pandan;Coklat;Keju;Original;Gula Merah",
        "isi 10;isi 20;loyang;1 box",
        (10_000, 150_000, 1_000),
        "box",
        "kue basah dibuat pagi;cocok untuk arisan dan rapat;lembut dan legit;tanpa pengawet",
    ),
    "makanan-beku": _k(
        "Bakso Sapi Beku;Nugget Ayam;Dimsum Ayam;Pentol Bakso;Siomay Ikan;Sosis Sapi;Risoles Beku;"
        "Lumpia Beku;Tahu Bakso Frozen;Cireng Isi",
        "Original;Pedas;Keju;Jumbo",
        "isi 10;isi 25;isi 50;500 gr;1 kg",
        (15_000, 120_000, 1_000),
        "pack",
        "makanan beku siap goreng;tahan sebulan di freezer;daging asli;praktis untuk bekal",
    ),
    "sambal": _k(
        "Sambal Bawang;Sambal Terasi;Sambal Ijo;Sambal Roa;Sambal Bajak;Sambel Pecel;"
        "Sambal Cumi;Sambal Teri;Sambal Ebi;Sambal Matah",
        "Pedas;Extra Pedas;Level 5;Original;Manis",
        "botol 150 ml;botol 250 ml;jar 200 gr;sachet",
        (12_000, 65_000, 500),
        "botol",
        "sambal cabai segar;ulekan tangan;tahan lama tanpa pengawet;pedas nampol",
    ),
    "kopi": _k(
        "Kopi Bubuk Dampit;Kopi Robusta Dampit;Kopi Arabika Tirtoyudo;Kopi Luwak;"
        "Kopi Bubuk Tumpang;Kopi Lanang;Kopi Biji Robusta;Kopi Arabika Semeru;Kopi Tubruk;"
        "Kopi Jahe;Kopi Susu Literan",
        "Bubuk;Biji;Sangrai Medium;Sangrai Gelap;Giling Halus",
        "100 g;200 g;250 g;500 g;1 kg",
        (15_000, 250_000, 1_000),
        "pack",
        "kopi petani lereng semeru;disangrai sendiri;aroma kuat;biji pilihan",
    ),
    "teh": _k(
        "Teh Tubruk;Teh Melati;Teh Hijau;Teh Rosella;Teh Daun Kelor;Teh Sereh;Teh Tarik;Teh Poci",
        "Wangi;Celup;Tubruk;Organik",
        "50 gr;100 gr;isi 25 kantong",
        (5_000, 60_000, 500),
        "pack",
        "teh wangi seduhan;daun pilihan;segar diminum hangat atau dingin",
    ),
    "jamu": _k(
        "Jamu Kunyit Asam;Jamu Beras Kencur;Wedang Jahe Merah;Wedang Uwuh;Jamu Temulawak;"
        "Jamu Sinom;Jamu Paitan;Sari Jahe Instan;Jamu Gendong",
        "Segar;Instan;Botol;Tanpa Gula",
        "botol 250 ml;botol 600 ml;1 liter;250 gr",
        (5_000, 60_000, 500),
        "botol",
        "jamu tradisional resep turun temurun;menjaga daya tahan;diminum hangat;rempah asli",
    ),
    "minuman-segar": _k(
        "Sari Apel Batu;Es Kopi Susu;Es Degan;Jus Jambu;Es Teh Manis;Susu Kedelai;Es Dawet;"
        "Cincau Hijau;Minuman Sari Buah;Es Coklat;Air Mineral",
        "Gula Aren;Segar;Dingin;Literan",
        "botol 250 ml;cup 350 ml;1 liter;1 dus",
        (3_000, 80_000, 500),
        "botol",
        "minuman segar dingin;tanpa pemanis buatan;cocok untuk siang hari;buah asli",
    ),
    "sayur": _k(
        "Sayur Bayam;Kangkung;Sawi Hijau;Brokoli;Wortel Batu;Kentang Dieng;Kubis;Tomat;"
        "Cabe Rawit;Cabai Merah Keriting;Bawang Merah;Bawang Putih;Selada Hidroponik;Jamur Tiram",
        "Segar;Organik;Hidroponik;Petik Pagi",
        "250 gr;500 gr;1 kg;1 ikat",
        (3_000, 90_000, 500),
        "kg",
        "sayur segar dipetik pagi;dari kebun petani;tanpa pestisida berlebih;dikirim hari ini",
    ),
    "buah": _k(
        "Apel Manalagi;Apel Anna;Jeruk Keprok Batu;Salak Pondoh;Alpukat Mentega;Pisang Raja;"
        "Jambu Kristal;Mangga Arumanis;Buah Naga Merah;Durian Lokal;Stroberi Batu;Pepaya",
        "Manis;Segar;Super;Grade A",
        "1 kg;2 kg;1 sisir;per buah",
        (8_000, 150_000, 500),
        "kg",
        "buah segar langsung dari kebun;manis dan segar;dipilih satu per satu",
    ),
    "daging-ikan": _k(
        "Daging Sapi;Ayam Kampung Potong;Ayam Broiler;Ikan Lele;Ikan Nila;Ikan Gurami;Udang Vaname;"
        "Iga Sapi;Tetelan Sapi;Ikan Bandeng Presto;Daging Kambing",
        "Segar;Fillet;Potong;Bersih",
        "500 gr;1 kg;1 ekor",
        (20_000, 300_000, 1_000),
        "kg",
        "daging segar potong hari ini;bersih siap masak;dikemas dingin",
    ),
    "madu": _k(
        "Madu Hutan;Madu Randu;Madu Kelengkeng;Madu Kaliandra;Madu Klanceng;Madu Murni Lawang",
        "Asli;Murni;Mentah",
        "250 ml;500 ml;1 kg",
        (35_000, 300_000, 1_000),
        "botol",
        "madu murni dari peternak lebah;tanpa campuran gula;kental dan harum",
    ),
    "susu": _k(
        "Susu Sapi Segar;Susu Pasteurisasi;Susu Kambing Etawa;Susu Murni Pujon;Susu Coklat;"
        "Susu Strawberry",
        "Segar;Murni;Rasa Coklat;Full Cream",
        "250 ml;500 ml;1 liter",
        (6_000, 60_000, 500),
        "botol",
        "susu segar dari peternak pujon;dipasteurisasi;simpan di kulkas",
    ),
    "yogurt": _k(
        "Yogurt Plain;Yogurt Stroberi;Yogurt Anggur;Yogurt Drink;Greek Yogurt",
        "Segar;Rendah Gula;Buah Asli",
        "250 ml;500 ml;1 liter",
        (8_000, 60_000, 500),
        "botol",
        "yogurt segar fermentasi alami;baik untuk pencernaan;tanpa pengawet",
    ),
    "keju": _k(
        "Keju Mozarella;Keju Cheddar Lokal;Keju Gouda;Keju Feta;Keju Oles",
        "Lokal;Segar;Parut",
        "100 gr;250 gr;500 gr",
        (20_000, 150_000, 1_000),
        "pack",
        "keju susu sapi lokal;meleleh sempurna untuk pizza;dibuat di malang",
    ),
    "anyaman": _k(
        "Tas Anyaman Pandan;Keranjang Rotan;Tikar Pandan;Topi Anyaman Bambu;Besek Bambu;"
        "Kipas Anyaman;Tempat Tisu Rotan;Tas Eceng Gondok",
        "Natural;Motif Batik;Warna;Besar;Kecil",
        "",
        (10_000, 350_000, 1_000),
        "pcs",
        "anyaman tangan pengrajin lokal;kuat dan awet;cocok untuk suvenir",
    ),
    "kerajinan-kayu": _k(
        "Topeng Malangan Kayu;Miniatur Rumah Adat;Hiasan Dinding Kayu;Talenan Kayu Jati;"
        "Mainan Kayu Edukasi;Jam Dinding Kayu;Kotak Perhiasan Kayu;Patung Kayu",
        "Ukir;Motif Panji;Finishing Natural;Cat Warna",
        "",
        (25_000, 900_000, 5_000),
        "pcs",
        "kerajinan kayu ukir tangan;kayu pilihan;karya pengrajin malang",
    ),
    "suvenir": _k(
        "Gantungan Kunci Arema;Miniatur Tugu Malang;Kaos Oleh Oleh Malang;Magnet Kulkas Malang;"
        "Mug Custom;Suvenir Pernikahan;Pin Arema;Tumbler Custom",
        "Custom Nama;Motif Malangan;Satuan;Grosir",
        "isi 1;isi 12;isi 50",
        (5_000, 250_000, 1_000),
        "pcs",
        "oleh oleh khas malang;bisa custom nama;harga grosir untuk acara",
    ),
    "batik": _k(
        "Batik Tulis Malangan;Batik Cap Malangan;Kain Batik Tulis;Batik Celaket;Selendang Batik;"
        "Batik Kombinasi",
        "Motif Topeng;Motif Tugu;Motif Teratai;Motif Singo Edan;Motif Kawung;Motif Parang",
        "2 meter;2,5 meter;",
        (85_000, 1_500_000, 5_000),
        "pcs",
        "batik tulis motif malangan;pewarna alam;kain katun primisima;dibuat pengrajin celaket",
    ),
    "pakaian": _k(
        "Kemeja Batik Pria;Blus Batik Wanita;Kaos Arema;Gamis Batik;Dress Batik;Hijab Segi Empat;"
        "Kaos Sablon Malang;Celana Kulot;Jaket Bomber",
        "Lengan Panjang;Lengan Pendek;Katun;Premium",
        "S;M;L;XL;XXL;All Size",
        (35_000, 450_000, 5_000),
        "pcs",
        "bahan katun adem;jahitan rapi;tersedia berbagai ukuran;produksi konveksi lokal",
    ),
    "aksesoris": _k(
        "Bros Batik;Kalung Manik;Gelang Etnik;Dompet Kulit;Tas Kulit Asli;Ikat Pinggang Kulit;"
        "Anting Handmade;Sepatu Kulit Pria",
        "Handmade;Kulit Asli;Etnik;Motif Malangan",
        "",
        (15_000, 650_000, 5_000),
        "pcs",
        "aksesoris handmade;cocok untuk hadiah;kulit asli tahan lama",
    ),
    "sabun": _k(
        "Sabun Cuci Piring;Sabun Mandi Herbal;Sabun Sereh;Sabun Susu Kambing;Sabun Kopi;"
        "Sabun Cair Lerak;Deterjen Cair",
        "Alami;Herbal;Wangi;Refill",
        "100 gr;500 ml;1 liter;5 liter",
        (5_000, 90_000, 500),
        "botol",
        "sabun alami buatan rumah;lembut di kulit;wangi segar",
    ),
    "perawatan-kulit": _k(
        "Lulur Mandi Tradisional;Masker Wajah Beras;Minyak Kemiri;Body Butter;Lip Balm Madu;"
        "Scrub Kopi;Minyak Zaitun Rambut",
        "Alami;Herbal;Organik",
        "50 gr;100 gr;200 gr",
        (12_000, 150_000, 1_000),
        "pcs",
        "perawatan kulit bahan alami;tanpa merkuri;resep tradisional jawa",
    ),
    "katering": _k(
        "Nasi Kotak;Tumpeng Mini;Tumpeng Nasi Kuning;Snack Box;Prasmanan;Katering Harian;"
        "Nasi Box Rapat;Paket Aqiqah",
        "Ekonomis;Spesial;Premium;Lengkap",
        "isi 10;isi 50;isi 100;per pax",
        (15_000, 3_500_000, 5_000),
        "porsi",
        "katering untuk acara kantor dan keluarga;menu bisa dipilih;diantar tepat waktu",
    ),
    "jahit": _k(
        "Jahit Kebaya;Permak Celana;Jahit Seragam Sekolah;Jahit Gamis;Potong Celana;"
        "Ganti Resleting;Jahit Kemeja",
        "Kilat;Reguler;Rapi",
        "",
        (10_000, 450_000, 5_000),
        "jasa",
        "jahitan rapi dan cepat;bisa antar jemput;penjahit berpengalaman",
    ),
    "laundry": _k(
        "Laundry Kiloan;Cuci Setrika;Setrika Saja;Cuci Karpet;Cuci Sepatu;Laundry Bed Cover;"
        "Dry Clean Jas",
        "Kilat;Reguler;Express 6 Jam",
        "per kg;per potong;",
        (5_000, 75_000, 500),
        "jasa",
        "laundry bersih dan wangi;bisa antar jemput;dikerjakan hari ini",
    ),
}

# sector -> the subcategories a business of that sector sells in.
_SECTOR_KINDS = {
    "makanan_minuman": "keripik kue-kering kerupuk nasi-lauk kue-basah makanan-beku sambal kopi "
    "teh jamu minuman-segar susu yogurt keju madu",
    "perdagangan": "beras minyak-goreng gula telur tepung bumbu-dapur keripik kerupuk kopi teh "
    "sabun",
    "jasa": "katering jahit laundry",
    "fashion": "batik pakaian aksesoris",
    "kerajinan": "anyaman kerajinan-kayu suvenir",
    "pertanian": "sayur buah daging-ikan madu beras telur",
    "kecantikan": "sabun perawatan-kulit",
    "lainnya": "suvenir aksesoris bumbu-dapur",
}
SECTOR_KINDS = {sector: text.split() for sector, text in _SECTOR_KINDS.items()}
SECTOR_SHARES = [
    ("makanan_minuman", 0.46),
    ("perdagangan", 0.18),
    ("jasa", 0.07),
    ("fashion", 0.09),
    ("kerajinan", 0.06),
    ("pertanian", 0.08),
    ("kecantikan", 0.04),
    ("lainnya", 0.02),
]
NAME_PATTERNS = {
    "makanan_minuman": ["Dapur {who}", "{food} {who}", "{food} {brand}", "Omah {food} {brand}"],
    "perdagangan": ["Toko {brand}", "Toko Sembako {brand}", "UD {brand}", "Warung {who}"],
    "jasa": ["Laundry {brand}", "Katering {who}", "Jahit {who}", "Jasa {brand}"],
    "fashion": ["Batik {brand}", "Butik {brand}", "Konveksi {brand}"],
    "kerajinan": ["Kerajinan {brand}", "Sanggar {brand}", "Griya Kriya {who}"],
    "pertanian": ["Tani {brand}", "Kebun {brand}", "Kelompok Tani {brand}"],
    "kecantikan": ["Griya Ayu {who}", "Herbal {brand}"],
    "lainnya": ["Usaha {brand}", "{brand} Store"],
}
FOODS = ["Keripik", "Kue", "Kopi", "Sambal", "Jamu", "Bakso", "Roti", "Camilan", "Katering"]
HALAL_SECTORS = ("makanan_minuman", "perdagangan", "pertanian")


@dataclass
class Business:
    index: int  # 0-based; the loader gives ids in this order
    name: str
    owner_name: str
    phone: str  # E.164, unique
    village: str  # kelurahan code, 35.73.DD.VVVV
    district: str  # kecamatan code, 35.73.DD
    sector: str
    kinds: tuple[str, ...]  # subcategory slugs it sells
    halal_number: str
    halal_expires_days: int | None  # from the load date; negative means expired
    products: int


@dataclass
class Product:
    business: int  # Business.index
    name: str
    description: str
    category: str  # subcategory slug
    price: int  # whole rupiah
    unit: str
    weight_grams: int
    stock: int  # always > 0: everything is for sale
    sold_count: int
    age_days: int  # created this many days before the load


class Catalog:
    def __init__(self, *, products: int, businesses: int, seed: int):
        if businesses < 1 or products < businesses:
            raise ValueError("need at least one business and one product per business")
        self.products_total = products
        self.businesses_total = businesses
        self.seed = seed
        self.villages = load_villages(REGENCY)
        self._businesses: list[Business] | None = None

    def businesses(self) -> list[Business]:
        if self._businesses is None:
            self._businesses = self._make_businesses()
        return self._businesses

    def _make_businesses(self) -> list[Business]:
        rng = random.Random(f"businesses-{self.seed}")
        sectors = [s for s, _ in SECTOR_SHARES]
        shares = [w for _, w in SECTOR_SHARES]
        # Product counts are skewed, as in any marketplace: most shops list a handful, a few
        # list hundreds. Pareto weights, scaled to the exact total, at least one each.
        weights = [min(rng.paretovariate(1.4), 60.0) for _ in range(self.businesses_total)]
        spare = self.products_total - self.businesses_total
        scale = spare / sum(weights)
        counts = [1 + int(w * scale) for w in weights]
        for i in range(self.products_total - sum(counts)):
            counts[i % len(counts)] += 1
        result = []
        for index in range(self.businesses_total):
            sector = rng.choices(sectors, shares)[0]
            gender = rng.choice("LP")
            given = rng.choice(MEN if gender == "L" else WOMEN)
            who = f"{rng.choice(BU_PAK[gender])} {given}"
            pattern = rng.choice(NAME_PATTERNS[sector])
            name = pattern.format(who=who, brand=rng.choice(BRANDS), food=rng.choice(FOODS))
            village, district, _ = rng.choice(self.villages)
            pool = SECTOR_KINDS[sector]
            kinds = tuple(rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 2, 3)))))
            halal, expires = "", None
            if sector in HALAL_SECTORS and rng.random() < 0.3:
                halal = f"ID35110000{rng.randrange(10**8):08d}{rng.randrange(1000):03d}"
                expires = rng.choice((None, rng.randrange(-200, 1500)))
            result.append(
                Business(
                    index=index,
                    name=name,
                    owner_name=f"{given} {rng.choice(BRANDS).split()[0]}",
                    phone=f"+62812{index:08d}",
                    village=village,
                    district=district,
                    sector=sector,
                    kinds=kinds,
                    halal_number=halal,
                    halal_expires_days=expires,
                    products=counts[index],
                )
            )
        return result

    def products(self) -> Iterator[Product]:
        """Every product, business by business (the same order every time)."""
        rng = random.Random(f"products-{self.seed}")
        rand, choice = rng.random, rng.choice
        for business in self.businesses():
            for _ in range(business.products):
                slug = choice(business.kinds)
                kind = KINDS[slug]
                item = choice(kind.items)
                parts = [item]
                if kind.variants and rand() < 0.7:
                    variant = choice(kind.variants)
                    if variant.split()[-1] not in item:  # no "Tas Kulit Asli Kulit Asli"
                        parts.append(variant)
                if rand() < 0.15:
                    parts.append(choice(ORIGINS))
                low, high, step = kind.price
                if kind.sizes and rand() < 0.75:
                    # A bigger pack costs more: the size picks a band of the price range.
                    position = rng.randrange(len(kind.sizes))
                    if kind.sizes[position]:
                        parts.append(kind.sizes[position])
                    high = low + (high - low) * (position + 1) // len(kind.sizes)
                # Most goods are cheap: a triangular draw leaning to the low end.
                price = int(rng.triangular(low, high, low + (high - low) * 0.2)) // step * step
                words = rng.sample(kind.words, k=min(2, len(kind.words)))
                description = f"{parts[0]} {words[0]}, {words[1]}." if len(words) > 1 else ""
                yield Product(
                    business=business.index,
                    name=" ".join(parts),
                    description=description.capitalize(),
                    category=slug,
                    price=max(price, step),
                    unit=kind.unit,
                    weight_grams=rng.randrange(50, 5000, 50),
                    stock=rng.randrange(1, 500),
                    sold_count=int(rng.expovariate(1 / 40)),
                    age_days=rng.randrange(0, 720),
                )


def generate(
    *,
    products: int = DEFAULT_PRODUCTS,
    businesses: int = DEFAULT_BUSINESSES,
    seed: int = DEFAULT_SEED,
) -> Catalog:
    return Catalog(products=products, businesses=businesses, seed=seed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.catalog_data", description=__doc__)
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--businesses", type=int, default=5)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    catalog = generate(products=args.products, businesses=args.businesses, seed=args.seed)
    shops = catalog.businesses()
    for shop in shops:
        print(f"{shop.name} ({shop.sector}, {shop.village}, {shop.products} products)")
    for product in catalog.products():
        print(
            f"  Rp{product.price:>9,}  {product.name}  [{product.category}] "
            f"<{shops[product.business].name}> {product.description}"
        )


if __name__ == "__main__":
    main()
