"""Benchmark: product search over HTTP (GET /api/v1/products) on a city-scale catalog.

For each database (SQLite in a fresh temporary folder, WAL; PostgreSQL 15 on a throwaway
server with fsync on): migrate a fresh database, load_regions and load_categories, load the
generated catalog (bench.catalog_data: 80,000 active businesses, 1,000,000 published products
in stock) with bulk SQL, build the search index in bulk exactly as the app would (checked
against engine.reindex on a sample) and measure its size. Then start gunicorn (sync workers) in
production-like settings, warm up, and send the mixed query set (single words, two words,
filters, typos, prefixes) from a client on the same machine: sequentially for latency
(p50/p95/p99 per kind and overall) and from several keep-alive client threads for queries per
second. Every answer is checked: a query made from a generated product must find products, a
typo must be corrected, and nonsense must find nothing, so a broken search cannot pass as fast.
Targets at 1,000,000 products: p95 <= 50 ms on PostgreSQL, <= 100 ms on SQLite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

from bench import catalog_data, harness
from bench.harness import BenchError, PostgresServer, PostgresUnavailable

NAME = "search"
TARGET_P95_MS = {"postgresql": 50.0, "sqlite": 100.0}
QUICK_PRODUCTS = 20_000
KINDS = ("single", "two_words", "filtered", "typo", "prefix")
NEGATIVE = [{"q": "qzxwvbnm"}, {"q": "zzqjkx bakso"}, {"q": "keripik", "max_price": "1"}]
SETUP_STEPS = (
    ("migrate", ("migrate", "--no-input", "-v", "0")),
    ("load_regions", ("load_regions",)),
    ("load_categories", ("load_categories",)),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument(
        "--search-products",
        type=int,
        help=f"products in the catalog (default {catalog_data.DEFAULT_PRODUCTS:,}; "
        f"--quick {QUICK_PRODUCTS:,})",
    )
    group.add_argument(
        "--search-businesses",
        type=int,
        help=f"businesses (default {catalog_data.DEFAULT_BUSINESSES:,}, or one per 12.5 "
        "products when fewer products are asked for)",
    )
    group.add_argument("--search-seed", type=int, default=catalog_data.DEFAULT_SEED)
    group.add_argument(
        "--search-queries", type=int, default=300, help="queries in the mixed set (default 300)"
    )
    group.add_argument(
        "--search-workers", type=int, default=3, help="gunicorn sync workers (default 3)"
    )
    group.add_argument(
        "--search-clients",
        type=int,
        default=4,
        help="concurrent client threads for the throughput pass (default 4)",
    )
    group.add_argument(
        "--search-explain",
        choices=KINDS,
        action="append",
        help="also write the database's plans of this kind's slowest SQL to var/bench/",
    )


def _child(*args: str) -> list[str]:
    return [harness.PYTHON, "-m", "bench.search_child", *args]


# --- HTTP ---------------------------------------------------------------------------------------
def _path(query: dict) -> str:
    params = {k: v for k, v in query.items() if k not in ("kind", "product", "expect_corrections")}
    return "/api/v1/products?" + urllib.parse.urlencode(params)


class Client:
    """One keep-alive connection (http.client reconnects by itself when the server closes it,
    which gunicorn's sync workers do after every response)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[float, int, bytes]:
        start = time.perf_counter()
        try:
            self.conn.request("GET", path, headers={"Host": "localhost"})
            response = self.conn.getresponse()
            body = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()  # a dropped keep-alive connection: retry once on a fresh one
            start = time.perf_counter()
            self.conn.request("GET", path, headers={"Host": "localhost"})
            response = self.conn.getresponse()
            body = response.read()
        return (time.perf_counter() - start) * 1000, response.status, body

    def close(self) -> None:
        self.conn.close()


def _problem(query: dict, status: int, body: bytes) -> str | None:
    """What is wrong with an answer, or None."""
    if status != 200:
        return f"{query} -> HTTP {status}: {body[:200]!r}"
    data = json.loads(body)
    if query.get("negative"):
        return None if data["total"] == 0 else f"{query} found {data['total']} (expected none)"
    if data["total"] < 1 or not data["results"]:
        return f"{query} found nothing"
    if query.get("expect_corrections") and not data["corrections"]:
        return f"{query} was not corrected"
    return None


class Gunicorn:
    def __init__(self, env: dict, workers: int, log: Path):
        self.env, self.workers, self.log = env, workers, log
        self.port = harness.free_port()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        argv = [harness.PYTHON, "-m", "gunicorn", "malpro.wsgi:application"]
        argv += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        argv += ["--worker-class", "sync", "--timeout", "300", "--log-level", "warning"]
        self.handle = open(self.log, "wb")
        self.proc = subprocess.Popen(
            argv, cwd=harness.REPO, env=self.env, stdout=self.handle, stderr=self.handle
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited: {self.log.read_text()[-1500:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz", headers={"Host": "localhost"})
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
                conn.close()
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise BenchError("gunicorn did not answer /healthz within 90 s")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.handle.close()


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _latency(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": _percentile(values, 0.50),
        "p95": _percentile(values, 0.95),
        "p99": _percentile(values, 0.99),
        "mean": statistics.fmean(values) if values else None,
        "max": max(values) if values else None,
    }


def _by_kind(queries: list[dict], times: list[float]) -> dict:
    result = {"all": _latency(times)}
    for kind in KINDS:
        result[kind] = _latency(
            [t for q, t in zip(queries, times, strict=True) if q["kind"] == kind]
        )
    return result


def _sequential(port: int, queries: list[dict], problems: list[str]) -> list[float]:
    client = Client(port)
    times = []
    try:
        for query in queries:
            ms, status, body = client.get(_path(query))
            times.append(ms)
            problem = _problem(query, status, body)
            if problem:
                problems.append(problem)
    finally:
        client.close()
    return times


def _concurrent(port: int, queries: list[dict], clients: int, problems: list[str]) -> dict:
    """The client threads share the query set: each sends its own slice, all at once."""
    times: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def work(index: int) -> None:
        client = Client(port)
        order = queries[index::clients]
        barrier.wait()
        try:
            for query in order:
                ms, status, _body = client.get(_path(query))
                times[index].append(ms)
                if status != 200:
                    errors.append(f"{query} -> HTTP {status}")
        except Exception as exc:  # reported: the run is then wrong
            errors.append(f"client {index}: {exc!r}")
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    problems += errors
    flat = [t for per in times for t in per]
    return {
        "clients": clients,
        "requests": len(flat),
        "seconds": wall,
        "qps": len(flat) / wall if wall else None,
        "latency": _latency(flat),
    }


# --- one backend --------------------------------------------------------------------------------
def _measure(backend: str, args, sizes: dict, pg: PostgresServer | None) -> dict:
    result: dict = {"backend": backend, "problems": []}
    with harness.workdir(f"malpro-bench-search-{backend}-", keep=args.keep) as var_dir:
        database = "bench_search"
        url = pg.create_database(database) if pg else None
        try:
            env = harness.django_env(var_dir=var_dir, database_url=url)
            setup = {}
            for step, argv in SETUP_STEPS:
                child = harness.run_child(harness.manage(*argv), env)
                setup[step] = round(harness.checked(child, step).wall_s, 2)
            result["setup_s"] = setup
            result["database"] = harness.run_child(harness.bench_child("db-info"), env).payload
            print(f"  {backend}: setup {sum(setup.values()):.1f} s; loading...", flush=True)
            load = harness.checked(
                harness.run_child(
                    _child(
                        "load",
                        "--products",
                        str(sizes["products"]),
                        "--businesses",
                        str(sizes["businesses"]),
                        "--seed",
                        str(args.search_seed),
                    ),
                    env,
                ),
                "load",
            )
            result["load"] = load.payload | {"process_wall_s": round(load.wall_s, 2)}
            lt = load.payload["times"]
            print(
                f"  {backend}: loaded {load.payload['counts']['products']:,} products in "
                f"{load.payload['seconds']:.1f} s (of which generating "
                f"{lt['generate_products_s']:.1f} s); building the index...",
                flush=True,
            )
            queries_file = var_dir / "queries.json"
            index = harness.checked(
                harness.run_child(
                    _child(
                        "index",
                        "--seed",
                        str(args.search_seed),
                        "--queries",
                        str(args.search_queries),
                        "--queries-out",
                        str(queries_file),
                    ),
                    env,
                ),
                "index",
            )
            result["index"] = index.payload | {"process_wall_s": round(index.wall_s, 2)}
            check = index.payload["check"]
            if check["differing"] or not check["fts_ok"]:
                result["problems"].append(
                    f"bulk index differs from engine.reindex on {check['differing']} of "
                    f"{check['checked']} sampled products: {check['example']}"
                )
            it = index.payload["times"]
            print(
                f"  {backend}: index of {index.payload['documents']:,} documents in "
                f"{it['seconds']:.1f} s (text index {it['text_index_s']:.1f} s), "
                f"{index.payload['sizes']['text_index'] / harness.MB:.0f} MB text index, "
                f"{index.payload['sizes']['search_total'] / harness.MB:.0f} MB with the "
                f"documents; sample check {check['checked'] - check['differing']}/"
                f"{check['checked']} identical",
                flush=True,
            )
            queries = json.loads(queries_file.read_text())
            result["query_set"] = {
                kind: sum(1 for q in queries if q["kind"] == kind) for kind in KINDS
            }
            for kind in args.search_explain or []:
                out = harness.OUT_DIR / f"search-explain-{backend}-{kind}.txt"
                harness.OUT_DIR.mkdir(parents=True, exist_ok=True)
                harness.checked(
                    harness.run_child(
                        _child("explain", "--queries", str(queries_file), "--kind", kind,
                               "--out", str(out)),
                        env,
                    ),
                    "explain",
                )  # fmt: skip
                print(f"  {backend}: plans of {kind} queries in {out.relative_to(harness.REPO)}")
            result["http"] = _http(backend, env, var_dir, queries, args, pg)
            result["problems"] += result["http"].pop("problems")
        finally:
            if pg and not args.keep:
                pg.drop_database(database)
    return result


def _http(backend: str, env: dict, var_dir: Path, queries: list[dict], args, pg) -> dict:
    env = dict(env, SECURE_SSL_REDIRECT="0", ALLOWED_HOSTS="localhost")
    problems: list[str] = []
    out: dict = {"workers": args.search_workers, "passes": []}
    with Gunicorn(env, args.search_workers, var_dir / "gunicorn.log") as server:
        # Warm up: the whole set once (fills the page caches and the workers' own caches),
        # every answer checked; then the timed passes, also checked.
        warm_start = time.perf_counter()
        _sequential(server.port, queries, problems)
        for query in NEGATIVE:
            client = Client(server.port)
            _ms, status, body = client.get(_path(query))
            client.close()
            problem = _problem(query | {"negative": True}, status, body)
            if problem:
                problems.append(problem)
        out["warmup_s"] = round(time.perf_counter() - warm_start, 1)
        for rep in range(1, args.repeat + 1):
            load_before = os.getloadavg()[0]
            cpu_before = pg.cpu_seconds(settle=0) if pg else None
            wall = time.perf_counter()
            times = _sequential(server.port, queries, problems)
            wall = time.perf_counter() - wall
            cpu_after = pg.cpu_seconds(settle=0) if pg else None
            concurrent = _concurrent(server.port, queries, args.search_clients, problems)
            one = {
                "run": rep,
                "load_average_before": round(load_before, 2),
                "sequential": _by_kind(queries, times),
                "sequential_seconds": round(wall, 2),
                "sequential_qps": len(times) / wall,
                "sequential_db_cpu_s": None
                if cpu_before is None or cpu_after is None
                else round(cpu_after - cpu_before, 2),
                "concurrent": concurrent,
            }
            out["passes"].append(one)
            seq = one["sequential"]["all"]
            print(
                f"  {backend} pass {rep}/{args.repeat}: sequential p50 {seq['p50']:.1f} ms, "
                f"p95 {seq['p95']:.1f} ms, p99 {seq['p99']:.1f} ms; "
                f"{args.search_clients} clients {concurrent['qps']:.1f} q/s "
                f"(p95 {concurrent['latency']['p95']:.0f} ms)",
                flush=True,
            )
    out["problems"] = problems[:50]
    out["problem_count"] = len(problems)
    return out


def _summarise(result: dict) -> None:
    passes = result["http"]["passes"]
    median: dict = {"sequential": {}}
    for kind in ("all", *KINDS):
        median["sequential"][kind] = {
            key: round(harness.median([p["sequential"][kind][key] for p in passes]), 1)
            for key in ("p50", "p95", "p99", "mean")
        }
    median["sequential_qps"] = round(harness.median([p["sequential_qps"] for p in passes]), 1)
    median["concurrent_qps"] = round(harness.median([p["concurrent"]["qps"] for p in passes]), 1)
    median["concurrent_p95"] = round(
        harness.median([p["concurrent"]["latency"]["p95"] for p in passes]), 1
    )
    target = TARGET_P95_MS[result["backend"]]
    median["target_p95_ms"] = target
    median["target_met"] = median["sequential"]["all"]["p95"] <= target
    result["median"] = median


def _mb(value: float) -> str:
    return f"{value / harness.MB:,.0f}"


def _print_table(results: list[dict], sizes: dict, args) -> None:
    print()
    print(
        f"search: {sizes['products']:,} products, {sizes['businesses']:,} businesses, seed "
        f"{args.search_seed}; {args.search_queries} queries, gunicorn {args.search_workers} sync "
        f"workers; medians of {args.repeat} pass(es)"
    )
    rows = []
    for r in results:
        if r.get("skipped"):
            rows.append([r["backend"], "skipped: " + r["skipped"], "", "", "", "", ""])
            continue
        if "median" not in r:
            continue
        for kind in ("all", *KINDS):
            m = r["median"]["sequential"][kind]
            rows.append(
                [
                    r["backend"],
                    kind,
                    r["query_set"].get(kind, sum(r["query_set"].values())),
                    f"{m['p50']:.1f}",
                    f"{m['p95']:.1f}",
                    f"{m['p99']:.1f}",
                    f"{m['mean']:.1f}",
                ]
            )
    print(harness.table(["database", "queries", "n", "p50 ms", "p95 ms", "p99 ms", "mean"], rows))
    print()
    rows = []
    for r in results:
        if "median" not in r:
            continue
        m, idx, load = r["median"], r["index"], r["load"]
        verdict = "met" if m["target_met"] else "MISSED"
        rows.append(
            [
                r["backend"],
                f"{m['sequential']['all']['p95']:.1f}",
                f"<= {m['target_p95_ms']:.0f}: {verdict}",
                f"{m['sequential_qps']:.1f}",
                f"{m['concurrent_qps']:.1f}",
                f"{m['concurrent_p95']:.0f}",
                f"{load['seconds']:.0f}",
                f"{idx['seconds']:.0f}",
                _mb(idx["sizes"]["text_index"]),
                _mb(idx["sizes"]["search_total"]),
                "ok" if not r["problems"] else "WRONG",
            ]
        )
    print(
        harness.table(
            [
                "database",
                "p95 ms",
                "target",
                "q/s 1 client",
                f"q/s {args.search_clients} clients",
                "p95 ms loaded",
                "load s",
                "index s",
                "text index MB",
                "search MB",
                "answers",
            ],
            rows,
        )
    )
    print(
        "latency: one request at a time from one client on this machine, send to last byte;\n"
        f"q/s: {args.search_clients} client threads at once; load s: bulk insert of the "
        "catalog; index s: building\nthe search documents, text index and vocabulary; text "
        "index: the FTS5 tables or the GIN index;\nsearch MB: the whole search index (documents, "
        "their indexes, text index, vocabulary)."
    )


def _write(results: list[dict], sizes: dict, args, started: str, *, partial: bool) -> Path:
    data = {
        "benchmark": NAME,
        "started": started,
        "finished": harness.now_iso(),
        "machine": harness.machine(),
        "git": harness.git_revision(),
        "parameters": {
            **sizes,
            "seed": args.search_seed,
            "queries": args.search_queries,
            "workers": args.search_workers,
            "clients": args.search_clients,
            "passes": args.repeat,
            "quick": args.quick,
            "settings": "MALPRO_ENV=production, DEBUG=0, no Redis (local-memory cache), "
            "SECURE_SSL_REDIRECT=0 (no TLS proxy in front), gunicorn sync workers",
        },
        "targets_p95_ms": TARGET_P95_MS,
        "results": results,
    }
    data["partial"] = partial
    return harness.write_json(NAME + ("-quick" if args.quick else ""), data)


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


def run(args) -> int:
    products = args.search_products or (
        QUICK_PRODUCTS if args.quick else catalog_data.DEFAULT_PRODUCTS
    )
    businesses = args.search_businesses or min(
        catalog_data.DEFAULT_BUSINESSES, max(1, round(products / 12.5))
    )
    sizes = {"products": products, "businesses": businesses}
    backends = args.backend or ["sqlite", "postgresql"]
    started = harness.now_iso()
    results: list[dict] = []
    # Stopped from outside (kill): unwind, so the PostgreSQL server and gunicorn are stopped.
    signal.signal(signal.SIGTERM, _stop)
    print(
        f"search: {products:,} products of {businesses:,} businesses (seed {args.search_seed})",
        flush=True,
    )
    try:
        for backend in backends:
            pg = None
            if backend == "postgresql":
                try:
                    pg = PostgresServer().start()
                except PostgresUnavailable as exc:
                    print(f"  postgresql: SKIPPED, {exc}")
                    results.append({"backend": backend, "skipped": str(exc)})
                    continue
                print(f"  postgresql: throwaway server on 127.0.0.1:{pg.port}", flush=True)
            try:
                result = _measure(backend, args, sizes, pg)
                if pg:
                    result["server"] = pg.describe()
            finally:
                if pg:
                    pg.stop()
            _summarise(result)
            results.append(result)
            # Written after each database too, so a long run that is stopped keeps its figures.
            _write(results, sizes, args, started, partial=backend != backends[-1])
    except BenchError as exc:
        print(f"\nsearch: ERROR {exc}")
        return 2
    _print_table(results, sizes, args)
    path = _write(results, sizes, args, started, partial=False)
    print(f"\nresults: {path.relative_to(harness.REPO)}")
    problems = [p for r in results for p in r.get("problems", [])]
    for problem in problems[:20]:
        print(f"WRONG ANSWER: {problem}")
    missed = [r["backend"] for r in results if "median" in r and not r["median"]["target_met"]]
    if missed:
        print(
            f"target missed ({', '.join(missed)}): `python -m bench search --search-explain "
            "KIND` writes the plans of the slow queries"
        )
    if problems:
        return 1
    return 1 if (missed and args.strict) else 0
