"""Benchmark: concurrent checkouts over HTTP on PostgreSQL with gunicorn, beside pgbench.

One throwaway PostgreSQL 15 (fsync on), one database: migrate, load_regions, load_agencies,
load_categories, then the marketplace in bulk (bench.orders_child setup): shops, published
products, buyers with API tokens and filled carts. gunicorn serves the app with production
settings on a loopback port; the clients are threads of this process.

(a) race: 200 buyers, each with one unit of the same product (stock 50) in the cart, released
    together by a barrier, each POSTs /api/v1/checkout once. Exactly 50 must get 201 and 150 a
    409 naming the product and the stock left; the database must show 50 units sold, stock 0, and
    for every product the stock taken equal to what the orders hold.
(b) throughput: 32 clients in a closed loop, each checkout a different buyer whose cart holds 2
    products of one shop (many shops and products), a fixed number of checkouts per run; reported:
    checkouts/s, latency p50/p95, CPU of the app, the database and the clients. After each run,
    `pgbench -c 32 -j 2 -T 30` (TPC-B, scale 10, own database) on the same server: the figure is
    checkouts/s as a share of pgbench's transactions/s (target: at least 10%).
Then one checkout is profiled in-process (cProfile through django.test.Client, every SQL
statement timed) on the same database: var/bench/checkout-profile.{prof,txt}.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench import harness
from bench.orders_http import (
    Gunicorn,
    PostgresServer,
    cpu_meter,
    gunicorn_env,
    measure_on_postgres,
    percentile,
    pgbench,
    run_concurrently,
)

NAME = "checkout"
TARGET_RATIO = 0.10
SETUP_STEPS = (
    ("migrate", ("migrate", "--no-input", "-v", "0")),
    ("load_regions", ("load_regions",)),
    ("load_agencies", ("load_agencies",)),
    ("load_categories", ("load_categories",)),
)
FULL = {
    "race_buyers": 200,
    "race_stock": 50,
    "clients": 32,
    "count": 3000,
    "sellers": 200,
    "products_per_seller": 10,
    "pgbench_seconds": 30,
    "profile_count": 20,
}
QUICK = {
    "race_buyers": 40,
    "race_stock": 10,
    "clients": 8,
    "count": 200,
    "sellers": 20,
    "products_per_seller": 5,
    "pgbench_seconds": 5,
    "profile_count": 5,
}
PROFILE_WARMUP = 5


def add_arguments(parser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--checkout-race-buyers", type=int, help="buyers racing (default 200)")
    group.add_argument("--checkout-race-stock", type=int, help="units they race for (default 50)")
    group.add_argument("--checkout-clients", type=int, help="concurrent clients (default 32)")
    group.add_argument(
        "--checkout-count", type=int, help="checkouts per throughput run (default 3,000)"
    )
    group.add_argument(
        "--checkout-lines", type=int, default=2, help="products of one shop in each cart (2)"
    )
    group.add_argument("--checkout-sellers", type=int, help="shops (default 200)")
    group.add_argument("--checkout-products-per-seller", type=int, help="(default 10)")
    group.add_argument(
        "--checkout-workers",
        type=int,
        help="gunicorn workers (default 2 x cores + 1)",
    )
    group.add_argument(
        "--checkout-worker-class",
        default="sync",
        choices=["sync", "gthread"],
        help="gunicorn worker class (default sync)",
    )
    group.add_argument(
        "--checkout-threads", type=int, default=1, help="threads per gthread worker (1)"
    )
    group.add_argument(
        "--checkout-pgbench-seconds", type=int, help="pgbench -T after each run (default 30)"
    )
    group.add_argument("--checkout-seed", type=int, default=35730)


def _sizes(args) -> dict:
    sizes = dict(QUICK if args.quick else FULL)
    for key in list(sizes):
        value = getattr(args, f"checkout_{key}", None)
        if value is not None:
            sizes[key] = value
    sizes["lines"] = args.checkout_lines
    sizes["workers"] = args.checkout_workers or 2 * (os.cpu_count() or 1) + 1
    return sizes


def _orders_child(*args: str) -> list[str]:
    return [harness.PYTHON, "-m", "bench.orders_child", *args]


def checkout_body(setup: dict, entry: dict) -> dict:
    return {
        "address": setup["address"],
        "sellers": [{"business_id": entry["business_id"], "delivery": "pickup"}],
        "payment_method": "cod",
    }


def _sender(setup: dict, group: str):
    def send(client, entry, index):
        return client.request(
            "POST",
            "/api/v1/checkout",
            checkout_body(setup, entry),
            {
                "Authorization": f"Bearer {entry['token']}",
                "Idempotency-Key": f"bench-{group}-{entry['buyer']}",
            },
        )

    return send


def _records(outcomes, entries) -> list[dict]:
    records = []
    for o in outcomes:
        body = o.body or {}
        records.append(
            {
                "buyer": entries[o.index]["buyer"],
                "status": o.status,
                "orders": [x["id"] for x in body.get("orders", [])] if o.status < 300 else [],
            }
        )
    return records


def _race(app, setup, sizes) -> tuple[dict, list[dict]]:
    entries = setup["groups"]["race"]
    product = setup["race_product"]
    outcomes, wall = run_concurrently(
        app.port, entries, _sender(setup, "race"), threads=len(entries), barrier=True
    )
    statuses: dict[int, int] = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    problems = []
    unclear = []
    messages = set()
    for o in outcomes:
        if o.status != 409:
            continue
        body = o.body or {}
        message, extra = body.get("message", ""), body.get("extra", {})
        messages.add(message)
        clear = (
            product["name"] in message
            and extra.get("code") == "out_of_stock"
            and extra.get("product_id") == product["id"]
            and extra.get("available") == 0
            and f"tersisa {extra.get('available')}" in message
        )
        if not clear:
            unclear.append(message or str(body)[:200])
    want_ok, want_refused = product["stock"], len(entries) - product["stock"]
    if statuses.get(201, 0) != want_ok:
        problems.append(f"race: {statuses.get(201, 0)} checkouts succeeded, expected {want_ok}")
    if statuses.get(409, 0) != want_refused:
        problems.append(f"race: {statuses.get(409, 0)} refusals (409), expected {want_refused}")
    other = {s: n for s, n in statuses.items() if s not in (201, 409)}
    if other:
        errors = [o.error or str(o.body)[:200] for o in outcomes if o.status not in (201, 409)]
        problems.append(f"race: other answers {other}: {errors[:3]}")
    if unclear:
        problems.append(f"race: {len(unclear)} refusals do not name the product and stock left")
    latencies = [o.ms for o in outcomes if o.status]
    result = {
        "buyers": len(entries),
        "stock": product["stock"],
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "wall_s": round(wall, 3),
        "latency_p50_ms": round(percentile(latencies, 50) or 0, 1),
        "latency_max_ms": round(max(latencies, default=0), 1),
        "refusal_messages": sorted(messages)[:3],
        "problems": problems,
    }
    return result, _records(outcomes, entries)


def _throughput_run(app, pg, setup, entries, sizes, rep) -> tuple[dict, list[dict]]:
    with cpu_meter(pg, app) as cpu:
        outcomes, wall = run_concurrently(
            app.port, entries, _sender(setup, f"run{rep}"), threads=sizes["clients"]
        )
    ok = [o for o in outcomes if o.status == 201]
    failed = [o for o in outcomes if o.status != 201]
    latencies = [o.ms for o in ok]
    run = {
        "run": rep,
        "checkouts": len(ok),
        "failed": len(failed),
        "wall_s": round(wall, 3),
        "checkouts_per_s": round(len(ok) / wall, 1) if wall else None,
        "latency_p50_ms": round(percentile(latencies, 50) or 0, 1),
        "latency_p95_ms": round(percentile(latencies, 95) or 0, 1),
        "latency_p99_ms": round(percentile(latencies, 99) or 0, 1),
        "app_cpu_s": round(cpu.get("app_cpu_s", 0), 2),
        "db_cpu_s": None if cpu.get("db_cpu_s") is None else round(cpu["db_cpu_s"], 2),
        "client_cpu_s": round(cpu["client_cpu_s"], 2),
        "problems": [],
    }
    if failed:
        sample = [f"{o.status} {o.error or str(o.body)[:160]}" for o in failed[:3]]
        run["problems"].append(f"run {rep}: {len(failed)} checkouts failed: {sample}")
    return run, _records(outcomes, entries)


def _profile(env: dict, setup_file: Path, sizes: dict) -> dict:
    prefix = harness.OUT_DIR / (
        "checkout-profile-quick" if sizes.get("quick") else "checkout-profile"
    )
    harness.OUT_DIR.mkdir(parents=True, exist_ok=True)
    child = harness.checked(
        harness.run_child(
            _orders_child(
                "profile-checkout",
                "--setup",
                str(setup_file),
                "--out",
                str(prefix),
                "--count",
                str(sizes["profile_count"]),
                "--warmup",
                str(PROFILE_WARMUP),
            ),
            env,
        ),
        "profile",
    )
    p = child.payload
    p["files"] = [_relative(Path(f)) for f in p["files"]]
    return {
        k: (round(v, 2) if isinstance(v, float) else v)
        for k, v in p.items()
        if k not in ("startup_s",)
    }


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(harness.REPO))
    except ValueError:
        return str(path)


def _measure(pg: PostgresServer, sizes: dict, args, var_dir: Path) -> dict:
    database = "bench_checkout"
    url = pg.create_database(database)
    env = harness.django_env(var_dir=var_dir, database_url=url)
    result: dict = {"setup_s": {}}
    for step, step_args in SETUP_STEPS:
        child = harness.checked(harness.run_child(harness.manage(*step_args), env), step)
        result["setup_s"][step] = round(child.wall_s, 2)
    result["database"] = harness.run_child(harness.bench_child("db-info"), env).payload
    spec = {
        "seed": args.checkout_seed,
        "sellers": sizes["sellers"],
        "products_per_seller": sizes["products_per_seller"],
        "product_stock": 100_000,
        "race_buyers": sizes["race_buyers"],
        "race_stock": sizes["race_stock"],
        "lines": sizes["lines"],
        "buyer_groups": {
            "race": sizes["race_buyers"],
            "tput": sizes["count"] * args.repeat,
            "profile": PROFILE_WARMUP + 2 * sizes["profile_count"],
        },
    }
    spec_file, setup_file = var_dir / "spec.json", var_dir / "setup.json"
    spec_file.write_text(json.dumps(spec))
    child = harness.checked(
        harness.run_child(
            _orders_child("setup", "--spec", str(spec_file), "--out", str(setup_file)), env
        ),
        "setup",
    )
    result["setup_s"]["marketplace"] = round(child.wall_s, 2)
    result["marketplace"] = {
        k: child.payload[k] for k in ("sellers", "products", "buyers", "cart_items")
    }
    print(
        f"  setup: {result['marketplace']} in {sum(result['setup_s'].values()):.0f} s", flush=True
    )
    setup = json.loads(setup_file.read_text())
    touch = _orders_child("touch-tokens")
    app = Gunicorn(
        gunicorn_env(env),
        workers=sizes["workers"],
        worker_class=args.checkout_worker_class,
        threads=args.checkout_threads,
    )
    responses_file = var_dir / "responses.json"
    all_records: list[dict] = []
    problems: list[str] = []
    with app.start(var_dir):
        result["app_server"] = app.describe()
        # (a) the race
        harness.checked(harness.run_child(touch, env), "touch-tokens")
        race, records = _race(app, setup, sizes)
        all_records += records
        responses_file.write_text(json.dumps(records))
        check = harness.checked(
            harness.run_child(
                _orders_child(
                    "verify-checkout",
                    "--setup",
                    str(setup_file),
                    "--responses",
                    str(responses_file),
                    "--race",
                ),
                env,
            ),
            "verify race",
        ).payload
        race["database"] = {k: v for k, v in check.items() if k != "problems"}
        race["problems"] += check["problems"]
        problems += race["problems"]
        result["race"] = race
        print(
            f"  race: {race['buyers']} buyers for {race['stock']} units: "
            f"answers {race['statuses']} in {race['wall_s']:.2f} s; database "
            f"{check.get('race', {})}" + ("  WRONG" if race["problems"] else "  ok"),
            flush=True,
        )
        # (b) throughput, each run followed by pgbench on the same server
        runs = []
        tput = setup["groups"]["tput"]
        for rep in range(1, args.repeat + 1):
            entries = tput[(rep - 1) * sizes["count"] : rep * sizes["count"]]
            harness.checked(harness.run_child(touch, env), "touch-tokens")
            run, records = _throughput_run(app, pg, setup, entries, sizes, rep)
            all_records += records
            bench_pg = pgbench(
                pg, clients=32, threads=2, seconds=sizes["pgbench_seconds"], scale=10
            )
            run["pgbench"] = bench_pg
            run["ratio"] = round(run["checkouts_per_s"] / bench_pg["tps"], 4)
            problems += run["problems"]
            runs.append(run)
            print(
                f"  run {rep}/{args.repeat}: {run['checkouts']:,} checkouts in "
                f"{run['wall_s']:.1f} s = {run['checkouts_per_s']:.1f}/s, p50 "
                f"{run['latency_p50_ms']:.0f} ms, p95 {run['latency_p95_ms']:.0f} ms "
                f"(cpu: app {run['app_cpu_s']:.1f} s, db {run['db_cpu_s']} s, clients "
                f"{run['client_cpu_s']:.1f} s); pgbench {bench_pg['tps']:.0f} tps; ratio "
                f"{run['ratio'] * 100:.1f}%" + ("  FAILURES" if run["problems"] else ""),
                flush=True,
            )
        result["runs"] = runs
    responses_file.write_text(json.dumps(all_records))
    check = harness.checked(
        harness.run_child(
            _orders_child(
                "verify-checkout", "--setup", str(setup_file), "--responses", str(responses_file)
            ),
            env,
        ),
        "verify",
    ).payload
    result["database_check"] = check
    problems += check["problems"]
    print(
        f"  database after all runs: {check['orders']:,} orders, {check['lines']:,} lines, "
        f"{check['units_sold']:,} units; stock = orders for all {check['products_checked']:,} "
        "products" + ("" if not check["problems"] else f"  WRONG: {check['problems']}"),
        flush=True,
    )
    result["profile"] = _profile(env, setup_file, sizes | {"quick": args.quick})
    pr = result["profile"]
    print(
        f"  profile: {pr['plain_ms']:.1f} ms per checkout in-process, "
        f"{pr['queries_per_checkout']:.0f} SQL statements taking {pr['sql_ms_per_checkout']:.1f} "
        f"ms, Python {pr['python_ms_per_checkout']:.1f} ms",
        flush=True,
    )
    result["problems"] = problems
    if not args.keep:
        pg.drop_database(database)
    return result


def _summarise(result: dict) -> dict:
    runs = result["runs"]
    keys = ("checkouts_per_s", "latency_p50_ms", "latency_p95_ms", "app_cpu_s", "db_cpu_s")
    median = {k: harness.median([r[k] for r in runs]) for k in keys}
    median["pgbench_tps"] = harness.median([r["pgbench"]["tps"] for r in runs])
    median["ratio"] = harness.median([r["ratio"] for r in runs])
    median["target_met"] = median["ratio"] is not None and median["ratio"] >= TARGET_RATIO
    n = sum(r["checkouts"] for r in runs)
    median["app_cpu_ms_per_checkout"] = round(sum(r["app_cpu_s"] for r in runs) / n * 1000, 2)
    if all(r["db_cpu_s"] is not None for r in runs):
        median["db_cpu_ms_per_checkout"] = round(sum(r["db_cpu_s"] for r in runs) / n * 1000, 2)
    median["all_runs_checkouts_per_s"] = [r["checkouts_per_s"] for r in runs]
    median["all_runs_pgbench_tps"] = [r["pgbench"]["tps"] for r in runs]
    return median


def _print(result: dict, sizes: dict) -> None:
    m = result["median"]
    race = result["race"]
    print()
    print(
        f"checkout (a) race: {race['buyers']} buyers, {race['stock']} units: answers "
        f"{race['statuses']}, database {race['database'].get('race')}: "
        + ("ok" if not race["problems"] else "WRONG " + "; ".join(race["problems"]))
    )
    print(
        f"checkout (b) throughput: {sizes['clients']} clients, {sizes['count']:,} checkouts per "
        f"run ({sizes['lines']} products of one shop each), gunicorn "
        f"{result['app_server']['workers']} {result['app_server']['worker_class']} workers; "
        f"medians of {len(result['runs'])} run(s)"
    )
    rows = [
        [
            r["run"],
            f"{r['checkouts_per_s']:.1f}",
            f"{r['latency_p50_ms']:.0f}",
            f"{r['latency_p95_ms']:.0f}",
            f"{r['app_cpu_s']:.1f}",
            "-" if r["db_cpu_s"] is None else f"{r['db_cpu_s']:.1f}",
            f"{r['client_cpu_s']:.1f}",
            f"{r['pgbench']['tps']:.0f}",
            f"{r['ratio'] * 100:.1f}%",
        ]
        for r in result["runs"]
    ]
    rows.append(
        [
            "median",
            f"{m['checkouts_per_s']:.1f}",
            f"{m['latency_p50_ms']:.0f}",
            f"{m['latency_p95_ms']:.0f}",
            f"{m['app_cpu_s']:.1f}",
            "-" if m["db_cpu_s"] is None else f"{m['db_cpu_s']:.1f}",
            "",
            f"{m['pgbench_tps']:.0f}",
            f"{m['ratio'] * 100:.1f}%",
        ]
    )
    print(
        harness.table(
            [
                "run",
                "checkouts/s",
                "p50 ms",
                "p95 ms",
                "app cpu s",
                "db cpu s",
                "client cpu s",
                "pgbench tps",
                "ratio",
            ],
            rows,
        )
    )
    print(
        f"target: checkouts/s at least {TARGET_RATIO:.0%} of pgbench's TPC-B tps: "
        + ("met" if m["target_met"] else "MISSED")
        + f"; CPU per checkout: app {m['app_cpu_ms_per_checkout']} ms, database "
        f"{m.get('db_cpu_ms_per_checkout', '-')} ms"
    )
    p = result["profile"]
    print(
        f"one checkout in-process: {p['plain_ms']:.1f} ms, {p['queries_per_checkout']:.0f} SQL "
        f"statements ({p['sql_ms_per_checkout']:.1f} ms), Python {p['python_ms_per_checkout']:.1f}"
        f" ms; profile in {', '.join(p['files'])}"
    )


def run(args) -> int:
    sizes = _sizes(args)
    started = harness.now_iso()
    print(f"checkout: sizes {sizes}", flush=True)
    result = measure_on_postgres(
        NAME, args.keep, lambda pg, var_dir: _measure(pg, sizes, args, var_dir)
    )
    if result is None:
        return 2
    result["median"] = _summarise(result)
    _print(result, sizes)
    data = {
        "benchmark": NAME,
        "started": started,
        "finished": harness.now_iso(),
        "machine": harness.machine(),
        "git": harness.git_revision(),
        "parameters": sizes
        | {
            "repeat": args.repeat,
            "quick": args.quick,
            "seed": args.checkout_seed,
            "settings": "MALPRO_ENV=production, DEBUG=0, no Redis, behind a TLS proxy "
            "(X-Forwarded-Proto), DB_CONN_MAX_AGE 60 (persistent connections)",
        },
        "target": {"ratio_to_pgbench": TARGET_RATIO},
        "result": result,
    }
    path = harness.write_json(f"{NAME}-quick" if args.quick else NAME, data)
    print(f"written: {_relative(path)}")
    if result["problems"]:
        print("checkout: WRONG COUNTS:\n  " + "\n  ".join(result["problems"]))
        return 1
    if args.strict and not result["median"]["target_met"]:
        return 1
    return 0
