"""The measured side of a benchmark: runs in its own process, started by the harness.

    python -m bench._child umkm-import --source FILE [--agency CODE] [--dry-run]
                                       [--cprofile OUT] [--tracemalloc OUT]
    python -m bench._child db-info

Prints one line `BENCH-RESULT {json}` on stdout. Timings cover the measured call only (not the
interpreter and Django start-up); memory is the process's own high-water mark (VmHWM), with the
resident size after Django start-up as the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

RESULT_PREFIX = "BENCH-RESULT "
MB = 1024 * 1024


def memory() -> dict[str, float]:
    """Current and peak resident size of this process, in MB (from /proc, else getrusage)."""
    found: dict[str, float] = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                found[key] = int(value.split()[0]) * 1024 / MB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB  # KB on Linux
    return {"rss_mb": found.get("VmRSS", peak), "peak_mb": found.get("VmHWM", peak)}


def emit(data: dict) -> None:
    sys.stdout.write(RESULT_PREFIX + json.dumps(data, default=str) + "\n")
    sys.stdout.flush()


def setup_django() -> float:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malpro.settings")
    start = time.perf_counter()
    import django

    django.setup()
    return time.perf_counter() - start


def db_info() -> dict:
    from django.db import connection

    info = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            info["version"] = cursor.fetchone()[0]
            for pragma in ("journal_mode", "synchronous", "cache_size"):
                cursor.execute(f"pragma {pragma}")
                info[pragma] = cursor.fetchone()[0]
            info["file"] = str(connection.settings_dict["NAME"])
        else:
            cursor.execute("show server_version")
            info["version"] = cursor.fetchone()[0]
            for name in ("fsync", "synchronous_commit"):
                cursor.execute(f"show {name}")
                info[name] = cursor.fetchone()[0]
    return info


def umkm_import_command(args) -> dict:
    startup_s = setup_django()
    from malpro.core.models import AuditEvent
    from malpro.umkm.importer import umkm_import
    from malpro.umkm.models import Business, Guidance, StatusChange

    # Touch the connection before the clock starts, as a long-running worker would have done.
    before = {
        "businesses": Business.objects.count(),
        "guidance": Guidance.objects.count(),
        "status_changes": StatusChange.objects.count(),
    }
    baseline = memory()
    calls = 0
    timeline: list[tuple[int, float]] = []  # (rows done, traced MB) at each progress call
    snapshots: dict = {}

    def progress(done: int, total: int | None) -> None:  # what the command's progress bar gets
        nonlocal calls
        calls += 1
        if args.tracemalloc:
            import tracemalloc

            timeline.append((done, tracemalloc.get_traced_memory()[0] / MB))
            if calls == 1:  # the file is open and parsing has started
                snapshots["after the first 500 rows"] = tracemalloc.take_snapshot()
            elif total and done >= total and "at the end" not in snapshots:
                snapshots["at the end"] = tracemalloc.take_snapshot()

    profiler = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(3)
    start, cpu_start = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = umkm_import(
        source=args.source, agency_code=args.agency, dry_run=args.dry_run, progress=progress
    )
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    cpu_s = time.process_time() - cpu_start
    peak = memory()
    extra = {}
    if args.tracemalloc:
        import tracemalloc

        current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        lines = [
            f"Python heap traced by tracemalloc: peak {traced_peak / MB:.1f} MB, "
            f"{current / MB:.1f} MB still held when umkm_import returned.",
            "Traced MB at progress calls (rows done: MB): "
            + ", ".join(f"{d}: {m:.0f}" for d, m in timeline[:: max(1, len(timeline) // 16)]),
        ]
        for label, snapshot in snapshots.items():
            stats = snapshot.statistics("traceback")
            held = sum(stat.size for stat in stats) / MB
            lines += ["", f"== largest live allocations {label} ({held:.1f} MB traced)"]
            for stat in stats[:10]:
                lines.append(f"{stat.size / MB:8.1f} MB in {stat.count} blocks, allocated at")
                lines += ["    " + line for line in stat.traceback.format(limit=3)]
        Path(args.tracemalloc).write_text("\n".join(lines) + "\n")
        extra["traced_peak_mb"] = traced_peak / MB
    if profiler:
        profiler.dump_stats(args.cprofile)
    after = {
        "businesses": Business.objects.count(),
        "guidance": Guidance.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }
    errors = sum(1 for i in result.issues if i.level == "error")
    return {
        "seconds": seconds,
        "cpu_s": cpu_s,  # this process's CPU time in the call; the rest is waiting (DB, I/O)
        "startup_s": startup_s,
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "issues": len(result.issues),
        "error_issues": errors,
        "warning_issues": len(result.issues) - errors,
        "progress_calls": calls,
        "baseline_rss_mb": baseline["rss_mb"],
        "peak_rss_mb": peak["peak_mb"],
        "before": before,
        "after": after,
        "issue_sample": [
            [i.row, i.column, i.level, i.message] for i in result.issues[:5] if i.row > 1
        ],
        **extra,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench._child")
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("umkm-import")
    one.add_argument("--source", required=True)
    one.add_argument("--agency")
    one.add_argument("--dry-run", action="store_true")
    one.add_argument("--cprofile", help="write cProfile stats of the import call here")
    one.add_argument("--tracemalloc", help="write the largest live allocations here")
    commands.add_parser("db-info")
    args = parser.parse_args(argv)
    if args.command == "umkm-import":
        emit(umkm_import_command(args))
    else:
        setup_django()
        emit(db_info())


if __name__ == "__main__":
    main()
