"""A year of cash books for the city's active businesses, generated inside PostgreSQL.

    python -m bench.books_data --database-url postgres://... [--seed 35731] [--end YYYY-MM-DD]

Run it on a database where `bench.dashboard_data` made the register (`--orders 0` is enough):
every business with status `active` gets a book. Bench data, set-based SQL
(`INSERT ... SELECT generate_series(...)`), every "random" value a `hashint8` of the row's
number, a salt and the seed, so the same seed and end date give the same rows.

What it makes (N active businesses; the full run has N = 21,000):

- a book each, with a skewed activity (rank by a hash, not by id): the busiest 1.5% (315) record
  25-35 entries a day, the next 13.5% 1-3 a day, the other 85% 0.2-0.65 a day (about three a
  week); spread over the 365 days ending --end (included), dates rising with the id;
- entries: sales 62%, other income 3%, capital in 1%, stock purchases 20%, operating costs 9%,
  equipment 1%, owner's withdrawals 3%, other spending 1%; cash 70%, QRIS 20%, transfer 10%;
  amounts skewed (a warung's sale 5,000-150,000); 25% of a marketplace seller's sales are
  marketplace entries (a source key); 60% of the manual ones carry a phone's client id; 3% a
  receipt; 3% edited and 2% deleted, each with its revision row;
- items on 30% of a busy book's sales and 12% of the others' (1-3 lines from the book's ~15
  usual goods), and 5-20 stock items in 30% of the books;
- customers and suppliers in 30% of the books (every busy one): debts for ~4% of their entries
  (85% kasbon, 15% payable), 55% repaid at once, 15% in part, 10% in two payments, 20% open;
  each payment is a cash-book entry (source debt_payment) and a DebtPayment row;
- shares with Diskopindag: ~61% of the books of businesses Diskopindag guides (~30% of all
  books), 5% of them revoked.

Prints `BENCH-RESULT {json}` (rows per table, seconds per step). Imports no Django.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import time

WIB = dt.timezone(dt.timedelta(hours=7))
DAYS = 365
BUSY_SHARE = 0.015
MEDIUM_SHARE = 0.15  # cumulative: the busy ones and the next 13.5%
SHARE_OF_GUIDED = 0.607  # of the books Diskopindag guides: ~30% of all books
GOODS = [
    "Beras 5 kg", "Minyak goreng 1 L", "Gula pasir 1 kg", "Telur 1 kg", "Mi instan",
    "Kopi sachet", "Teh celup", "Air mineral 600 ml", "Gas LPG 3 kg", "Rokok",
    "Sabun mandi", "Deterjen", "Roti", "Susu kental manis", "Kecap manis", "Sambal botol",
    "Tepung terigu 1 kg", "Bawang merah", "Bawang putih", "Cabai rawit", "Tahu", "Tempe",
    "Nasi pecel", "Es teh", "Gorengan", "Bakso", "Soto ayam", "Kerupuk", "Keripik tempe",
    "Jamu", "Pulsa", "Token listrik", "Sampo sachet", "Pasta gigi", "Biskuit", "Permen",
    "Susu UHT", "Kopi bubuk", "Garam", "Ikan asin",
]  # fmt: skip

FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.u(n bigint, salt int) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (hashint8(n * 1009 + salt * 7919 + {seed})::bigint + 2147483648) / 4294967296.0 $$;
"""

# An entry's kind from one uniform draw: (upper bound, direction, category).
KINDS = [
    (0.62, "in", "sales"),
    (0.65, "in", "other_income"),
    (0.66, "in", "capital_in"),
    (0.86, "out", "stock"),
    (0.95, "out", "operating"),
    (0.96, "out", "equipment"),
    (0.99, "out", "withdrawal"),
    (1.01, "out", "other_expense"),
]


def _case(column: str) -> str:
    whens = " ".join(
        f"WHEN e.ku < {bound} THEN '{d if column == 'direction' else c}'" for bound, d, c in KINDS
    )
    return f"CASE {whens} END"


def steps(p: dict) -> list[tuple[str, str]]:
    goods = "ARRAY[" + ", ".join(f"'{g}'" for g in GOODS) + "]"
    n_goods = len(GOODS)
    return [
        (
            "books",
            f"""CREATE TEMP TABLE bk AS
            SELECT %(book0)s + x.rank AS book_id, x.*,
                CASE WHEN x.rank < %(busy)s THEN 'busy' WHEN x.rank < %(medium)s THEN 'medium'
                     ELSE 'small' END AS tier,
                greatest(1, round({DAYS} * CASE
                    WHEN x.rank < %(busy)s THEN 25 + 10 * pg_temp.u(x.business_id, 102)
                    WHEN x.rank < %(medium)s THEN 1 + 2 * pg_temp.u(x.business_id, 102)
                    ELSE 0.2 + 0.45 * pg_temp.u(x.business_id, 102) END))::int AS n
            FROM (
                SELECT (row_number() OVER (ORDER BY pg_temp.u(b.id, 101), b.id) - 1)::int AS rank,
                    b.id AS business_id, b.owner_id, b.on_marketplace,
                    EXISTS (SELECT 1 FROM umkm_guidance g JOIN accounts_agency a
                        ON a.id = g.agency_id WHERE g.business_id = b.id
                        AND a.code = 'DISKOPINDAG') AS guided
                FROM umkm_business b WHERE b.status = 'active'
            ) x;
            ALTER TABLE bk ADD COLUMN off bigint;
            UPDATE bk SET off = s.off FROM (
                SELECT book_id, sum(n) OVER (ORDER BY book_id) - n AS off FROM bk) s
            WHERE s.book_id = bk.book_id;
            CREATE UNIQUE INDEX ON bk (book_id); ANALYZE bk;
            INSERT INTO books_book (id, opened_at, business_id, opened_by_id)
            SELECT book_id, %(start)s::timestamptz - pg_temp.u(book_id, 103) * interval '60 days',
                business_id, owner_id
            FROM bk""",
        ),
        (
            "entries",
            # One statement per slice of books (progress, bounded transactions); ids follow
            # the books and, inside a book, the days.
            f"""INSERT INTO books_entry (id, direction, category, amount, occurred_on, method,
                note, receipt, source, source_key, client_id, created_at, updated_at, revision,
                deleted_at, book_id, created_by_id, reverses_id)
            SELECT e.id, {_case("direction")}, {_case("category")}, e.amount, e.day, e.method,
                e.note, e.receipt, e.source,
                CASE WHEN e.source = 'marketplace' THEN 'bench-order:' || e.id END,
                CASE WHEN e.source = 'manual' AND pg_temp.u(e.id, 115) < 0.6
                    THEN md5(%(seed)s || '-e-' || e.id)::uuid END,
                e.created, e.created + CASE WHEN e.fate < 0.05 THEN interval '2 hours'
                    ELSE interval '0' END,
                1 + (e.fate < 0.05)::int, CASE WHEN e.fate < 0.02 THEN e.created
                    + interval '2 hours' END,
                e.book_id, CASE WHEN e.source = 'manual' THEN e.owner_id END, NULL
            FROM (
                SELECT k.*,
                    CASE WHEN k.ku < 0.62 THEN 5000 + floor(power(pg_temp.u(k.id, 112), 2.5)
                            * 290) * 500
                         WHEN k.ku < 0.65 THEN 10000 + floor(pg_temp.u(k.id, 112) * 200) * 500
                         WHEN k.ku < 0.66 THEN 500000 + floor(pg_temp.u(k.id, 112) * 90) * 50000
                         WHEN k.ku < 0.86 THEN 50000 + floor(power(pg_temp.u(k.id, 112), 2)
                            * 390) * 5000
                         WHEN k.ku < 0.95 THEN 20000 + floor(pg_temp.u(k.id, 112) * 96) * 5000
                         WHEN k.ku < 0.96 THEN 100000 + floor(pg_temp.u(k.id, 112) * 190) * 10000
                         WHEN k.ku < 0.99 THEN 50000 + floor(pg_temp.u(k.id, 112) * 95) * 10000
                         ELSE 10000 + floor(pg_temp.u(k.id, 112) * 100) * 1000 END AS amount,
                    CASE WHEN pg_temp.u(k.id, 113) < 0.7 THEN 'cash'
                         WHEN pg_temp.u(k.id, 113) < 0.9 THEN 'qris' ELSE 'transfer' END
                        AS method,
                    CASE WHEN pg_temp.u(k.id, 114) < 0.2 THEN (ARRAY['titip tetangga',
                        'belanja pasar', 'pesanan arisan', 'bayar listrik', 'langganan'])
                        [1 + floor(pg_temp.u(k.id, 116) * 5)::int] ELSE '' END AS note,
                    CASE WHEN pg_temp.u(k.id, 117) < 0.03 THEN 'buku/nota/bench/' || k.id
                        || '.jpg' ELSE '' END AS receipt,
                    CASE WHEN k.on_marketplace AND k.ku < 0.62 AND pg_temp.u(k.id, 118) < 0.25
                        THEN 'marketplace' ELSE 'manual' END AS source,
                    k.day + interval '7 hours' + pg_temp.u(k.id, 119) * interval '14 hours'
                        AS created,
                    pg_temp.u(k.id, 120) AS fate
                FROM (
                    SELECT %(entry0)s + b.off + g - 1 AS id, b.book_id, b.owner_id,
                        b.on_marketplace, pg_temp.u(%(entry0)s + b.off + g - 1, 111) AS ku,
                        (%(first_day)s::date + floor((g - 1 + pg_temp.u(%(entry0)s + b.off + g,
                            110)) * {DAYS} / b.n)::int) AS day
                    FROM bk b CROSS JOIN LATERAL generate_series(1, b.n) g
                    WHERE b.book_id >= %(lo)s AND b.book_id < %(hi)s
                ) k
            ) e""",
        ),
        (
            "revisions",
            """INSERT INTO books_revision (revision, action, before, changed_at, changed_by_id,
                entry_id)
            SELECT 1, CASE WHEN e.deleted_at IS NOT NULL THEN 'deleted' ELSE 'edited' END,
                jsonb_build_object('direction', e.direction, 'category', e.category,
                    'amount', e.amount + CASE WHEN e.deleted_at IS NULL THEN 1000 ELSE 0 END,
                    'occurred_on', e.occurred_on, 'method', e.method, 'note', e.note),
                e.updated_at, e.created_by_id, e.id
            FROM books_entry e WHERE e.id >= %(entry0)s AND e.revision > 1""",
        ),
        (
            "entry items",
            f"""INSERT INTO books_entryitem (name, quantity, total, entry_id, item_id)
            SELECT ({goods})[1 + ((x.book_id * 7 + floor(power(pg_temp.u(x.id * 4 + j, 132), 2)
                    * 15)::int) %% {n_goods})],
                1 + floor(power(pg_temp.u(x.id * 4 + j, 133), 2) * 5)::int,
                CASE WHEN j = x.lines THEN x.amount - (x.amount / x.lines) * (x.lines - 1)
                     ELSE x.amount / x.lines END,
                x.id, NULL
            FROM (
                SELECT e.id, e.book_id, e.amount,
                    1 + floor(pg_temp.u(e.id, 131) * 2.4)::int AS lines
                FROM books_entry e JOIN bk b ON b.book_id = e.book_id
                WHERE e.id >= %(entry0)s AND e.category = 'sales'
                    AND pg_temp.u(e.id, 130) < CASE WHEN b.tier = 'busy' THEN 0.30 ELSE 0.12 END
            ) x CROSS JOIN LATERAL generate_series(1, x.lines) j
            ORDER BY x.id, j""",
        ),
        (
            "stock items",
            f"""INSERT INTO books_stockitem (name, unit, quantity, buy_price, sell_price,
                archived, created_at, book_id, product_id)
            SELECT ({goods})[1 + ((b.book_id * 7 + j) %% {n_goods})], 'pcs',
                floor(pg_temp.u(b.book_id * 32 + j, 141) * 80)::int,
                1000 + floor(pg_temp.u(b.book_id * 32 + j, 142) * 100) * 500,
                1500 + floor(pg_temp.u(b.book_id * 32 + j, 142) * 100) * 600,
                false, %(start)s::timestamptz, b.book_id, NULL
            FROM bk b CROSS JOIN LATERAL generate_series(1,
                5 + floor(pg_temp.u(b.book_id, 143) * 16)::int) j
            WHERE pg_temp.u(b.book_id, 140) < 0.3""",
        ),
        (
            "contacts",
            """CREATE TEMP TABLE dbk AS
            SELECT b.*, 3 + floor(pg_temp.u(b.book_id, 151) * 23)::int AS customers,
                1 + floor(pg_temp.u(b.book_id, 152) * 5)::int AS suppliers,
                greatest(2, round(b.n * 0.04))::int AS debts
            FROM bk b WHERE b.tier = 'busy' OR pg_temp.u(b.book_id, 150) < 0.3;
            CREATE TEMP TABLE ct AS
            SELECT %(contact0)s + row_number() OVER (ORDER BY d.book_id, j) - 1 AS id,
                d.book_id, j, CASE WHEN j <= d.customers THEN 'customer' ELSE 'supplier' END
                    AS kind,
                CASE WHEN j <= d.customers THEN j ELSE j - d.customers END AS nr
            FROM dbk d CROSS JOIN LATERAL generate_series(1, d.customers + d.suppliers) j;
            CREATE UNIQUE INDEX ON ct (book_id, kind, nr); ANALYZE ct;
            INSERT INTO books_contact (id, kind, name, phone, note, created_at, book_id)
            SELECT id, kind, CASE WHEN kind = 'customer' THEN 'Pelanggan ' ELSE 'Pemasok ' END
                || nr, '', '', %(start)s::timestamptz, book_id
            FROM ct""",
        ),
        (
            "debts",
            f"""CREATE TEMP TABLE dp AS
            SELECT %(debt0)s + row_number() OVER (ORDER BY x.book_id, x.j) - 1 AS id, x.*,
                c.id AS contact_id
            FROM (
                SELECT d.book_id, d.owner_id, j, d.customers, d.suppliers,
                    CASE WHEN pg_temp.u(d.book_id * 4096 + j, 161) < 0.85 THEN 'receivable'
                        ELSE 'payable' END AS kind,
                    %(first_day)s::date + floor((j - 1 + pg_temp.u(d.book_id * 4096 + j, 162))
                        * {DAYS} / d.debts)::int AS day,
                    pg_temp.u(d.book_id * 4096 + j, 163) AS fate,
                    pg_temp.u(d.book_id * 4096 + j, 164) AS au,
                    pg_temp.u(d.book_id * 4096 + j, 165) AS cu,
                    1 + floor(pg_temp.u(d.book_id * 4096 + j, 166) * 40)::int AS lag
                FROM dbk d CROSS JOIN LATERAL generate_series(1, d.debts) j
            ) x
            JOIN ct c ON c.book_id = x.book_id AND c.kind = CASE WHEN x.kind = 'receivable'
                THEN 'customer' ELSE 'supplier' END
                AND c.nr = 1 + floor(x.cu * CASE WHEN x.kind = 'receivable' THEN x.customers
                    ELSE x.suppliers END)::int;
            ALTER TABLE dp ADD COLUMN amount bigint;
            UPDATE dp SET amount = CASE WHEN kind = 'receivable'
                THEN 10000 + floor(power(au, 2) * 98) * 5000
                ELSE 200000 + floor(au * 56) * 50000 END;
            -- payments (debt, k, amount, day), none after --end
            CREATE TEMP TABLE pp AS
            SELECT row_number() OVER (ORDER BY y.day, y.debt_id, y.k) - 1 AS r, y.*
            FROM (
                SELECT d.id AS debt_id, d.book_id, d.owner_id, d.kind, 1 AS k,
                    CASE WHEN d.fate < 0.55 THEN d.amount
                         WHEN d.fate < 0.70 THEN (round(d.amount * (0.3 + 0.4 * d.au) / 500)
                            * 500)::bigint
                         ELSE d.amount / 2 END AS amount,
                    d.day + d.lag AS day
                FROM dp d WHERE d.fate < 0.80
                UNION ALL
                SELECT d.id, d.book_id, d.owner_id, d.kind, 2, d.amount - d.amount / 2,
                    d.day + d.lag + 7 + (d.lag %% 20)
                FROM dp d WHERE d.fate >= 0.70 AND d.fate < 0.80
            ) y
            WHERE y.day <= %(last_day)s::date AND y.amount > 0;
            ANALYZE pp;
            INSERT INTO books_debt (id, kind, amount, paid, occurred_on, due_on, note, client_id,
                created_at, book_id, contact_id, created_by_id)
            SELECT d.id, d.kind, d.amount,
                coalesce(ps.paid, 0),
                d.day, CASE WHEN d.fate < 0.6 THEN d.day + 14 + (d.lag %% 17) END, '',
                md5(%(seed)s || '-d-' || d.id)::uuid,
                d.day + interval '10 hours', d.book_id, d.contact_id, d.owner_id
            FROM dp d
            LEFT JOIN (SELECT debt_id, sum(amount) AS paid FROM pp GROUP BY 1) ps
                ON ps.debt_id = d.id""",
        ),
        (
            "debt payments",
            """INSERT INTO books_entry (id, direction, category, amount, occurred_on, method,
                note, receipt, source, source_key, client_id, created_at, updated_at, revision,
                deleted_at, book_id, created_by_id, reverses_id)
            SELECT %(pay_entry0)s + p.r,
                CASE WHEN p.kind = 'receivable' THEN 'in' ELSE 'out' END,
                CASE WHEN p.kind = 'receivable' THEN 'sales' ELSE 'stock' END, p.amount, p.day,
                'cash', '', '', 'debt_payment', 'debt_payment:bench-' || (%(pay0)s + p.r), NULL,
                p.day + interval '11 hours', p.day + interval '11 hours', 1, NULL, p.book_id,
                p.owner_id, NULL
            FROM pp p;
            INSERT INTO books_debtpayment (id, amount, paid_on, client_id, created_at,
                created_by_id, debt_id, entry_id)
            SELECT %(pay0)s + p.r, p.amount, p.day, NULL, p.day + interval '11 hours',
                p.owner_id, p.debt_id, %(pay_entry0)s + p.r
            FROM pp p""",
        ),
        (
            "shares",
            f"""INSERT INTO books_share (granted_at, consent_text, revoked_at, agency_id,
                book_id, granted_by_id, revoked_by_id)
            SELECT %(start)s::timestamptz + pg_temp.u(b.book_id, 171) * interval '300 days',
                'Saya setuju membagikan ringkasan buku kas usaha saya (benchmark).',
                CASE WHEN pg_temp.u(b.book_id, 172) < 0.05 THEN %(end)s::timestamptz
                    - interval '10 days' END,
                a.id, b.book_id, b.owner_id,
                CASE WHEN pg_temp.u(b.book_id, 172) < 0.05 THEN b.owner_id END
            FROM bk b JOIN accounts_agency a ON a.code = 'DISKOPINDAG'
            WHERE b.guided AND pg_temp.u(b.book_id, 170) < {SHARE_OF_GUIDED}""",
        ),
    ]


TABLES = [
    "books_book",
    "books_entry",
    "books_revision",
    "books_entryitem",
    "books_stockitem",
    "books_contact",
    "books_debt",
    "books_debtpayment",
    "books_share",
]


def load(conn, *, seed: int, end: dt.date, slices: int = 12) -> dict:
    timings: dict[str, float] = {}
    first_day = end - dt.timedelta(days=DAYS - 1)
    with conn.cursor() as cur:
        cur.execute("SET max_parallel_workers_per_gather = 0")
        cur.execute("SET work_mem = '256MB'")
        cur.execute(FUNCTIONS.format(seed=int(seed)))

        def next_id(table):
            cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            return cur.fetchone()[0]

        cur.execute("SELECT count(*) FROM umkm_business WHERE status = 'active'")
        active = cur.fetchone()[0]
        if not active:
            raise SystemExit("no active business: run bench.dashboard_data first")
        p = {
            "seed": seed,
            "busy": round(active * BUSY_SHARE),
            "medium": round(active * MEDIUM_SHARE),
            "first_day": first_day.isoformat(),
            "last_day": end.isoformat(),
            "start": dt.datetime.combine(first_day, dt.time.min, WIB).isoformat(),
            "end": dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, WIB).isoformat(),
            "book0": next_id("books_book"),
            "entry0": next_id("books_entry"),
            "contact0": next_id("books_contact"),
            "debt0": next_id("books_debt"),
            "pay0": next_id("books_debtpayment"),
        }
        for label, sql in steps(p):
            started = time.perf_counter()
            if label == "entries":
                cur.execute("SELECT min(book_id), max(book_id), sum(n) FROM bk")
                lo, hi, total = cur.fetchone()
                p["pay_entry0"] = p["entry0"] + int(total)
                # slices of about equal rows, in book order
                cur.execute("SELECT book_id, off FROM bk ORDER BY book_id")
                cuts, step = [], int(total) / slices
                for book_id, off in cur.fetchall():
                    if off >= step * (len(cuts) + 1):
                        cuts.append(book_id)
                bounds = [lo, *cuts, hi + 1]
                for a, b in itertools.pairwise(bounds):
                    cur.execute(sql, p | {"lo": a, "hi": b})
                    conn.commit()
                    print(
                        f"    entries of books {a}..{b - 1}: {time.perf_counter() - started:.0f} s",
                        file=sys.stderr,
                        flush=True,
                    )
            else:
                for statement in sql.split(";"):
                    if statement.strip():
                        cur.execute(statement, p)
                conn.commit()
            timings[label] = round(time.perf_counter() - started, 2)
            print(f"  {label}: {timings[label]:.1f} s", file=sys.stderr, flush=True)
        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        conn.commit()
        rows = {}
        for table in TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")
            rows[table] = cur.fetchone()[0]
        cur.execute(
            "SELECT b.tier, count(DISTINCT b.book_id), count(e.id), "
            "count(e.id) FILTER (WHERE e.deleted_at IS NOT NULL) "
            "FROM bk b LEFT JOIN books_entry e ON e.book_id = b.book_id GROUP BY 1 ORDER BY 1"
        )
        tiers = {t: {"books": nb, "entries": ne, "deleted": nd} for t, nb, ne, nd in cur}
        cur.execute("SELECT source, count(*) FROM books_entry GROUP BY 1 ORDER BY 2 DESC")
        sources = dict(cur.fetchall())
        cur.execute("SELECT count(*) FILTER (WHERE revoked_at IS NULL), count(*) FROM books_share")
        open_shares, all_shares = cur.fetchone()
        cur.execute("SELECT count(*) FROM dbk")
        with_debts = cur.fetchone()[0]
    return {
        "rows": rows,
        "active_businesses": active,
        "step_seconds": timings,
        "window": [first_day.isoformat(), end.isoformat()],
        "tiers": tiers,
        "entry_sources": sources,
        "books_with_debts": with_debts,
        "shares_open": open_shares,
        "shares_all": all_shares,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=35731)
    parser.add_argument("--end", help="the last day with entries (default: today in WIB)")
    args = parser.parse_args(argv)
    end = dt.date.fromisoformat(args.end) if args.end else dt.datetime.now(WIB).date()
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(args.database_url) as conn:
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
        result = load(conn, seed=args.seed, end=end)
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")
        from bench.asn_data import check_foreign_keys

        checked = time.perf_counter()
        result["foreign_keys"] = check_foreign_keys(conn, TABLES)
        result["foreign_key_check_s"] = round(time.perf_counter() - checked, 2)
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["parameters"] = vars(args) | {"database_url": None, "end": end.isoformat()}
    sys.stdout.write("BENCH-RESULT " + json.dumps(result, default=str) + "\n")
    broken = {k: v for k, v in result["foreign_keys"].items() if v}
    if broken:
        sys.stderr.write(f"rows without their parent: {broken}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
