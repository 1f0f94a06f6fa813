"""The measured side of the ASN benchmark: runs in its own process, started by bench.asn_report.

    python -m bench.asn_child report --period 2026-11 --target function|officer|api|page
                                     [--calls 7]
    python -m bench.asn_child obligation --period 2026-11 --who busiest|median
                                         --target function|api|page [--calls 7]
    python -m bench.asn_child recount --period 2026-11 [--sample N] [--seed S] [--shard I/N]
    python -m bench.asn_child sizes
    python -m bench.asn_child explain --period 2026-11 --out FILE

Prints one line `BENCH-RESULT {json}`. A timing child measures `calls` calls of one target: the
first is cold for this process (fresh interpreter, empty ORM and template caches; the database
server may still hold the pages it read for an earlier child), the others are warm.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from bench._child import emit, memory, setup_django

ADMIN_PHONE = "+6281199990001"


def _period(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def _timed(call, calls: int) -> dict:
    seconds = []
    result = None
    for _ in range(calls):
        start = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - start)
    warm = seconds[1:] or seconds
    return {
        "cold_s": seconds[0],
        "warm_median_s": statistics.median(warm),
        "warm_max_s": max(warm),
        "all_s": seconds,
        "last": result,
    }


def _client():
    """A test client, after importing the URLconf (every app's views and the API schema): a
    one-off cost of a new process, timed apart as `urlconf_s`, not part of the first call."""
    from django.test import Client
    from django.urls import get_resolver

    start = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018 (imports every urls and views module)
    URLCONF["seconds"] = time.perf_counter() - start
    return Client(HTTP_HOST="localhost")


URLCONF = {"seconds": None}


def _admin():
    """A city admin (sees every OPD), made once per database."""
    from malpro.accounts.models import RoleAssignment, User
    from malpro.accounts.roles import Role

    user = User.objects.filter(phone=ADMIN_PHONE).first()
    if user is None:
        user = User.objects.create_user(ADMIN_PHONE, None, name="Bench Admin Diskominfo")
        RoleAssignment.objects.create(user=user, role=Role.CITY_ADMIN)
    return user


def _get(client, url: str, **headers) -> int:
    response = client.get(url, secure=True, headers=headers)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: HTTP {response.status_code}")
    return len(response.content)


def report_command(args) -> dict:
    startup_s = setup_django()
    from django.db.models import Count

    from malpro.accounts.models import Agency
    from malpro.accounts.services import api_token_issue
    from malpro.asn import reports
    from malpro.asn.models import Standing

    year, month = _period(args.period)
    info: dict = {"target": args.target, "period": args.period}
    if args.target == "function":

        def call():
            rows = reports.opd_report(year=year, month=month)
            return {"agencies": len(rows), "asn": sum(r.asn_count for r in rows)}

    elif args.target == "officer":
        # An OPD officer's view: their own OPD only (the largest one).
        biggest = (
            Standing.objects.filter(period__year=year, period__month=month)
            .values("agency_id")
            .order_by()
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        agency = Agency.objects.get(pk=biggest["agency_id"])
        info["agency"] = agency.code

        def call():
            rows = reports.opd_report(year=year, month=month, agency_ids={agency.pk})
            return {"agencies": len(rows), "asn": sum(r.asn_count for r in rows)}

    elif args.target == "api":
        raw, _token = api_token_issue(user=_admin(), name="bench")
        client = _client()
        url = f"/api/v1/asn/reports/opd?period={args.period}"

        def call():
            return {"bytes": _get(client, url, authorization=f"Bearer {raw}")}

    else:  # the report page (HTML, with the 12-month trend)
        client = _client()
        client.force_login(_admin())
        url = f"/asn/laporan/?periode={args.period}"

        def call():
            return {"bytes": _get(client, url)}

    before = memory()
    timing = _timed(call, args.calls)
    return (
        info
        | timing
        | {
            "startup_s": startup_s,
            "urlconf_s": URLCONF["seconds"],
            "baseline_rss_mb": before["rss_mb"],
        }
    )


def _employee(year: int, month: int, who: str):
    """The ASN with the most completed orders in the period, or the one in the middle."""
    from django.db.models import Count, Q

    from malpro.asn import periods
    from malpro.asn.models import Employee

    start, end = periods.bounds(year, month)
    ranked = list(
        Employee.objects.filter(user__isnull=False, is_active=True)
        .annotate(
            n=Count(
                "user__orders",
                filter=Q(
                    user__orders__status="completed",
                    user__orders__completed_at__gte=start,
                    user__orders__completed_at__lt=end,
                ),
            )
        )
        .order_by("-n", "pk")
        .values_list("pk", "n")
    )
    pk, n = ranked[0] if who == "busiest" else ranked[len(ranked) // 2]
    return Employee.objects.select_related("agency", "user").get(pk=pk), n


def obligation_command(args) -> dict:
    startup_s = setup_django()
    from malpro.accounts.services import api_token_issue
    from malpro.asn import obligation

    year, month = _period(args.period)
    employee, orders = _employee(year, month, args.who)
    info = {"target": args.target, "period": args.period, "who": args.who}
    info |= {"employee_id": employee.pk, "completed_orders_in_period": orders}
    if args.target == "function":

        def call():
            result = obligation.obligation_for(employee, year, month)
            return {
                "required": result.required,
                "counted": result.counted,
                "exclusions": len(result.excluded),
            }

    elif args.target == "api":
        raw, _token = api_token_issue(user=employee.user, name="bench")
        client = _client()
        url = f"/api/v1/asn/me/obligation?period={args.period}"

        def call():
            return {"bytes": _get(client, url, authorization=f"Bearer {raw}")}

    else:
        client = _client()
        client.force_login(employee.user)
        url = f"/asn/?periode={args.period}"

        def call():
            return {"bytes": _get(client, url)}

    before = memory()
    timing = _timed(call, args.calls)
    return (
        info
        | timing
        | {
            "startup_s": startup_s,
            "urlconf_s": URLCONF["seconds"],
            "baseline_rss_mb": before["rss_mb"],
        }
    )


def recount_command(args) -> dict:
    """Every stored figure of the period (or a seeded sample of the standings) against
    obligation.compute(), the from-scratch count `asn_recount` uses: required, counted,
    excluded and the OPD. Also: every active ASN has exactly one standing."""
    startup_s = setup_django()
    from malpro.asn import obligation
    from malpro.asn.models import Employee, Period, Standing

    year, month = _period(args.period)
    period = Period.objects.select_related("policy").get(year=year, month=month)
    standings = list(
        Standing.objects.filter(period=period).select_related("employee").order_by("pk")
    )
    active = set(Employee.objects.filter(is_active=True).values_list("pk", flat=True))
    stored_ids = [s.employee_id for s in standings]
    problems = []
    if set(stored_ids) != active or len(stored_ids) != len(set(stored_ids)):
        missing = len(active - set(stored_ids))
        extra = len(set(stored_ids) - active)
        problems.append(f"standings: {missing} active ASN without one, {extra} for others")
    checked = standings
    if args.sample and args.sample < len(standings):
        checked = random.Random(args.seed).sample(standings, args.sample)
    index, count = (int(x) for x in args.shard.split("/"))
    checked = checked[index::count]  # this process's share of the period
    start = time.perf_counter()
    differences = 0
    totals = {"required": 0, "counted": 0, "excluded": 0}
    for standing in checked:
        fresh = obligation.compute(standing.employee, year, month, policy=period.policy)
        got = (fresh.required, fresh.counted, fresh.excluded_total, standing.employee.agency_id)
        kept = (standing.required, standing.counted, standing.excluded, standing.agency_id)
        totals["required"] += fresh.required
        totals["counted"] += fresh.counted
        totals["excluded"] += fresh.excluded_total
        if got != kept:
            differences += 1
            if len(problems) < 20:
                problems.append(
                    f"ASN {standing.employee_id}: stored required/counted/excluded/opd {kept}, "
                    f"recount {got}"
                )
    seconds = time.perf_counter() - start
    return {
        "period": args.period,
        "standings": len(standings),
        "active_asn": len(active),
        "checked": len(checked),
        "sample": bool(args.sample and args.sample < len(standings)),
        "shard": args.shard,
        "differences": differences,
        "problems": problems,
        "totals": totals,
        "seconds": seconds,
        "per_asn_ms": seconds * 1000 / max(1, len(checked)),
        "startup_s": startup_s,
    }


TABLES = [
    "accounts_agency",
    "accounts_user",
    "accounts_roleassignment",
    "asn_employee",
    "asn_exemption",
    "asn_offlinepurchase",
    "asn_period",
    "asn_policy",
    "asn_standing",
    "umkm_business",
    "orders_checkout",
    "orders_order",
    "orders_orderline",
]


def sizes_command(args) -> dict:
    setup_django()
    from django.db import connection

    out: dict = {"tables": {}}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows = cursor.fetchone()[0]
            size = None
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                size = cursor.fetchone()[0]
            out["tables"][table] = {"rows": rows, "bytes": size}
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            out["database_bytes"] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT status, count(*), sum(items_total) FROM orders_order GROUP BY status "
                "ORDER BY 2 DESC"
            )
            out["orders_by_status"] = {s: [n, int(t)] for s, n, t in cursor.fetchall()}
    return out


def explain_command(args) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of every query one report call and one obligation call (the
    busiest ASN) make, written to a text file."""
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from malpro.asn import obligation, reports

    year, month = _period(args.period)
    employee, _n = _employee(year, month, "busiest")
    lines = []
    slowest = []
    for label, call in (
        ("opd_report", lambda: reports.opd_report(year=year, month=month)),
        ("obligation_for (busiest ASN)", lambda: obligation.obligation_for(employee, year, month)),
    ):
        with CaptureQueriesContext(connection) as captured:
            call()
        lines.append(f"=== {label}: {len(captured.captured_queries)} queries\n")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cursor.fetchall())
                ms = float(plan.rsplit("Execution Time: ", 1)[-1].split()[0])
                slowest.append((ms, label, sql[:160]))
                lines.append(f"--- {ms:.2f} ms\n{sql}\n{plan}\n")
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    slowest.sort(reverse=True)
    return {"slowest": [{"ms": ms, "call": label, "sql": sql} for ms, label, sql in slowest[:5]]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.asn_child")
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report")
    report.add_argument("--period", required=True)
    report.add_argument("--target", choices=["function", "officer", "api", "page"])
    report.add_argument("--calls", type=int, default=7)
    duty = sub.add_parser("obligation")
    duty.add_argument("--period", required=True)
    duty.add_argument("--who", choices=["busiest", "median"], default="busiest")
    duty.add_argument("--target", choices=["function", "api", "page"], default="function")
    duty.add_argument("--calls", type=int, default=7)
    recount = sub.add_parser("recount")
    recount.add_argument("--period", required=True)
    recount.add_argument("--sample", type=int, default=0)
    recount.add_argument("--seed", type=int, default=1)
    recount.add_argument("--shard", default="0/1", help="I/N: every N-th standing from the I-th")
    sub.add_parser("sizes")
    explain = sub.add_parser("explain")
    explain.add_argument("--period", required=True)
    explain.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    handler = {
        "report": report_command,
        "obligation": obligation_command,
        "recount": recount_command,
        "sizes": sizes_command,
        "explain": explain_command,
    }[args.command]
    result = handler(args)
    result |= {"peak_rss_mb": memory()["peak_mb"]}
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
