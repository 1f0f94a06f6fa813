"""The measured side of the dashboard benchmark: runs in its own process, started by
bench.dashboard.

    python -m bench.dashboard_child measure --period 2026-10 --scope city|agency
                                            --target metrics|api|page [--calls 31]
    python -m bench.dashboard_child explain --period 2026-10 --scope city|agency --out FILE
    python -m bench.dashboard_child sizes

Prints one line `BENCH-RESULT {json}`. A timing child makes `calls` calls of one target: the
first is cold for this process (fresh interpreter, empty ORM and template caches; the database
server may hold pages an earlier child read), p50/p95 are over the others (warm).

Targets: `metrics` calls what the summary API computes (malpro.dashboard.metrics.summary for the
period and the one before) plus breakdown by kecamatan and the daily series; `api` is
`GET /api/v1/dashboard/summary?period=P` with a bearer token; `page` is `GET /dasbor/?periode=P`
signed in. Scopes: `city` is a city admin; `agency` an officer of the agency with the most
binaan (guided businesses).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from bench._child import emit, memory, setup_django

ADMIN_PHONE = "+6281199990101"
OFFICER_PHONE = "+6281199990102"


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _user(scope: str):
    """The city admin, or an officer of the agency that guides the most businesses (made once
    per database)."""
    from django.db.models import Count

    from malpro.accounts.models import RoleAssignment, User
    from malpro.accounts.roles import Role
    from malpro.umkm.models import Guidance

    phone = ADMIN_PHONE if scope == "city" else OFFICER_PHONE
    user = User.objects.filter(phone=phone).first()
    if user is None:
        if scope == "city":
            user = User.objects.create_user(phone, None, name="Bench Admin Kota")
            RoleAssignment.objects.create(user=user, role=Role.CITY_ADMIN)
        else:
            top = (
                Guidance.objects.values("agency_id")
                .annotate(n=Count("id"))
                .order_by("-n", "agency_id")
                .first()
            )
            user = User.objects.create_user(phone, None, name="Bench Petugas OPD")
            RoleAssignment.objects.create(
                user=user, role=Role.AGENCY_OFFICER, agency_id=top["agency_id"]
            )
    return user


def _scope_info(user) -> dict:
    from malpro.dashboard import access
    from malpro.umkm.models import Guidance

    scope = access.scope_for(user=user)
    info = {"scope_label": str(scope.label), "scope_key": scope.key()}
    if scope.agency_ids is not None:
        info["binaan"] = Guidance.objects.filter(agency_id__in=scope.agency_ids).count()
    return info


def _metrics_call(user, period_key: str):
    from malpro.dashboard import access, metrics, periods

    def call():
        scope = access.scope_for(user=user)
        period = periods.parse(period_key)
        now = metrics.summary(scope, period)
        before = metrics.summary(scope, period.previous())
        rows = metrics.breakdown(scope, period, "kecamatan")
        points = metrics.series(scope, period)
        return {
            "gmv": now.gmv,
            "orders": now.orders,
            "buyers": now.buyers,
            "active_sellers": now.active_sellers,
            "gini": now.gini,
            "previous_gmv": before.gmv,
            "kecamatan_rows": len(rows),
            "series_points": len(points),
        }

    return call


def _http_call(user, target: str, period_key: str):
    from django.test import Client

    from malpro.accounts.services import api_token_issue

    client = Client(HTTP_HOST="localhost")
    headers = {}
    if target == "api":
        raw, _token = api_token_issue(user=user, name="bench")
        headers["authorization"] = f"Bearer {raw}"
        url = f"/api/v1/dashboard/summary?period={period_key}"
    else:
        client.force_login(user)
        url = f"/dasbor/?periode={period_key}"

    def call():
        response = client.get(url, secure=True, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: HTTP {response.status_code}")
        return {"bytes": len(response.content), "url": url}

    return call


def measure_command(args) -> dict:
    startup_s = setup_django()
    user = _user(args.scope)
    info = {"target": args.target, "scope": args.scope, "period": args.period}
    info |= _scope_info(user)
    urlconf_s = None
    if args.target == "metrics":
        call = _metrics_call(user, args.period)
    else:
        from django.urls import get_resolver

        started = time.perf_counter()
        get_resolver().url_patterns  # noqa: B018 (imports every urls and views module)
        urlconf_s = time.perf_counter() - started
        call = _http_call(user, args.target, args.period)
    before = memory()
    seconds, result = [], None
    for _ in range(args.calls):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    warm = seconds[1:] or seconds
    return info | {
        "calls": len(seconds),
        "cold_s": seconds[0],
        "p50_s": statistics.median(warm),
        "p95_s": percentile(warm, 95),
        "max_s": max(warm),
        "all_s": [round(s, 4) for s in seconds],
        "last": result,
        "startup_s": startup_s,
        "urlconf_s": urlconf_s,
        "baseline_rss_mb": before["rss_mb"],
    }


def explain_command(args) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of every SELECT one call of each target makes (metrics, and the
    API and page when they answer), slowest first in the JSON, all of them in the file."""
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = _user(args.scope)
    lines, slowest = [], []
    targets = [("metrics", _metrics_call(user, args.period))]
    for target in ("api", "page"):
        targets.append((target, _http_call(user, target, args.period)))
    for label, call in targets:
        try:
            call()  # warm the process's caches (URLconf, templates) first
            with CaptureQueriesContext(connection) as captured:
                call()
        except SystemExit as exc:
            lines.append(f"=== {label}: not measured ({exc})\n")
            continue
        lines.append(f"=== {label} ({args.scope}): {len(captured.captured_queries)} queries\n")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cursor.fetchall())
                ms = float(plan.rsplit("Execution Time: ", 1)[-1].split()[0])
                slowest.append((ms, label, sql[:300]))
                lines.append(f"--- {ms:.2f} ms\n{sql}\n{plan}\n")
    with open(args.out, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    slowest.sort(reverse=True)
    return {
        "queries": len(slowest),
        "slowest": [{"ms": ms, "target": t, "sql": sql} for ms, t, sql in slowest[:8]],
    }


TABLES = [
    "umkm_business",
    "umkm_guidance",
    "accounts_user",
    "orders_order",
    "orders_orderline",
    "dashboard_sellerday",
    "dashboard_categoryday",
    "dashboard_buyermonth",
    "asn_standing",
]


def sizes_command(args) -> dict:
    setup_django()
    from django.db import connection

    out: dict = {"tables": {}}
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows = cursor.fetchone()[0]
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            out["tables"][table] = {"rows": rows, "bytes": cursor.fetchone()[0]}
        cursor.execute("SELECT pg_database_size(current_database())")
        out["database_bytes"] = cursor.fetchone()[0]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_child")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("measure")
    one.add_argument("--period", required=True)
    one.add_argument("--scope", choices=["city", "agency"], default="city")
    one.add_argument("--target", choices=["metrics", "api", "page"], default="metrics")
    one.add_argument("--calls", type=int, default=31)
    explain = sub.add_parser("explain")
    explain.add_argument("--period", required=True)
    explain.add_argument("--scope", choices=["city", "agency"], default="city")
    explain.add_argument("--out", required=True)
    sub.add_parser("sizes")
    args = parser.parse_args(argv)
    handler = {
        "measure": measure_command,
        "explain": explain_command,
        "sizes": sizes_command,
    }[args.command]
    result = handler(args)
    result |= {"peak_rss_mb": memory()["peak_mb"]}
    emit(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
