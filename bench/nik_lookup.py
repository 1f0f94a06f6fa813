"""Benchmark: an officer's registry lookup by NIK among 80,000 businesses (NIKs encrypted).

On SQLite in a fresh temporary folder (production-like settings, encryption keys of its own):
migrate, load_regions, load_agencies, then write the register (bulk_create through the model,
so every NIK is encrypted and hashed exactly as the app does; each business guided by one of
three agencies), then, in the same child, an agency officer of DISKOPINDAG looks up owners by
NIK: the registry query of the officer's scope (umkm.selectors.business_registry, exact NIK
through its keyed hash) with its count and its first page materialised and read (owner NIK
decrypted), as the registry page and API answer it. Half the NIKs looked up are in the
officer's scope, a quarter outside it (must find nothing), a quarter unknown.

Reported: p50/p95/p99/max milliseconds per lookup. Target: p95 under 100 ms at 80,000.
On code without NIK hashes (the "before" tree) the same lookup is the plain-column filter
`owner_nik=<NIK>` within the same scope, so before and after can be compared.

    python -m bench nik_lookup [--businesses N] [--lookups N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

from bench import harness
from bench.harness import BenchError

NAME = "nik_lookup"
TARGET_MS = 100.0
DEFAULT_BUSINESSES = 80_000
QUICK_BUSINESSES = 5_000
AGENCIES = ("DISKOPINDAG", "DISPANGTAN", "DISKOMINFO")
SETUP_STEPS = (
    ("migrate", "--no-input", "-v", "0"),
    ("load_regions",),
    ("load_agencies",),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument(
        "--businesses",
        type=int,
        help=f"businesses in the register (default {DEFAULT_BUSINESSES:,})",
    )
    group.add_argument("--lookups", type=int, default=400, help="lookups measured (default 400)")


def _nik(rng: random.Random, n: int) -> str:
    """A well-formed NIK of Kota Malang: district, birth date (women +40), sequence."""
    district = rng.choice(["01", "02", "03", "04", "05"])
    day = rng.randint(1, 28) + (40 if rng.random() < 0.5 else 0)
    month, year = rng.randint(1, 12), rng.randint(50, 99)
    return f"3573{district}{day:02d}{month:02d}{year:02d}{(n % 9999) + 1:04d}"


def child(argv: list[str]) -> None:
    """The measured side (python -m bench.nik_lookup child ...)."""
    from bench._child import emit, memory, setup_django

    parser = argparse.ArgumentParser()
    parser.add_argument("--businesses", type=int, required=True)
    parser.add_argument("--lookups", type=int, required=True)
    args = parser.parse_args(argv)
    startup_s = setup_django()

    from django.db import transaction

    from malpro.accounts import services as account_services
    from malpro.accounts.models import Agency
    from malpro.accounts.roles import Role
    from malpro.regions.models import Village
    from malpro.umkm import access, selectors
    from malpro.umkm.models import Business, Guidance, Status, name_key

    hashed = any(f.name == "owner_nik_hash" for f in Business._meta.get_fields())
    rng = random.Random(35730)
    villages = list(Village.objects.values_list("code", flat=True))
    agencies = {a.code: a.pk for a in Agency.objects.filter(code__in=AGENCIES)}
    officer = account_services.user_register(
        phone="081299912345", password="bench-password-123", name="Petugas Bench"
    )
    account_services.role_grant(user=officer, role=Role.AGENCY_OFFICER, agency_code=AGENCIES[0])
    officer.forget_roles()

    t = time.perf_counter()
    niks: list[tuple[str, str]] = []  # (nik, agency)
    batch: list[Business] = []
    guided: list[str] = []
    seen: set[str] = set()

    def flush():
        with transaction.atomic():
            Business.objects.bulk_create(batch, batch_size=1000)
            Guidance.objects.bulk_create(
                [
                    Guidance(business_id=b.pk, agency_id=agencies[code])
                    for b, code in zip(batch, guided, strict=True)
                ],
                batch_size=2000,
            )
        batch.clear()
        guided.clear()

    for i in range(args.businesses):
        nik = _nik(rng, i)
        while nik in seen:
            nik = _nik(rng, rng.randrange(10**6))
        seen.add(nik)
        code = AGENCIES[i % len(AGENCIES)]
        name = f"Usaha Bench {i + 1}"
        batch.append(
            Business(
                name=name,
                name_key=name_key(name),
                owner_name=f"Pemilik {i + 1}",
                owner_nik=nik,
                phone=f"+62813{i:08d}",
                village_id=villages[i % len(villages)],
                sector="makanan_minuman",
                status=Status.VERIFIED,
                source="import",
            )
        )
        guided.append(code)
        niks.append((nik, code))
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    load_s = time.perf_counter() - t

    inside = [n for n, code in niks if code == AGENCIES[0]]
    outside = [n for n, code in niks if code != AGENCIES[0]]
    plan = []
    for k in range(args.lookups):
        r = k % 4
        if r < 2:
            plan.append(("in_scope", rng.choice(inside)))
        elif r == 2:
            plan.append(("out_of_scope", rng.choice(outside)))
        else:
            unknown = _nik(rng, 10**6 + k)
            plan.append(("unknown", unknown if unknown not in seen else "3573059999990001"))

    def lookup(nik: str) -> tuple[int, list[str]]:
        if hashed:
            qs = selectors.business_registry(
                user=officer, filters=selectors.RegistryFilters(nik=nik)
            )
        else:  # the tree before encryption: the plain column, same scope
            qs = access.business_registry_visible(user=officer).filter(owner_nik=nik)
            qs = qs.select_related("village__district").prefetch_related("agencies")
        total = qs.count()
        page = list(qs.order_by("name", "id")[:25])
        return total, [b.owner_nik for b in page]

    for _, nik in plan[:20]:  # warm-up (connection, caches, roles)
        lookup(nik)
    officer.forget_roles()
    timings: dict[str, list[float]] = {"in_scope": [], "out_of_scope": [], "unknown": []}
    wrong = 0
    for kind, nik in plan:
        t = time.perf_counter()
        total, owners = lookup(nik)
        timings[kind].append((time.perf_counter() - t) * 1000)
        expect = 1 if kind == "in_scope" else 0
        if total != expect or (expect and owners != [nik]):
            wrong += 1
    emit(
        {
            "hashed": hashed,
            "startup_s": startup_s,
            "load_s": load_s,
            "businesses": args.businesses,
            "timings_ms": timings,
            "wrong_answers": wrong,
            **memory(),
        }
    )


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(args) -> int:
    businesses = args.businesses or (QUICK_BUSINESSES if args.quick else DEFAULT_BUSINESSES)
    with harness.workdir(NAME, keep=args.keep) as work:
        env = harness.django_env(var_dir=work)
        for step in SETUP_STEPS:
            harness.checked(harness.run_child(harness.manage(*step), env), step[0])
        print(f"{NAME}: writing {businesses:,} businesses, then {args.lookups} lookups...")
        argv = [
            harness.PYTHON,
            "-m",
            "bench.nik_lookup",
            "child",
            "--businesses",
            str(businesses),
            "--lookups",
            str(args.lookups),
        ]
        result = harness.checked(harness.run_child(argv, env, timeout=7200), NAME).payload
    if not result:
        raise BenchError(f"{NAME}: the child wrote no result")
    every = [v for values in result["timings_ms"].values() for v in values]
    rows = []
    for kind, values in [*result["timings_ms"].items(), ("all", every)]:
        rows.append(
            [
                kind,
                len(values),
                f"{_pct(values, 50):.2f}",
                f"{_pct(values, 95):.2f}",
                f"{_pct(values, 99):.2f}",
                f"{max(values):.2f}",
            ]
        )
    print(harness.table(["lookup", "n", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows))
    p95 = _pct(every, 95)
    verdict = "met" if p95 < TARGET_MS else "MISSED"
    how = "encrypted + hashed" if result["hashed"] else "in clear"
    print(
        f"{NAME}: {businesses:,} businesses (NIKs {how}), "
        f"written in {result['load_s']:.1f} s; p95 {p95:.2f} ms, target < {TARGET_MS:.0f} ms: "
        f"{verdict}; wrong answers: {result['wrong_answers']}; peak {result['peak_mb']:.0f} MB"
    )
    out = harness.write_json(
        NAME,
        {
            "benchmark": NAME,
            "when": harness.now_iso(),
            "machine": harness.machine(),
            "revision": harness.git_revision(),
            "settings": "MALPRO_ENV=production, DEBUG=0, SQLite (WAL), encryption keys set",
            "result": result,
            "p95_ms": p95,
            "target_ms": TARGET_MS,
        },
    )
    print(f"{NAME}: results in {out}")
    if result["wrong_answers"]:
        return 1
    return 1 if args.strict and p95 >= TARGET_MS else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[2:])
    else:  # pragma: no cover
        print(json.dumps({"usage": "python -m bench nik_lookup"}))
