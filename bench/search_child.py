"""The measured side of the search benchmark: loads a generated catalog and builds its search
index, each in its own process, started by bench.search.

    python -m bench.search_child load --products N --businesses N --seed S
    python -m bench.search_child index --seed S --queries N --queries-out FILE [--check N]
    python -m bench.search_child explain --queries FILE --kind KIND [--limit N]

`load` writes the generated users, businesses and products into the real tables (made by
`manage.py migrate`) with bulk SQL: executemany in big transactions on SQLite, COPY on
PostgreSQL. `index` builds the search index the way malpro.catalog.search.engine.reindex does
(the same columns, the same words and stems, the same tsvector and FTS5 statements), but in
bulk; it then checks a sample against engine.reindex itself, measures the index's size and
writes the query set (built from indexed products, so every query has answers). `explain`
prints the database's plans of the SQL one search runs. Each prints one line
`BENCH-RESULT {json}` on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from pathlib import Path

from bench._child import emit, memory, setup_django

CHUNK = 50_000
KINDS = ("single", "two_words", "filtered", "typo", "prefix")
NEGATIVE = ["qzxwvbnm", "xyzzyplugh", "zzqjkx bakso"]  # must find nothing


def _columns(text: str) -> list[str]:
    return text.split()


# --- load ---------------------------------------------------------------------------------------
def _insert(table: str, columns: list[str], rows) -> int:
    """Bulk insert: COPY on PostgreSQL, executemany in one transaction on SQLite."""
    from django.db import connection, transaction

    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with transaction.atomic(), cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count
    marks = ", ".join("%s" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    batch: list = []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _reset_sequences(tables: list[str]) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT follows the largest explicit id by itself
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )


def load_command(args) -> dict:
    startup_s = setup_django()
    from django.db import connection
    from django.utils import timezone

    from bench import catalog_data
    from malpro.catalog.models import Category
    from malpro.umkm.models import name_key

    sqlite = connection.vendor == "sqlite"
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()

    def stamp(moment: dt.datetime) -> str:  # how Django stores aware datetimes
        naive = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return naive.isoformat(" ") if sqlite else naive.isoformat(" ") + "+00"

    def flag(value: bool):
        return int(value) if sqlite else value

    category_ids = dict(Category.objects.values_list("slug", "pk"))
    catalog = catalog_data.generate(
        products=args.products, businesses=args.businesses, seed=args.seed
    )
    times: dict[str, float] = {}
    t = time.perf_counter()
    shops = catalog.businesses()
    times["generate_businesses_s"] = time.perf_counter() - t
    when = stamp(now - dt.timedelta(days=800))

    t = time.perf_counter()
    users = (
        (i + 1, "!bench-unusable", flag(False), b.phone, b.owner_name, "", flag(True), when)
        for i, b in enumerate(shops)
    )
    columns = ["id", "password", "is_superuser", "phone", "name", "email", "is_active"]
    counts = {"users": _insert("accounts_user", [*columns, "date_joined"], users)}
    times["users_s"] = time.perf_counter() - t

    def business_rows():
        for b in shops:
            expires = None
            if b.halal_number and b.halal_expires_days is not None:
                expires = (today + dt.timedelta(days=b.halal_expires_days)).isoformat()
            issued = (today - dt.timedelta(days=400)).isoformat() if b.halal_number else None
            yield (
                b.index + 1,
                b.name,
                name_key(b.name),
                "",
                b.owner_name,
                "",
                b.phone.replace("+62", "0"),
                "",
                b.sector,
                "",
                b.halal_number,
                issued,
                expires,
                "",
                flag(True),
                "active",
                "",
                when,
                "",
                when,
                "import",
                when,
                when,
                b.index + 1,
                b.village,
            )

    t = time.perf_counter()
    counts["businesses"] = _insert(
        "umkm_business",
        _columns(
            "id name name_key description owner_name owner_nik phone address sector scale "
            "halal_number halal_issued_on halal_expires_on pirt_number on_marketplace status "
            "status_reason status_changed_at consent_note claimed_at source created_at "
            "updated_at owner_id village_id"
        ),
        business_rows(),
    )
    times["businesses_s"] = time.perf_counter() - t

    generate_s = 0.0

    def product_rows():
        nonlocal generate_s
        stamps: dict[int, str] = {}
        products = catalog.products()
        pid = 0
        while True:
            g = time.perf_counter()
            p = next(products, None)
            generate_s += time.perf_counter() - g
            if p is None:
                return
            pid += 1
            created = stamps.get(p.age_days)
            if created is None:
                created = stamps[p.age_days] = stamp(now - dt.timedelta(days=p.age_days))
            yield (
                pid,
                p.name,
                name_key(p.name),
                p.description,
                p.price,
                p.unit,
                p.weight_grams,
                p.stock,
                flag(False),
                "published",
                "",
                p.sold_count,
                0,
                0,
                created,
                created,
                created,
                p.business + 1,
                category_ids[p.category],
            )

    t = time.perf_counter()
    counts["products"] = _insert(
        "catalog_product",
        _columns(
            "id name name_key description price unit weight_grams stock has_variants status "
            "hidden_reason sold_count rating_sum rating_count created_at updated_at "
            "published_at business_id category_id"
        ),
        product_rows(),
    )
    times["products_s"] = time.perf_counter() - t
    times["generate_products_s"] = generate_s
    _reset_sequences(["accounts_user", "umkm_business", "catalog_product"])
    return {
        "startup_s": startup_s,
        "counts": counts,
        "times": times,
        "seconds": sum(v for k, v in times.items() if k != "generate_products_s"),
        "peak_rss_mb": memory()["peak_mb"],
    }


# --- index --------------------------------------------------------------------------------------
SELECT_PRODUCTS = """
SELECT p.id, p.name, p.description, p.price, p.stock, p.sold_count, p.published_at,
       p.created_at, p.status, p.business_id, p.category_id, c.name, c.parent_id, parent.name,
       c.slug, parent.slug, b.status, b.on_marketplace, v.district_id, b.halal_number,
       b.halal_expires_on
FROM catalog_product p
JOIN catalog_category c ON c.id = p.category_id
LEFT JOIN catalog_category parent ON parent.id = c.parent_id
JOIN umkm_business b ON b.id = p.business_id
JOIN regions_village v ON v.code = b.village_id
WHERE p.id > %s AND p.id <= %s
ORDER BY p.id
"""
DOC_COLUMNS = [
    "product_id",
    "business_id",
    "category_id",
    "category_root_id",
    "district_code",
    "halal_until",
    "in_stock",
    "price",
    "sold_count",
    "published_at",
    "name_raw",
    "body_raw",
    "name_stem",
    "body_stem",
]
# What PostgresBackend.store() puts in the doc column, for every row at once.
TSVECTOR = (
    "setweight(to_tsvector('indonesian', name_raw), 'A') || "
    "setweight(to_tsvector('indonesian', body_raw), 'B') || "
    "setweight(to_tsvector('simple', name_raw), 'C') || "
    "setweight(to_tsvector('simple', body_raw), 'D')"
)


def _docs(sample_every: int, sample: list[dict]):
    """The SearchDoc rows of every searchable product, as engine.reindex makes them, chunk by
    chunk; every sample_every-th searchable product also goes to `sample` (for the queries)."""
    from django.db import connection
    from django.utils.dateparse import parse_date

    from malpro.catalog import text
    from malpro.catalog.models import ProductStatus
    from malpro.catalog.search.engine import NO_EXPIRY
    from malpro.umkm.models import Status, halal_is_valid

    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM catalog_product")
        top = cursor.fetchone()[0] or 0
    seen = 0
    for low in range(0, top, CHUNK):
        with connection.cursor() as cursor:
            cursor.execute(SELECT_PRODUCTS, [low, low + CHUNK])
            rows = cursor.fetchall()
        docs = []
        for row in rows:
            (pid, name, description, price, stock, sold, published, created, status) = row[:9]
            (business_id, category_id, cat_name, parent_id, parent_name) = row[9:14]
            (cat_slug, parent_slug, b_status, on_market, district, halal, expires) = row[14:]
            if not (status == ProductStatus.PUBLISHED and b_status == Status.ACTIVE and on_market):
                continue
            if isinstance(expires, str):
                expires = parse_date(expires)
            body = " ".join(filter(None, [description, cat_name, parent_name or ""]))
            halal_until = (expires or NO_EXPIRY) if halal_is_valid(halal, expires) else None
            published = published or created  # SQLite: kept as stored (naive UTC text)
            doc = (
                pid,
                business_id,
                category_id,
                parent_id or category_id,
                district,
                halal_until,
                stock > 0,
                price,
                sold,
                published,
                text.raw(name),
                text.raw(body),
                text.stems(name) if sqlite else "",
                text.stems(body) if sqlite else "",
            )
            docs.append(doc)
            seen += 1
            if seen % sample_every == 0:
                sample.append(
                    {
                        "id": pid,
                        "name": name,
                        "category": cat_slug,
                        "root": parent_slug or cat_slug,
                        "kecamatan": district,
                        "price": price,
                    }
                )
        yield docs


def _sqlite_docs(docs) -> list[tuple]:
    out = []
    for d in docs:
        published = d[9]  # naive UTC, as Django stores datetimes in SQLite
        if not isinstance(published, str):
            if published.tzinfo is not None:
                published = published.astimezone(dt.UTC).replace(tzinfo=None)
            published = published.isoformat(" ")
        halal = d[5].isoformat() if d[5] else None
        out.append((*d[:5], halal, int(d[6]), d[7], d[8], published, *d[10:]))
    return out


def _build_sqlite(sample_every: int, sample: list[dict], times: dict) -> set[str]:
    from django.db import connection, transaction

    vocabulary: set[str] = set()
    marks = ", ".join("%s" for _ in DOC_COLUMNS)
    sql = f"INSERT INTO catalog_searchdoc ({', '.join(DOC_COLUMNS)}) VALUES ({marks})"
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for docs in _docs(sample_every, sample):
            for d in docs:
                vocabulary.update(d[10].split())
                vocabulary.update(d[11].split())
            cursor.executemany(sql, _sqlite_docs(docs))
    times["docs_s"] = time.perf_counter() - t
    # SQLiteBackend.store() adds each document to the FTS5 table; all of them at once here.
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO catalog_fts(rowid, name_stem, body_stem, name_raw, body_raw) "
            "SELECT product_id, name_stem, body_stem, name_raw, body_raw FROM catalog_searchdoc "
            "ORDER BY product_id"
        )
    times["text_index_s"] = time.perf_counter() - t
    return vocabulary


def _build_postgres(sample_every: int, sample: list[dict], times: dict) -> set[str]:
    from django.db import connection, transaction

    vocabulary: set[str] = set()
    with connection.cursor() as cursor:
        # Indexes are built once after the load (faster than row by row), from their own
        # definitions, so they are exactly the migrations' indexes.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'catalog_searchdoc' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
        )
        indexes = cursor.fetchall()
        for index_name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{index_name}"')
    t = time.perf_counter()
    staging = ", ".join(
        f"{c} {kind}"
        for c, kind in zip(
            DOC_COLUMNS,
            _columns(
                "bigint bigint bigint bigint text date boolean bigint integer timestamptz "
                "text text text text"
            ),
            strict=True,
        )
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bench_docs ({staging}) ON COMMIT DROP")
        copy = f"COPY bench_docs ({', '.join(DOC_COLUMNS)}) FROM STDIN"
        # One COPY per chunk: the connection must be free to read the next chunk.
        for docs in _docs(sample_every, sample):
            with cursor.cursor.copy(copy) as cp:
                for d in docs:
                    vocabulary.update(d[10].split())
                    vocabulary.update(d[11].split())
                    cp.write_row(d)
        # PostgresBackend.store() sets doc with an UPDATE after inserting; in one INSERT here,
        # which writes each row once.
        cursor.execute(
            f"INSERT INTO catalog_searchdoc ({', '.join(DOC_COLUMNS)}, doc) "
            f"SELECT {', '.join(DOC_COLUMNS)}, {TSVECTOR} FROM bench_docs ORDER BY product_id"
        )
    times["docs_s"] = time.perf_counter() - t
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            if "gin" in definition.lower():
                g = time.perf_counter()
                cursor.execute(definition)
                times["text_index_s"] = time.perf_counter() - g
            else:
                cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
    times["btree_indexes_s"] = time.perf_counter() - t - times.get("text_index_s", 0)
    return vocabulary


def _sizes() -> dict:
    from django.db import connection

    sizes: dict = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename IN "
                "('catalog_searchdoc', 'catalog_searchterm') ORDER BY indexname"
            )
            names = [row[0] for row in cursor.fetchall()]
            for name in names:
                cursor.execute("SELECT pg_relation_size(%s::regclass)", [name])
                sizes[f"index {name}"] = cursor.fetchone()[0]
            for table in ("catalog_searchdoc", "catalog_searchterm", "catalog_product"):
                cursor.execute(
                    "SELECT pg_relation_size(%s::regclass), pg_table_size(%s::regclass), "
                    "pg_total_relation_size(%s::regclass)",
                    [table, table, table],
                )
                heap, with_toast, total = cursor.fetchone()
                sizes[f"table {table}"] = heap
                sizes[f"table+toast {table}"] = with_toast
                sizes[f"total {table}"] = total
            cursor.execute("SELECT pg_database_size(current_database())")
            sizes["database"] = cursor.fetchone()[0]
            sizes["text_index"] = sizes.get("index catalog_searchdoc_doc_gin", 0)
            sizes["search_total"] = (
                sizes["total catalog_searchdoc"] + sizes["total catalog_searchterm"]
            )
        else:
            cursor.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY name")
            by_name = dict(cursor.fetchall())
            search = ("catalog_fts", "catalog_sea", "sqlite_autoindex_catalog_search")
            for name, size in by_name.items():
                if name.startswith((*search, "catalog_pro")):
                    sizes[name] = size
            sizes["text_index"] = sum(v for k, v in by_name.items() if k.startswith("catalog_fts"))
            sizes["search_total"] = sum(v for k, v in by_name.items() if k.startswith(search))
            sizes["database"] = Path(connection.settings_dict["NAME"]).stat().st_size
    return sizes


def _snapshot(ids: list[int]) -> dict:
    from django.db import connection

    columns = ", ".join(DOC_COLUMNS)
    if connection.vendor == "postgresql":
        columns += ", doc::text"
    with connection.cursor() as cursor:
        marks = ", ".join("%s" for _ in ids)
        cursor.execute(
            f"SELECT {columns} FROM catalog_searchdoc WHERE product_id IN ({marks})", ids
        )
        return {row[0]: [str(v) for v in row] for row in cursor.fetchall()}


def _check_against_app(ids: list[int]) -> dict:
    """Rebuilds a sample with the app's own engine.reindex (rolled back afterwards) and compares
    the rows: the bulk build must give exactly what the app gives."""
    from django.db import connection, transaction

    from malpro.catalog.search.engine import reindex

    before = _snapshot(ids)
    with transaction.atomic():
        reindex(ids)
        after = _snapshot(ids)
        fts_ok = True
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM catalog_fts WHERE catalog_fts MATCH %s",
                    ['{name_raw} : "' + before[ids[0]][10].split()[0] + '"'],
                )
                fts_ok = cursor.fetchone()[0] > 0
        transaction.set_rollback(True)
    differing = [i for i in ids if before.get(i) != after.get(i)]
    return {
        "checked": len(ids),
        "differing": len(differing),
        "example": [before.get(differing[0]), after.get(differing[0])] if differing else None,
        "fts_ok": fts_ok,
    }


def _typo(rng: random.Random, word: str, vocabulary: set[str]) -> str | None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(20):
        i = rng.randrange(1, len(word))  # people rarely get the first letter wrong
        edit = rng.choice(("delete", "substitute", "swap", "insert"))
        if edit == "delete":
            typo = word[:i] + word[i + 1 :]
        elif edit == "substitute":
            typo = word[:i] + rng.choice(letters) + word[i + 1 :]
        elif edit == "swap" and i < len(word) - 1:
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            typo = word[:i] + rng.choice(letters) + word[i:]
        if len(typo) >= 5 and typo not in vocabulary and typo != word:
            return typo
    return None


def _queries(sample: list[dict], vocabulary: set[str], total: int, seed: int) -> list[dict]:
    """The mixed query set, in a fixed shuffled order. Each query comes from one indexed
    product, so it has at least that product as an answer."""
    from malpro.catalog import text

    rng = random.Random(f"queries-{seed}")
    per_kind = max(1, total // len(KINDS))
    queries: list[dict] = []
    for kind in KINDS:
        made = 0
        while made < per_kind:
            product = rng.choice(sample)
            words = [w for w in text.words(product["name"]) if w.isalpha() and len(w) >= 3]
            if not words:
                continue
            params: dict = {}
            if kind == "single":
                params["q"] = rng.choice(words)
            elif kind == "two_words":
                if len(words) < 2:
                    continue
                first, second = sorted(rng.sample(range(len(words)), 2))
                params["q"] = f"{words[first]} {words[second]}"
            elif kind == "filtered":
                params["q"] = rng.choice(words)
                choices = rng.sample(("category", "kecamatan", "price"), rng.choice((1, 1, 2)))
                if "category" in choices:
                    params["category"] = rng.choice((product["category"], product["root"]))
                if "kecamatan" in choices:
                    params["kecamatan"] = product["kecamatan"]
                if "price" in choices:
                    params["min_price"] = product["price"] // 2 // 1000 * 1000
                    params["max_price"] = product["price"] * 2
                if rng.random() < 0.25:
                    params["sort"] = rng.choice(("price_asc", "newest"))
            elif kind == "typo":
                long = [w for w in words if len(w) >= text.MIN_TYPO_LENGTH]
                typo = _typo(rng, rng.choice(long), vocabulary) if long else None
                if not typo:
                    continue
                params["q"] = typo
                params["expect_corrections"] = True
            else:  # prefix: the live search box, the last word half typed
                word = rng.choice(words)
                cut = rng.randrange(3, len(word)) if len(word) > 3 else 3
                before = [w for w in words if w != word]
                lead = rng.choice(before) + " " if before and rng.random() < 0.4 else ""
                params["q"] = lead + word[:cut]
                params["typing"] = "true"
            queries.append({"kind": kind, "product": product["id"], **params})
            made += 1
    rng.shuffle(queries)
    return queries


def index_command(args) -> dict:
    startup_s = setup_django()
    from django.db import connection

    from malpro.catalog.models import SearchDoc, SearchTerm
    from malpro.catalog.search.backends import get_backend

    times: dict[str, float] = {}
    sample: list[dict] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_product")
        products = cursor.fetchone()[0]
    sample_every = max(1, products // 5000)
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        vocabulary = _build_postgres(sample_every, sample, times)
    else:
        vocabulary = _build_sqlite(sample_every, sample, times)
    t = time.perf_counter()
    get_backend().add_terms(vocabulary)  # the app's own vocabulary step
    times["vocabulary_s"] = time.perf_counter() - t
    times["seconds"] = time.perf_counter() - start
    t = time.perf_counter()
    if connection.vendor == "postgresql":
        # What autovacuum does to a freshly loaded table within a minute or so: statistics for
        # the planner and the visibility map for index-only scans.
        with connection.cursor() as cursor:
            for table in ("catalog_searchdoc", "catalog_searchterm", "catalog_product"):
                cursor.execute(f"VACUUM ANALYZE {table}")
            for table in ("umkm_business", "accounts_user", "catalog_category"):
                cursor.execute(f"ANALYZE {table}")
    times["analyze_s"] = time.perf_counter() - t
    sizes = _sizes()
    terms = set(SearchTerm.objects.values_list("term", flat=True))
    check = _check_against_app([s["id"] for s in sample[:: max(1, len(sample) // 200)]])
    queries = _queries(sample, terms, args.queries, args.seed)
    Path(args.queries_out).write_text(json.dumps(queries, ensure_ascii=False, indent=0))
    return {
        "startup_s": startup_s,
        "times": times,
        "seconds": times["seconds"],
        "documents": SearchDoc.objects.count(),
        "terms": len(terms),
        "sizes": sizes,
        "check": check,
        "queries": len(queries),
        "sample": len(sample),
        "peak_rss_mb": memory()["peak_mb"],
    }


# --- explain ------------------------------------------------------------------------------------
def explain_command(args) -> dict:
    """Runs the searches of one kind in-process with the SQL captured, and EXPLAINs the slowest
    statement of each (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)."""
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from malpro.catalog.models import Category
    from malpro.catalog.search.engine import SearchParams, search

    queries = [q for q in json.loads(Path(args.queries).read_text()) if q["kind"] == args.kind]
    report = []
    for query in queries[: args.limit]:
        params = SearchParams(
            q=query.get("q", ""),
            category=Category.objects.filter(slug=query["category"]).first()
            if query.get("category")
            else None,
            kecamatan=query.get("kecamatan", ""),
            min_price=query.get("min_price"),
            max_price=query.get("max_price"),
            sort=query.get("sort", "relevance"),
            typing=query.get("typing") == "true",
        )
        search(params)  # warm
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            search(params)
            total_ms = (time.perf_counter() - t) * 1000
        statements = []
        for item in captured.captured_queries:
            sql = item["sql"]
            t = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
            ms = (time.perf_counter() - t) * 1000
            statements.append((ms, sql))
        statements.sort(reverse=True)
        slowest_ms, slowest = statements[0]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + slowest)
            plan = "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
        report.append(
            {
                "query": query,
                "search_ms": round(total_ms, 1),
                "statements": [[round(ms, 1), sql[:300]] for ms, sql in statements],
                "slowest_sql": slowest,
                "slowest_ms": round(slowest_ms, 1),
                "plan": plan,
            }
        )
    if args.out:
        lines = []
        for item in report:
            lines += [f"== {item['query']}  search {item['search_ms']} ms"]
            lines += [f"  {ms:8.1f} ms  {sql}" for ms, sql in item["statements"]]
            lines += ["  slowest:", "  " + item["slowest_sql"], item["plan"], ""]
        Path(args.out).write_text("\n".join(lines) + "\n")
    return {"explained": len(report), "file": args.out}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_child")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load")
    load.add_argument("--products", type=int, required=True)
    load.add_argument("--businesses", type=int, required=True)
    load.add_argument("--seed", type=int, required=True)
    index = commands.add_parser("index")
    index.add_argument("--seed", type=int, required=True)
    index.add_argument("--queries", type=int, default=300)
    index.add_argument("--queries-out", required=True)
    explain = commands.add_parser("explain")
    explain.add_argument("--queries", required=True)
    explain.add_argument("--kind", choices=KINDS, required=True)
    explain.add_argument("--limit", type=int, default=5)
    explain.add_argument("--out")
    args = parser.parse_args(argv)
    if args.command == "load":
        emit(load_command(args))
    elif args.command == "index":
        emit(index_command(args))
    else:
        emit(explain_command(args))


if __name__ == "__main__":
    main()
