"""What every benchmark shares: child processes with their own peak memory, a throwaway
PostgreSQL server, medians, tables and the JSON written to var/bench/.

The harness itself never imports Django and holds no data, so nothing it does shows up in the
figures: every measured step runs in a fresh child process (`python -m bench._child ...` or
`manage.py ...`) whose peak RSS is its own.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import platform
import pwd
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "var" / "bench"
PYTHON = sys.executable
RESULT_PREFIX = "BENCH-RESULT "
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
MB = 1024 * 1024


# --- child processes --------------------------------------------------------------------------
@dataclass
class Child:
    argv: list[str]
    returncode: int
    wall_s: float
    maxrss_mb: float  # from wait4(): the child's own ru_maxrss
    stdout: str
    stderr: str
    payload: dict = field(default_factory=dict)  # the BENCH-RESULT line, when the child wrote one

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 25) -> str:
        text = (self.stderr.strip() + "\n" + self.stdout.strip()).strip()
        return "\n".join(text.splitlines()[-lines:])


def django_env(*, var_dir: Path, database_url: str | None = None, **extra: str) -> dict:
    """The environment of a child: production-like settings (DEBUG off, so Django keeps no query
    log), SQLite in var_dir unless database_url is given, no Redis, quiet logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    for name in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "DB_CONN_MAX_AGE", "MALPRO_SITE_NAME"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="malpro.settings",
        MALPRO_VAR_DIR=str(var_dir),
        MALPRO_ENV="production",
        DEBUG="0",
        SECRET_KEY="bench-" + secrets.token_urlsafe(48),
        # Encryption at rest on, with keys of its own (production refuses to start without).
        MALPRO_DATA_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        MALPRO_LOOKUP_KEY="bench-lookup-" + secrets.token_urlsafe(32),
        ALLOWED_HOSTS="localhost",
        MALPRO_BEHIND_PROXY="0",
        MALPRO_REGENCY="35.73",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        CELERY_TASK_ALWAYS_EAGER="1",
        # A single-process measurement: no Redis, no SMS gateway.
        MALPRO_ALLOW_NO_REDIS="1",
        MALPRO_ALLOW_CONSOLE_SMS="1",
        MALPRO_ALLOW_CONSOLE_WHATSAPP="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run_child(argv: Sequence[str], env: dict, *, timeout: float = 3600) -> Child:
    """Runs one child from the repository root and reaps it with wait4(), which gives the peak
    RSS of that child alone (RUSAGE_CHILDREN would be the maximum over every child so far)."""
    argv = [str(a) for a in argv]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=out, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    payload = {}
    for line in stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            payload = json.loads(line[len(RESULT_PREFIX) :])
    return Child(argv, proc.returncode, wall, usage.ru_maxrss * 1024 / MB, stdout, stderr, payload)


def manage(*args: str) -> list[str]:
    return [PYTHON, "manage.py", *args]


def bench_child(*args: str) -> list[str]:
    return [PYTHON, "-m", "bench._child", *args]


# --- PostgreSQL -------------------------------------------------------------------------------
class PostgresUnavailable(Exception):
    pass


class PostgresServer:
    """A throwaway PostgreSQL cluster: initdb in a temporary folder, started on a free loopback
    port with durable settings (fsync, synchronous_commit and full_page_writes on, the defaults),
    stopped and deleted on exit. As root it runs as the postgres system user (initdb refuses
    root), like .ci/run does."""

    def __init__(self, bin_dir: Path = PG_BIN, user: str = "malpro"):
        self.bin = bin_dir
        self.user = user
        self.dir: Path | None = None
        self.port: int | None = None
        self.as_pg: list[str] = []
        self.log: Path | None = None

    @classmethod
    def unavailable_reason(cls, bin_dir: Path = PG_BIN) -> str | None:
        for name in ("initdb", "pg_ctl", "postgres", "createdb", "psql"):
            if not (bin_dir / name).exists() and not (
                name in ("createdb", "psql") and shutil.which(name)
            ):
                return (
                    f"{bin_dir / name} not found (install postgresql-15, or set PG_BIN to "
                    "the folder holding initdb and pg_ctl)"
                )
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                return "running as root but there is no 'postgres' user to run initdb as"
            if not shutil.which("runuser"):
                return "running as root but runuser is missing"
        return None

    def _tool(self, name: str) -> str:
        path = self.bin / name
        return str(path) if path.exists() else (shutil.which(name) or name)

    def _run(self, argv: list[str], *, as_pg: bool = True) -> subprocess.CompletedProcess:
        full = (self.as_pg if as_pg else []) + argv
        done = subprocess.run(full, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(
                f"{' '.join(argv[:2])} failed ({done.returncode}): {done.stderr.strip()[-800:]}"
            )
        return done

    def start(self) -> PostgresServer:
        reason = self.unavailable_reason(self.bin)
        if reason:
            raise PostgresUnavailable(reason)
        self.dir = Path(tempfile.mkdtemp(prefix="malpro-bench-pg-"))
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self.as_pg = ["runuser", "-u", "postgres", "--"]
        data = self.dir / "data"
        self.log = self.dir / "server.log"
        # --no-sync only skips flushing initdb's own files; the server below runs with fsync on.
        self._run(
            [
                self._tool("initdb"),
                "-D",
                str(data),
                "-U",
                self.user,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        self.port = free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
            "-c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=20"
        )
        self._run(
            [
                self._tool("pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "start",
                "-o",
                options,
            ]
        )
        return self

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = self._run(
            [
                self._tool("psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                self.user,
                "-d",
                database,
                "-Atqc",
                sql,
            ],
            as_pg=False,
        )
        return done.stdout.strip()

    def create_database(self, name: str) -> str:
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with contextlib.suppress(PostgresUnavailable):
            self.psql(f'DROP DATABASE IF EXISTS "{name}"')

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError, TypeError):
            return None

    def cpu_seconds(self, settle: float = 3.0) -> float | None:
        """CPU time used so far by the whole server: the postmaster, its live processes and the
        backends it has reaped (cutime/cstime). Waits up to `settle` seconds for the backends of
        finished clients to be reaped, so a client's work is counted once it has exited."""
        pid = self.postmaster_pid()
        if pid is None or not Path(f"/proc/{pid}/stat").exists():
            return None
        deadline = time.monotonic() + settle
        while True:
            total, backends = _proc_cpu(pid)
            if backends == 0 or time.monotonic() > deadline:
                return total
            time.sleep(0.05)

    def describe(self) -> dict:
        names = ("server_version", "fsync", "synchronous_commit", "full_page_writes")
        names += ("shared_buffers", "wal_level", "max_wal_size")
        return {name: self.psql(f"SHOW {name}") for name in names}

    def stop(self) -> None:
        if self.dir is None:
            return
        if self.port is not None:
            with contextlib.suppress(PostgresUnavailable):
                self._run(
                    [self._tool("pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop"]
                )
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _proc_cpu(postmaster: int) -> tuple[float, int]:
    """(CPU seconds of a postmaster and all its processes, number of client backends alive)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, backends = 0.0, 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        pid, ppid = int(entry.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(x) for x in fields[11:15]) / tick  # utime stime cutime cstime
        elif ppid == postmaster:
            total += (int(fields[11]) + int(fields[12])) / tick
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                cmdline = b""
            background = (b"checkpointer", b"background writer", b"walwriter", b"autovacuum")
            background += (b"logical replication", b"logger", b"stats")
            if not any(name in cmdline for name in background):
                backends += 1
    return total, backends


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- figures ----------------------------------------------------------------------------------
def median(values: Sequence[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def machine() -> dict:
    info = {
        "cpu": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_mb"] = round(int(line.split()[1]) / 1024)
    return info


def git_revision() -> dict:
    """The measured code: git HEAD and whether the tree had changes. When measuring an exported
    copy (git archive, no .git), set MALPRO_BENCH_REVISION to the commit it came from."""
    if os.environ.get("MALPRO_BENCH_REVISION"):
        return {"commit": os.environ["MALPRO_BENCH_REVISION"], "dirty": None, "exported": True}

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


def write_json(name: str, data: dict) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def conclude(
    name: str, data: dict, *, missed: list, problems: list, strict: bool, word: str = "DIFFERENCE"
) -> int:
    """Writes a run's JSON with its missed targets and problems, says both, and gives the exit
    code: 1 for a wrong answer, or for a missed target under --strict; 0 otherwise."""
    data["missed"] = missed
    data["problems"] = problems
    path = write_json(name, data)
    print(f"written: {path.relative_to(REPO)}")
    for problem in problems:
        print(f"{word}: {problem}")
    if missed:
        print(f"target missed: {', '.join(missed)}")
    if problems:
        return 1
    return 1 if (missed and strict) else 0


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table; numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    numeric = [
        all(_numberish(r[i]) for r in cells[1:] if r[i]) and any(r[i] for r in cells[1:])
        for i in range(len(headers))
    ]

    def fmt(row: list[str]) -> str:
        parts = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(row, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines = [fmt(cells[0]), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in cells[1:]]
    return "\n".join(lines)


def _numberish(text: str) -> bool:
    return text.replace(",", "").replace(".", "").replace("-", "").replace("/", "").isdigit()


@contextlib.contextmanager
def workdir(prefix: str, keep: bool = False) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


class BenchError(Exception):
    """A benchmark step failed: the benchmark stops and exits 2."""


def checked(child: Child, what: str) -> Child:
    """The child when it succeeded; otherwise BenchError naming the step, with its output's tail."""
    if not child.ok:
        raise BenchError(f"{what} failed (exit {child.returncode}):\n{child.tail()}")
    return child
