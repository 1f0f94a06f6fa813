"""Benchmark: the ASN programme at city scale (12,000 ASN, 12 periods, 2,000,000 orders).

On a throwaway PostgreSQL 15 (fsync on): migrate, the reference data (load_regions,
load_agencies, load_categories), collectstatic, then `bench.asn_data` loads the roster, a policy,
12 monthly periods, the businesses and the orders with their lines by COPY. Then:

1. the precompute: `manage.py asn_period --period P --refresh` for each period (the app's own
   command, `--asn-jobs` at a time), timed;
2. in a fresh child process each, `--repeat` times: the OPD compliance report for one period
   (`reports.opd_report`, what the page and the API call; an OPD officer's view of their own
   OPD; `GET /api/v1/asn/reports/opd`; the page `/asn/laporan/`) and one ASN's obligation
   (`obligation.obligation_for`, what `/asn/` and `GET /api/v1/asn/me/obligation` call, for the
   ASN with the most orders and one in the middle; the API; the page). Each child makes
   `--asn-calls` calls: the first is cold for the process, the median of the others is warm.
   Once more after a restart of the server (its buffer cache empty);
3. the proof: every stored figure of the reported period (required, counted, excluded, OPD)
   against `obligation.compute()` from the orders, also through the app's `asn_recount`
   command, and a seeded sample of every other period (`--asn-recount-all`: every ASN of every
   period); any difference exits 1.

Targets: the report for one period and one ASN's obligation, each under 1 s. Rows per table and
the database size are recorded. Results: var/bench/asn_report.json (quick: -quick.json).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import time
from pathlib import Path

from bench import harness
from bench.harness import BenchError, Child, PostgresServer, PostgresUnavailable

NAME = "asn_report"
TARGET_SECONDS = 1.0
FULL = {"asn": 12_000, "orders": 2_000_000, "businesses": 20_000, "citizens": 20_000}
QUICK = {"asn": 1_200, "orders": 100_000, "businesses": 2_000, "citizens": 2_000}
SETUP_STEPS = (
    ("migrate", ("migrate", "--no-input", "-v", "0")),
    ("load_regions", ("load_regions",)),
    ("load_agencies", ("load_agencies",)),
    ("load_categories", ("load_categories",)),
    ("collectstatic", ("collectstatic", "--no-input", "-v", "0")),
)
REPORT_TARGETS = (
    ("function", "opd_report() all OPDs"),
    ("officer", "opd_report() one OPD (officer)"),
    ("api", "GET /api/v1/asn/reports/opd"),
    ("page", "GET /asn/laporan/ (page + trend)"),
)
DUTY_TARGETS = (
    ("function", "obligation_for()"),
    ("api", "GET /api/v1/asn/me/obligation"),
    ("page", "GET /asn/ (page)"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--asn-count", type=int, help=f"ASN on the roster ({FULL['asn']:,})")
    group.add_argument("--asn-orders", type=int, help=f"orders ({FULL['orders']:,})")
    group.add_argument("--asn-businesses", type=int, help=f"UMKM ({FULL['businesses']:,})")
    group.add_argument("--asn-citizens", type=int, help=f"citizen buyers ({FULL['citizens']:,})")
    group.add_argument("--asn-seed", type=int, default=35731)
    group.add_argument(
        "--asn-period", help="the period measured (default: the last complete one, 2026-10)"
    )
    group.add_argument("--asn-calls", type=int, default=7, help="calls per child (default 7)")
    group.add_argument(
        "--asn-jobs", type=int, default=2, help="precompute/recount commands at once (default 2)"
    )
    group.add_argument(
        "--asn-recount-sample",
        type=int,
        default=500,
        help="ASN recounted in each other period (default 500; 0 = all)",
    )
    group.add_argument(
        "--asn-recount-all", action="store_true", help="recount every ASN of every period"
    )
    group.add_argument(
        "--asn-recount-command",
        action="store_true",
        help="also run manage.py asn_recount on the reported period (always with --quick)",
    )


def _child(*args: str) -> list[str]:
    return [harness.PYTHON, "-m", "bench.asn_child", *args]


def _cpu(pg: PostgresServer, work):
    before = pg.cpu_seconds()
    result = work()
    after = pg.cpu_seconds()
    return result, (None if before is None or after is None else round(after - before, 2))


def _parallel(jobs: int, tasks: list[tuple[str, list[str]]], env: dict) -> dict[str, Child]:
    """Runs (label, argv) children, `jobs` at a time; each keeps its own wall time."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {label: pool.submit(harness.run_child, argv, env) for label, argv in tasks}
        return {label: future.result() for label, future in futures.items()}


def _restart(pg: PostgresServer) -> None:
    """Restarts the server (same options): its shared buffers start empty. The kernel's page
    cache is left alone (dropping it would slow down everything else on the machine)."""
    data = str(pg.dir / "data")
    # -l: the new postmaster writes to the log, not to our pipes (which would never close).
    pg._run([pg._tool("pg_ctl"), "-D", data, "-l", str(pg.log), "-m", "fast", "-w", "restart"])


def _summary(runs: list[dict]) -> dict:
    cold = [r["cold_s"] for r in runs]
    warm = [r["warm_median_s"] for r in runs]
    return {
        "runs": len(runs),
        "cold_median_s": round(harness.median(cold), 4),
        "warm_median_s": round(harness.median(warm), 4),
        "cold_all_s": [round(x, 4) for x in cold],
        "warm_all_s": [round(x, 4) for x in warm],
        "urlconf_median_s": harness.median([r.get("urlconf_s") for r in runs]),
        "startup_median_s": harness.median([r.get("startup_s") for r in runs]),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
        "result": runs[-1].get("last"),
    }


def _measure(env: dict, args, period: str) -> dict:
    out: dict = {"report": {}, "obligation": {}}
    calls = str(max(2, args.asn_calls))
    for target, label in REPORT_TARGETS:
        runs = []
        for _ in range(args.repeat):
            child = harness.run_child(
                _child("report", "--period", period, "--target", target, "--calls", calls), env
            )
            runs.append(harness.checked(child, f"report {target}").payload)
        out["report"][target] = _summary(runs) | {"label": label}
        if target == "officer":
            out["report"][target]["agency"] = runs[-1]["agency"]
        m = out["report"][target]
        print(
            f"  report {label}: cold {m['cold_median_s']:.3f} s, warm {m['warm_median_s']:.3f} s",
            flush=True,
        )
    for who in ("busiest", "median"):
        out["obligation"][who] = {}
        for target, label in DUTY_TARGETS:
            runs = []
            for _ in range(args.repeat):
                argv = ["obligation", "--period", period, "--who", who, "--target", target]
                child = harness.run_child(_child(*argv, "--calls", calls), env)
                runs.append(harness.checked(child, f"obligation {who} {target}").payload)
            m = _summary(runs) | {
                "label": label,
                "employee_id": runs[-1]["employee_id"],
                "completed_orders_in_period": runs[-1]["completed_orders_in_period"],
            }
            out["obligation"][who][target] = m
            print(
                f"  obligation ({who} ASN, {m['completed_orders_in_period']} orders) {label}: "
                f"cold {m['cold_median_s']:.3f} s, warm {m['warm_median_s']:.3f} s",
                flush=True,
            )
    return out


def _cold_server(pg: PostgresServer, env: dict, args, period: str) -> dict:
    out = {}
    calls = str(max(2, args.asn_calls))
    for key, argv in (
        ("report", ["report", "--period", period, "--target", "function"]),
        ("obligation", ["obligation", "--period", period, "--who", "busiest"]),
    ):
        _restart(pg)
        child = harness.checked(harness.run_child(_child(*argv, "--calls", calls), env), key)
        out[key] = {
            "cold_s": round(child.payload["cold_s"], 4),
            "warm_median_s": round(child.payload["warm_median_s"], 4),
        }
        print(
            f"  after a server restart: {key} cold {out[key]['cold_s']:.3f} s, "
            f"warm {out[key]['warm_median_s']:.3f} s",
            flush=True,
        )
    return out


def _recount(env: dict, args, periods: list[str], period: str) -> dict:
    """Every standing of the reported period (split over --asn-jobs processes), a sample of
    the others, and (quick runs, or --asn-recount-command) the app's own asn_recount."""
    tasks = []
    run_command = args.quick or args.asn_recount_command
    if run_command:
        tasks.append(("asn_recount " + period, harness.manage("asn_recount", "--period", period)))
    for each in periods:
        full = each == period or args.asn_recount_all
        sample = 0 if full else args.asn_recount_sample
        shards = max(1, args.asn_jobs) if full else 1
        for shard in range(shards):
            argv = ["recount", "--period", each, "--sample", str(sample)]
            argv += ["--seed", str(args.asn_seed), "--shard", f"{shard}/{shards}"]
            tasks.append((f"{each} {shard}/{shards}", _child(*argv)))
    started = time.perf_counter()
    done = _parallel(args.asn_jobs, tasks, env)
    wall = time.perf_counter() - started
    result: dict = {"wall_s": round(wall, 1), "jobs": args.asn_jobs, "periods": {}}
    result["problems"] = []
    command = done.pop("asn_recount " + period, None)
    if command is not None:
        result["asn_recount_command"] = {
            "period": period,
            "exit": command.returncode,
            "seconds": round(command.wall_s, 1),
            "output": command.stdout.strip()[-300:],
            "stderr": command.stderr.strip()[-1500:],
        }
        if command.returncode != 0:
            result["problems"].append(f"asn_recount --period {period} exited {command.returncode}")
    for label, child in done.items():
        harness.checked(child, f"recount {label}")
        p = child.payload
        each = label.split()[0]
        into = result["periods"].setdefault(
            each,
            {
                "standings": p["standings"],
                "active_asn": p["active_asn"],
                "sample": p["sample"],
                "checked": 0,
                "differences": 0,
                "seconds": [],
                "totals": {"required": 0, "counted": 0, "excluded": 0},
            },
        )
        into["checked"] += p["checked"]
        into["differences"] += p["differences"]
        into["seconds"].append(round(p["seconds"], 1))
        for key, value in p["totals"].items():
            into["totals"][key] += value
        into["per_asn_ms"] = round(sum(into["seconds"]) * 1000 / max(1, into["checked"]), 1)
        result["problems"] += [f"{label}: {x}" for x in p["problems"]]
    checked = sum(p["checked"] for p in result["periods"].values())
    differences = sum(p["differences"] for p in result["periods"].values())
    line = (
        f"  recount: {checked:,} standings recounted from the orders, {differences} "
        f"differences, wall {wall:.0f} s"
    )
    if command is not None:
        line += (
            f"; asn_recount --period {period}: exit {command.returncode} "
            f"({command.stdout.strip()}) in {command.wall_s:.0f} s"
        )
    print(line, flush=True)
    return result


def _build(pg: PostgresServer, env: dict, url: str, sizes: dict, args) -> dict:
    build: dict = {"setup_s": {}}
    for step, argv in SETUP_STEPS:
        build["setup_s"][step] = round(
            harness.checked(harness.run_child(harness.manage(*argv), env), step).wall_s, 2
        )
    print(f"  setup: {build['setup_s']}", flush=True)
    argv = [harness.PYTHON, "-m", "bench.asn_data", "--database-url", url]
    argv += ["--seed", str(args.asn_seed)]
    for key, value in sizes.items():
        argv += [f"--{key}", str(value)]
    child, cpu = _cpu(
        pg, lambda: harness.checked(harness.run_child(argv, env, timeout=7200), "load")
    )
    build["load"] = child.payload | {"wall_s": round(child.wall_s, 1), "server_cpu_s": cpu}
    print(
        f"  load: {child.payload['rows']['orders_order']:,} orders, "
        f"{child.payload['rows']['orders_orderline']:,} lines in {child.wall_s:.0f} s "
        f"(server CPU {cpu} s)",
        flush=True,
    )
    started = time.perf_counter()
    pg.psql("VACUUM ANALYZE", database=url.rsplit("/", 1)[1])
    build["vacuum_analyze_s"] = round(time.perf_counter() - started, 1)
    return build


def _precompute(pg: PostgresServer, env: dict, args, periods: list[str], database: str) -> dict:
    tasks = [(p, harness.manage("asn_period", "--period", p, "--refresh")) for p in periods]
    started = time.perf_counter()
    done, cpu = _cpu(pg, lambda: _parallel(args.asn_jobs, tasks, env))
    wall = time.perf_counter() - started
    result = {"wall_s": round(wall, 1), "jobs": args.asn_jobs, "server_cpu_s": cpu}
    result["periods"] = {}
    for label, child in done.items():
        harness.checked(child, f"asn_period --period {label} --refresh")
        made = int(child.stdout.strip().rsplit("=", 1)[-1])
        result["periods"][label] = {"seconds": round(child.wall_s, 1), "standings": made}
    result["standings"] = sum(p["standings"] for p in result["periods"].values())
    started = time.perf_counter()
    pg.psql("ANALYZE asn_standing", database=database)
    result["analyze_s"] = round(time.perf_counter() - started, 1)
    print(
        f"  precompute: {result['standings']:,} standings over {len(periods)} periods in "
        f"{wall:.0f} s ({args.asn_jobs} at a time; per period "
        f"{min(p['seconds'] for p in result['periods'].values()):.0f}-"
        f"{max(p['seconds'] for p in result['periods'].values()):.0f} s, Django start-up "
        f"included)",
        flush=True,
    )
    return result


def _print(data: dict) -> None:
    m = data["measure"]
    rows = []
    for target, label in REPORT_TARGETS:
        r = m["report"][target]
        rows.append(
            [
                "report " + data["period"],
                label,
                r["runs"],
                f"{r['cold_median_s']:.3f}",
                f"{r['warm_median_s']:.3f}",
                "ok" if max(r["cold_median_s"], r["warm_median_s"]) < TARGET_SECONDS else "MISSED",
            ]
        )
    for who in ("busiest", "median"):
        for target, label in DUTY_TARGETS:
            r = m["obligation"][who][target]
            rows.append(
                [
                    f"obligation ({who}, {r['completed_orders_in_period']} orders)",
                    label,
                    r["runs"],
                    f"{r['cold_median_s']:.3f}",
                    f"{r['warm_median_s']:.3f}",
                    "ok"
                    if max(r["cold_median_s"], r["warm_median_s"]) < TARGET_SECONDS
                    else "MISSED",
                ]
            )
    for key, value in data["cold_server"].items():
        rows.append(
            [
                f"{key} after server restart",
                "function",
                1,
                f"{value['cold_s']:.3f}",
                f"{value['warm_median_s']:.3f}",
                "ok" if value["cold_s"] < TARGET_SECONDS else "MISSED",
            ]
        )
    load = data["build"]["load"]
    print()
    print(
        f"asn_report: {load['rows']['asn_employee']:,} ASN, {load['agencies']} OPDs, "
        f"{load['rows']['orders_order']:,} orders, {len(load['periods'])} periods; "
        f"database {data['sizes'].get('database_bytes', 0) / harness.MB:,.0f} MB; medians"
    )
    print(
        harness.table(
            ["what", "how", "runs", "cold s", "warm s", f"target <{TARGET_SECONDS:.0f} s"], rows
        )
    )
    pre = data["precompute"]
    print(
        f"precompute (asn_period --refresh x{len(pre['periods'])}, {pre['jobs']} at a time): "
        f"{pre['standings']:,} standings in {pre['wall_s']:.0f} s"
    )
    rc = data["recount"]
    checked = sum(p["checked"] for p in rc["periods"].values())
    diffs = sum(p["differences"] for p in rc["periods"].values())
    per_asn = harness.median([p["per_asn_ms"] for p in rc["periods"].values()])
    full = rc["periods"][data["period"]]
    line = (
        f"recount from the orders: {checked:,} standings checked (all {full['checked']:,} of "
        f"{data['period']}), {per_asn:.1f} ms per ASN, {diffs} differences, wall "
        f"{rc['wall_s']:.0f} s"
    )
    if "asn_recount_command" in rc:
        line += (
            f"; asn_recount --period {data['period']}: exit "
            f"{rc['asn_recount_command']['exit']} in {rc['asn_recount_command']['seconds']:.0f} s"
        )
    print(line)
    print(
        "cold: the first call in a fresh process (the server's caches as the earlier children\n"
        "left them; for HTTP, after the URLconf import, timed apart in the JSON as urlconf_s);\n"
        "warm: the median of the next calls in that process; 'after server restart':\n"
        "PostgreSQL restarted just before (empty shared buffers, OS cache kept)."
    )


def run(args) -> int:
    sizes = dict(QUICK if args.quick else FULL)
    for key in sizes:
        value = getattr(args, f"asn_{'count' if key == 'asn' else key}", None)
        if value:
            sizes[key] = value
    if args.backend and "postgresql" not in args.backend:
        print(f"{NAME}: PostgreSQL only (the loader uses COPY); nothing to do for sqlite")
        return 0
    if args.quick and args.asn_recount_sample == 500:
        args.asn_recount_sample = 100
    started = harness.now_iso()
    data: dict = {
        "benchmark": NAME,
        "started": started,
        "machine": harness.machine(),
        "git": harness.git_revision(),
        "parameters": sizes
        | {
            "seed": args.asn_seed,
            "repeat": args.repeat,
            "calls": args.asn_calls,
            "jobs": args.asn_jobs,
            "quick": args.quick,
            "recount_sample": 0 if args.asn_recount_all else args.asn_recount_sample,
            "settings": "MALPRO_ENV=production, DEBUG=0 (no query log), no Redis",
        },
        "targets": {"seconds": TARGET_SECONDS},
    }
    print(f"{NAME}: {sizes}", flush=True)
    try:
        pg = PostgresServer().start()
    except PostgresUnavailable as exc:
        print(f"  postgresql: SKIPPED, {exc}")
        return 2
    problems: list[str] = []
    try:
        with harness.workdir("malpro-bench-asn-", keep=args.keep) as var_dir:
            database = "bench_asn"
            url = pg.create_database(database)
            env = harness.django_env(var_dir=var_dir, database_url=url)
            print(f"  postgresql: throwaway server on 127.0.0.1:{pg.port}", flush=True)
            data["server"] = pg.describe()
            data["build"] = _build(pg, env, url, sizes, args)
            periods = data["build"]["load"]["periods"]
            period = args.asn_period or periods[-2]
            data["period"] = period
            data["precompute"] = _precompute(pg, env, args, periods, database)
            data["sizes"] = harness.checked(
                harness.run_child(_child("sizes"), env), "sizes"
            ).payload
            data["measure"] = _measure(env, args, period)
            data["cold_server"] = _cold_server(pg, env, args, period)
            explain = harness.OUT_DIR / f"{NAME}-explain{'-quick' if args.quick else ''}.txt"
            harness.OUT_DIR.mkdir(parents=True, exist_ok=True)
            child = harness.run_child(_child("explain", "--period", period, "--out", explain), env)
            data["explain"] = harness.checked(child, "explain").payload | {
                "file": str(Path(explain).relative_to(harness.REPO))
            }
            data["recount"] = _recount(env, args, periods, period)
            problems = data["recount"]["problems"]
    except BenchError as exc:
        print(f"\n{NAME}: ERROR {exc}")
        return 2
    finally:
        pg.stop()
    data["finished"] = harness.now_iso()
    data["machine"]["load_average_end"] = harness.machine()["load_average"]
    _print(data)
    missed = [
        f"report {t}"
        for t, _l in REPORT_TARGETS
        if max(data["measure"]["report"][t]["cold_median_s"],
               data["measure"]["report"][t]["warm_median_s"]) >= TARGET_SECONDS
    ] + [
        f"obligation {w} {t}"
        for w in ("busiest", "median")
        for t, _l in DUTY_TARGETS
        if max(data["measure"]["obligation"][w][t]["cold_median_s"],
               data["measure"]["obligation"][w][t]["warm_median_s"]) >= TARGET_SECONDS
    ]  # fmt: skip
    return harness.conclude(
        f"{NAME}-quick" if args.quick else NAME,
        data,
        missed=missed,
        problems=problems,
        strict=args.strict,
    )
