"""Benchmark: the outbox's throughput on PostgreSQL, WhatsApp to a fake Cloud API, no duplicates.

One throwaway PostgreSQL 15 (fsync on): migrate, then 2,000 people with verified phones and
6,000 pending WhatsApp messages to them (bulk rows, as send() leaves them in the outbox). The
provider is the local fake of the WhatsApp Cloud API (malpro/notifications/tests/
fake_whatsapp.py, a server thread of the harness; optional latency --messages-delay-ms): the
app's real cloud backend talks HTTP to it, template messages with our id echoed.

A worker here is a process doing what a Celery worker's `notifications.send` /
`notifications.send_due` do: `notifications.services.dispatch(limit=100)` in a loop until
nothing is left (claims with SKIP LOCKED, one provider call per message, its SENT written right
after the call). Measured with ONE worker, then with TWO in parallel (all started, Django
loaded and connected, then released together; the clock runs from the release to the last
worker's end). Between runs every message is put back to pending. Reported: messages/s per
run and the medians. Checked after each run: every message SENT, tried once, and the fake
received each message's id exactly once (zero duplicates) - any miss exits 1.
Target: >= 200 messages/s with two workers.

    python -m bench messages [--quick] [--messages-count N] [--messages-delay-ms MS]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import harness
from bench.harness import BenchError

NAME = "messages"
TARGET_PER_S = 200.0
FULL = {"messages": 6000, "users": 2000}
QUICK = {"messages": 600, "users": 200}
FAKE = harness.REPO / "malpro" / "notifications" / "tests" / "fake_whatsapp.py"


def add_arguments(parser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--messages-count", type=int, help="messages per run (default 6,000)")
    group.add_argument("--messages-users", type=int, help="recipients (default 2,000)")
    group.add_argument(
        "--messages-batch", type=int, default=100, help="dispatch(limit=...) (default 100)"
    )
    group.add_argument(
        "--messages-delay-ms",
        type=float,
        default=0.0,
        help="the fake provider's latency per request (default 0)",
    )
    group.add_argument(
        "--messages-workers",
        default="1,2",
        help="worker counts to measure, comma separated (default 1,2)",
    )


# --- the measured side (python -m bench.messages child ...) ----------------------------------
def child(argv: list[str]) -> None:
    from bench._child import emit, memory, setup_django

    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "reset", "worker", "verify"])
    parser.add_argument("--users", type=int)
    parser.add_argument("--messages", type=int)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--ready")
    parser.add_argument("--go")
    parser.add_argument("--out")
    parser.add_argument("--cprofile")
    args = parser.parse_args(argv)
    startup_s = setup_django()

    import uuid

    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from malpro.accounts.models import User
    from malpro.notifications import services
    from malpro.notifications.models import Message, MessageAttempt

    if args.command == "setup":
        t = time.perf_counter()
        unusable = make_password(None)
        now = timezone.now()
        with transaction.atomic():
            User.objects.bulk_create(
                [
                    User(
                        phone=f"+62812{i:08d}",
                        name=f"Penjual Bench {i}",
                        password=unusable,
                        phone_verified_at=now,
                    )
                    for i in range(args.users)
                ],
                batch_size=1000,
            )
            users = list(User.objects.order_by("pk").values_list("pk", flat=True))
            Message.objects.bulk_create(
                [
                    Message(
                        user_id=users[i % len(users)],
                        template="payout_account.changed",
                        channel="whatsapp",
                        dedupe_key=f"bench:{i}:whatsapp",
                        uid=uuid.uuid4().hex,
                        context={
                            "shop": f"Toko Bench {i % len(users)}",
                            "when": "01/12/2026 09:30",
                            "bank": "BJTM",
                            "path": "/saldo/",
                        },
                        next_attempt_at=now,
                    )
                    for i in range(args.messages)
                ],
                batch_size=2000,
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        emit({"users": len(users), "messages": args.messages, "setup_s": time.perf_counter() - t})
    elif args.command == "reset":
        with transaction.atomic():
            MessageAttempt.objects.all().delete()
            Message.objects.update(
                state=Message.State.PENDING,
                attempts=0,
                next_attempt_at=timezone.now(),
                claimed_until=None,
                claimed_by="",
                provider_id="",
                last_error="",
                sent_at=None,
                delivered_at=None,
            )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE notifications_message")
            cursor.execute("VACUUM ANALYZE notifications_messageattempt")
        emit({"pending": Message.objects.filter(state="pending").count()})
    elif args.command == "worker":
        connection.ensure_connection()
        Message.objects.filter(pk=0).exists()  # the first query's set-up out of the clock
        Path(args.ready).touch()
        while not os.path.exists(args.go):
            time.sleep(0.002)
        profiler = None
        if args.cprofile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        cpu0, start = time.process_time(), time.time()
        total, batches = services.Dispatched(), 0
        while True:
            done = services.dispatch(limit=args.batch)
            if done.sent + done.retrying + done.failed == 0:
                break
            total += done
            batches += 1
        end, cpu = time.time(), time.process_time() - cpu0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.cprofile)
        emit(
            {
                "start": start,
                "end": end,
                "sent": total.sent,
                "retrying": total.retrying,
                "failed": total.failed,
                "batches": batches,
                "cpu_s": cpu,
                "startup_s": startup_s,
                **memory(),
            }
        )
    elif args.command == "verify":
        states = Counter(Message.objects.values_list("state", flat=True))
        tries = Counter(Message.objects.values_list("attempts", flat=True))
        uids = list(Message.objects.values_list("uid", flat=True))
        Path(args.out).write_text(json.dumps(uids))
        emit(
            {
                "states": dict(states),
                "attempts": {str(k): v for k, v in tries.items()},
                "attempt_rows": MessageAttempt.objects.count(),
                "failed_attempt_rows": MessageAttempt.objects.filter(ok=False).count(),
            }
        )


# --- the harness side ----------------------------------------------------------------------------
def _fake_class():
    """The fake Cloud API, loaded from its file (the harness imports no Django)."""
    spec = importlib.util.spec_from_file_location("bench_fake_whatsapp", FAKE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FakeWhatsApp


def _child_argv(*args: str) -> list[str]:
    return [harness.PYTHON, "-m", "bench.messages", "child", *args]


def _workers(env: dict, count: int, batch: int, var_dir: Path, profile: Path | None) -> list:
    """Starts `count` workers, releases them together once all are ready, returns their
    results."""
    with contextlib.ExitStack() as files:
        return _run_workers(files, env, count, batch, var_dir, profile)


def _run_workers(files, env, count, batch, var_dir, profile) -> list:
    tag = f"{count}-{time.monotonic_ns()}"
    go = var_dir / f"go-{tag}"
    procs = []
    for i in range(count):
        ready = var_dir / f"ready-{tag}-{i}"
        argv = _child_argv("worker", "--batch", str(batch), "--ready", str(ready), "--go", str(go))
        if profile is not None and i == 0:
            argv += ["--cprofile", str(profile)]
        out = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
        err = files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
        proc = subprocess.Popen(argv, cwd=harness.REPO, env=env, stdout=out, stderr=err)
        procs.append((proc, ready, out, err))
    deadline = time.monotonic() + 120
    while not all(r.exists() for _p, r, _o, _e in procs):
        if any(p.poll() is not None for p, _r, _o, _e in procs) or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    go.touch()
    results = []
    for proc, _ready, out, err in procs:
        code = proc.wait(3600)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        if code != 0:
            raise BenchError(f"worker exited {code}:\n{stderr[-2000:]}\n{stdout[-500:]}")
        for line in stdout.splitlines():
            if line.startswith(harness.RESULT_PREFIX):
                results.append(json.loads(line[len(harness.RESULT_PREFIX) :]))
    if len(results) != count:
        raise BenchError(f"{count - len(results)} worker(s) wrote no result")
    return results


def _measure(pg, sizes: dict, args, var_dir: Path) -> dict:
    from bench.orders_http import cpu_meter

    database = "bench_messages"
    url = pg.create_database(database)
    fake = _fake_class()(delay=args.messages_delay_ms / 1000)
    result: dict = {"setup_s": {}, "runs": []}
    problems: list[str] = []
    with fake:
        env = harness.django_env(
            var_dir=var_dir,
            database_url=url,
            MALPRO_QUIET_HOURS="",
            MALPRO_PUBLIC_URL="https://malpro.example",
            **fake.settings(),
        )
        child = harness.checked(
            harness.run_child(harness.manage("migrate", "--no-input", "-v", "0"), env), "migrate"
        )
        result["setup_s"]["migrate"] = round(child.wall_s, 2)
        child = harness.checked(
            harness.run_child(
                _child_argv(
                    "setup", "--users", str(sizes["users"]), "--messages", str(sizes["messages"])
                ),
                env,
            ),
            "setup",
        )
        result["setup_s"]["rows"] = round(child.wall_s, 2)
        print(
            f"  {sizes['users']:,} people with verified phones, {sizes['messages']:,} pending "
            f"WhatsApp messages in {child.wall_s:.1f} s",
            flush=True,
        )
        counts = [int(c) for c in str(args.messages_workers).split(",") if c.strip()]
        for workers in counts:
            for rep in range(1, args.repeat + 1):
                harness.checked(harness.run_child(_child_argv("reset"), env), "reset")
                with fake._lock:
                    fake.received.clear()
                profile = None
                if args.profile and rep == 1:
                    profile = harness.OUT_DIR / f"{NAME}-{workers}w-worker0.prof"
                    harness.OUT_DIR.mkdir(parents=True, exist_ok=True)
                with cpu_meter(pg, None) as cpu:
                    done = _workers(env, workers, args.messages_batch, var_dir, profile)
                wall = max(r["end"] for r in done) - min(r["start"] for r in done)
                uids_file = var_dir / "uids.json"
                check = harness.checked(
                    harness.run_child(_child_argv("verify", "--out", str(uids_file)), env),
                    "verify",
                ).payload
                db_uids = set(json.loads(uids_file.read_text()))
                got = Counter(fake.uids())
                duplicates = sum(c - 1 for c in got.values() if c > 1)
                run_problems = []
                if check["states"] != {"sent": sizes["messages"]}:
                    run_problems.append(f"states after the run: {check['states']}")
                if duplicates:
                    run_problems.append(f"{duplicates} messages received more than once")
                if set(got) != db_uids:
                    run_problems.append(
                        f"{len(db_uids - set(got))} never received, "
                        f"{len(set(got) - db_uids)} unknown ids received"
                    )
                if fake.refused:
                    run_problems.append(f"{len(fake.refused)} refused by the fake")
                run = {
                    "workers": workers,
                    "run": rep,
                    "messages": sizes["messages"],
                    "wall_s": round(wall, 3),
                    "messages_per_s": round(sizes["messages"] / wall, 1) if wall else None,
                    "sent_per_worker": [r["sent"] for r in done],
                    "batches_per_worker": [r["batches"] for r in done],
                    "worker_cpu_s": [round(r["cpu_s"], 2) for r in done],
                    "worker_peak_mb": [round(r["peak_mb"], 1) for r in done],
                    "db_cpu_s": None if cpu.get("db_cpu_s") is None else round(cpu["db_cpu_s"], 2),
                    "received": sum(got.values()),
                    "duplicates": duplicates,
                    "attempts": check["attempts"],
                    "problems": run_problems,
                }
                result["runs"].append(run)
                problems += [f"{workers} worker(s), run {rep}: {p}" for p in run_problems]
                print(
                    f"  {workers} worker(s), run {rep}/{args.repeat}: {sizes['messages']:,} "
                    f"messages in {wall:.2f} s = {run['messages_per_s']:.0f}/s; per worker "
                    f"{run['sent_per_worker']}; received {run['received']:,}, duplicates "
                    f"{duplicates}" + ("  WRONG" if run_problems else "  ok"),
                    flush=True,
                )
    result["problems"] = problems
    if not args.keep:
        pg.drop_database(database)
    return result


def run(args) -> int:
    from bench.orders_http import measure_on_postgres

    sizes = dict(QUICK if args.quick else FULL)
    if args.messages_count:
        sizes["messages"] = args.messages_count
    if args.messages_users:
        sizes["users"] = args.messages_users
    started = harness.now_iso()
    print(f"{NAME}: sizes {sizes}, fake latency {args.messages_delay_ms} ms", flush=True)
    result = measure_on_postgres(
        NAME, args.keep, lambda pg, var_dir: _measure(pg, sizes, args, var_dir)
    )
    if result is None:
        return 2
    medians = {}
    for workers in sorted({r["workers"] for r in result["runs"]}):
        rates = [r["messages_per_s"] for r in result["runs"] if r["workers"] == workers]
        medians[str(workers)] = {"messages_per_s": harness.median(rates), "runs": rates}
    result["median"] = medians
    rows = [
        [
            r["workers"],
            r["run"],
            f"{r['messages_per_s']:.0f}",
            f"{r['wall_s']:.2f}",
            "/".join(str(n) for n in r["sent_per_worker"]),
            "/".join(f"{c:.1f}" for c in r["worker_cpu_s"]),
            "-" if r["db_cpu_s"] is None else f"{r['db_cpu_s']:.1f}",
            r["duplicates"],
        ]
        for r in result["runs"]
    ]
    print()
    print(
        f"{NAME}: {sizes['messages']:,} WhatsApp messages to {sizes['users']:,} people per run, "
        f"dispatch(limit={args.messages_batch}), fake Cloud API latency "
        f"{args.messages_delay_ms} ms; PostgreSQL 15, fsync on"
    )
    print(
        harness.table(
            ["workers", "run", "msg/s", "wall s", "sent each", "cpu s each", "db cpu s", "dups"],
            rows,
        )
    )
    two = medians.get("2", {}).get("messages_per_s")
    for workers, m in medians.items():
        print(f"median, {workers} worker(s): {m['messages_per_s']:.0f} messages/s")
    verdict = "n/a" if two is None else ("met" if two >= TARGET_PER_S else "MISSED")
    print(f"target >= {TARGET_PER_S:.0f} messages/s with two workers: {verdict}")
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
            "batch": args.messages_batch,
            "fake_latency_ms": args.messages_delay_ms,
            "settings": "MALPRO_ENV=production, DEBUG=0, MALPRO_WHATSAPP_BACKEND=cloud (fake)",
        },
        "target_messages_per_s_two_workers": TARGET_PER_S,
        "result": result,
    }
    path = harness.write_json(f"{NAME}-quick" if args.quick else NAME, data)
    print(f"written: {path}")
    if result["problems"]:
        print(f"{NAME}: WRONG:\n  " + "\n  ".join(result["problems"][:30]))
        return 1
    return 1 if args.strict and verdict == "MISSED" else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[2:])
    else:  # pragma: no cover
        print("usage: python -m bench messages")
