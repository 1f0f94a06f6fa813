"""Runs Malpro's benchmarks: every one by default, or those named.

.venv/bin/python -m bench                       # all, full size, 3 runs each (medians)
.venv/bin/python -m bench umkm_import --quick   # one, small and once: a smoke test
.venv/bin/python -m bench umkm_import --backend sqlite --repeat 1 --profile
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from bench import BENCHMARKS


def main(argv: list[str] | None = None) -> int:
    modules = {name: importlib.import_module(path) for name, path in BENCHMARKS.items()}
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Malpro benchmarks; results go to var/bench/NAME.json (docs/benchmarks.md).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="benchmarks:\n"
        + "\n".join(f"  {n:14} {m.__doc__.strip().splitlines()[0]}" for n, m in modules.items()),
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument(
        "--quick", action="store_true", help="small data, one run: checks the harness works"
    )
    parser.add_argument(
        "--repeat", type=int, help="runs per measurement, the median is reported (default 3)"
    )
    parser.add_argument(
        "--backend",
        action="append",
        choices=["sqlite", "postgresql"],
        help="database(s) to measure (default: both; repeat the option for several)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=90,
        help="minutes; fewer runs than --repeat when the next would not fit (default 90)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile (cProfile for time, tracemalloc for memory) into var/bench/",
    )
    parser.add_argument(
        "--profile-backend", choices=["sqlite", "postgresql"], help="database to profile on"
    )
    parser.add_argument("--keep", action="store_true", help="keep temporary files and databases")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target is missed (default: report)"
    )
    for module in modules.values():
        module.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.list:
        for name, module in modules.items():
            print(f"{name}: {module.__doc__.strip().splitlines()[0]}")
        return 0
    unknown = [n for n in args.names if n not in modules]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(modules)}")
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    status = 0
    for name in args.names or list(modules):
        start = time.monotonic()
        print(f"== {name}", flush=True)
        code = modules[name].run(args)
        print(f"== {name}: done in {time.monotonic() - start:.0f} s (exit {code})", flush=True)
        status = max(status, code)
    return status


if __name__ == "__main__":
    sys.exit(main())
