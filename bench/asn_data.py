"""Deterministic ASN programme data at city scale, loaded straight into PostgreSQL with COPY.

    python -m bench.asn_data --database-url postgres://... [--asn 12000] [--orders 2000000]
                             [--businesses 20000] [--citizens 20000] [--seed 35731]

Run it on a database that has been migrated and has the reference data (`load_regions`,
`load_agencies`, `load_categories`). It adds OPDs up to `--agencies` (default 40), then writes,
with psycopg's `cursor.copy` (no ORM, one COPY per table, rows streamed as they are made):

- users: one per linked ASN (about 92% of the roster), citizen buyers and one per seller, each
  with an unusable password and a unique +62 mobile number; the role rows `asn` and `seller`;
- the roster (`asn_employee`): valid NIPs (birth date, appointment, gender digit, PPPK marker 21)
  spread over the OPDs, golongan, some eselon posts, TPP classes, a few new hires and leavers;
  leave and secondment exemptions;
- a policy (the demo's example rules: amounts by golongan and eselon, a cap per UMKM of
  Rp600.000 and 50% of the requirement, five eligible category trees) and 12 monthly periods;
- businesses (mostly active, 3% suspended), each with a main category; about a quarter sell in
  categories the policy does not count;
- orders: one checkout each, 1 to 3 lines, whole rupiah, COD / QRIS / VA, pickup or delivery
  with a fee; about 89% completed, 6% cancelled (some after payment), 3% rejected, and open
  statuses in the last days before the data's "now"; 75% are bought by ASN, each with a few
  favourite sellers (so the cap per UMKM bites), the rest by citizens;
- offline purchases (confirmed, pending, rejected) by linked ASN.

The same seed and sizes give the same rows. Prints `BENCH-RESULT {json}` (rows per table,
seconds per table, peak memory) for the harness. Imports no Django.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import random
import resource
import sys
import time
from collections.abc import Iterable, Iterator

DEFAULT_ASN = 12_000
DEFAULT_ORDERS = 2_000_000
DEFAULT_BUSINESSES = 20_000
DEFAULT_CITIZENS = 20_000
DEFAULT_AGENCIES = 40
DEFAULT_SEED = 35731
FIRST_PERIOD = (2025, 12)
PERIODS = 12
ASN_SHARE = 0.75  # of the orders, bought by ASN
LINKED_SHARE = 0.92  # of the roster, with a user account
WIB = dt.timezone(dt.timedelta(hours=7))
EPOCH = dt.datetime(2025, 1, 1, tzinfo=WIB)
ELIGIBLE_ROOTS = ["sembako", "hasil-pertanian", "olahan-susu", "makanan-ringan", "minuman"]
EXTRA_AGENCIES = [
    ("BAG-HUKUM", "Bagian Hukum Setda", "Bag. Hukum"),
    ("BAG-UMUM", "Bagian Umum Setda", "Bag. Umum"),
    ("BAG-ORGANISASI", "Bagian Organisasi Setda", "Bag. Organisasi"),
    ("BAG-PEREKONOMIAN", "Bagian Perekonomian dan Infrastruktur Setda", "Bag. Perekonomian"),
    ("BAG-PBJ", "Bagian Pengadaan Barang/Jasa Setda", "Bag. PBJ"),
    ("BAG-PEMERINTAHAN", "Bagian Pemerintahan Setda", "Bag. Pemerintahan"),
    ("BAG-KESRA", "Bagian Kesejahteraan Rakyat Setda", "Bag. Kesra"),
    ("BAG-PROKOMPIM", "Bagian Protokol dan Komunikasi Pimpinan", "Bag. Prokompim"),
    ("RSUD", "RSUD Kota Malang", "RSUD"),
    ("DISPERKIM", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim"),
    ("DISPERTAN-KP", "UPT Pasar Dinas Perdagangan", "UPT Pasar"),
    ("BAG-ADPEM", "Bagian Administrasi Pembangunan Setda", "Bag. Adpem"),
]
# Relative size of an OPD's staff (teachers and health workers make the big ones).
AGENCY_WEIGHT = {"DISDIKBUD": 30.0, "DINKES": 12.0, "RSUD": 6.0, "DPUPRPKP": 3.0, "DLH": 3.0}
GIVEN = [
    "Agus",
    "Budi",
    "Sri",
    "Dewi",
    "Siti",
    "Bambang",
    "Hendra",
    "Yuli",
    "Rina",
    "Eko",
    "Wahyu",
    "Nur",
    "Indah",
    "Joko",
    "Ratna",
    "Dian",
    "Andi",
    "Slamet",
    "Sugeng",
    "Endang",
    "Retno",
    "Tri",
    "Dwi",
    "Heru",
    "Rudi",
    "Fitri",
    "Lestari",
    "Rahmat",
    "Yusuf",
    "Ayu",
    "Putri",
    "Teguh",
]
FAMILY = [
    "Santoso",
    "Wijaya",
    "Pratama",
    "Astuti",
    "Hidayat",
    "Purnomo",
    "Setiawan",
    "Rahayu",
    "Kurniawan",
    "Susanto",
    "Handayani",
    "Wibowo",
    "Saputra",
    "Maharani",
    "Nugroho",
    "Utami",
    "Prasetyo",
    "Lestari",
    "Hartono",
    "Suryani",
    "Gunawan",
    "Anggraini",
]
SHOP = ["Toko", "Warung", "Dapur", "Kedai", "Griya", "Sentra", "Rumah", "Pojok", "Berkah", "Sumber"]
PRODUCTS = {
    "beras": ("Beras 5 kg", 55_000, 80_000),
    "minyak-goreng": ("Minyak goreng 2 liter", 30_000, 40_000),
    "gula": ("Gula pasir 1 kg", 15_000, 19_000),
    "telur": ("Telur ayam 1 kg", 26_000, 32_000),
    "tepung": ("Tepung terigu 1 kg", 11_000, 15_000),
    "bumbu-dapur": ("Bumbu pecel", 8_000, 25_000),
    "keripik": ("Keripik tempe", 10_000, 30_000),
    "kue-kering": ("Kue kering toples", 35_000, 90_000),
    "kerupuk": ("Kerupuk udang", 10_000, 25_000),
    "nasi-lauk": ("Nasi kotak", 15_000, 35_000),
    "kue-basah": ("Kue basah", 2_000, 5_000),
    "makanan-beku": ("Bakso beku", 25_000, 60_000),
    "sambal": ("Sambal bawang", 15_000, 30_000),
    "kopi": ("Kopi dampit 250 g", 30_000, 75_000),
    "teh": ("Teh tubruk", 8_000, 20_000),
    "jamu": ("Jamu kunyit asam", 8_000, 20_000),
    "minuman-segar": ("Sari apel Malang", 8_000, 25_000),
    "sayur": ("Sayur segar", 5_000, 20_000),
    "buah": ("Apel Malang 1 kg", 20_000, 40_000),
    "daging-ikan": ("Ayam potong 1 kg", 35_000, 45_000),
    "madu": ("Madu randu", 60_000, 150_000),
    "susu": ("Susu sapi 1 liter", 15_000, 25_000),
    "yogurt": ("Yogurt", 10_000, 25_000),
    "keju": ("Keju", 40_000, 90_000),
    "anyaman": ("Tas anyaman", 50_000, 200_000),
    "kerajinan-kayu": ("Hiasan kayu", 40_000, 250_000),
    "suvenir": ("Gantungan kunci topeng Malangan", 10_000, 50_000),
    "batik": ("Kain batik Malangan", 150_000, 450_000),
    "pakaian": ("Kaos", 60_000, 150_000),
    "aksesoris": ("Gelang", 15_000, 60_000),
    "sabun": ("Sabun herbal", 10_000, 30_000),
    "perawatan-kulit": ("Lulur", 25_000, 80_000),
    "katering": ("Nasi tumpeng", 150_000, 400_000),
    "jahit": ("Jasa jahit", 50_000, 150_000),
    "laundry": ("Laundry kiloan", 15_000, 50_000),
}
# Share of businesses selling mainly in each category (ineligible ones: about a quarter).
CATEGORY_WEIGHT = {
    "beras": 6, "minyak-goreng": 3, "gula": 2, "telur": 4, "tepung": 1, "bumbu-dapur": 3,
    "keripik": 7, "kue-kering": 4, "kerupuk": 3, "nasi-lauk": 6, "kue-basah": 4,
    "makanan-beku": 3, "sambal": 3, "kopi": 4, "teh": 1, "jamu": 2, "minuman-segar": 3,
    "sayur": 3, "buah": 3, "daging-ikan": 3, "madu": 1, "susu": 2, "yogurt": 1, "keju": 1,
    "anyaman": 2, "kerajinan-kayu": 2, "suvenir": 2, "batik": 3, "pakaian": 3, "aksesoris": 2,
    "sabun": 2, "perawatan-kulit": 2, "katering": 3, "jahit": 1, "laundry": 2,
}  # fmt: skip
SECTOR_OF_ROOT = {
    "sembako": "perdagangan",
    "makanan-ringan": "makanan_minuman",
    "makanan-siap-saji": "makanan_minuman",
    "minuman": "makanan_minuman",
    "hasil-pertanian": "pertanian",
    "olahan-susu": "makanan_minuman",
    "kerajinan": "kerajinan",
    "batik-fashion": "fashion",
    "kecantikan": "kecantikan",
    "jasa": "jasa",
}
POLICY_AMOUNTS = [
    ("golongan", "I", 500_000),
    ("golongan", "II", 500_000),
    ("golongan", "III", 750_000),
    ("golongan", "IV", 1_000_000),
    ("eselon", "II.B", 2_500_000),
    ("eselon", "III.A", 2_000_000),
    ("eselon", "III.B", 2_000_000),
    ("eselon", "IV.A", 1_500_000),
    ("eselon", "IV.B", 1_250_000),
]


def periods(first: tuple[int, int] = FIRST_PERIOD, count: int = PERIODS) -> list[tuple[int, int]]:
    out = []
    index = first[0] * 12 + first[1] - 1
    for step in range(count):
        out.append(((index + step) // 12, (index + step) % 12 + 1))
    return out


def _seconds(moment: dt.datetime) -> int:
    return int((moment - EPOCH).total_seconds())


class Clock:
    """Seconds since EPOCH (WIB) to timestamptz text, through a table of day strings."""

    def __init__(self, days: int = 1200):
        self.days = [(EPOCH.date() + dt.timedelta(days=d)).isoformat() for d in range(days)]

    def text(self, seconds: int) -> str:
        day, rest = divmod(seconds, 86400)
        hour, rest = divmod(rest, 3600)
        minute, second = divmod(rest, 60)
        return f"{self.days[day]} {hour:02d}:{minute:02d}:{second:02d}+07"


def _line(values: Iterable[object]) -> str:
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


class Loader:
    def __init__(self, conn, *, chunk_bytes: int = 1 << 20):
        self.conn = conn
        self.chunk = chunk_bytes
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def copy(self, table: str, columns: list[str], rows: Iterator[Iterable[object]]) -> int:
        """COPY rows (text format) into table, in ~1 MB writes; returns the number of rows."""
        start = time.perf_counter()
        count = 0
        quoted = ", ".join(f'"{c}"' for c in columns)
        sql = f"COPY {table} ({quoted}) FROM STDIN"
        with self.conn.cursor() as cur, cur.copy(sql) as copy:
            buffer: list[str] = []
            size = 0
            for row in rows:
                text = _line(row)
                buffer.append(text)
                size += len(text)
                count += 1
                if size >= self.chunk:
                    copy.write("".join(buffer))
                    buffer, size = [], 0
            if buffer:
                copy.write("".join(buffer))
        self.rows[table] = self.rows.get(table, 0) + count
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - start
        return count

    def scalar(self, sql: str, params=None):
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
            return row[0] if row else None

    def all(self, sql: str, params=None) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def next_id(self, table: str) -> int:
        return (self.scalar(f"SELECT coalesce(max(id), 0) FROM {table}") or 0) + 1

    def reset_sequence(self, table: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )


def _nip(rng: random.Random, taken: set[str]) -> tuple[str, dt.date, str]:
    while True:
        birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(365 * 36))
        appointed = min(2025, birth.year + rng.randint(20, 35))
        pppk = rng.random() < 0.15
        marker = "21" if pppk else f"{rng.randint(1, 12):02d}"
        number = f"{birth:%Y%m%d}{appointed:04d}{marker}{rng.choice('12')}{rng.randint(1, 999):03d}"
        if number not in taken:
            taken.add(number)
            return number, birth, "PPPK" if pppk else "PNS"


def _roman(n: int) -> str:
    return ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"][n - 1]


def load(conn, *, asn: int, orders: int, businesses: int, citizens: int, agencies: int, seed: int):
    rng = random.Random(seed)
    loader = Loader(conn)
    clock = Clock()
    plist = periods()
    first_day = dt.datetime(*plist[0], 1, tzinfo=WIB)
    last_year, last_month = plist[-1]
    end_of_data = dt.datetime(
        last_year, last_month, calendar.monthrange(last_year, last_month)[1] - 2, 18, tzinfo=WIB
    )
    now_s = _seconds(end_of_data)
    created_s = _seconds(first_day - dt.timedelta(days=120))

    # --- reference data -----------------------------------------------------------------------
    existing = {code for (code,) in loader.all("SELECT code FROM accounts_agency")}
    missing = max(0, agencies - len(existing))
    extra = [a for a in EXTRA_AGENCIES if a[0] not in existing][:missing]
    with conn.cursor() as cur:
        for code, name, short in extra:
            cur.execute(
                "INSERT INTO accounts_agency (code, name, short_name, kind, is_active, "
                "guides_umkm) VALUES (%s, %s, %s, 'lainnya', true, false)",
                (code, name, short),
            )
    agency_rows = loader.all("SELECT id, code FROM accounts_agency ORDER BY id")
    agency_ids = [a for a, _c in agency_rows]
    agency_w = [
        AGENCY_WEIGHT.get(code, 1.0 + (i % 5) * 0.5) for i, (_a, code) in enumerate(agency_rows)
    ]
    categories = {slug: (cid, parent) for cid, slug, parent in loader.all(
        "SELECT id, slug, parent_id FROM catalog_category")}  # fmt: skip
    slug_of = {cid: slug for slug, (cid, _p) in categories.items()}
    root_of = {
        slug: (slug_of[parent] if parent else slug) for slug, (_cid, parent) in categories.items()
    }
    villages = [(code, district) for code, district in loader.all(
        "SELECT code, district_id FROM regions_village ORDER BY code")]  # fmt: skip

    # --- users --------------------------------------------------------------------------------
    linked = round(asn * LINKED_SHARE)
    user0 = loader.next_id("accounts_user")
    asn_users = list(range(user0, user0 + linked))
    citizen_users = list(range(user0 + linked, user0 + linked + citizens))
    owner_users = list(range(user0 + linked + citizens, user0 + linked + citizens + businesses))
    joined = clock.text(created_s)

    def phone(uid: int) -> str:
        return f"+62812{uid:08d}"

    def user_rows():
        for uid in asn_users + citizen_users + owner_users:
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            yield (uid, "!bench", False, phone(uid), name, "", True, joined, joined)

    loader.copy(
        "accounts_user",
        ["id", "password", "is_superuser", "phone", "name", "email", "is_active", "date_joined",
         "phone_verified_at"],
        user_rows(),
    )  # fmt: skip
    loader.copy(
        "accounts_roleassignment",
        ["role", "granted_at", "user_id"],
        (
            [("asn", joined, uid) for uid in asn_users]
            + [("seller", joined, uid) for uid in owner_users]
        ).__iter__(),
    )

    # --- policy and periods -------------------------------------------------------------------
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO asn_policy (name, regulation_ref, effective_from, is_example, "
            "default_amount, cap_amount, cap_share, counts_offline, leave_pro_rata, "
            "secondment_exempt, new_hire_pro_rata, created_at) VALUES (%s, %s, %s, true, "
            "500000, 600000, 50, true, true, true, true, now()) RETURNING id",
            (
                "Contoh kebijakan belanja ASN di UMKM (benchmark)",
                "CONTOH - data benchmark, bukan aturan berlaku",
                dt.date(*plist[0], 1),
            ),
        )
        policy_id = cur.fetchone()[0]
        for basis, value, amount in POLICY_AMOUNTS:
            cur.execute(
                "INSERT INTO asn_policyamount (policy_id, basis, value, amount) "
                "VALUES (%s, %s, %s, %s)",
                (policy_id, basis, value, amount),
            )
        for slug in ELIGIBLE_ROOTS:
            cur.execute(
                "INSERT INTO asn_policy_eligible_categories (policy_id, category_id) "
                "VALUES (%s, %s)",
                (policy_id, categories[slug][0]),
            )
        for year, month in plist:
            cur.execute(
                "INSERT INTO asn_period (year, month, policy_id) VALUES (%s, %s, %s)",
                (year, month, policy_id),
            )

    # --- roster -------------------------------------------------------------------------------
    taken: set[str] = set()
    from malpro.core import crypto  # the child has set Django up

    employees = []  # (id, user_id)
    emp0 = loader.next_id("asn_employee")
    emp_agencies = rng.choices(agency_ids, weights=agency_w, k=asn)
    year_start, year_end = first_day.date(), end_of_data.date()
    span_days = (year_end - year_start).days

    def employee_rows():
        for i in range(asn):
            nip, birth, kind = _nip(rng, taken)
            user_id = asn_users[i] if i < linked else None
            if kind == "PPPK":
                golongan = _roman(rng.randint(5, 11))
                eselon = ""
            else:
                golongan = f"{_roman(rng.choices([1, 2, 3, 4], [2, 20, 55, 23])[0])}/"
                golongan += rng.choice("abcd")
                eselon = (
                    rng.choice(["II.B", "III.A", "III.B", "IV.A", "IV.B"])
                    if rng.random() < 0.06
                    else ""
                )
            tpp = str(rng.randint(1, 15))
            active, left, started = True, None, None
            r = rng.random()
            if r < 0.02:  # left during the year
                active, left = False, year_start + dt.timedelta(days=rng.randrange(span_days))
            elif r < 0.05:  # a new hire during the year
                started = year_start + dt.timedelta(days=rng.randrange(span_days))
            employees.append((emp0 + i, user_id, active))
            yield (
                emp0 + i,
                crypto.encrypt_text(nip),  # NIP and birth date encrypted at rest, as the app
                crypto.nip_hash(nip),
                f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                kind,
                golongan,
                eselon,
                tpp,
                phone(user_id) if user_id else "",
                crypto.encrypt_text(birth.isoformat()),
                active,
                started.isoformat() if started else None,
                left.isoformat() if left else None,
                joined,
                emp_agencies[i],
                user_id,
                joined if user_id else None,
            )

    loader.copy(
        "asn_employee",
        ["id", "nip", "nip_hash", "name", "employment_type", "golongan", "eselon", "tpp_class",
         "phone", "birth_date", "is_active", "started_on", "left_on", "updated_at", "agency_id",
         "user_id", "claimed_at"],
        employee_rows(),
    )  # fmt: skip

    def exemption_rows():
        for emp_id, _user, _active in employees:
            r = rng.random()
            if r < 0.03:
                start = year_start + dt.timedelta(days=rng.randrange(span_days))
                end = start + dt.timedelta(days=rng.randint(2, 20))
                yield ("leave", start.isoformat(), end.isoformat(), "cuti", emp_id)
            elif r < 0.035:
                start = year_start + dt.timedelta(days=rng.randrange(span_days))
                end = start + dt.timedelta(days=rng.randint(60, 120))
                yield ("secondment", start.isoformat(), end.isoformat(), "tugas belajar", emp_id)

    loader.copy("asn_exemption", ["kind", "start", "end", "note", "employee_id"], exemption_rows())

    # --- businesses ---------------------------------------------------------------------------
    biz0 = loader.next_id("umkm_business")
    leaf_slugs = list(CATEGORY_WEIGHT)
    biz_category = rng.choices(leaf_slugs, weights=[CATEGORY_WEIGHT[s] for s in leaf_slugs],
                               k=businesses)  # fmt: skip
    biz_names: list[str] = []
    biz_active: list[bool] = []

    def business_rows():
        for i in range(businesses):
            slug = biz_category[i]
            owner = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            name = f"{rng.choice(SHOP)} {PRODUCTS[slug][0].split()[0]} {owner.split()[0]} {i + 1}"
            village, _district = villages[rng.randrange(len(villages))]
            active = rng.random() >= 0.03
            biz_names.append(name)
            biz_active.append(active)
            yield (
                biz0 + i,
                name,
                "".join(ch for ch in name.lower() if ch.isalnum()),
                "",
                owner_users[i],
                owner,
                "",
                phone(owner_users[i]),
                f"Jl. {rng.choice(FAMILY)} No. {rng.randint(1, 200)}",
                village,
                SECTOR_OF_ROOT[root_of[slug]],
                "mikro",
                "",
                "",
                True,
                "active" if active else "suspended",
                "" if active else "Dibekukan (data benchmark)",
                joined,
                "",
                "web",
                joined,
                joined,
            )

    loader.copy(
        "umkm_business",
        ["id", "name", "name_key", "description", "owner_id", "owner_name", "owner_nik", "phone",
         "address", "village_id", "sector", "scale", "halal_number", "pirt_number",
         "on_marketplace", "status", "status_reason", "status_changed_at", "consent_note",
         "source", "created_at", "updated_at"],
        business_rows(),
    )  # fmt: skip

    # --- orders -------------------------------------------------------------------------------
    # Each linked ASN: an activity level (how much they buy) and five favourite sellers.
    activity = [rng.lognormvariate(0, 0.7) for _ in range(linked)]
    asn_cum = []
    total = 0.0
    for a in activity:
        total += a
        asn_cum.append(total)
    popularity = [rng.paretovariate(1.5) for _ in range(businesses)]
    pop_cum = []
    total = 0.0
    for p in popularity:
        total += p
        pop_cum.append(total)
    favourites = [[rng.randrange(businesses) for _ in range(5)] for _ in range(linked)]
    growth = [0.85 + 0.3 * i / max(1, len(plist) - 1) for i in range(len(plist))]
    per_period = [round(orders * g / sum(growth)) for g in growth]
    per_period[-1] += orders - sum(per_period)
    buyer_address = {}

    order_id0 = loader.next_id("orders_order")
    line_id0 = loader.next_id("orders_orderline")
    lines_out: list[tuple] = []
    stats = {"statuses": {}, "payment": {}, "asn_orders": 0}

    def order_rows(period_index: int, first_id: int, checkouts: list[tuple]):
        year, month = plist[period_index]
        start = _seconds(dt.datetime(year, month, 1, tzinfo=WIB))
        days = calendar.monthrange(year, month)[1]
        n = per_period[period_index]
        n_asn = round(n * ASN_SHARE)
        buyers_asn = rng.choices(range(linked), cum_weights=asn_cum, k=n_asn)
        random_biz = rng.choices(range(businesses), cum_weights=pop_cum, k=n)
        line_id = line_id0 + stats.setdefault("lines", 0)
        for k in range(n):
            order_id = first_id + k
            if k < n_asn:
                a = buyers_asn[k]
                buyer = asn_users[a]
                biz = favourites[a][rng.randrange(5)] if rng.random() < 0.5 else random_biz[k]
                stats["asn_orders"] += 1
            else:
                buyer = citizen_users[rng.randrange(citizens)]
                biz = random_biz[k]
            placed = start + rng.randrange(days) * 86400 + rng.randint(6 * 3600, 22 * 3600)
            if placed > now_s:
                placed = now_s - rng.randrange(3 * 86400)
            address = buyer_address.get(buyer)
            if address is None:
                village, district = villages[rng.randrange(len(villages))]
                address = buyer_address[buyer] = (
                    village,
                    district,
                    f"Jl. {rng.choice(FAMILY)} No. {rng.randint(1, 150)}",
                )
            method = rng.choices(["cod", "qris", "va"], [35, 40, 25])[0]
            delivery = rng.random() < 0.6
            fee = rng.choice([5_000, 7_000, 10_000, 12_000, 15_000]) if delivery else 0
            slug = biz_category[biz]
            label, low, high = PRODUCTS[slug]
            items = 0
            for _ in range(rng.choices([1, 2, 3], [55, 30, 15])[0]):
                price = rng.randrange(low, high + 1, 500) if high - low >= 500 else low
                qty = rng.choices([1, 2, 3, 4], [60, 25, 10, 5])[0]
                items += price * qty
                lines_out.append(
                    (line_id, label, "", categories[slug][0], "pcs", price, qty, price * qty,
                     order_id)
                )  # fmt: skip
                line_id += 1
            r = rng.random()
            accepted = ready = delivered = completed = closed = paid = cash = None
            paid_s = placed + rng.randint(60, 900) if method != "cod" else None
            if r < 0.06:
                status = "cancelled"
                closed = placed + rng.randint(600, 2 * 86400)
                paid = paid_s if rng.random() < 0.5 else None  # paid then refunded
            elif r < 0.09:
                status = "rejected"
                closed = placed + rng.randint(600, 86400)
                paid = paid_s
            else:
                accepted = placed + rng.randint(300, 4 * 3600)
                ready = accepted + rng.randint(600, 6 * 3600)
                finish = ready + rng.randint(1800, (3 if delivery else 1) * 86400)
                if delivery:
                    delivered = finish - rng.randint(60, 1800)
                if finish <= now_s and (now_s - placed > 5 * 86400 or rng.random() < 0.4):
                    status, completed = "completed", finish
                else:
                    status = rng.choice(["pending_payment", "placed", "accepted", "ready"])
                    if status == "pending_payment":
                        method, paid_s = rng.choice(["qris", "va"]), None
                    if status in ("placed", "pending_payment"):
                        accepted = ready = delivered = None
                    elif status == "accepted":
                        ready = delivered = None
                    else:
                        delivered = None
                paid = paid_s if method != "cod" else completed
                if method == "cod" and completed:
                    cash = items + fee
            stats["statuses"][status] = stats["statuses"].get(status, 0) + 1
            stats["payment"][method] = stats["payment"].get(method, 0) + 1
            checkout = f"{seed:08x}{order_id:024x}"
            checkouts.append(
                (checkout, f"bench-{order_id}", f"{order_id:064x}", method, items + fee,
                 clock.text(placed), None, "", buyer)
            )  # fmt: skip
            yield (
                order_id,
                f"MLP{year % 100:02d}{month:02d}-{order_id:08d}",
                buyer,
                biz + biz0,
                biz_names[biz],
                status,
                clock.text(paid) if paid else None,
                "",
                method,
                "delivery" if delivery else "pickup",
                items,
                fee,
                items + fee,
                address[0],
                address[1],
                address[2],
                "Pembeli",
                phone(buyer),
                "",
                cash,
                clock.text(placed),
                clock.text(accepted) if accepted else None,
                clock.text(ready) if ready else None,
                clock.text(delivered) if delivered else None,
                clock.text(completed) if completed else None,
                clock.text(closed) if closed else None,
                checkout,
            )
        stats["lines"] = line_id - line_id0

    order_columns = [
        "id", "number", "buyer_id", "business_id", "seller_name", "status", "paid_at",
        "status_reason", "payment_method", "delivery_method", "items_total", "delivery_fee",
        "total", "village_id", "district_code", "street", "contact_name", "contact_phone",
        "note", "cash_collected", "placed_at", "accepted_at", "ready_at", "delivered_at",
        "completed_at", "closed_at", "checkout_id",
    ]  # fmt: skip
    next_order = order_id0
    for index in range(len(plist)):
        checkouts: list[tuple] = []
        # Orders first into a list of rows for this period (one month: ~170,000), so that the
        # checkouts they reference can be copied before them.
        rows = list(order_rows(index, next_order, checkouts))
        loader.copy(
            "orders_checkout",
            ["id", "idempotency_key", "request_hash", "payment_method", "grand_total",
             "created_at", "ip", "user_agent", "buyer_id"],
            iter(checkouts),
        )  # fmt: skip
        loader.copy("orders_order", order_columns, iter(rows))
        loader.copy(
            "orders_orderline",
            ["id", "product_name", "variant_name", "category_id", "unit", "unit_price",
             "quantity", "line_total", "order_id"],
            iter(lines_out),
        )  # fmt: skip
        next_order += len(rows)
        lines_out.clear()
        conn.commit()
        print(f"  period {plist[index][0]}-{plist[index][1]:02d}: {len(rows):,} orders",
              file=sys.stderr, flush=True)  # fmt: skip

    # --- offline purchases --------------------------------------------------------------------
    def offline_rows():
        for emp_id, user_id, _active in employees:
            if user_id is None:
                continue
            for _ in range(rng.choices([0, 1, 2, 3, 4, 6], [20, 25, 20, 15, 10, 10])[0]):
                day = year_start + dt.timedelta(days=rng.randrange(span_days))
                biz = rng.randrange(businesses)
                while not biz_active[biz]:
                    biz = rng.randrange(businesses)
                r = rng.random()
                state = "confirmed" if r < 0.85 else ("pending" if r < 0.95 else "rejected")
                yield (
                    rng.randrange(20_000, 300_001, 1_000),
                    day.isoformat(),
                    "Belanja langsung",
                    f"asn/nota/{day:%Y/%m}/bench.jpg",
                    state,
                    "Nota tidak terbaca" if state == "rejected" else "",
                    clock.text(_seconds(dt.datetime.combine(day, dt.time(13), WIB))),
                    biz + biz0,
                    emp_id,
                )

    loader.copy(
        "asn_offlinepurchase",
        ["amount", "purchased_on", "description", "receipt", "state", "reason", "created_at",
         "business_id", "employee_id"],
        offline_rows(),
    )  # fmt: skip
    for table in (
        "accounts_user",
        "orders_order",
        "orders_orderline",
        "asn_employee",
        "umkm_business",
    ):
        loader.reset_sequence(table)
    conn.commit()
    return {
        "rows": loader.rows,
        "copy_seconds": {k: round(v, 2) for k, v in loader.seconds.items()},
        "agencies": len(agency_ids),
        "agencies_added": len(extra),
        "linked_asn": linked,
        "active_asn": sum(1 for e in employees if e[2]),
        "periods": [f"{y:04d}-{m:02d}" for y, m in plist],
        "now": end_of_data.isoformat(),
        "orders_by_status": stats["statuses"],
        "orders_by_payment": stats["payment"],
        "asn_orders": stats["asn_orders"],
        "policy_id": policy_id,
    }


def check_foreign_keys(conn, tables: list[str]) -> dict[str, int]:
    """For every foreign key of the loaded tables: the rows whose parent does not exist."""
    found = {}
    with conn.cursor() as cur:
        cur.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, "
            "af.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
            (tables,),
        )
        for table, column, parent, key in cur.fetchall():
            cur.execute(
                f'SELECT count(*) FROM {table} c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM {parent} p WHERE p."{key}" = c."{column}")'
            )
            found[f"{table}.{column}"] = cur.fetchone()[0]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--asn", type=int, default=DEFAULT_ASN)
    parser.add_argument("--orders", type=int, default=DEFAULT_ORDERS)
    parser.add_argument("--businesses", type=int, default=DEFAULT_BUSINESSES)
    parser.add_argument("--citizens", type=int, default=DEFAULT_CITIZENS)
    parser.add_argument("--agencies", type=int, default=DEFAULT_AGENCIES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(args.database_url) as conn:
        # Foreign keys are checked once after the load (below) instead of by a trigger per
        # row at commit: replica mode skips those triggers (it needs a superuser, which the
        # benchmark's throwaway server has). Check constraints and indexes still apply.
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
        result = load(
            conn,
            asn=args.asn,
            orders=args.orders,
            businesses=args.businesses,
            citizens=args.citizens,
            agencies=args.agencies,
            seed=args.seed,
        )
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")
        checked = time.perf_counter()
        result["foreign_keys"] = check_foreign_keys(conn, list(result["rows"]))
        result["foreign_key_check_s"] = round(time.perf_counter() - checked, 2)
    result["seconds"] = round(time.perf_counter() - start, 2)
    broken = {k: v for k, v in result["foreign_keys"].items() if v}
    if broken:
        sys.stdout.write("BENCH-RESULT " + json.dumps(result) + "\n")
        sys.stderr.write(f"rows without their parent: {broken}\n")
        return 1
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["parameters"] = vars(args) | {"database_url": None}
    sys.stdout.write("BENCH-RESULT " + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
