"""Benchmark: a year of cash books of 21,000 businesses (summary, entries, agency view).

On PostgreSQL (a throwaway 15 with fsync on, or an existing server's database with --books-url):
migrate, the reference data, then `bench.dashboard_data --orders 0` makes the register (80,000
businesses, 21,000 active, guidance by agency) and `bench.books_data` a year of books for the
active ones with set-based SQL (see its docstring: skewed activity, ~8 million entries, deleted
and edited ones with their history, items, debts and payments, ~30% shared with Diskopindag).
`VACUUM ANALYZE`, then, in a fresh child process each, `--repeat` times, `--books-calls` calls
(default 31: the first a warm-up, reported apart as "cold"; p50/p95 over the others) of, for
last month:

1. `selectors.growth()` (the month's summary with its breakdowns, and the month before) and
   `GET /api/v1/books/{id}/summary?from=&to=` (the owner's bearer token), for the busiest book
   (most live entries that month) and a typical one (the median count);
2. `GET /api/v1/books/{id}/entries?from=&to=` (page 1, 50 entries with their items), same books;
3. `selectors.shared_summaries()` over Diskopindag's open shares, and
   `GET /api/v1/books/shared?from=&to=` (an officer of Diskopindag).

Each call's answer is checked (the summary's entry count equals a recount, the shared rows equal
the open shares Diskopindag still guides). EXPLAIN (ANALYZE, BUFFERS) of every query of one call
of each goes to var/bench/books-explain[-quick].txt.

Targets (issue 17): (1) and (2) p95 < 100 ms, (3) < 500 ms. Results: var/bench/books.json
(quick: -quick.json). The measured side: `python -m bench.books child ...`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import sys
import time
from pathlib import Path

from bench import harness
from bench.harness import BenchError, PostgresServer, PostgresUnavailable

NAME = "books"
FULL = {"businesses": 21_000}
QUICK = {"businesses": 2_100}
ACTIVE_SHARE = 21_000 / 80_000  # bench.dashboard_data's share of active businesses
SETUP_STEPS = (
    ("migrate", ("migrate", "--no-input", "-v", "0")),
    ("load_regions", ("load_regions",)),
    ("load_agencies", ("load_agencies",)),
    ("load_categories", ("load_categories",)),
)
# (key, label, target ms, scope)
TARGETS = (
    ("summary", "selectors.growth (summary + month before)", 100, "busiest"),
    ("summary", "selectors.growth (summary + month before)", 100, "typical"),
    ("summary_api", "GET /api/v1/books/{id}/summary", 100, "busiest"),
    ("summary_api", "GET /api/v1/books/{id}/summary", 100, "typical"),
    ("entries_api", "GET /api/v1/books/{id}/entries (page 1)", 100, "busiest"),
    ("entries_api", "GET /api/v1/books/{id}/entries (page 1)", 100, "typical"),
    ("shared", "selectors.shared_summaries (Diskopindag)", 500, "agency"),
    ("shared_api", "GET /api/v1/books/shared", 500, "agency"),
)
OFFICER_PHONE = "+6281199990171"
WIB = dt.timezone(dt.timedelta(hours=7))


def last_month(today: dt.date | None = None) -> tuple[str, str]:
    today = today or dt.datetime.now(WIB).date()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1).isoformat(), last.isoformat()


# --- the harness side -------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument(
        "--books-businesses",
        type=int,
        help=f"books ({FULL['businesses']:,})",
    )
    group.add_argument("--books-calls", type=int, default=31, help="calls per child (31)")
    group.add_argument("--books-seed", type=int, default=35731)
    group.add_argument(
        "--books-url",
        metavar="URL",
        help="build in this (empty, existing) PostgreSQL database instead of a throwaway server",
    )
    group.add_argument(
        "--books-targets",
        help="comma-separated subset of summary,summary_api,entries_api,shared,shared_api",
    )
    group.add_argument(
        "--books-reuse",
        action="store_true",
        help="with --books-url: measure the database an earlier run built (no setup, no load)",
    )


def _child(*args: str) -> list[str]:
    return [harness.PYTHON, "-m", "bench.books", "child", *args]


def _build(env: dict, url: str, active: int, args) -> dict:
    build: dict = {"setup_s": {}}
    for step, argv in SETUP_STEPS:
        child = harness.checked(harness.run_child(harness.manage(*argv), env), step)
        build["setup_s"][step] = round(child.wall_s, 1)
    print(f"  setup: {build['setup_s']}", flush=True)
    register = math.ceil(active / ACTIVE_SHARE)
    argv = [harness.PYTHON, "-m", "bench.dashboard_data", "--database-url", url]
    argv += ["--businesses", str(register), "--orders", "0", "--asn", "0", "--citizens", "0"]
    argv += ["--seed", str(args.books_seed)]
    child = harness.checked(harness.run_child(argv, env, timeout=3600), "register")
    build["register"] = {"wall_s": round(child.wall_s, 1), "rows": child.payload["rows"]}
    print(f"  register: {register:,} businesses in {child.wall_s:.0f} s", flush=True)
    argv = [harness.PYTHON, "-m", "bench.books_data", "--database-url", url]
    argv += ["--seed", str(args.books_seed)]
    child = harness.checked(harness.run_child(argv, env, timeout=4 * 3600), "books load")
    build["load"] = child.payload | {"wall_s": round(child.wall_s, 1)}
    print(
        f"  books: {child.payload['rows']['books_entry']:,} entries in {child.wall_s:.0f} s",
        flush=True,
    )
    child = harness.checked(harness.run_child(_child("vacuum"), env, timeout=3600), "vacuum")
    build["vacuum_analyze_s"] = round(child.wall_s, 1)
    return build


def _targets(args) -> list[tuple]:
    chosen = {t.strip() for t in (getattr(args, "books_targets", None) or "").split(",") if t}
    return [t for t in TARGETS if not chosen or t[0] in chosen]


def _measure(env: dict, args, period: tuple[str, str], picked: dict) -> dict:
    out: dict = {}
    calls = str(max(2, args.books_calls))
    for target, label, target_ms, scope in _targets(args):
        runs = []
        load = harness.machine()["load_average"]
        for _ in range(args.repeat):
            argv = ["measure", "--target", target, "--scope", scope, "--calls", calls]
            argv += ["--from", period[0], "--to", period[1]]
            if scope != "agency":
                argv += ["--business", str(picked[scope]["business_id"])]
            child = harness.run_child(_child(*argv), env)
            runs.append(harness.checked(child, f"{target} {scope}").payload)
        pooled = [s for r in runs for s in r["all_s"][1:]]
        m = {
            "target": target,
            "label": label,
            "scope": scope,
            "target_ms": target_ms,
            "runs": len(runs),
            "calls_per_run": int(calls),
            "warm_calls": len(pooled),
            "cold_ms": round(harness.median([r["cold_s"] for r in runs]) * 1000, 1),
            "p50_ms": round(harness.median([r["p50_s"] for r in runs]) * 1000, 1),
            "p95_ms": round(harness.median([r["p95_s"] for r in runs]) * 1000, 1),
            "pooled_p95_ms": round(percentile(pooled, 95) * 1000, 1),
            "python_cpu_p50_ms": round(harness.median([r["cpu_p50_s"] for r in runs]) * 1000, 1),
            "max_ms": round(max(pooled) * 1000, 1),
            "p95_all_ms": [round(r["p95_s"] * 1000, 1) for r in runs],
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
            "load_average": load,
            "result": runs[-1]["last"],
        }
        out[f"{target}/{scope}"] = m
        print(
            f"  {scope:7} {label}: cold {m['cold_ms']:.0f} ms, p50 {m['p50_ms']:.1f} ms, "
            f"p95 {m['p95_ms']:.1f} ms (pooled p95 {m['pooled_p95_ms']:.1f} ms over "
            f"{m['warm_calls']}; Python CPU p50 {m['python_cpu_p50_ms']:.1f} ms; load {load[0]})",
            flush=True,
        )
    return out


def _print(data: dict) -> None:
    rows = []
    for m in data["measure"].values():
        ok = m["p95_ms"] < m["target_ms"]
        rows.append(
            [
                m["scope"],
                m["label"],
                m["warm_calls"],
                f"{m['cold_ms']:.0f}",
                f"{m['p50_ms']:.1f}",
                f"{m['p95_ms']:.1f}",
                f"{m['python_cpu_p50_ms']:.1f}",
                f"< {m['target_ms']}",
                "ok" if ok else "MISSED",
            ]
        )
    tables = data["sizes"]["tables"]
    picked = data["picked"]
    print()
    print(
        f"books: {tables['books_book']['rows']:,} books, {tables['books_entry']['rows']:,} "
        f"entries, period {data['period'][0]}..{data['period'][1]}; database "
        f"{data['sizes']['database_bytes'] / harness.MB:,.0f} MB; busiest book "
        f"{picked['busiest']['entries']:,} entries that month, typical "
        f"{picked['typical']['entries']:,}; {picked['agency']['shares']:,} shares; "
        "medians over runs"
    )
    print(
        harness.table(
            ["scope", "what", "warm calls", "cold ms", "p50 ms", "p95 ms", "cpu p50", "target", ""],
            rows,
        )
    )


def _measure_all(env: dict, args, data: dict, suffix: str) -> None:
    period = data["period"]
    data["sizes"] = harness.checked(harness.run_child(_child("sizes"), env), "sizes").payload
    argv = ["pick", "--from", period[0], "--to", period[1]]
    data["picked"] = harness.checked(harness.run_child(_child(*argv), env), "pick").payload
    data["measure"] = _measure(env, args, period, data["picked"])
    harness.OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = harness.OUT_DIR / f"{NAME}-explain{suffix}.txt"
    argv = ["explain", "--from", period[0], "--to", period[1], "--out", str(out)]
    argv += ["--busiest", str(data["picked"]["busiest"]["business_id"])]
    argv += ["--typical", str(data["picked"]["typical"]["business_id"])]
    if args.books_targets:
        argv += ["--targets", args.books_targets]
    child = harness.checked(harness.run_child(_child(*argv), env, timeout=3600), "explain")
    data["explain"] = child.payload | {"file": str(Path(out).relative_to(harness.REPO))}


def run(args) -> int:
    active = args.books_businesses or (QUICK if args.quick else FULL)["businesses"]
    if args.backend and "postgresql" not in args.backend:
        print(f"{NAME}: PostgreSQL only (the generator is PostgreSQL SQL); nothing for sqlite")
        return 0
    if args.books_reuse and not args.books_url:
        print(f"{NAME}: --books-reuse needs --books-url")
        return 2
    period = last_month()
    data: dict = {
        "benchmark": NAME,
        "started": harness.now_iso(),
        "machine": harness.machine(),
        "git": harness.git_revision(),
        "parameters": {
            "active_businesses": active,
            "seed": args.books_seed,
            "repeat": args.repeat,
            "calls": args.books_calls,
            "quick": args.quick,
            "settings": "MALPRO_ENV=production, DEBUG=0 (no query log), no Redis",
        },
        "targets": {t: ms for t, _label, ms, _scope in _targets(args)},
        "period": list(period),
    }
    print(f"{NAME}: {active:,} active businesses, period {period[0]}..{period[1]}", flush=True)
    suffix = "-quick" if args.quick else ""
    if args.books_targets:  # a partial run never overwrites the full one's figures
        suffix += "-" + "+".join(sorted({t[0] for t in _targets(args)}))
    pg = None
    try:
        with harness.workdir("malpro-bench-books-", keep=args.keep) as var_dir:
            if args.books_url:
                url = args.books_url
                data["server"] = {"url": url.rsplit("@", 1)[-1], "throwaway": False}
            else:
                try:
                    pg = PostgresServer().start()
                except PostgresUnavailable as exc:
                    print(f"  postgresql: SKIPPED, {exc}")
                    return 2
                url = pg.create_database("bench_books")
                data["server"] = pg.describe() | {"throwaway": True}
                print(f"  postgresql: throwaway server on 127.0.0.1:{pg.port}", flush=True)
            env = harness.django_env(var_dir=var_dir, database_url=url)
            settings = harness.checked(harness.run_child(_child("settings"), env), "settings")
            data["server"] |= settings.payload
            if args.books_reuse:
                data["build"] = {"note": "built by an earlier run of this benchmark"}
            else:
                data["build"] = _build(env, url, active, args)
            _measure_all(env, args, data, suffix)
    except BenchError as exc:
        print(f"\n{NAME}: ERROR {exc}")
        return 2
    finally:
        if pg is not None:
            pg.stop()
    data["finished"] = harness.now_iso()
    data["machine"]["load_average_end"] = harness.machine()["load_average"]
    _print(data)
    missed = [k for k, m in data["measure"].items() if m["p95_ms"] >= m["target_ms"]]
    problems = [
        f"{k}: {m['result'].get('problem')}"
        for k, m in data["measure"].items()
        if m["result"].get("problem")
    ]
    return harness.conclude(
        f"{NAME}{suffix}",
        data,
        missed=missed,
        problems=problems,
        strict=args.strict,
        word="WRONG",
    )


# --- the measured side (python -m bench.books child ...) ----------------------------------------
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _period(args):
    from malpro.books import selectors

    start, end = dt.date.fromisoformat(args.from_), dt.date.fromisoformat(args.to)
    return selectors.period_between(start, end, today=dt.datetime.now(WIB).date())


def _officer():
    from malpro.accounts.models import Agency, RoleAssignment, User
    from malpro.accounts.roles import Role

    user = User.objects.filter(phone=OFFICER_PHONE).first()
    if user is None:
        user = User.objects.create_user(OFFICER_PHONE, None, name="Bench Petugas Diskopindag")
        agency = Agency.objects.get(code="DISKOPINDAG")
        RoleAssignment.objects.create(user=user, role=Role.AGENCY_OFFICER, agency=agency)
    return user


def _live_count(book_id: int, period) -> int:
    from malpro.books.models import Entry

    return Entry.objects.filter(
        book_id=book_id, deleted_at__isnull=True, occurred_on__range=(period.start, period.end)
    ).count()


def _call(target: str, args, business_id: int | None):
    """(call, check): a callable making one measured call, and a check of its last answer."""
    from django.test import Client

    from malpro.accounts.services import api_token_issue
    from malpro.books import access, selectors
    from malpro.umkm.models import Business

    period = _period(args)
    query = f"from={period.start.isoformat()}&to={period.end.isoformat()}"
    if business_id is not None:
        business = Business.objects.select_related("owner").get(pk=business_id)
        user = business.owner
        book = access.book_of(business)
        expected = _live_count(book.pk, period)
    else:
        user = _officer()
        expected = access.shares_visible(user=user).count()
    client = Client(HTTP_HOST="localhost")
    raw, _token = api_token_issue(user=user, name="bench")
    headers = {"authorization": f"Bearer {raw}"}

    def get(url):
        response = client.get(url, secure=True, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code} {response.content[:300]}")
        return response.json() | {"bytes": len(response.content)}

    if target == "summary":

        def call():
            grown = selectors.growth(book=book, period=period)
            return {
                "entries": grown.current.entries,
                "income": grown.current.income,
                "spending": grown.current.spending,
                "receivables": grown.current.receivables,
                "previous_entries": grown.previous.entries,
                "days": len(grown.current.days),
                "top_items": len(grown.current.top_items),
            }

    elif target == "summary_api":

        def call():
            body = get(f"/api/v1/books/{business_id}/summary?{query}")
            keys = ("entries", "income", "spending", "receivables", "bytes")
            return {k: body[k] for k in keys} | {"previous_entries": body["previous"]["entries"]}

    elif target == "entries_api":

        def call():
            body = get(f"/api/v1/books/{business_id}/entries?{query}&page=1")
            return {
                "entries": body["count"],
                "results": len(body["results"]),
                "bytes": body["bytes"],
            }

    elif target == "shared":

        def call():
            # The agency's first page (50 rows, totals over every shared book), as its page
            # and the API ask for it.
            result = selectors.shared_summaries(
                shares=access.shares_visible(user=user), period=period, page=1, page_size=50
            )
            return {"rows": result.count, "income": result.totals["income"]}

    else:

        def call():
            body = get(f"/api/v1/books/shared?{query}")
            return {"rows": body["count"], "bytes": body["bytes"]}

    def check(result: dict) -> dict:
        got = result.get("entries", result.get("rows"))
        if got != expected:
            result["problem"] = f"answered {got}, a recount says {expected}"
        result["expected"] = expected
        return result

    return call, check


def measure_command(args) -> dict:
    call, check = _call(args.target, args, args.business)
    seconds, cpu, result = [], [], None
    for _ in range(args.calls):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = call()
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    warm = seconds[1:] or seconds
    return {
        "target": args.target,
        "scope": args.scope,
        "calls": len(seconds),
        "cold_s": seconds[0],
        "p50_s": statistics.median(warm),
        "p95_s": percentile(warm, 95),
        "all_s": [round(s, 5) for s in seconds],
        # this process's own CPU per warm call: the rest of the wall time is the database and
        # waiting for a core
        "cpu_p50_s": statistics.median(cpu[1:] or cpu),
        "last": check(result),
    }


def pick_command(args) -> dict:
    """The busiest book of the period (most live entries), a typical one (the median count over
    the books with entries that month) and Diskopindag's open shares."""
    from django.db import connection

    from malpro.books import access

    period = _period(args)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE month_counts AS SELECT e.book_id, b.business_id, count(*) AS n "
            "FROM books_entry e JOIN books_book b ON b.id = e.book_id "
            "WHERE e.deleted_at IS NULL AND e.occurred_on BETWEEN %s AND %s GROUP BY 1, 2",
            [period.start, period.end],
        )
        cursor.execute(
            "SELECT business_id, book_id, n FROM month_counts ORDER BY n DESC, book_id LIMIT 1"
        )
        busiest = cursor.fetchone()
        cursor.execute(
            "SELECT business_id, book_id, n FROM month_counts WHERE n = (SELECT "
            "percentile_disc(0.5) WITHIN GROUP (ORDER BY n) FROM month_counts) "
            "ORDER BY book_id LIMIT 1"
        )
        typical = cursor.fetchone()
        cursor.execute("SELECT count(*), sum(n) FROM month_counts")
        books, entries = cursor.fetchone()
    officer = _officer()

    def one(row):
        return {"business_id": row[0], "book_id": row[1], "entries": row[2]}

    return {
        "busiest": one(busiest),
        "typical": one(typical),
        "books_with_entries": books,
        "entries_in_period": int(entries or 0),
        "agency": {"code": "DISKOPINDAG", "shares": access.shares_visible(user=officer).count()},
    }


def explain_command(args) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of every SELECT one call of each target makes (after one call
    to warm the process), slowest first in the JSON, all in the file."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines, slowest = [], []
    plan_of = [
        (t, s, args.busiest if s == "busiest" else args.typical)
        for t, _l, _m, s in _targets(argparse.Namespace(books_targets=args.targets))
    ]
    for target, scope, business in plan_of:
        call, _check = _call(target, args, None if scope == "agency" else business)
        call()
        with CaptureQueriesContext(connection) as captured:
            call()
        lines.append(f"=== {target} ({scope}): {len(captured.captured_queries)} queries\n")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cursor.fetchall())
                ms = float(plan.rsplit("Execution Time: ", 1)[-1].split()[0])
                slowest.append((ms, f"{target}/{scope}", sql[:400]))
                lines.append(f"--- {ms:.2f} ms\n{sql}\n{plan}\n")
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    slowest.sort(reverse=True)
    return {
        "queries": len(slowest),
        "slowest": [{"ms": ms, "target": t, "sql": sql} for ms, t, sql in slowest[:10]],
    }


SIZE_TABLES = [
    "umkm_business",
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


def sizes_command(args) -> dict:
    from django.db import connection

    out: dict = {"tables": {}}
    with connection.cursor() as cursor:
        for table in SIZE_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows = cursor.fetchone()[0]
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            out["tables"][table] = {"rows": rows, "bytes": cursor.fetchone()[0]}
        cursor.execute("SELECT pg_database_size(current_database())")
        out["database_bytes"] = cursor.fetchone()[0]
    return out


def vacuum_command(args) -> dict:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"seconds": round(time.perf_counter() - started, 1)}


def settings_command(args) -> dict:
    from django.db import connection

    names = ("server_version", "fsync", "synchronous_commit", "shared_buffers", "work_mem")
    out = {}
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SHOW {name}")
            out[name] = cursor.fetchone()[0]
    return out


def child_main(argv: list[str]) -> int:
    from bench._child import emit, memory, setup_django

    parser = argparse.ArgumentParser(prog="python -m bench.books child")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("measure")
    one.add_argument("--target", required=True, choices=sorted({t[0] for t in TARGETS}))
    one.add_argument("--scope", required=True, choices=["busiest", "typical", "agency"])
    one.add_argument("--business", type=int)
    one.add_argument("--calls", type=int, default=31)
    for name in ("pick", "explain"):
        sub.add_parser(name)
    for command in (one, sub.choices["pick"], sub.choices["explain"]):
        command.add_argument("--from", dest="from_", required=True)
        command.add_argument("--to", required=True)
    sub.choices["explain"].add_argument("--out", required=True)
    sub.choices["explain"].add_argument("--busiest", type=int, required=True)
    sub.choices["explain"].add_argument("--typical", type=int, required=True)
    sub.choices["explain"].add_argument("--targets")
    for name in ("sizes", "vacuum", "settings"):
        sub.add_parser(name)
    args = parser.parse_args(argv)
    startup_s = setup_django()
    handler = {
        "measure": measure_command,
        "pick": pick_command,
        "explain": explain_command,
        "sizes": sizes_command,
        "vacuum": vacuum_command,
        "settings": settings_command,
    }[args.command]
    result = handler(args)
    result |= {"peak_rss_mb": memory()["peak_mb"], "startup_s": startup_s}
    emit(result)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] != ["child"]:
        sys.exit("usage: python -m bench books ... (or python -m bench.books child ...)")
    sys.exit(child_main(sys.argv[2:]))
