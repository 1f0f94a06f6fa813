"""What the `checkout` and `webhooks` benchmarks share on the harness side (no Django here): a
PostgreSQL server with room for pgbench's clients, gunicorn serving the app on a loopback port,
a small keep-alive HTTP client, and percentiles.

The clients are threads of the harness process speaking HTTP/1.1 through `http.client`; they
send what the TLS proxy in front of gunicorn would add in production (`X-Forwarded-Proto:
https`, with MALPRO_BEHIND_PROXY=1), so the app runs with its production settings unchanged.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import harness
from bench.harness import BenchError

HOST = "localhost"
PROXY_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https", "User-Agent": "malpro-bench/1"}
MAX_CONNECTIONS = 100  # pgbench's 32 clients plus the app's connections, with room to spare


# --- PostgreSQL ---------------------------------------------------------------------------------
class PostgresServer(harness.PostgresServer):
    """The harness's throwaway server (fsync on, default shared_buffers), restarted once with
    max_connections=100: the harness starts it with 20, too few for pgbench -c 32."""

    def start(self) -> PostgresServer:
        super().start()
        data = self.dir / "data"
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
            "-c fsync=on -c synchronous_commit=on -c full_page_writes=on "
            f"-c max_connections={MAX_CONNECTIONS}"
        )
        pg_ctl = [self._tool("pg_ctl"), "-D", str(data), "-l", str(self.log), "-w", "-t", "60"]
        self._run([*pg_ctl, "restart", "-m", "fast", "-o", options])
        return self

    def describe(self) -> dict:
        return super().describe() | {"max_connections": self.psql("SHOW max_connections")}


def measure_on_postgres(name: str, keep: bool, measure) -> dict | None:
    """measure(pg, var_dir) on a throwaway PostgreSQL, in a temporary folder: its result, with the
    server's description added, or None after saying why it could not run (the benchmark then
    exits 2). The server is stopped in every case."""
    pg = None
    try:
        with harness.workdir(f"malpro-bench-{name}-", keep=keep) as var_dir:
            try:
                pg = PostgresServer().start()
            except harness.PostgresUnavailable as exc:
                print(f"{name}: needs PostgreSQL: {exc}")
                return None
            print(f"  postgresql: throwaway server on 127.0.0.1:{pg.port}", flush=True)
            result = measure(pg, var_dir)
            result["server"] = pg.describe()
            return result
    except BenchError as exc:
        print(f"\n{name}: ERROR {exc}")
        return None
    finally:
        if pg:
            pg.stop()


def pgbench(pg: PostgresServer, *, clients: int, threads: int, seconds: int, scale: int) -> dict:
    """`pgbench -i -s SCALE` in its own database, then the TPC-B-like default script for
    `seconds` with `clients` connections; returns the transactions per second pgbench reports
    (excluding connection time)."""
    tool = pg._tool("pgbench")
    database = "bench_pgbench"
    pg.drop_database(database)
    pg.create_database(database)
    base = [tool, "-h", "127.0.0.1", "-p", str(pg.port), "-U", pg.user]
    try:
        init = subprocess.run(
            [*base, "-i", "-q", "-s", str(scale), database],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise BenchError(f"{tool} not found (set PG_BIN)") from None
    if init.returncode:
        raise BenchError(f"pgbench -i failed: {init.stderr.strip()[-500:]}")
    run = subprocess.run(
        [*base, "-c", str(clients), "-j", str(threads), "-T", str(seconds), database],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode:
        raise BenchError(f"pgbench failed: {run.stderr.strip()[-500:]}")
    out = {"clients": clients, "threads": threads, "seconds": seconds, "scale": scale}
    for line in run.stdout.splitlines():
        line = line.strip()
        if line.startswith("tps =") and "without initial connection time" in line:
            out["tps"] = float(line.split("=")[1].split()[0])
        elif line.startswith("latency average"):
            out["latency_avg_ms"] = float(line.split("=")[1].split()[0])
        elif line.startswith("number of transactions actually processed"):
            out["transactions"] = int(line.split(":")[1].split("/")[0])
        elif line.startswith("number of failed transactions"):
            out["failed"] = int(line.split(":")[1].split()[0])
    if "tps" not in out:
        raise BenchError(f"could not read pgbench's output:\n{run.stdout[-800:]}")
    pg.drop_database(database)
    return out


# --- gunicorn -----------------------------------------------------------------------------------
@dataclass
class Gunicorn:
    env: dict
    workers: int
    worker_class: str = "sync"
    threads: int = 1
    port: int = 0
    proc: subprocess.Popen | None = None
    log: Path | None = None
    argv: list[str] = field(default_factory=list)

    def start(self, log_dir: Path, timeout: float = 60) -> Gunicorn:
        self.port = harness.free_port()
        self.log = log_dir / f"gunicorn-{self.port}.log"
        self.argv = [
            harness.PYTHON,
            "-m",
            "gunicorn",
            "malpro.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--threads",
            str(self.threads),
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        handle = open(self.log, "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            self.argv, cwd=harness.REPO, env=self.env, stdout=handle, stderr=subprocess.STDOUT
        )
        handle.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited ({self.proc.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _body, _ms = Client(self.port).request("GET", "/healthz")
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    # Every worker answers once (imports, database connection) before measuring.
                    self.warm()
                    return self
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer in {timeout:.0f} s:\n{self.log_tail()}")

    def warm(self, rounds: int = 4) -> None:
        def hit():
            client = Client(self.port)
            for _ in range(rounds):
                client.request("GET", "/healthz")
                client.close()

        threads = [threading.Thread(target=hit) for _ in range(self.workers * 2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    stat = (entry / "stat").read_text()
                    if int(stat[stat.rindex(")") + 2 :].split()[1]) == self.proc.pid:
                        found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        """CPU time of the master and its live workers (user + system)."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in [self.proc.pid, *self.worker_pids()]:
            with contextlib.suppress(OSError, ValueError):
                stat = Path(f"/proc/{pid}/stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except (OSError, AttributeError):
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)  # graceful: the workers finish their request
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def describe(self) -> dict:
        return {
            "workers": self.workers,
            "worker_class": self.worker_class,
            "threads": self.threads,
            "argv": " ".join(self.argv[1:]).replace(str(harness.REPO) + "/", ""),
        }

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def gunicorn_env(base: dict, **extra: str) -> dict:
    """Production settings as harness.django_env makes them, behind a TLS proxy (which the
    clients stand in for), persistent database connections as in production."""
    env = dict(base)
    env.update(MALPRO_BEHIND_PROXY="1", MALPRO_TRUSTED_PROXIES="127.0.0.1", ALLOWED_HOSTS=HOST)
    env.update(extra)
    return env


# --- HTTP ---------------------------------------------------------------------------------------
class Client:
    """One keep-alive connection (gunicorn's sync workers close it after each answer; http.client
    then opens a new one for the next request)."""

    def __init__(self, port: int, timeout: float = 120):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(
        self, method: str, path: str, body: object = None, headers: dict | None = None
    ) -> tuple[int, dict | None, float]:
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body))
        sent = dict(PROXY_HEADERS)
        if data is not None:
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=sent)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # a fresh connection for the next request
            raise
        elapsed_ms = (time.perf_counter() - start) * 1000
        if response.will_close:
            self.conn.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = {"raw": raw[:300].decode("utf-8", "replace")}
        return response.status, parsed, elapsed_ms

    def close(self) -> None:
        self.conn.close()


@dataclass
class Outcome:
    index: int
    status: int
    body: dict | None
    ms: float
    started: float
    ended: float
    error: str = ""


def run_concurrently(
    port: int,
    jobs: Sequence,
    send: Callable[[Client, object, int], tuple[int, dict | None, float]],
    *,
    threads: int,
    barrier: bool = False,
) -> tuple[list[Outcome], float]:
    """Sends `jobs` with `threads` client threads, each with its own connection, taking the next
    job as soon as it is done (a closed loop). With barrier=True there must be one job per thread,
    and all threads are released together. Returns the outcomes in job order and the wall time
    from the first request to the last answer."""
    outcomes: list[Outcome | None] = [None] * len(jobs)
    lock = threading.Lock()
    cursor = iter(range(len(jobs)))
    gate = threading.Barrier(threads + 1) if barrier else None

    def worker():
        client = Client(port)
        if gate:
            gate.wait()
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            started = time.perf_counter()
            try:
                status, body, ms = send(client, jobs[index], index)
                error = ""
            except (OSError, http.client.HTTPException) as exc:
                status, body, ms, error = 0, None, 0.0, f"{exc.__class__.__name__}: {exc}"
            outcomes[index] = Outcome(
                index, status, body, ms, started, time.perf_counter(), error=error
            )
        client.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    if gate:
        gate.wait()
    for thread in pool:
        thread.join()
    done = [o for o in outcomes if o is not None]
    wall = (max(o.ended for o in done) - min(o.started for o in done)) if done else 0.0
    return done, wall


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100), nearest-rank on the sorted values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@contextlib.contextmanager
def cpu_meter(pg: harness.PostgresServer | None, app: Gunicorn | None) -> Iterator[dict]:
    """CPU seconds used meanwhile by the harness process (the clients), the app server and the
    database server, and the wall time."""
    figures: dict = {}
    client0 = time.process_time()
    app0 = app.cpu_seconds() if app else None
    pg0 = pg.cpu_seconds(settle=0) if pg else None
    wall0 = time.perf_counter()
    yield figures
    figures["wall_s"] = time.perf_counter() - wall0
    figures["client_cpu_s"] = time.process_time() - client0
    if app is not None:
        figures["app_cpu_s"] = app.cpu_seconds() - app0
    if pg is not None and pg0 is not None:
        after = pg.cpu_seconds(settle=0)
        figures["db_cpu_s"] = None if after is None else after - pg0
