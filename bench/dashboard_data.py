"""A city for the dashboard benchmark, generated inside PostgreSQL with set-based SQL.

    python -m bench.dashboard_data --database-url postgres://... [--businesses 80000]
        [--orders 2000000] [--asn 12000] [--citizens 150000] [--seed 35731] [--end YYYY-MM-DD]

Bench data, not the ledger: it writes the register and the orders the dashboard reads (no
payments, journal entries, events or stock), with `INSERT ... SELECT generate_series(...)`,
never the ORM row by row. Run it on a migrated database with the reference data
(`load_regions`, `load_agencies`, `load_categories`). Every "random" value is a hash of the
row's number, the column and the seed (`hashint8`), so the same seed, sizes and end date give
the same rows whatever plan PostgreSQL picks.

What it makes (the full sizes; --quick scales them down):

- 80,000 businesses over the city's kelurahan (unevenly: more in the lowest codes): 21,000
  active (5,000 of them on the marketplace, 4,200 of which sell; 800 dormant), 6,000 verified, 7,000
  submitted, 41,000 drafts, 2,500 rejected, 2,500 suspended; sources import 55%, web 25%,
  operator 20%; scale micro 90%, small 8%, medium 2%; a main category each;
- guidance (binaan): Diskopindag 45%, Dispangtan 15%, Disporapar 10% of the businesses, 8% a
  second agency too, the rest none;
- users: an owner per business, 12,000 ASN (role asn, a roster row each spread over the OPDs,
  NIPs are placeholders, not encrypted: the dashboard never reads them) and citizen buyers;
- 2,000,000 orders over the 365 days before --end (growing over the year), sellers drawn by a
  skewed popularity (rank = S * u^2.5: the top 1% of sellers take ~16% of orders), 45% bought by
  ASN; 1-3 lines each in the seller's main category (20%: another one); COD 35%, QRIS 40%, VA
  25%; delivery 60% with a fee; 88% completed, 6% cancelled, 3% rejected, and the orders of
  the last hours still open;
- an ASN policy, 12 monthly periods and a standing per ASN and period (required 500,000 -
  1,000,000; counted around it), so the ASN compliance blocks have rows to read.

Prints `BENCH-RESULT {json}` (rows per table, seconds per step). Imports no Django.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time

from bench.asn_data import CATEGORY_WEIGHT, PRODUCTS, SECTOR_OF_ROOT

FULL = {"businesses": 80_000, "orders": 2_000_000, "asn": 12_000, "citizens": 150_000}
# Statuses in the register, as shares of --businesses (the full sizes give the counts above).
ACTIVE_SHARE = 21_000 / 80_000
MARKETPLACE_SHARE = 5_000 / 80_000
SELLING_SHARE = 0.84  # of those on the marketplace: the others never sell (dormant)
STATUS_SHARES = [  # after the active ones
    ("verified", 6_000 / 80_000),
    ("submitted", 7_000 / 80_000),
    ("rejected", 2_500 / 80_000),
    ("suspended", 2_500 / 80_000),
]  # the rest: drafts
ASN_ORDER_SHARE = 0.45
POPULARITY_EXPONENT = 2.5
WIB = dt.timezone(dt.timedelta(hours=7))

# A uniform number in [0, 1) from a row number and a salt (deterministic, plan-independent).
FUNCTIONS = """
CREATE OR REPLACE FUNCTION pg_temp.u(n bigint, salt int) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (hashint8(n * 1009 + salt * 7919 + {seed})::bigint + 2147483648) / 4294967296.0 $$;
"""


def steps(p: dict) -> list[tuple[str, str]]:
    """(label, SQL) in order. p holds the sizes, the id bases and the time window."""
    selling, orders = p["selling"], p["orders"]
    return [
        (
            "villages",
            """CREATE TEMP TABLE v AS
            SELECT row_number() OVER (ORDER BY code) - 1 AS i, code, district_id
            FROM regions_village WHERE district_id LIKE %(regency)s || '.%%'""",
        ),
        (
            "users",
            """INSERT INTO accounts_user (id, password, is_superuser, phone, name, email,
                is_active, date_joined, phone_verified_at, nik, nik_hash, language)
            SELECT %(user0)s + g, '!bench', false, '+62812' || lpad((%(user0)s + g)::text, 8, '0'),
                'Bench ' || CASE WHEN g < %(businesses)s THEN 'Pemilik '
                    WHEN g < %(businesses)s + %(asn)s THEN 'ASN ' ELSE 'Warga ' END || g,
                '', true, %(start)s::timestamptz - interval '400 days',
                %(start)s::timestamptz - interval '400 days', '', '', 'id'
            FROM generate_series(0, %(businesses)s + %(asn)s + %(citizens)s - 1) g""",
        ),
        (
            "businesses",
            """INSERT INTO umkm_business (id, name, name_key, description, owner_name, owner_nik,
                owner_nik_hash, phone, address, opening_hours, sector, scale, halal_number,
                pirt_number, on_marketplace, status, status_reason, status_changed_at,
                consent_note, source, created_at, updated_at, owner_id, village_id)
            SELECT %(biz0)s + b.i, b.shop || ' ' || c.label || ' ' || b.i,
                lower(b.shop || ' ' || c.label || ' ' || b.i), '', 'Pemilik ' || b.i, '', '',
                '+62812' || lpad((%(user0)s + b.i)::text, 8, '0'), 'Jl. Bench No. ' || b.i %% 200,
                '', c.sector, b.scale, '', '', b.i < %(marketplace)s, b.status, '',
                b.created, '', b.source, b.created, b.created, %(user0)s + b.i, v.code
            FROM (
                SELECT g AS i,
                    (ARRAY['Toko','Warung','Dapur','Kedai','Griya','Sentra','Rumah','Pojok'])
                        [1 + floor(pg_temp.u(g, 1) * 8)::int] AS shop,
                    CASE WHEN pg_temp.u(g, 2) < 0.90 THEN 'micro'
                         WHEN pg_temp.u(g, 2) < 0.98 THEN 'small' ELSE 'medium' END AS scale,
                    CASE WHEN g < %(active)s THEN 'active'
                         WHEN g < %(cut_verified)s THEN 'verified'
                         WHEN g < %(cut_submitted)s THEN 'submitted'
                         WHEN g < %(cut_rejected)s THEN 'rejected'
                         WHEN g < %(cut_suspended)s THEN 'suspended' ELSE 'draft' END AS status,
                    CASE WHEN g < %(marketplace)s THEN
                            CASE WHEN pg_temp.u(g, 3) < 0.7 THEN 'web' ELSE 'operator' END
                         WHEN pg_temp.u(g, 3) < 0.55 THEN 'import'
                         WHEN pg_temp.u(g, 3) < 0.80 THEN 'web' ELSE 'operator' END AS source,
                    %(start)s::timestamptz - interval '2 years'
                        + pg_temp.u(g, 4) * interval '700 days' AS created,
                    -- uneven: the kelurahan with the lowest codes get more (u^1.3)
                    floor(power(pg_temp.u(g, 5), 1.3) * (SELECT count(*) FROM v))::int AS vi,
                    floor(pg_temp.u(g, 6) * 1000)::int AS cb
                FROM generate_series(0, %(businesses)s - 1) g
            ) b
            JOIN v ON v.i = b.vi
            JOIN catbucket c ON c.b = b.cb""",
        ),
        (
            "guidance",
            """INSERT INTO umkm_guidance (since, source, agency_id, business_id)
            SELECT b.created_at, 'import', a.id, b.id
            FROM umkm_business b
            CROSS JOIN LATERAL (
                SELECT CASE WHEN pg_temp.u(b.id, 11) < 0.45 THEN 'DISKOPINDAG'
                            WHEN pg_temp.u(b.id, 11) < 0.60 THEN 'DISPANGTAN'
                            WHEN pg_temp.u(b.id, 11) < 0.70 THEN 'DISPORAPAR' END AS code
                UNION ALL
                SELECT CASE WHEN pg_temp.u(b.id, 12) < 0.08 THEN
                    CASE WHEN pg_temp.u(b.id, 11) < 0.45 THEN 'DISPANGTAN' ELSE 'DISKOPINDAG' END
                END
            ) pick
            JOIN accounts_agency a ON a.code = pick.code
            WHERE b.id >= %(biz0)s""",
        ),
        (
            "roles",
            """INSERT INTO accounts_roleassignment (role, granted_at, user_id)
            SELECT 'seller', %(start)s::timestamptz, %(user0)s + g
            FROM generate_series(0, %(marketplace)s - 1) g
            UNION ALL
            SELECT 'asn', %(start)s::timestamptz, %(user0)s + %(businesses)s + g
            FROM generate_series(0, %(asn)s - 1) g""",
        ),
        (
            "sellers",
            # The sellers that sell, ranked by a popularity that has nothing to do with their id.
            f"""CREATE TEMP TABLE seller AS
            SELECT (row_number() OVER (ORDER BY pg_temp.u(b.id, 21), b.id) - 1)::int AS rank,
                b.id AS business_id, b.name, b.village_id, b.id %% 1000 AS k
            FROM umkm_business b
            WHERE b.on_marketplace AND b.id >= %(biz0)s
            ORDER BY pg_temp.u(b.id, 21), b.id LIMIT {selling};
            CREATE UNIQUE INDEX ON seller (rank); ANALYZE seller""",
        ),
        (
            "seller categories",
            """CREATE TEMP TABLE sellercat AS
            SELECT s.rank, c.id AS category_id, c.label, c.low, c.high
            FROM seller s
            JOIN catbucket c ON c.b = floor(pg_temp.u(s.business_id, 6) * 1000)::int;
            CREATE UNIQUE INDEX ON sellercat (rank); ANALYZE sellercat""",
        ),
        (
            "order plan",
            # One row per order with everything drawn; lines and orders are made from it.
            f"""CREATE TEMP TABLE plan AS
            SELECT %(order0)s + g AS id, g,
                floor({selling} * power(pg_temp.u(g, 31), {POPULARITY_EXPONENT}))::int AS rank,
                CASE WHEN pg_temp.u(g, 32) < {ASN_ORDER_SHARE}
                    THEN %(user0)s + %(businesses)s + floor(pg_temp.u(g, 33) * %(asn)s)::bigint
                    ELSE %(user0)s + %(businesses)s + %(asn)s
                        + floor(power(pg_temp.u(g, 33), 1.5) * %(citizens)s)::bigint
                END AS buyer,
                pg_temp.u(g, 32) < {ASN_ORDER_SHARE} AS asn,
                %(start)s::timestamptz
                    + floor(power(pg_temp.u(g, 34), 0.85) * 365) * interval '1 day'
                    + interval '6 hours' + pg_temp.u(g, 35) * interval '16 hours' AS placed,
                CASE WHEN pg_temp.u(g, 36) < 0.35 THEN 'cod'
                     WHEN pg_temp.u(g, 36) < 0.75 THEN 'qris' ELSE 'va' END AS method,
                pg_temp.u(g, 37) < 0.6 AS delivery,
                1 + floor(pg_temp.u(g, 38) * 1.7)::int + (pg_temp.u(g, 39) < 0.15)::int AS nlines,
                pg_temp.u(g, 40) AS fate,
                pg_temp.u(g, 41) * interval '3 hours' + interval '10 minutes' AS to_accept,
                pg_temp.u(g, 42) * interval '5 hours' + interval '20 minutes' AS to_ready,
                pg_temp.u(g, 43) * interval '30 hours' + interval '40 minutes' AS to_finish
            FROM generate_series(0, {orders} - 1) g;
            ANALYZE plan""",
        ),
        (
            "lines plan",
            """CREATE TEMP TABLE lineplan AS
            SELECT d.order_id, d.k,
                CASE WHEN d.own THEN sc.category_id ELSE c.id END AS category_id,
                CASE WHEN d.own THEN sc.label ELSE c.label END AS label,
                (CASE WHEN d.own THEN sc.low ELSE c.low END + floor(d.up * ((CASE WHEN d.own
                    THEN sc.high - sc.low ELSE c.high - c.low END) / 500 + 1)) * 500)::bigint
                    AS price,
                d.qty
            FROM (
                SELECT p.id AS order_id, p.rank, k,
                    pg_temp.u(p.id * 4 + k, 51) < 0.8 AS own,
                    pg_temp.u(p.id * 4 + k, 52) AS up,
                    (1 + floor(power(pg_temp.u(p.id * 4 + k, 53), 2) * 4))::int AS qty,
                    floor(pg_temp.u(p.id * 4 + k, 54) * 1000)::int AS cb
                FROM plan p CROSS JOIN LATERAL generate_series(1, p.nlines) k
            ) d
            JOIN sellercat sc ON sc.rank = d.rank
            JOIN catbucket c ON c.b = d.cb;
            CREATE INDEX ON lineplan (order_id); ANALYZE lineplan""",
        ),
        (
            "checkouts",
            """INSERT INTO orders_checkout (id, idempotency_key, request_hash, payment_method,
                grand_total, created_at, ip, user_agent, buyer_id)
            SELECT md5(%(seed)s || '-' || p.id)::uuid, 'bench-' || p.id, md5(p.id::text) ||
                md5(p.id::text), p.method, 0, p.placed, NULL, '', p.buyer
            FROM plan p""",
        ),
        (
            "orders",
            """INSERT INTO orders_order (id, number, seller_name, status, status_reason,
                payment_method, delivery_method, items_total, delivery_fee, total, district_code,
                street, contact_name, contact_phone, note, cash_collected, placed_at,
                accepted_at, ready_at, delivered_at, completed_at, closed_at, business_id,
                buyer_id, checkout_id, village_id, paid_at, paid_via, buyer_asn)
            SELECT x.id, 'BENCH-' || x.id, s.name, x.status, '', x.method,
                CASE WHEN x.delivery THEN 'delivery' ELSE 'pickup' END, x.items, x.fee,
                x.items + x.fee, v.district_id, 'Jl. Pembeli', 'Pembeli', '+62812' ||
                lpad(x.buyer::text, 8, '0'), '',
                CASE WHEN x.method = 'cod' AND x.status = 'completed' THEN x.items + x.fee END,
                x.placed,
                CASE WHEN x.status IN ('completed', 'ready', 'accepted') THEN x.accepted END,
                CASE WHEN x.status IN ('completed', 'ready') THEN x.ready END,
                CASE WHEN x.status = 'completed' AND x.delivery THEN x.finish
                    - interval '15 minutes' END,
                CASE WHEN x.status = 'completed' THEN x.finish END,
                CASE WHEN x.status IN ('cancelled', 'rejected') THEN x.accepted END,
                s.business_id, x.buyer, md5(%(seed)s || '-' || x.id)::uuid, v.code,
                CASE WHEN x.method <> 'cod' AND x.status <> 'pending_payment'
                        AND NOT (x.status = 'cancelled' AND x.fate < 0.03)
                        THEN x.placed + interval '5 minutes'
                     WHEN x.method = 'cod' AND x.status = 'completed' THEN x.finish END,
                CASE WHEN x.method = 'cod' THEN '' ELSE 'bench' END, x.asn
            FROM (
                SELECT p.*, l.items,
                    CASE WHEN p.delivery THEN (ARRAY[5000, 7000, 10000, 12000, 15000])
                        [1 + p.id %% 5] ELSE 0 END AS fee,
                    p.placed + p.to_accept AS accepted,
                    p.placed + p.to_accept + p.to_ready AS ready,
                    p.placed + p.to_accept + p.to_ready + p.to_finish AS finish,
                    CASE WHEN p.fate < 0.06 THEN 'cancelled'
                         WHEN p.fate < 0.09 THEN 'rejected'
                         WHEN p.placed + p.to_accept + p.to_ready + p.to_finish
                              <= %(end)s::timestamptz THEN 'completed'
                         WHEN p.placed + p.to_accept + p.to_ready <= %(end)s::timestamptz
                              THEN 'ready'
                         WHEN p.placed + p.to_accept <= %(end)s::timestamptz THEN 'accepted'
                         WHEN p.method = 'cod' THEN 'placed' ELSE 'pending_payment' END AS status
                FROM plan p
                JOIN (SELECT order_id, sum(price * qty) AS items FROM lineplan GROUP BY order_id)
                    l ON l.order_id = p.id
            ) x
            JOIN seller s ON s.rank = x.rank
            JOIN v ON v.i = (x.buyer %% (SELECT count(*) FROM v))""",
        ),
        (
            "order lines",
            """INSERT INTO orders_orderline (id, product_name, variant_name, category_id, unit,
                unit_price, quantity, line_total, order_id)
            SELECT %(line0)s + row_number() OVER (ORDER BY order_id, k), label, '', category_id,
                'pcs', price, qty, price * qty, order_id
            FROM lineplan""",
        ),
        (
            "asn roster",
            """INSERT INTO asn_employee (id, nip, nip_hash, name, employment_type, golongan,
                eselon, tpp_class, phone, birth_date, is_active, updated_at, agency_id, user_id,
                claimed_at)
            SELECT %(emp0)s + g, 'bench-nip-' || g, md5('nip' || g) || md5('nip' || g),
                'ASN ' || g, 'PNS',
                (ARRAY['II/a', 'III/a', 'III/b', 'III/c', 'IV/a'])[1 + g %% 5], '', '1', '',
                'bench', true, %(start)s::timestamptz,
                (SELECT id FROM accounts_agency ORDER BY id
                 OFFSET floor(pg_temp.u(g, 61) * (SELECT count(*) FROM accounts_agency)) LIMIT 1),
                %(user0)s + %(businesses)s + g, %(start)s::timestamptz
            FROM generate_series(0, %(asn)s - 1) g""",
        ),
        (
            "asn policy",
            """INSERT INTO asn_policy (name, regulation_ref, effective_from, is_example,
                default_amount, cap_amount, cap_share, counts_offline, leave_pro_rata,
                secondment_exempt, new_hire_pro_rata, created_at)
            VALUES ('Contoh kebijakan (benchmark)', 'CONTOH - data benchmark',
                %(start)s::date, true, 500000, 600000, 50, true, true, true, true, now());
            INSERT INTO asn_period (year, month, policy_id)
            SELECT extract(year FROM m)::int, extract(month FROM m)::int, currval(
                pg_get_serial_sequence('asn_policy', 'id'))
            FROM generate_series(date_trunc('month', %(start)s::date),
                date_trunc('month', %(end)s::date - 1), interval '1 month') m""",
        ),
        (
            "asn standings",
            """INSERT INTO asn_standing (required, counted, excluded, computed_at, agency_id,
                employee_id, period_id)
            SELECT r.required, floor(r.required * 1.6 * pg_temp.u(e.id * 64 + p.id, 62))::bigint,
                0, now(), e.agency_id, e.id, p.id
            FROM asn_employee e
            CROSS JOIN asn_period p
            CROSS JOIN LATERAL (SELECT CASE WHEN e.golongan LIKE 'IV%%' THEN 1000000
                WHEN e.golongan LIKE 'III%%' THEN 750000 ELSE 500000 END AS required) r
            WHERE e.id >= %(emp0)s""",
        ),
    ]


def _categories(cur) -> list[tuple]:
    """(id, label, low, high, sector, lo, hi): the leaf categories the benchmark sells in, with
    a cumulative share [lo, hi) for weighted draws."""
    cur.execute("SELECT c.id, c.slug, coalesce(p.slug, c.slug) FROM catalog_category c "
                "LEFT JOIN catalog_category p ON p.id = c.parent_id")  # fmt: skip
    found = {slug: (cid, root) for cid, slug, root in cur.fetchall()}
    slugs = [s for s in CATEGORY_WEIGHT if s in found]
    total = sum(CATEGORY_WEIGHT[s] for s in slugs)
    rows, acc = [], 0.0
    for slug in slugs:
        cid, root = found[slug]
        label, low, high = PRODUCTS[slug]
        share = CATEGORY_WEIGHT[slug] / total
        hi = 1.0 if slug == slugs[-1] else acc + share
        sector = SECTOR_OF_ROOT.get(root, "lainnya")
        rows.append((cid, label.split()[0], low, high, sector, acc, hi))
        acc += share
    return rows


def load(conn, *, businesses, orders, asn, citizens, seed, end: dt.date) -> dict:
    timings: dict[str, float] = {}
    with conn.cursor() as cur:
        cur.execute("SET max_parallel_workers_per_gather = 0")
        cur.execute("SET work_mem = '256MB'")
        cur.execute(FUNCTIONS.format(seed=int(seed)))

        def next_id(table):
            cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            return cur.fetchone()[0]

        cats = _categories(cur)
        cur.execute(
            "CREATE TEMP TABLE cats (id bigint, label text, low bigint, high bigint, "
            "sector text, lo double precision, hi double precision)"
        )
        cur.executemany("INSERT INTO cats VALUES (%s, %s, %s, %s, %s, %s, %s)", cats)
        # 1000 buckets of the cumulative shares: a weighted draw is then an equality join.
        cur.execute(
            "CREATE TEMP TABLE catbucket AS SELECT b, c.* FROM generate_series(0, 999) b "
            "JOIN cats c ON b / 1000.0 >= c.lo AND b / 1000.0 < c.hi"
        )
        cur.execute("CREATE UNIQUE INDEX ON catbucket (b)")
        active = round(businesses * ACTIVE_SHARE)
        marketplace = round(businesses * MARKETPLACE_SHARE)
        cuts, acc = {}, active
        for status, share in STATUS_SHARES:
            acc += round(businesses * share)
            cuts[f"cut_{status}"] = acc
        end_moment = dt.datetime.combine(end, dt.time.min, WIB)
        start_moment = end_moment - dt.timedelta(days=365)
        p = {
            "businesses": businesses,
            "orders": orders,
            "asn": asn,
            "citizens": citizens,
            "seed": seed,
            "active": active,
            "marketplace": marketplace,
            "selling": round(marketplace * SELLING_SHARE),
            "regency": "35.73",
            "start": start_moment.isoformat(),
            "end": end_moment.isoformat(),
            "user0": next_id("accounts_user"),
            "biz0": next_id("umkm_business"),
            "order0": next_id("orders_order"),
            "line0": next_id("orders_orderline"),
            "emp0": next_id("asn_employee"),
            **cuts,
        }
        for label, sql in steps(p):
            started = time.perf_counter()
            for statement in sql.split(";"):
                if statement.strip():
                    cur.execute(statement, p)
            conn.commit()
            timings[label] = round(time.perf_counter() - started, 2)
            print(f"  {label}: {timings[label]:.1f} s", file=sys.stderr, flush=True)
        for table in ("accounts_user", "umkm_business", "umkm_guidance", "orders_order",
                      "orders_orderline", "accounts_roleassignment", "asn_employee",
                      "asn_policy", "asn_period", "asn_standing"):  # fmt: skip
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        conn.commit()
        rows = {}
        counted = ["accounts_user", "umkm_business", "umkm_guidance", "orders_checkout",
                   "orders_order", "orders_orderline", "asn_employee", "asn_standing"]  # fmt: skip
        for table in counted:
            cur.execute(f"SELECT count(*) FROM {table}")
            rows[table] = cur.fetchone()[0]
        cur.execute("SELECT status, count(*) FROM umkm_business GROUP BY 1 ORDER BY 2 DESC")
        statuses = dict(cur.fetchall())
        cur.execute("SELECT count(*) FROM umkm_business WHERE on_marketplace")
        on_marketplace = cur.fetchone()[0]
        cur.execute("SELECT status, count(*) FROM orders_order GROUP BY 1 ORDER BY 2 DESC")
        order_statuses = dict(cur.fetchall())
        cur.execute("SELECT payment_method, count(*) FROM orders_order GROUP BY 1 ORDER BY 1")
        methods = dict(cur.fetchall())
        cur.execute("SELECT count(*) FILTER (WHERE buyer_asn), count(DISTINCT buyer_id), "
                    "count(DISTINCT business_id) FROM orders_order")  # fmt: skip
        asn_orders, buyers, sellers = cur.fetchone()
        cur.execute(
            "SELECT a.code, count(*) FROM umkm_guidance g JOIN accounts_agency a "
            "ON a.id = g.agency_id GROUP BY 1 ORDER BY 2 DESC"
        )
        guidance = dict(cur.fetchall())
    return {
        "rows": rows,
        "step_seconds": timings,
        "window": [p["start"], p["end"]],
        "business_statuses": statuses,
        "on_marketplace": on_marketplace,
        "selling_sellers_planned": p["selling"],
        "order_statuses": order_statuses,
        "payment_methods": methods,
        "asn_orders": asn_orders,
        "distinct_buyers": buyers,
        "distinct_sellers": sellers,
        "guidance_by_agency": guidance,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    for key, value in FULL.items():
        parser.add_argument(f"--{key}", type=int, default=value)
    parser.add_argument("--seed", type=int, default=35731)
    parser.add_argument(
        "--end", help="the data's end (midnight WIB, exclusive; default: today in WIB)"
    )
    args = parser.parse_args(argv)
    end = dt.date.fromisoformat(args.end) if args.end else dt.datetime.now(WIB).date()
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(args.database_url) as conn:
        # Foreign keys are checked after the load (one query per key), not by a trigger per
        # row: replica mode skips those triggers (the throwaway server's user is a superuser).
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
        result = load(
            conn,
            businesses=args.businesses,
            orders=args.orders,
            asn=args.asn,
            citizens=args.citizens,
            seed=args.seed,
            end=end,
        )
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")
        from bench.asn_data import check_foreign_keys

        checked = time.perf_counter()
        result["foreign_keys"] = check_foreign_keys(
            conn,
            ["umkm_business", "umkm_guidance", "orders_order", "orders_orderline",
             "orders_checkout", "asn_employee", "asn_standing", "accounts_roleassignment"],
        )  # fmt: skip
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
