"""Benchmark: payment webhooks over HTTP on PostgreSQL, duplicates mixed in, zero double counts.

One throwaway PostgreSQL 15 (fsync on): migrate, load the reference data, then shops, products
and buyers with filled carts in bulk (bench.orders_child setup). gunicorn serves the app with
production settings and the gateway production uses, Midtrans (MALPRO_QRIS_PROVIDER and
MALPRO_VA_PROVIDER=midtrans, a random MIDTRANS_SERVER_KEY); Midtrans's charge API is a small
local fake server (MIDTRANS_API_BASE_URL), receiving notifications needs no network. The buyers
check out over HTTP with QRIS or a bank VA: their orders await payment.

Each run then sends 1,000 signed Midtrans notifications with 16 client threads (a closed loop):
half are the first `settlement` of a payment, 30% repeat one (some in bursts of three sent at
once, some much later), 15% are `pending` notifications (half before their settlement, half
after it: out of order), some payments only get `pending`, and 1% are forged (bad signature,
a changed amount, a forged cancel of a paid payment). Reported: notifications/s, latency
p50/p95. Checked from the database and `manage.py check_ledger`: each paid checkout captured
exactly once for its amount (zero double counts), its orders placed; forged ones changed
nothing; the ledger balances. Any wrong count exits 1.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import secrets
import threading
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import harness
from bench.checkout import SETUP_STEPS, _orders_child, _relative, checkout_body
from bench.orders_http import (
    BenchError,
    Gunicorn,
    PostgresServer,
    cpu_meter,
    gunicorn_env,
    measure_on_postgres,
    percentile,
    run_concurrently,
)

NAME = "webhooks"
PATH = "/api/v1/payments/webhooks/midtrans"
# Shares of the notifications of one run.
MIX = {"first": 0.50, "repeat": 0.30, "pending": 0.15, "pending_only": 0.04}
BURST = 3  # copies of one settlement sent at the same moment
FULL = {"notifications": 1000, "clients": 16}
QUICK = {"notifications": 200, "clients": 8}


def add_arguments(parser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument(
        "--webhooks-notifications", type=int, help="notifications per run (default 1,000)"
    )
    group.add_argument("--webhooks-clients", type=int, help="concurrent senders (default 16)")
    group.add_argument(
        "--webhooks-workers", type=int, help="gunicorn sync workers (default 2 x cores + 1)"
    )
    group.add_argument("--webhooks-seed", type=int, default=35731)


# --- the provider's side ----------------------------------------------------------------------
class FakeMidtrans(BaseHTTPRequestHandler):
    """Midtrans Core API's /v2/charge, enough for the adapter: a transaction id and a QR string
    or a VA number."""

    charges = 0
    lock = threading.Lock()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        order_id = body.get("transaction_details", {}).get("order_id", "")
        answer = {
            "status_code": "201",
            "transaction_id": f"txn-{order_id}",
            "order_id": order_id,
            "transaction_status": "pending",
        }
        if body.get("payment_type") == "qris":
            answer["qr_string"] = f"00020101021226650013ID.CO.QRIS.WWW{order_id}5303360"
        else:
            digits = int(hashlib.sha256(order_id.encode()).hexdigest(), 16) % 10**12
            answer["va_numbers"] = [{"bank": "bni", "va_number": f"9881{digits:012d}"}]
        raw = json.dumps(answer).encode()
        with FakeMidtrans.lock:
            FakeMidtrans.charges += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


def notification(payment: dict, status: str, server_key: str, *, forge: str = "") -> dict:
    """A Midtrans HTTP notification as Midtrans sends it, signed with signature_key =
    SHA512(order_id + status_code + gross_amount + server key)."""
    gross = f"{payment['amount']}.00"
    status_code = "201" if status == "pending" else "200"
    body = {
        "transaction_time": "2026-11-28 10:00:00",
        "transaction_status": status,
        "transaction_id": payment["provider_txn_id"] or f"txn-{payment['reference']}",
        "status_message": "midtrans payment notification",
        "status_code": status_code,
        "payment_type": "qris" if payment["method"] == "qris" else "bank_transfer",
        "order_id": payment["reference"],
        "merchant_id": "G000000000",
        "gross_amount": gross,
        "fraud_status": "accept",
        "currency": "IDR",
    }
    key = server_key if forge != "key" else "SB-Mid-server-" + secrets.token_hex(12)
    raw = f"{body['order_id']}{status_code}{gross}{key}"
    body["signature_key"] = hashlib.sha512(raw.encode()).hexdigest()
    if forge == "amount":  # signed for the real amount, then the amount changed
        body["gross_amount"] = f"{payment['amount'] // 10}.00"
    return body


# --- the plan of one run ----------------------------------------------------------------------
def counts(n: int) -> dict:
    """How many notifications of each kind in a run of n, and the payments it needs."""
    c = {key: round(n * share) for key, share in MIX.items()}
    c["forged"] = n - sum(c.values())
    c["untouched"] = max(c["forged"], 2)
    c["payments"] = c["first"] + c["pending_only"] + c["untouched"]
    return c


def plan_run(payments: list[dict], n: int, rng: random.Random, server_key: str) -> dict:
    """The notifications of one run, in sending order, with what each must be answered and
    where each payment must end."""
    c = counts(n)
    first, repeats, pendings = c["first"], c["repeat"], c["pending"]
    pending_only, forged, needed = c["pending_only"], c["forged"], c["payments"]
    if len(payments) < needed:
        raise BenchError(f"plan needs {needed} payments, has {len(payments)}")
    chosen = rng.sample(payments, needed)
    paid = chosen[:first]
    only_pending = chosen[first : first + pending_only]
    quiet = chosen[first + pending_only :]
    events: list[tuple[float, dict, str, str]] = []  # (position, payment, status, forge)
    span = float(n)
    positions = {p["reference"]: rng.uniform(0, span) for p in paid}
    for p in paid:
        events.append((positions[p["reference"]], p, "settlement", ""))
    bursts = min(repeats // (BURST - 1) // 3, len(paid))  # about a third of the repeats
    burst_set = paid[:bursts]
    for p in burst_set:
        for k in range(1, BURST):
            events.append((positions[p["reference"]] + k * 1e-6, p, "settlement", ""))
    singles = repeats - bursts * (BURST - 1)
    for p in rng.choices(paid[bursts:] or paid, k=singles):
        events.append((positions[p["reference"]] + rng.uniform(0.5, span / 3), p, "settlement", ""))
    for i, p in enumerate(rng.sample(paid, min(pendings, len(paid)))):
        # Half before the settlement, half after it (out of order), far enough apart that the
        # 16 senders do not take them at the same moment.
        gap = rng.uniform(40, 200)
        where = positions[p["reference"]] + (-gap if i % 2 == 0 else gap)
        events.append((where, p, "pending", ""))
    for p in only_pending:
        events.append((rng.uniform(0, span), p, "pending", ""))
    kinds = ["key", "amount", "cancel"]
    for i in range(forged):
        kind = kinds[i % len(kinds)]
        if kind == "cancel":  # a forged cancel of a paid payment
            target, status, how = rng.choice(paid), "cancel", "key"
        elif kind == "amount":
            target, status, how = rng.choice(only_pending or quiet), "settlement", "amount"
        else:
            target, status, how = rng.choice(quiet), "settlement", "key"
        events.append((rng.uniform(0, span), target, status, how))
    events.sort(key=lambda e: e[0])
    jobs = []
    for _pos, payment, status, forge in events:
        jobs.append(
            {
                "reference": payment["reference"],
                "status": status,
                "forged": bool(forge),
                "body": json.dumps(notification(payment, status, server_key, forge=forge)),
            }
        )
    final = {p["reference"]: "paid" for p in paid}
    final.update({p["reference"]: "pending" for p in only_pending + quiet})
    settlements = sum(1 for j in jobs if j["status"] == "settlement" and not j["forged"])
    expected = {
        "applied": len(paid),
        "duplicate": settlements - len(paid),
        "ignored": sum(1 for j in jobs if j["status"] == "pending"),
        "rejected": forged,
    }
    return {
        "jobs": jobs,
        "final": final,
        "expected_results": expected,
        "mix": {
            "first_settlements": len(paid),
            "repeated_settlements": settlements - len(paid),
            "in_bursts_of_3": bursts,
            "pending": sum(1 for j in jobs if j["status"] == "pending"),
            "pending_only_payments": len(only_pending),
            "forged": forged,
            "untouched_payments": len(quiet),
        },
    }


def _check_answers(outcomes, jobs) -> tuple[Counter, list[str]]:
    """Per payment: exactly one settlement applied, the other copies duplicates; pendings
    ignored (the payment is pending already, or paid); forged ones 401."""
    got: Counter = Counter()
    problems = []
    applied: dict[str, int] = defaultdict(int)
    for o in outcomes:
        job = jobs[o.index]
        result = (o.body or {}).get("status", f"http {o.status}")
        got[result] += 1
        if job["forged"]:
            if o.status != 401:
                problems.append(f"forged {job['status']} for {job['reference']}: {o.status}")
            continue
        if o.status != 200:
            problems.append(f"{job['status']} for {job['reference']}: {o.status} {o.body}")
        elif job["status"] == "settlement":
            if result == "applied":
                applied[job["reference"]] += 1
            elif result != "duplicate":
                problems.append(f"settlement for {job['reference']}: {result}")
        elif result != "ignored":
            problems.append(f"pending for {job['reference']}: {result}")
    settled = {j["reference"] for j in jobs if j["status"] == "settlement" and not j["forged"]}
    twice = [r for r, n in applied.items() if n > 1]
    never = [r for r in settled if applied.get(r, 0) == 0]
    if twice:
        problems.append(f"{len(twice)} payments answered 'applied' more than once")
    if never:
        problems.append(f"{len(never)} payments never answered 'applied'")
    return got, problems[:20]


def _overlapping_duplicates(outcomes, jobs) -> int:
    """Pairs of settlement copies of the same payment that were in flight at the same time."""
    by_ref: dict[str, list] = defaultdict(list)
    for o in outcomes:
        job = jobs[o.index]
        if job["status"] == "settlement" and not job["forged"]:
            by_ref[job["reference"]].append((o.started, o.ended))
    pairs = 0
    for spans in by_ref.values():
        for i in range(len(spans)):
            for j in range(i + 1, len(spans)):
                a, b = spans[i], spans[j]
                if a[0] < b[1] and b[0] < a[1]:
                    pairs += 1
    return pairs


def _send(client, job, index):
    return client.request("POST", PATH, job["body"].encode())


def _measure(pg: PostgresServer, sizes: dict, args, var_dir: Path) -> dict:
    rng = random.Random(args.webhooks_seed)
    n = sizes["notifications"]
    per_run = counts(n)["payments"]
    database = "bench_webhooks"
    url = pg.create_database(database)
    env = harness.django_env(var_dir=var_dir, database_url=url)
    result: dict = {"setup_s": {}}
    for step, step_args in SETUP_STEPS:
        child = harness.checked(harness.run_child(harness.manage(*step_args), env), step)
        result["setup_s"][step] = round(child.wall_s, 2)
    spec = {
        "seed": args.webhooks_seed,
        "sellers": 50,
        "products_per_seller": 10,
        "product_stock": 100_000,
        "lines": 2,
        "buyer_groups": {"pay": per_run * args.repeat},
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
    setup = json.loads(setup_file.read_text())

    server_key = "SB-Mid-server-" + secrets.token_urlsafe(24)
    fake = ThreadingHTTPServer(("127.0.0.1", 0), FakeMidtrans)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    app_env = gunicorn_env(
        env,
        MALPRO_PAYMENT_METHODS="cod,qris,va",
        MALPRO_QRIS_PROVIDER="midtrans",
        MALPRO_VA_PROVIDER="midtrans",
        MIDTRANS_SERVER_KEY=server_key,
        MIDTRANS_API_BASE_URL=f"http://127.0.0.1:{fake.server_port}",
    )
    app = Gunicorn(app_env, workers=sizes["workers"])
    problems: list[str] = []
    runs = []
    try:
        with app.start(var_dir):
            result["app_server"] = app.describe()
            harness.checked(harness.run_child(_orders_child("touch-tokens"), env), "touch-tokens")
            entries = setup["groups"]["pay"]

            def buy(client, entry, index):
                body = checkout_body(setup, entry)
                body["payment_method"] = "qris" if index % 2 == 0 else "va"
                return client.request(
                    "POST",
                    "/api/v1/checkout",
                    body,
                    {
                        "Authorization": f"Bearer {entry['token']}",
                        "Idempotency-Key": f"bench-pay-{entry['buyer']}",
                    },
                )

            outcomes, wall = run_concurrently(app.port, entries, buy, threads=8)
            bad = [o for o in outcomes if o.status != 201]
            if bad:
                raise BenchError(
                    f"{len(bad)} cashless checkouts failed: {[(o.status, o.body) for o in bad[:3]]}"
                )
            print(
                f"  {len(outcomes):,} cashless checkouts (QRIS/VA through Midtrans' charge API, "
                f"faked) in {wall:.1f} s",
                flush=True,
            )
            payments_file = var_dir / "payments.json"
            info = harness.checked(
                harness.run_child(_orders_child("payments", "--out", str(payments_file)), env),
                "payments",
            ).payload
            payments = json.loads(payments_file.read_text())
            if info["charge_errors"] or info["by_status"] != {"pending": len(entries)}:
                raise BenchError(f"payments not all pending after the charge: {info}")
            rng.shuffle(payments)
            for rep in range(1, args.repeat + 1):
                pool = payments[(rep - 1) * per_run : rep * per_run]
                plan = plan_run(pool, n, rng, server_key)
                with cpu_meter(pg, app) as cpu:
                    outcomes, wall = run_concurrently(
                        app.port, plan["jobs"], _send, threads=sizes["clients"]
                    )
                answers, answer_problems = _check_answers(outcomes, plan["jobs"])
                latencies = [o.ms for o in outcomes if o.status]
                run = {
                    "run": rep,
                    "notifications": len(outcomes),
                    "wall_s": round(wall, 3),
                    "notifications_per_s": round(len(outcomes) / wall, 1) if wall else None,
                    "latency_p50_ms": round(percentile(latencies, 50) or 0, 1),
                    "latency_p95_ms": round(percentile(latencies, 95) or 0, 1),
                    "app_cpu_s": round(cpu.get("app_cpu_s", 0), 2),
                    "db_cpu_s": None if cpu.get("db_cpu_s") is None else round(cpu["db_cpu_s"], 2),
                    "client_cpu_s": round(cpu["client_cpu_s"], 2),
                    "mix": plan["mix"],
                    "answers": dict(answers),
                    "overlapping_duplicate_pairs": _overlapping_duplicates(outcomes, plan["jobs"]),
                    "problems": [f"run {rep}: {p}" for p in answer_problems],
                }
                runs.append((run, plan))
                problems += run["problems"]
                print(
                    f"  run {rep}/{args.repeat}: {run['notifications']:,} notifications in "
                    f"{run['wall_s']:.1f} s = {run['notifications_per_s']:.0f}/s, p50 "
                    f"{run['latency_p50_ms']:.0f} ms, p95 {run['latency_p95_ms']:.0f} ms; answers "
                    f"{run['answers']}; {run['overlapping_duplicate_pairs']} duplicate pairs in "
                    "flight together" + ("  WRONG" if run["problems"] else ""),
                    flush=True,
                )
    finally:
        fake.shutdown()
    # The database after every run: each plan's payments where they must be.
    plan_all = {"final": {}, "expected_results": Counter()}
    for _run, plan in runs:
        plan_all["final"].update(plan["final"])
        plan_all["expected_results"].update(plan["expected_results"])
    untouched = {p["reference"] for p in payments} - set(plan_all["final"])
    plan_all["final"].update(dict.fromkeys(untouched, "pending"))
    plan_file = var_dir / "plan.json"
    plan_file.write_text(json.dumps(plan_all))
    check = harness.checked(
        harness.run_child(_orders_child("verify-webhooks", "--plan", str(plan_file)), env),
        "verify",
    ).payload
    ledger = harness.run_child(harness.manage("check_ledger"), env)
    check["check_ledger_exit"] = ledger.returncode
    check["check_ledger_output"] = ledger.tail(5)
    if ledger.returncode != 0:
        problems.append(f"manage.py check_ledger exited {ledger.returncode}: {ledger.tail(5)}")
    problems += check["problems"]
    print(
        f"  database: {check['paid']:,} paid, {check['captures']:,} captures, "
        f"{check['double_counts']} double counts, notifications {check['notification_results']}; "
        f"check_ledger exit {ledger.returncode}" + ("  WRONG" if check["problems"] else "  ok"),
        flush=True,
    )
    result.update(
        charges=FakeMidtrans.charges,
        runs=[r for r, _p in runs],
        database_check=check,
        problems=problems,
    )
    if not args.keep:
        pg.drop_database(database)
    return result


def run(args) -> int:
    sizes = dict(QUICK if args.quick else FULL)
    if args.webhooks_notifications:
        sizes["notifications"] = args.webhooks_notifications
    if args.webhooks_clients:
        sizes["clients"] = args.webhooks_clients
    sizes["workers"] = args.webhooks_workers or 2 * (os.cpu_count() or 1) + 1
    started = harness.now_iso()
    print(f"webhooks: sizes {sizes}", flush=True)
    result = measure_on_postgres(
        NAME, args.keep, lambda pg, var_dir: _measure(pg, sizes, args, var_dir)
    )
    if result is None:
        return 2
    runs = result["runs"]
    median = {
        k: harness.median([r[k] for r in runs])
        for k in ("notifications_per_s", "latency_p50_ms", "latency_p95_ms", "app_cpu_s")
    }
    median["all_runs_notifications_per_s"] = [r["notifications_per_s"] for r in runs]
    result["median"] = median
    check = result["database_check"]
    print()
    print(
        f"webhooks: {sizes['notifications']:,} Midtrans notifications per run, "
        f"{sizes['clients']} clients, gunicorn {sizes['workers']} sync workers; medians of "
        f"{len(runs)} run(s)"
    )
    rows = [
        [
            r["run"],
            f"{r['notifications_per_s']:.0f}",
            f"{r['latency_p50_ms']:.0f}",
            f"{r['latency_p95_ms']:.0f}",
            f"{r['app_cpu_s']:.1f}",
            "-" if r["db_cpu_s"] is None else f"{r['db_cpu_s']:.1f}",
            r["mix"]["first_settlements"],
            r["mix"]["repeated_settlements"],
            r["mix"]["pending"],
            r["mix"]["forged"],
            r["overlapping_duplicate_pairs"],
        ]
        for r in runs
    ]
    rows.append(
        [
            "median",
            f"{median['notifications_per_s']:.0f}",
            f"{median['latency_p50_ms']:.0f}",
            f"{median['latency_p95_ms']:.0f}",
            f"{median['app_cpu_s']:.1f}",
        ]
        + [""] * 6
    )
    print(
        harness.table(
            [
                "run",
                "notif/s",
                "p50 ms",
                "p95 ms",
                "app cpu s",
                "db cpu s",
                "first",
                "repeats",
                "pending",
                "forged",
                "dup pairs in flight",
            ],
            rows,
        )
    )
    print(
        f"database: {check['paid']:,} paid checkouts, {check['captures']:,} captures, "
        f"{check['double_counts']} double counts, escrow {check['escrow_total']:,} = paid "
        f"{check['paid_amount_total']:,}; check_ledger exit {check['check_ledger_exit']}: "
        + ("ok" if not result["problems"] else "WRONG")
    )
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
            "seed": args.webhooks_seed,
            "mix": MIX,
            "provider": "midtrans (charge API faked locally; notifications signed for real)",
            "settings": "MALPRO_ENV=production, DEBUG=0, no Redis, behind a TLS proxy "
            "(X-Forwarded-Proto), DB_CONN_MAX_AGE 60",
        },
        "result": result,
    }
    path = harness.write_json(f"{NAME}-quick" if args.quick else NAME, data)
    print(f"written: {_relative(path)}")
    if result["problems"]:
        print("webhooks: WRONG COUNTS:\n  " + "\n  ".join(result["problems"][:30]))
        return 1
    return 0
