"""Benchmark: the city's dashboard at city scale (80,000 businesses, 2,000,000 orders).

On a throwaway PostgreSQL 15 (fsync on): migrate, the reference data, collectstatic, then
`bench.dashboard_data` generates the city inside the database with set-based SQL (bench data,
not the ledger: no payments, journal or events). Then:

1. `manage.py rebuild_aggregates` (the app's command) builds the seller-day, category-day and
   buyer-month rows from the orders, timed; then `rebuild_aggregates --check` recounts and
   compares (the "aggregates equal a recount" requirement: it must report 0 differences),
   timed;
2. in a fresh child process each, `--repeat` times, `--dash-calls` calls (default 31: one cold,
   30 warm) of: the metrics the summary API computes (+ breakdown by kecamatan and the daily
   series), `GET /api/v1/dashboard/summary?period=P` and the page `GET /dasbor/?periode=P`, for
   the whole city (a city admin) and for one agency (an officer of the agency with the most
   binaan), P being last month. p50/p95 over the warm calls; the cold first call apart;
3. EXPLAIN (ANALYZE, BUFFERS) of every query of one call of each target and scope, to
   var/bench/dashboard-explain[-quick]-SCOPE.txt.

Target: p95 < 300 ms for the API and the page, both scopes. Results: var/bench/dashboard.json
(quick: -quick.json).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from bench import harness
from bench.harness import BenchError, PostgresServer, PostgresUnavailable

NAME = "dashboard"
TARGET_MS = 300
FULL = {"businesses": 80_000, "orders": 2_000_000, "asn": 12_000, "citizens": 150_000}
QUICK = {"businesses": 8_000, "orders": 100_000, "asn": 1_200, "citizens": 15_000}
SETUP_STEPS = (
    ("migrate", ("migrate", "--no-input", "-v", "0")),
    ("load_regions", ("load_regions",)),
    ("load_agencies", ("load_agencies",)),
    ("load_categories", ("load_categories",)),
    ("collectstatic", ("collectstatic", "--no-input", "-v", "0")),
)
TARGETS = (
    ("metrics", "metrics.summary x2 + breakdown + series"),
    ("api", "GET /api/v1/dashboard/summary"),
    ("page", "GET /dasbor/ (page)"),
)
SCOPES = ("city", "agency")
WIB = dt.timezone(dt.timedelta(hours=7))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--dash-businesses", type=int, help=f"({FULL['businesses']:,})")
    group.add_argument("--dash-orders", type=int, help=f"({FULL['orders']:,})")
    group.add_argument("--dash-calls", type=int, default=31, help="calls per child (31)")
    group.add_argument("--dash-seed", type=int, default=35731)
    group.add_argument(
        "--dash-reuse",
        metavar="URL",
        help="measure an existing database this benchmark built (aggregates rebuilt): no "
        "server, no load; measures, then runs rebuild_aggregates --check last",
    )
    group.add_argument(
        "--dash-rebuild-s",
        type=float,
        help="with --dash-reuse: the rebuild's wall time measured by the run that built it",
    )


def _child(*args: str) -> list[str]:
    return [harness.PYTHON, "-m", "bench.dashboard_child", *args]


def last_month(today: dt.date | None = None) -> str:
    today = today or dt.datetime.now(WIB).date()
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def _cpu(pg: PostgresServer | None, work):
    if pg is None:
        return work(), None
    before = pg.cpu_seconds()
    result = work()
    after = pg.cpu_seconds()
    return result, (None if before is None or after is None else round(after - before, 1))


def _build(pg: PostgresServer, env: dict, url: str, database: str, sizes: dict, args) -> dict:
    build: dict = {"setup_s": {}}
    for step, argv in SETUP_STEPS:
        child = harness.checked(harness.run_child(harness.manage(*argv), env), step)
        build["setup_s"][step] = round(child.wall_s, 1)
    print(f"  setup: {build['setup_s']}", flush=True)
    argv = [harness.PYTHON, "-m", "bench.dashboard_data", "--database-url", url]
    argv += ["--seed", str(args.dash_seed)]
    for key, value in sizes.items():
        argv += [f"--{key}", str(value)]
    child, cpu = _cpu(
        pg, lambda: harness.checked(harness.run_child(argv, env, timeout=7200), "load")
    )
    build["load"] = child.payload | {"wall_s": round(child.wall_s, 1), "server_cpu_s": cpu}
    rows = child.payload["rows"]
    print(
        f"  load: {rows['umkm_business']:,} businesses, {rows['orders_order']:,} orders, "
        f"{rows['orders_orderline']:,} lines in {child.wall_s:.0f} s",
        flush=True,
    )
    started = time.perf_counter()
    pg.psql("VACUUM ANALYZE", database=database)
    build["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    return build


def _aggregates(pg: PostgresServer, env: dict, database: str) -> dict:
    out = _rebuild(pg, env, database)
    out["check"] = _check(pg, env)
    return out


def _rebuild(pg: PostgresServer, env: dict, database: str) -> dict:
    out: dict = {}
    child, cpu = _cpu(
        pg,
        lambda: harness.run_child(harness.manage("rebuild_aggregates"), env, timeout=3 * 3600),
    )
    harness.checked(child, "rebuild_aggregates")
    out["rebuild"] = {
        "wall_s": round(child.wall_s, 1),
        "server_cpu_s": cpu,
        "peak_rss_mb": round(child.maxrss_mb, 1),
        "output": child.stdout.strip()[-300:],
    }
    print(f"  rebuild_aggregates: {child.stdout.strip()} in {child.wall_s:.0f} s", flush=True)
    started = time.perf_counter()
    pg.psql(
        "ANALYZE dashboard_sellerday; ANALYZE dashboard_categoryday; ANALYZE dashboard_buyermonth",
        database=database,
    )
    out["analyze_s"] = round(time.perf_counter() - started, 1)
    return out


def _check(pg: PostgresServer | None, env: dict) -> dict:
    child, cpu = _cpu(
        pg,
        lambda: harness.run_child(
            harness.manage("rebuild_aggregates", "--check"), env, timeout=3 * 3600
        ),
    )
    text = child.stdout.strip()
    differences = None
    if "differences=" in text:
        differences = int(text.rsplit("differences=", 1)[1].split()[0])
    out = {
        "wall_s": round(child.wall_s, 1),
        "server_cpu_s": cpu,
        "peak_rss_mb": round(child.maxrss_mb, 1),
        "exit": child.returncode,
        "differences": differences,
        "output": text[-300:],
        "stderr": child.stderr.strip()[-1500:],
    }
    print(
        f"  rebuild_aggregates --check: exit {child.returncode}, {text} in {child.wall_s:.0f} s",
        flush=True,
    )
    return out


def _measure(env: dict, args, period: str) -> dict:
    out: dict = {}
    calls = str(max(2, args.dash_calls))
    for scope in SCOPES:
        out[scope] = {}
        for target, label in TARGETS:
            runs = []
            for _ in range(args.repeat):
                argv = ["measure", "--period", period, "--scope", scope, "--target", target]
                child = harness.run_child(_child(*argv, "--calls", calls), env)
                runs.append(harness.checked(child, f"{scope} {target}").payload)
            pooled = [s for r in runs for s in r["all_s"][1:]]
            from bench.dashboard_child import percentile

            m = {
                "label": label,
                "runs": len(runs),
                "calls_per_run": int(calls),
                "warm_calls": len(pooled),
                "cold_ms": round(harness.median([r["cold_s"] for r in runs]) * 1000, 1),
                "p50_ms": round(harness.median([r["p50_s"] for r in runs]) * 1000, 1),
                "p95_ms": round(harness.median([r["p95_s"] for r in runs]) * 1000, 1),
                "pooled_p50_ms": round(percentile(pooled, 50) * 1000, 1),
                "pooled_p95_ms": round(percentile(pooled, 95) * 1000, 1),
                "max_ms": round(max(pooled) * 1000, 1),
                "cold_all_ms": [round(r["cold_s"] * 1000, 1) for r in runs],
                "p95_all_ms": [round(r["p95_s"] * 1000, 1) for r in runs],
                "urlconf_s": harness.median([r.get("urlconf_s") for r in runs]),
                "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
                "scope_label": runs[-1]["scope_label"],
                "binaan": runs[-1].get("binaan"),
                "result": runs[-1]["last"],
            }
            out[scope][target] = m
            print(
                f"  {scope:6} {label}: cold {m['cold_ms']:.0f} ms, p50 {m['p50_ms']:.0f} ms, "
                f"p95 {m['p95_ms']:.0f} ms (pooled p95 {m['pooled_p95_ms']:.0f} ms over "
                f"{m['warm_calls']})",
                flush=True,
            )
    return out


def _print(data: dict) -> None:
    rows = []
    for scope in SCOPES:
        for target, label in TARGETS:
            m = data["measure"][scope][target]
            ok = m["p95_ms"] < TARGET_MS
            rows.append(
                [
                    scope,
                    label,
                    m["warm_calls"],
                    f"{m['cold_ms']:.0f}",
                    f"{m['p50_ms']:.0f}",
                    f"{m['p95_ms']:.0f}",
                    "ok" if ok else ("MISSED" if target != "metrics" else "over"),
                ]
            )
    tables = data["sizes"]["tables"]
    agg = data["aggregates"]
    print()
    print(
        f"dashboard: {tables['umkm_business']['rows']:,} businesses, "
        f"{tables['orders_order']['rows']:,} orders, period {data['period']}; database "
        f"{data['sizes']['database_bytes'] / harness.MB:,.0f} MB; medians over runs"
    )
    print(
        harness.table(
            ["scope", "what", "warm calls", "cold ms", "p50 ms", "p95 ms", f"<{TARGET_MS} ms"],
            rows,
        )
    )
    print(
        f"rebuild_aggregates: {agg['rebuild']['wall_s']} s ({agg['rebuild'].get('output')}); "
        f"--check: {agg['check']['wall_s']:.0f} s, {agg['check']['differences']} differences"
    )


def _measure_all(env: dict, args, data: dict, period: str, suffix: str) -> None:
    data["sizes"] = harness.checked(harness.run_child(_child("sizes"), env), "sizes").payload
    data["load_before_measure"] = harness.machine()["load_average"]
    data["measure"] = _measure(env, args, period)
    data["explain"] = {}
    harness.OUT_DIR.mkdir(parents=True, exist_ok=True)
    for scope in SCOPES:
        out = harness.OUT_DIR / f"{NAME}-explain{suffix}-{scope}.txt"
        argv = ["explain", "--period", period, "--scope", scope, "--out", out]
        child = harness.checked(harness.run_child(_child(*argv), env), "explain")
        data["explain"][scope] = child.payload | {"file": str(Path(out).relative_to(harness.REPO))}


def _reuse(args, data: dict, period: str, suffix: str) -> int:
    """Measures a database an earlier run built (its server still up), then checks it."""
    data["reused_database"] = True
    data["build"] = {"note": "built by an earlier run of this benchmark (same generator)"}
    data["aggregates"] = {
        "rebuild": {"wall_s": args.dash_rebuild_s, "note": "measured by the run that built it"}
    }
    try:
        with harness.workdir("malpro-bench-dash-", keep=args.keep) as var_dir:
            env = harness.django_env(var_dir=var_dir, database_url=args.dash_reuse)
            argv = harness.manage("collectstatic", "--no-input", "-v", "0")
            harness.checked(harness.run_child(argv, env), "collectstatic")
            _measure_all(env, args, data, period, suffix)
            data["aggregates"]["check"] = _check(None, env)
    except BenchError as exc:
        print(f"\n{NAME}: ERROR {exc}")
        return 2
    return 0


def run(args) -> int:
    sizes = dict(QUICK if args.quick else FULL)
    if args.dash_businesses:
        sizes["businesses"] = args.dash_businesses
    if args.dash_orders:
        sizes["orders"] = args.dash_orders
    if args.backend and "postgresql" not in args.backend:
        print(f"{NAME}: PostgreSQL only (the generator is PostgreSQL SQL); nothing for sqlite")
        return 0
    period = last_month()
    data: dict = {
        "benchmark": NAME,
        "started": harness.now_iso(),
        "machine": harness.machine(),
        "git": harness.git_revision(),
        "parameters": sizes
        | {
            "seed": args.dash_seed,
            "repeat": args.repeat,
            "calls": args.dash_calls,
            "quick": args.quick,
            "settings": "MALPRO_ENV=production, DEBUG=0 (no query log), no Redis",
        },
        "targets": {"p95_ms": TARGET_MS},
        "period": period,
    }
    print(f"{NAME}: {sizes}, period {period}", flush=True)
    suffix = "-quick" if args.quick else ""
    if args.dash_reuse:
        code = _reuse(args, data, period, suffix)
        if code:
            return code
    else:
        try:
            pg = PostgresServer().start()
        except PostgresUnavailable as exc:
            print(f"  postgresql: SKIPPED, {exc}")
            return 2
        try:
            with harness.workdir("malpro-bench-dash-", keep=args.keep) as var_dir:
                database = "bench_dashboard"
                url = pg.create_database(database)
                env = harness.django_env(var_dir=var_dir, database_url=url)
                print(f"  postgresql: throwaway server on 127.0.0.1:{pg.port}", flush=True)
                data["server"] = pg.describe()
                data["build"] = _build(pg, env, url, database, sizes, args)
                data["aggregates"] = _aggregates(pg, env, database)
                _measure_all(env, args, data, period, suffix)
        except BenchError as exc:
            print(f"\n{NAME}: ERROR {exc}")
            return 2
        finally:
            pg.stop()
    data["finished"] = harness.now_iso()
    data["machine"]["load_average_end"] = harness.machine()["load_average"]
    _print(data)
    missed = [
        f"{scope} {target}"
        for scope in SCOPES
        for target in ("api", "page")
        if data["measure"][scope][target]["p95_ms"] >= TARGET_MS
    ]
    problems = []
    if data["aggregates"]["check"]["differences"] != 0:
        problems.append(f"rebuild_aggregates --check: {data['aggregates']['check']['output']}")
    return harness.conclude(
        f"{NAME}{suffix}", data, missed=missed, problems=problems, strict=args.strict
    )
