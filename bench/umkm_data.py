"""A deterministic generator of agency UMKM spreadsheets for Kota Malang.

`write_csv(path, rows=80_000, seed=...)` writes a CSV with the importer's canonical columns
(malpro.umkm.importer.COLUMNS) that looks like what Diskopindag and Dispangtan actually keep:
Javanese and Indonesian owner names, business names by sector, valid NIKs of Kota Malang
(3573 + kecamatan 01-05 + DDMMYY, women +40 on the day, sequence 0001-9999), mobile numbers in
the spellings people type, the city's real kelurahan codes (from the shipped idn-area-data),
a NIB on ~6% of rows, a halal certificate on ~2.5%, PIRT numbers for home food producers, rupiah
amounts with and without thousands dots, and about 1% deliberately bad rows of known kinds.

The same (rows, seed) always gives the same bytes: only a seeded random.Random is used, never
set iteration or the clock. The generator does not import Django, so the harness stays small;
`expected` in the returned Manifest says what a correct import must report.

    .venv/bin/python -m bench.umkm_data out.csv --rows 80000 --seed 35730
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VILLAGES_CSV = REPO / "malpro" / "regions" / "data" / "idn-area" / "villages.csv"
REGENCY = "35.73"  # Kota Malang
NEIGHBOUR = "35.07"  # Kabupaten Malang: its villages are the realistic "not in this city" rows
DEFAULT_SEED = 35730
DEFAULT_ROWS = 80_000
BAD_SHARE = 0.01
NIB_SHARE = 0.06
HALAL_SHARE = 0.025

COLUMNS = [
    "nama_usaha",
    "nama_pemilik",
    "nik_pemilik",
    "telepon",
    "alamat",
    "kode_kelurahan",
    "sektor",
    "nib",
    "no_sertifikat_halal",
    "halal_berlaku_sampai",
    "pirt",
    "modal_usaha",
    "omzet_tahunan",
    "binaan",
]


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


# --- people -------------------------------------------------------------------------------------
MEN = _words(
    "Agus Ahmad Andi Arif Bambang Budi Dedi Dwi Eko Fajar Hadi Hari Hendra Heru Imam Joko "
    "Kurniawan Lukman Made Muhammad Nur Prasetyo Rudi Slamet Sugeng Suharto Supriyadi Teguh "
    "Wahyu Yusuf "
    "Achmad Bagus Dimas Gilang Rizky Adi Aris Dani Edi Gunawan Hartono Ilham Iwan Kusnadi Mulyono "
    "Puji Rahmat Sutrisno Tri Yanto Zainal Sholeh Syaiful Wawan Suyanto Sulistyo Haris Nanang"
)
WOMEN = _words(
    "Sri Siti Dewi Endang Lestari Wahyuni Rina Ani Yuli Sari Indah Nur Ratna Sulastri Suharti "
    "Tri Wulan Yanti Ika Lilik Nining Puji Rini Susanti Umi Diah Fitri Anik Erna Heni Kartini "
    "Mariyam Ninik Purwati Rahayu Setyowati Titik Umiyati Winarti Yuliana Ayu Dian Eka Fatimah "
    "Khusnul Laila Mega Novi Rahma Sumiati Tutik Wiwik Aminah Musripah Sunarsih Juwariyah"
)
# Javanese names have no family name: a second or third given name, gendered like the first.
MEN_LAST = _words(
    "Santoso Wibowo Susanto Hidayat Purnomo Setiawan Wijaya Saputra Kurniawan Prasetyo Nugroho "
    "Utomo Sutrisno Hartono Firmansyah Pratama Ramadhan Maulana Syahputra Haryanto Suprapto "
    "Wahyudi Rahman Hakim Anwar Fauzi Mulyadi Kusuma Permana Widodo Sugiarto Riyadi Suwarno "
    "Suhartono Sudarmaji Mujiono Zulkarnain Mahfud Asmara Effendi Hermawan Irawan Siswanto"
)
WOMEN_LAST = _words(
    "Rahayu Lestari Handayani Wulandari Suryani Sulistyowati Astuti Rahmawati Puspitasari "
    "Ningsih Wahyuningsih Kristanti Susilowati Kusumawati Andriani Safitri Anggraini Novitasari "
    "Mulyani Purwaningsih Hidayati Nurhayati Setyaningsih Kurniasari Ernawati Yuliati Agustina"
)
BU_PAK = {"L": ["Pak", "Cak", "Mas", "Abah"], "P": ["Bu", "Mbak", "Ning", "Mak"]}

# --- businesses ---------------------------------------------------------------------------------
# sector code, share, what people write in the sektor column, business name patterns.
SECTORS = [
    (
        "makanan_minuman",
        0.42,
        ["Makanan & minuman", "makanan_minuman", "Kuliner", "Mamin", "Makanan", "Olahan pangan"],
        [
            "Keripik Tempe {who}",
            "Keripik Buah {brand}",
            "Bakso Malang {who}",
            "Warung Makan {brand}",
            "Nasi Pecel {who}",
            "Rawon {who}",
            "Kue Basah {who}",
            "Katering {brand}",
            "Jamu Gendong {who}",
            "Sari Apel {brand}",
            "Cwie Mie {who}",
            "Kopi {brand}",
            "Sambal {brand}",
            "Tahu Bakso {who}",
            "Roti {brand}",
            "Es Degan {who}",
            "Pentol {who}",
            "Kerupuk Samiler {brand}",
            "Sego Resek {who}",
            "Dapur {brand}",
        ],
    ),
    (
        "perdagangan",
        0.22,
        ["Perdagangan", "Toko kelontong", "perdagangan", "Dagang", "Retail", "Warung"],
        [
            "Toko {brand}",
            "Toko Kelontong {brand}",
            "UD {brand}",
            "Grosir {brand}",
            "Warung {who}",
            "Toko Sembako {brand}",
            "Agen Gas {brand}",
            "Toko Pracangan {who}",
            "Toko Bangunan {brand}",
            "Counter Pulsa {brand}",
        ],
    ),
    (
        "jasa",
        0.12,
        ["Jasa", "jasa", "Servis", "Laundry", "Bengkel", "Percetakan"],
        [
            "Laundry {brand}",
            "Bengkel Motor {brand}",
            "Jahit Permak {who}",
            "Servis Elektronik {brand}",
            "Percetakan {brand}",
            "Cuci Motor {brand}",
            "Tambal Ban {who}",
            "Fotokopi {brand}",
        ],
    ),
    (
        "fashion",
        0.07,
        ["Fashion & batik", "Fashion", "Batik", "Konveksi", "Busana muslim"],
        [
            "Batik {brand}",
            "Konveksi {brand}",
            "Butik {brand}",
            "Hijab {brand}",
            "Kaos Sablon {brand}",
            "Batik Celaket {who}",
        ],
    ),
    (
        "kerajinan",
        0.06,
        ["Kerajinan", "kerajinan", "Kriya", "Souvenir", "Mebel"],
        [
            "Kerajinan Topeng Malangan {who}",
            "Anyaman {brand}",
            "Souvenir {brand}",
            "Mebel {brand}",
            "Gerabah {brand}",
            "Kerajinan Kulit {brand}",
        ],
    ),
    (
        "pertanian",
        0.06,
        ["Pertanian & peternakan", "Pertanian", "Peternakan", "Perikanan", "Hortikultura"],
        [
            "Tani {brand}",
            "Kelompok Tani {brand}",
            "Ternak Lele {who}",
            "Budidaya Jamur {brand}",
            "Peternakan Ayam {brand}",
            "Hidroponik {brand}",
            "Bibit Tanaman {brand}",
        ],
    ),
    (
        "kecantikan",
        0.03,
        ["Kecantikan & perawatan", "Kecantikan", "Salon", "Perawatan"],
        ["Salon {who}", "Rias Pengantin {who}", "Spa {brand}", "Kosmetik {brand}"],
    ),
    (
        "lainnya",
        0.02,
        ["Lainnya", "", "Lain-lain", "Umum"],  # "Lain-lain", "Umum": a warning, kept as lainnya
        ["Usaha {brand}", "{brand}"],
    ),
]
BRANDS = _words(
    "Barokah;Sumber Rejeki;Berkah Jaya;Makmur;Sejahtera;Lancar Jaya;Maju Mapan;Sido Mulyo;"
    "Arema;Singo Edan;Tugu;Ijen;Kawi;Semeru;Arjuna;Bromo;Brantas;Tlogomas;Sumbersari;Dinoyo;"
    "Mandiri;Rahayu;Sri Rejeki;Mekar Sari;Tunas Harapan;Karya Bersama;Al Hikmah;An Nur;"
    "Cahaya;Mentari;Delima;Melati;Kenanga;Anggrek;Cempaka;Bunga Tanjung;Mawar;Sakura;"
    "Rejo Makmur;Tentrem;Slamet;Podo Moro;Sido Dadi;Jaya Abadi;Sinar Terang;Family;"
    "Kencana;Nusantara;Bintang;Pelangi;Sumber Urip;Mugi Lestari;Sari Roso;Enak Tenan;"
    "Ngalam;Kayutangan;Celaket;Oro-oro Dowo;Sawojajar;Blimbing;Lowokwaru;Kedungkandang;"
    "Dua Putri;Tiga Saudara;Putra Mandiri;Putri Ayu;Nyonya Rumah;Dapur Ibu;Omah Kue",
    ";",
)
STREETS = _words(
    "Jl. Soekarno Hatta;Jl. Ijen;Jl. Kawi;Jl. Semeru;Jl. Veteran;Jl. Letjen Sutoyo;"
    "Jl. Mayjen Panjaitan;Jl. Sumbersari;Jl. Raya Tlogomas;Jl. MT Haryono;Jl. Gajayana;"
    "Jl. Bandung;Jl. Borobudur;Jl. Candi Panggung;Jl. Kalpataru;Jl. Danau Toba;Jl. Danau Kerinci;"
    "Jl. Ciliwung;Jl. Mergan Lori;Jl. S. Supriadi;Jl. Kolonel Sugiono;Jl. Gadang;"
    "Jl. Mayjend Sungkono;Jl. Ki Ageng Gribig;Jl. Sawojajar;Jl. Cengger Ayam;Jl. Terusan Dieng;"
    "Jl. Galunggung;Jl. Raya Langsep;Jl. Bendungan Sutami;Jl. Kahuripan;Jl. Basuki Rahmat;"
    "Jl. Zainul Arifin;Jl. Kyai Tamin;Jl. Laksamana Martadinata;Jl. Muharto;Jl. Ranugrati;"
    "Jl. Sulfat;Jl. Simpang Borobudur;Jl. Teluk Mandar;Jl. Tumenggung Suryo;Jl. Bunga Coklat;"
    "Jl. Joyo Agung;Jl. Joyo Suko;Jl. Kendalsari;Jl. Ikan Piranha;Jl. Kebalen Wetan;Jl. Janti",
    ";",
)
MOBILE_PREFIXES = _words(
    "0811 0812 0813 0821 0822 0823 0852 0853 0851 0814 0815 0816 0855 0856 0857 0858 0817 0818 "
    "0819 0859 0877 0878 0831 0832 0833 0838 0895 0896 0897 0898 0899 0881 0882 0883 0887 0888"
)
# Shares of the operators in East Java, roughly: Telkomsel first, then Indosat/XL/Tri.
PREFIX_WEIGHTS = [9 if p[:3] in ("081", "082", "085") else 4 for p in MOBILE_PREFIXES]

# Kinds of deliberately bad rows, each one error the importer must report (see _spoil).
BAD_KINDS = [
    "nik_short",
    "nik_sequence_0000",
    "nik_birth_date",
    "phone_landline",
    "phone_short",
    "kelurahan_other_regency",
    "kelurahan_unknown_code",
    "name_missing",
    "owner_missing",
    "no_nik_no_nib",
    "nib_12_digits",
    "amount_words",
    "not_umkm",
    "agency_unknown",
    "halal_date_without_number",
    "halal_date_invalid",
    "duplicate_row",
]


@dataclass
class Manifest:
    path: str
    rows: int
    seed: int
    sha256: str
    bytes: int
    good: int
    bad: int
    bad_kinds: dict[str, int] = field(default_factory=dict)
    with_nib: int = 0
    with_halal: int = 0
    expired_halal: int = 0
    with_pirt: int = 0
    nik_only_rows: int = 0
    nib_only_rows: int = 0
    owners_with_several: int = 0
    warning_rows: int = 0
    by_binaan: dict[str, int] = field(default_factory=dict)

    @property
    def expected(self) -> dict[str, int]:
        return {"total": self.rows, "good": self.good, "rejected": self.bad}

    def as_dict(self) -> dict:
        return {**asdict(self), "expected": self.expected}


def name_key(name: str) -> str:
    """The same reduction as malpro.umkm.models.name_key (kept here so the harness needs no
    Django): two names with the same key are the same business for the same owner."""
    return re.sub(r"[^0-9a-z]+", " ", (name or "").lower()).strip()


def load_villages(regency: str) -> list[tuple[str, str, str]]:
    """(code, district code, name) of one regency's villages, in file order."""
    with open(VILLAGES_CSV, newline="", encoding="utf-8") as handle:
        return [
            (row["code"], row["district_code"], row["name"])
            for row in csv.DictReader(handle)
            if row["code"].startswith(regency + ".")
        ]


class _Generator:
    def __init__(self, seed: int):
        self.r = random.Random(seed)
        self.villages = load_villages(REGENCY)
        self.neighbours = load_villages(NEIGHBOUR)
        if not self.villages:
            raise SystemExit(f"no villages of {REGENCY} in {VILLAGES_CSV}")
        self.niks: set[str] = set()
        self.nibs: set[str] = set()
        self.keys: set[tuple[str, str]] = set()
        self.sector_weights = [s[1] for s in SECTORS]
        self.today_year = 2025  # fixed, so the bytes never depend on the clock

    # --- identities -----------------------------------------------------------------------------
    def owner(self, district: str) -> dict:
        r = self.r
        gender = "P" if r.random() < 0.55 else "L"  # most home businesses are run by women
        first = r.choice(WOMEN if gender == "P" else MEN)
        parts = [first]
        if r.random() < 0.35:
            parts.append(r.choice(WOMEN if gender == "P" else MEN))
        if r.random() < 0.8:
            parts.append(r.choice(WOMEN_LAST if gender == "P" else MEN_LAST))
        name = " ".join(dict.fromkeys(parts))  # no "Sri Sri"
        if r.random() < 0.04:
            name = name.upper()  # some offices type in capitals
        return {"name": name, "gender": gender, "nik": self.nik(district, gender)}

    def nik(self, district: str, gender: str) -> str:
        """3573 + kecamatan 01-05 + DDMMYY (day + 40 for women) + 0001-9999, unique."""
        r = self.r
        kecamatan = district[-2:]
        while True:
            year = r.randint(1955, 2005)
            month = r.randint(1, 12)
            day = r.randint(1, 28 if month == 2 else 30)
            dd = day + 40 if gender == "P" else day
            number = f"3573{kecamatan}{dd:02d}{month:02d}{year % 100:02d}{r.randint(1, 9999):04d}"
            if number not in self.niks:
                self.niks.add(number)
                return number

    def nib(self) -> str:
        r = self.r
        while True:
            # OSS numbers seen on permits start with 0, 1, 2, 8 or 9; 13 digits.
            number = r.choice("01289") + "".join(r.choice("0123456789") for _ in range(12))
            if number not in self.nibs and set(number) != {"0"}:
                self.nibs.add(number)
                return number

    def phone(self) -> str:
        r = self.r
        prefix = r.choices(MOBILE_PREFIXES, PREFIX_WEIGHTS)[0]
        rest = r.choices([6, 7, 8, 9], [1, 6, 8, 2])[0]
        digits = prefix + "".join(r.choice("0123456789") for _ in range(rest))
        style = r.random()
        if style < 0.45:
            return digits
        if style < 0.70:
            return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"
        if style < 0.82:
            return f"{digits[:4]} {digits[4:8]} {digits[8:]}"
        if style < 0.92:
            return f"+62 {digits[1:4]}-{digits[4:8]}-{digits[8:]}"
        return "62" + digits[1:]

    # --- row ------------------------------------------------------------------------------------
    def amount(self, low: float, high: float) -> str:
        r = self.r
        if r.random() < 0.12:
            return ""
        value = int(round(10 ** r.uniform(low, high), -5))  # to the hundred thousand
        value = max(value, 100_000)
        style = r.random()
        if style < 0.45:
            return str(value)
        dotted = f"{value:,}".replace(",", ".")
        if style < 0.85:
            return dotted
        if style < 0.95:
            return "Rp " + dotted
        return dotted + ",00"

    def business_name(self, sector: tuple, owner: dict) -> str:
        r = self.r
        pattern = r.choice(sector[3])
        nickname = owner["name"].split()[0].title()
        who = f"{r.choice(BU_PAK[owner['gender']])} {nickname}"
        name = pattern.format(who=who, brand=r.choice(BRANDS))
        if r.random() < 0.05:
            name = name.replace(" ", "  ", 1)  # stray double space, normalised by the import
        return name

    def address(self) -> str:
        r = self.r
        street = r.choice(STREETS)
        text = f"{street} No. {r.randint(1, 250)}"
        if r.random() < 0.3:
            text = f"{street} Gg. {r.randint(1, 12)} No. {r.randint(1, 60)}"
        if r.random() < 0.5:
            text += f", RT {r.randint(1, 12):02d}/RW {r.randint(1, 9):02d}"
        return text

    def kelurahan(self, village: tuple[str, str, str]) -> str:
        r = self.r
        code, _district, name = village
        style = r.random()
        if style < 0.80:
            return code
        if style < 0.92:
            return code.replace(".", "")
        if style < 0.97:
            return name
        return f"Kel. {name}"

    def row(self, owner: dict | None = None) -> dict:
        r = self.r
        village = r.choice(self.villages)
        owner = owner or self.owner(village[1])
        sector = r.choices(SECTORS, self.sector_weights)[0]
        while True:
            name = self.business_name(sector, owner)
            key = (owner["nik"], name_key(name))
            if key not in self.keys:
                self.keys.add(key)
                break
        code = sector[0]
        row = {
            "nama_usaha": name,
            "nama_pemilik": owner["name"],
            "nik_pemilik": owner["nik"],
            "telepon": self.phone() if r.random() < 0.93 else "",
            "alamat": self.address() if r.random() < 0.95 else "",
            "kode_kelurahan": self.kelurahan(village),
            "sektor": r.choice(sector[2]) if r.random() < 0.9 else "",
            "nib": "",
            "no_sertifikat_halal": "",
            "halal_berlaku_sampai": "",
            "pirt": "",
            "modal_usaha": self.amount(6.0, 8.6),  # Rp1 million .. ~Rp400 million
            "omzet_tahunan": self.amount(7.0, 9.2),  # Rp10 million .. ~Rp1.6 billion
            "binaan": "",
        }
        if r.random() < 0.03:  # a few small and medium businesses
            row["omzet_tahunan"] = f"{int(round(10 ** r.uniform(9.35, 10.5), -6)):,}".replace(
                ",", "."
            )
        if r.random() < NIB_SHARE:
            row["nib"] = self.nib()
            if r.random() < 0.2:
                row["nik_pemilik"] = ""  # the agency only had the NIB
        if code == "makanan_minuman" and r.random() < HALAL_SHARE / 0.42:
            row["no_sertifikat_halal"] = (
                f"ID3573{r.randint(1, 99_999_999):08d}{r.randint(1, 12):02d}{r.randint(22, 25)}"
            )
            if r.random() < 0.8:
                year = r.choices([2024, 2025, 2026, 2027, 2028, 2029], [2, 1, 4, 4, 3, 2])[0]
                month, day = r.randint(1, 12), r.randint(1, 28)
                row["halal_berlaku_sampai"] = r.choice(
                    [f"{year}-{month:02d}-{day:02d}", f"{day:02d}/{month:02d}/{year}"]
                )
        if code == "makanan_minuman" and r.random() < 0.25:
            district = village[1].replace(".", "")
            row["pirt"] = f"2{r.randint(1, 9)}{r.randint(0, 9)}{district}{r.randint(1, 9999):04d}"
            row["pirt"] += f"-{r.randint(20, 30)}"
        row["binaan"] = self.binaan(code)
        return row

    def binaan(self, sector: str) -> str:
        r = self.r
        x = r.random()
        if x < 0.07:
            return ""
        if x < 0.10:
            return r.choice(["DISKOPINDAG;DISPANGTAN", "DISKOPINDAG; DISPANGTAN"])
        if sector == "pertanian" or (sector == "makanan_minuman" and x < 0.25):
            agency = "DISPANGTAN"
        else:
            agency = "DISKOPINDAG"
        return agency if r.random() < 0.9 else agency.title()

    # --- bad rows -------------------------------------------------------------------------------
    def spoil(self, kind: str, row: dict, earlier: list[dict]) -> dict:
        """Makes a (fresh) row bad in exactly one way the importer must reject."""
        r = self.r
        nik = row["nik_pemilik"] or self.nik("35.73.01", "L")
        row["nik_pemilik"] = nik
        if kind == "nik_short":
            row["nik_pemilik"] = nik[:-1]
        elif kind == "nik_sequence_0000":
            row["nik_pemilik"] = nik[:12] + "0000"
        elif kind == "nik_birth_date":
            row["nik_pemilik"] = nik[:6] + r.choice(["32", "00", "72"]) + nik[8:]
        elif kind == "phone_landline":
            row["telepon"] = f"0341-{r.randint(320000, 599999)}"  # Malang's fixed lines
        elif kind == "phone_short":
            row["telepon"] = f"0812-{r.randint(100, 999)}"
        elif kind == "kelurahan_other_regency":
            row["kode_kelurahan"] = r.choice(self.neighbours)[0]
        elif kind == "kelurahan_unknown_code":
            row["kode_kelurahan"] = f"35.73.0{r.randint(1, 5)}.10{r.randint(60, 99)}"
        elif kind == "name_missing":
            row["nama_usaha"] = ""
        elif kind == "owner_missing":
            row["nama_pemilik"] = ""
        elif kind == "no_nik_no_nib":
            row["nik_pemilik"] = row["nib"] = ""
        elif kind == "nib_12_digits":
            row["nib"] = self.nib()[:12]
        elif kind == "amount_words":
            row["modal_usaha"] = r.choice(["15 juta", "2,5jt", "seratus ribu", "Rp 1.5 M"])
        elif kind == "not_umkm":
            row["omzet_tahunan"] = f"{r.randint(51, 300)}.000.000.000"
        elif kind == "agency_unknown":
            row["binaan"] = r.choice(["DINKOP", "DISPERINDAG", "KOPERINDAG"])
        elif kind == "halal_date_without_number":
            row["no_sertifikat_halal"] = ""
            row["halal_berlaku_sampai"] = "2027-06-30"
        elif kind == "halal_date_invalid":
            row["no_sertifikat_halal"] = f"ID3573{r.randint(1, 99_999_999):08d}0124"
            row["halal_berlaku_sampai"] = r.choice(["31/02/2027", "2027-13-01", "Juni 2027"])
        elif kind == "duplicate_row":
            source = r.choice(earlier)
            row = dict(source)  # the same business typed twice, spelt a little differently
            row["nama_usaha"] = source["nama_usaha"].upper()
        else:  # pragma: no cover - BAD_KINDS and this function go together
            raise ValueError(kind)
        return row


def _is_warning_row(row: dict) -> bool:
    sector = row["sektor"].strip().lower()
    odd_sector = sector in ("lain-lain", "umum")
    expiry = row["halal_berlaku_sampai"]
    expired = bool(expiry) and (expiry[:4] == "2024" or expiry[-4:] == "2024")
    return odd_sector or expired


def write_csv(path: str | Path, *, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> Manifest:
    """Writes the spreadsheet and returns what is in it. Rows are streamed: memory stays small."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    gen = _Generator(seed)
    r = gen.r
    n_bad = round(rows * BAD_SHARE)
    # Bad rows are spread over the file (never in the first 100, so duplicates have an original).
    bad_at = sorted(r.sample(range(min(100, rows // 2), rows), n_bad)) if n_bad else []
    bad_kind = {index: BAD_KINDS[i % len(BAD_KINDS)] for i, index in enumerate(bad_at)}
    kinds: Counter[str] = Counter()
    stats: Counter[str] = Counter()
    binaan: Counter[str] = Counter()
    earlier: list[dict] = []  # a reservoir of good rows to copy for the duplicates
    owners: list[dict] = []  # recent owners, some of whom run a second or third business
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for index in range(rows):
            repeat_owner = owners and r.random() < 0.05
            row = gen.row(r.choice(owners) if repeat_owner else None)
            kind = bad_kind.get(index)
            if kind:
                row = gen.spoil(kind, row, earlier)
                kinds[kind] += 1
            else:
                if repeat_owner:
                    stats["owners_with_several"] += 1
                stats["with_nib"] += bool(row["nib"])
                stats["with_halal"] += bool(row["no_sertifikat_halal"])
                stats["with_pirt"] += bool(row["pirt"])
                stats["nib_only_rows"] += bool(row["nib"] and not row["nik_pemilik"])
                stats["nik_only_rows"] += bool(row["nik_pemilik"] and not row["nib"])
                stats["warning_rows"] += _is_warning_row(row)
                expiry = row["halal_berlaku_sampai"]
                stats["expired_halal"] += bool(expiry) and "2024" in expiry
                binaan[row["binaan"].upper().replace(" ", "") or "(kosong)"] += 1
                if len(earlier) < 500:
                    earlier.append(row)
                elif r.random() < 0.01:
                    earlier[r.randrange(len(earlier))] = row
                if row["nik_pemilik"] and r.random() < 0.1:
                    first = row["nama_pemilik"].split()[0]
                    owner = {
                        "name": row["nama_pemilik"],
                        "nik": row["nik_pemilik"],
                        "gender": "P" if first.title() in WOMEN else "L",
                    }
                    if len(owners) < 2000:
                        owners.append(owner)
                    else:
                        owners[r.randrange(len(owners))] = owner
            writer.writerow(row)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Manifest(
        path=str(path),
        rows=rows,
        seed=seed,
        sha256=digest,
        bytes=path.stat().st_size,
        good=rows - n_bad,
        bad=n_bad,
        bad_kinds=dict(sorted(kinds.items())),
        by_binaan=dict(sorted(binaan.items())),
        **{k: stats[k] for k in sorted(stats)},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    manifest = write_csv(args.path, rows=args.rows, seed=args.seed)
    for key, value in manifest.as_dict().items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
