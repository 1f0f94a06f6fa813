"""Benchmark: importing a city-scale agency spreadsheet (malpro.umkm.importer.umkm_import).

For each database (SQLite in a fresh temporary folder, WAL; PostgreSQL 15 on a throwaway
server with fsync on) and each run: migrate a fresh database, load_regions, load_agencies, then
import the generated file twice, each import in its own child process:

- first import: every good row is created (79,200 of 80,000 rows), the bad rows are rejected;
- second import of the same file: every good row is matched and unchanged.

Reported per import: seconds of the umkm_import() call, rows per second (all rows of the file),
and the child's peak resident memory (VmHWM, Django start-up included), medians over the runs.
Targets: the whole file in under 60 s and under 300 MB. Every run also checks the counts the
importer reports against what the generator put in the file.
"""

from __future__ import annotations

import argparse
import pstats
import time
from pathlib import Path

from bench import harness, umkm_data
from bench.harness import BenchError, Child, PostgresServer, PostgresUnavailable

NAME = "umkm_import"
TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 300.0
QUICK_ROWS = 5_000
TRACEMALLOC_ROWS = 20_000
PHASES = (("first", "first (creates)"), ("second", "second (unchanged)"))
SETUP_STEPS = (
    ("migrate", ("migrate", "--no-input", "-v", "0")),
    ("load_regions", ("load_regions",)),
    ("load_agencies", ("load_agencies",)),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument(
        "--rows", type=int, help=f"rows in the file (default {umkm_data.DEFAULT_ROWS:,})"
    )
    group.add_argument("--seed", type=int, default=umkm_data.DEFAULT_SEED)
    group.add_argument(
        "--agency",
        default="DISKOPINDAG",
        help="agency vouching for the file, as an officer's upload would ('' for none)",
    )


def _import(env: dict, source: Path, agency: str, *extra: str, pg=None) -> Child:
    argv = ["umkm-import", "--source", str(source), *extra]
    if agency:
        argv += ["--agency", agency]
    before = pg.cpu_seconds() if pg else None
    child = harness.checked(harness.run_child(harness.bench_child(*argv), env), "umkm_import")
    after = pg.cpu_seconds() if pg else None
    if before is not None and after is not None:
        child.payload["server_cpu_s"] = after - before
    return child


def _setup(env: dict) -> dict[str, float]:
    times = {}
    for step, args in SETUP_STEPS:
        times[step] = harness.checked(harness.run_child(harness.manage(*args), env), step).wall_s
    return times


def _figures(child: Child) -> dict:
    p = child.payload
    return {
        "seconds": round(p["seconds"], 3),
        "cpu_s": round(p["cpu_s"], 3),
        "server_cpu_s": round(p["server_cpu_s"], 3) if "server_cpu_s" in p else None,
        "rows_per_s": round(p["total"] / p["seconds"], 1) if p["seconds"] else None,
        "peak_rss_mb": round(p["peak_rss_mb"], 1),
        "baseline_rss_mb": round(p["baseline_rss_mb"], 1),
        "wait4_maxrss_mb": round(child.maxrss_mb, 1),
        "process_wall_s": round(child.wall_s, 3),
        "django_startup_s": round(p["startup_s"], 3),
        **{k: p[k] for k in ("total", "created", "updated", "unchanged", "rejected")},
        "warnings": p["warning_issues"],
        "businesses_after": p["after"]["businesses"],
        "guidance_after": p["after"]["guidance"],
        "status_changes_after": p["after"]["status_changes"],
    }


def _check(phase: str, got: dict, manifest: umkm_data.Manifest) -> list[str]:
    want = {
        "total": manifest.rows,
        "rejected": manifest.bad,
        "created": manifest.good if phase == "first" else 0,
        "updated": 0,
        "unchanged": 0 if phase == "first" else manifest.good,
        "businesses_after": manifest.good,
    }
    return [
        f"{phase} import: {key}={got[key]}, expected {value}"
        for key, value in want.items()
        if got[key] != value
    ]


class _Budget:
    """Stops repeating when the remaining runs would not fit in the time budget."""

    def __init__(self, minutes: float):
        self.start = time.monotonic()
        self.limit = minutes * 60

    def allows(self, run_seconds: float, remaining_runs: int) -> bool:
        spent = time.monotonic() - self.start
        return spent + run_seconds * remaining_runs <= self.limit


def _measure(backend, source, manifest, args, budget, backends_left, pg=None) -> dict:
    runs, problems, db = [], [], {}
    for rep in range(1, args.repeat + 1):
        started = time.monotonic()
        with harness.workdir(f"malpro-bench-{backend}-", keep=args.keep) as var_dir:
            database = f"bench_umkm_{rep}"
            url = pg.create_database(database) if pg else None
            try:
                env = harness.django_env(var_dir=var_dir, database_url=url)
                setup = _setup(env)
                if not db:
                    db = harness.run_child(harness.bench_child("db-info"), env).payload
                first = _import(env, source, args.agency, pg=pg)
                second = _import(env, source, args.agency, pg=pg)
            finally:
                if pg and not args.keep:
                    pg.drop_database(database)
        run = {
            "run": rep,
            "setup_s": {k: round(v, 3) for k, v in setup.items()},
            "first": _figures(first),
            "second": _figures(second),
        }
        run["problems"] = _check("first", run["first"], manifest)
        run["problems"] += _check("second", run["second"], manifest)
        problems += [f"run {rep}: {p}" for p in run["problems"]]
        runs.append(run)
        f, s = run["first"], run["second"]
        print(
            f"  {backend} run {rep}/{args.repeat}: setup {sum(setup.values()):.1f} s; "
            f"first {f['seconds']:.1f} s (cpu {f['cpu_s']:.1f}) {f['rows_per_s']:,.0f} rows/s "
            f"{f['peak_rss_mb']:.0f} MB; second {s['seconds']:.1f} s (cpu {s['cpu_s']:.1f}) "
            f"{s['rows_per_s']:,.0f} rows/s "
            f"{s['peak_rss_mb']:.0f} MB" + ("" if not run["problems"] else "  COUNTS WRONG"),
            flush=True,
        )
        elapsed = time.monotonic() - started
        remaining = (args.repeat - rep) + backends_left * args.repeat
        if rep < args.repeat and not budget.allows(elapsed, remaining):
            print(f"  {backend}: stopping after {rep} run(s): time budget of {args.budget} min")
            break
    return {"backend": backend, "database": db, "runs": runs, "problems": problems}


def _summarise(result: dict) -> None:
    runs = result["runs"]
    result["median"] = {}
    for phase, _label in PHASES:
        figures = {}
        for key in (
            "seconds",
            "cpu_s",
            "server_cpu_s",
            "rows_per_s",
            "peak_rss_mb",
            "baseline_rss_mb",
        ):
            value = harness.median([r[phase][key] for r in runs])
            figures[key] = None if value is None else round(value, 3 if key == "seconds" else 1)
        figures["seconds_ok"] = figures["seconds"] < TARGET_SECONDS
        figures["memory_ok"] = figures["peak_rss_mb"] < TARGET_PEAK_MB
        figures["all_runs_seconds"] = [r[phase]["seconds"] for r in runs]
        figures["all_runs_peak_rss_mb"] = [r[phase]["peak_rss_mb"] for r in runs]
        result["median"][phase] = figures
    result["median"]["setup_s"] = {
        step: round(harness.median([r["setup_s"][step] for r in runs]), 2)
        for step, _args in SETUP_STEPS
    }


def _print_table(results: list[dict], manifest: umkm_data.Manifest, args) -> None:
    rows = []
    for result in results:
        if result.get("skipped"):
            rows.append([result["backend"], "skipped: " + result["skipped"]] + [""] * 11)
            continue
        if not result["runs"]:
            continue
        last = result["runs"][-1]
        for phase, label in PHASES:
            m = result["median"][phase]
            verdict = "ok" if m["seconds_ok"] and m["memory_ok"] else "MISSED"
            if not m["seconds_ok"]:
                verdict += " (time)"
            if not m["memory_ok"]:
                verdict += " (memory)"
            rows.append(
                [
                    result["backend"],
                    label,
                    len(result["runs"]),
                    f"{m['seconds']:.1f}",
                    f"{m['cpu_s']:.1f}",
                    "-" if m["server_cpu_s"] is None else f"{m['server_cpu_s']:.1f}",
                    f"{m['rows_per_s']:,.0f}",
                    f"{m['peak_rss_mb']:.0f}",
                    f"{m['baseline_rss_mb']:.0f}",
                    f"{last[phase]['created']:,}/{last[phase]['updated']:,}/"
                    f"{last[phase]['unchanged']:,}/{last[phase]['rejected']:,}",
                    verdict,
                    "ok" if not result["problems"] else "WRONG",
                ]
            )
    print()
    print(
        f"umkm_import: {manifest.rows:,} rows ({manifest.good:,} good, {manifest.bad:,} bad), "
        f"{manifest.bytes / harness.MB:.1f} MB CSV, seed {manifest.seed}, "
        f"agency {args.agency or '(none)'}; medians"
    )
    print(
        harness.table(
            [
                "database",
                "import",
                "runs",
                "seconds",
                "cpu s",
                "db cpu s",
                "rows/s",
                "peak MB",
                "base MB",
                "created/updated/unchanged/rejected",
                f"target <{TARGET_SECONDS:.0f} s, <{TARGET_PEAK_MB:.0f} MB",
                "counts",
            ],
            rows,
        )
    )
    for result in results:
        if result.get("runs"):
            setup = ", ".join(f"{k} {v:.1f} s" for k, v in result["median"]["setup_s"].items())
            print(f"{result['backend']} setup (median): {setup}")
    print(
        "seconds: the umkm_import() call; cpu s: the importing process's CPU time in it;\n"
        "db cpu s: the PostgreSQL server's CPU time meanwhile (SQLite runs inside the importing\n"
        "process); the rest is waiting (disk, or a CPU on a busy machine); rows/s: every row of\n"
        "the file per second;\n"
        "peak MB: the importing process's VmHWM (Django start-up included); base MB: its RSS\n"
        "after start-up, before the import."
    )


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(harness.REPO))
    except ValueError:
        return str(path)


def _profile(source: Path, manifest, args, pg: PostgresServer | None, backend: str) -> dict:
    """One more database: first and second import under cProfile, then a first import of at most
    TRACEMALLOC_ROWS rows under tracemalloc on another fresh database. Writes
    var/bench/umkm_import-profile-*.{prof,txt}."""
    out = harness.OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    report: dict = {"backend": backend, "files": []}
    for label, traced in (("cprofile", False), ("tracemalloc", True)):
        with harness.workdir(f"malpro-bench-profile-{backend}-") as var_dir:
            database = f"bench_umkm_profile_{label}"
            url = pg.create_database(database) if pg else None
            try:
                env = harness.django_env(var_dir=var_dir, database_url=url)
                _setup(env)
                if traced:
                    # tracemalloc slows this import down ten times or more: use a smaller file
                    # of the same kind (the big allocations grow with the file, linearly).
                    rows = min(manifest.rows, TRACEMALLOC_ROWS)
                    small = source
                    if rows < manifest.rows:
                        small = source.with_name(f"umkm-{rows}-{manifest.seed}.csv")
                        umkm_data.write_csv(small, rows=rows, seed=manifest.seed)
                    path = out / f"umkm_import-profile-{backend}-memory.txt"
                    child = _import(env, small, args.agency, "--tracemalloc", str(path))
                    report["memory"] = {
                        "rows": rows,
                        "file": _relative(path),
                        "traced_peak_mb": round(child.payload.get("traced_peak_mb", 0), 1),
                        "peak_rss_mb": round(child.payload["peak_rss_mb"], 1),
                    }
                    report["files"].append(_relative(path))
                    continue
                for phase in ("first", "second"):
                    prof = out / f"umkm_import-profile-{backend}-{phase}.prof"
                    child = _import(env, source, args.agency, "--cprofile", str(prof))
                    text = out / f"umkm_import-profile-{backend}-{phase}.txt"
                    with open(text, "w") as handle:
                        stats = pstats.Stats(str(prof), stream=handle)
                        handle.write(f"{phase} import under cProfile: ")
                        handle.write(f"{child.payload['seconds']:.1f} s\n\n")
                        stats.sort_stats("cumulative").print_stats(45)
                        stats.sort_stats("tottime").print_stats(30)
                    report[phase] = {"seconds": round(child.payload["seconds"], 2)}
                    report["files"] += [_relative(prof), _relative(text)]
            finally:
                if pg:
                    pg.drop_database(database)
    print("\nprofiles written:")
    for path in report["files"]:
        print(f"  {path}")
    return report


def run(args) -> int:
    rows = args.rows or (QUICK_ROWS if args.quick else umkm_data.DEFAULT_ROWS)
    backends = args.backend or ["sqlite", "postgresql"]
    budget = _Budget(args.budget)
    print(f"umkm_import: generating {rows:,} rows (seed {args.seed})...", flush=True)
    started = harness.now_iso()
    with harness.workdir("malpro-bench-data-", keep=args.keep) as data_dir:
        t = time.perf_counter()
        source = data_dir / f"umkm-{rows}-{args.seed}.csv"
        manifest = umkm_data.write_csv(source, rows=rows, seed=args.seed)
        print(
            f"  {source.name}: {manifest.bytes / harness.MB:.1f} MB, {manifest.good:,} good and "
            f"{manifest.bad:,} bad rows, sha256 {manifest.sha256[:16]}... "
            f"in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
        results: list[dict] = []
        pg: PostgresServer | None = None
        profile: dict | None = None
        try:
            for index, backend in enumerate(backends):
                left = len(backends) - index - 1
                if backend == "postgresql":
                    try:
                        pg = PostgresServer().start()
                    except PostgresUnavailable as exc:
                        print(f"  postgresql: SKIPPED, {exc}")
                        results.append({"backend": backend, "skipped": str(exc)})
                        continue
                    print(f"  postgresql: throwaway server on 127.0.0.1:{pg.port}", flush=True)
                    result = _measure(backend, source, manifest, args, budget, left, pg)
                    result["server"] = pg.describe()
                else:
                    result = _measure(backend, source, manifest, args, budget, left)
                _summarise(result)
                results.append(result)
            if args.profile:
                target = args.profile_backend or backends[0]
                if target == "postgresql" and pg is None:
                    print("  profile: PostgreSQL is not running; profiling SQLite instead")
                    target = "sqlite"
                server = pg if target != "sqlite" else None
                profile = _profile(source, manifest, args, server, target)
        except BenchError as exc:
            print(f"\numkm_import: ERROR {exc}")
            return 2
        finally:
            if pg:
                pg.stop()
    _print_table(results, manifest, args)
    data = {
        "benchmark": NAME,
        "started": started,
        "finished": harness.now_iso(),
        "machine": harness.machine(),
        "git": harness.git_revision(),
        "parameters": {
            "rows": rows,
            "seed": args.seed,
            "agency": args.agency or None,
            "repeat": args.repeat,
            "quick": args.quick,
            "settings": "MALPRO_ENV=production, DEBUG=0 (no query log), no Redis",
        },
        "targets": {"seconds": TARGET_SECONDS, "peak_rss_mb": TARGET_PEAK_MB},
        "file": manifest.as_dict() | {"path": Path(manifest.path).name},
        "results": results,
        "profile": profile,
    }
    # A --quick smoke test must not overwrite the figures of a full run.
    path = harness.write_json(NAME + ("-quick" if args.quick else ""), data)
    print(f"\nresults: {path.relative_to(harness.REPO)}")
    problems = [p for r in results for p in r.get("problems", [])]
    missed = [
        f"{r['backend']} {phase}"
        for r in results
        if r.get("runs")
        for phase, _ in PHASES
        if not (r["median"][phase]["seconds_ok"] and r["median"][phase]["memory_ok"])
    ]
    for problem in problems:
        print(f"COUNTS WRONG: {problem}")
    if missed and not args.profile:
        print(f"target missed ({', '.join(missed)}): `python -m bench {NAME} --profile` to see why")
    if problems:
        return 1
    return 1 if (missed and args.strict) else 0
