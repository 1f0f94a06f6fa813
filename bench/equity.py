"""Benchmark: the equity simulation: a year of ASN spending, by popularity and by Malpro's rules.

12,000 ASN with the demo policy's amounts spend their requirement every month over 5,000
sellers on the marketplace, twice: (a) purchases follow search rank by sales and rating (rich
get richer) and bundles come from the top sellers; (b) the same search with the real cap per
UMKM per ASN per month (`obligation.cap_for`), and bundles spread by the fairness rule of
`asn.bundles` (nearest kecamatan, least served, price). For each: Gini of seller revenue,
top-10 share, sellers with zero sales (`malpro.dashboard.equity`), and the mean delivery
distance per purchase on a SYNTHETIC layout of the kelurahan (no coordinates are in the
repository; bench/equity_sim.py says how it is drawn and what the km mean). Each repeat is a
fresh child with its own seed (a different city and year); medians over the repeats.
No database. Results: var/bench/equity.json (quick: -quick.json).
"""

from __future__ import annotations

import argparse

from bench import harness
from bench.harness import BenchError

NAME = "equity"
FULL = {"asn": 12_000, "sellers": 5_000, "months": 12}
QUICK = {"asn": 1_200, "sellers": 500, "months": 12}
FIGURES = ("gini", "top10_share", "top1pct_share", "zero_sale_sellers", "mean_km")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(NAME)
    group.add_argument("--equity-seed", type=int, default=35731, help="first seed")
    group.add_argument("--equity-asn", type=int, help=f"({FULL['asn']:,})")
    group.add_argument("--equity-sellers", type=int, help=f"({FULL['sellers']:,})")
    group.add_argument(
        "--equity-page",
        type=int,
        default=0,
        help="positions of the search ranking buyers look at (0: all, default)",
    )


def run(args) -> int:
    sizes = dict(QUICK if args.quick else FULL)
    if args.equity_asn:
        sizes["asn"] = args.equity_asn
    if args.equity_sellers:
        sizes["sellers"] = args.equity_sellers
    data: dict = {
        "benchmark": NAME,
        "started": harness.now_iso(),
        "machine": harness.machine(),
        "git": harness.git_revision(),
        "parameters": sizes
        | {"repeat": args.repeat, "first_seed": args.equity_seed, "page": args.equity_page},
    }
    print(f"{NAME}: {sizes}, {args.repeat} seed(s)", flush=True)
    runs = []
    try:
        with harness.workdir("malpro-bench-equity-", keep=args.keep) as var_dir:
            env = harness.django_env(var_dir=var_dir)
            for i in range(args.repeat):
                seed = args.equity_seed + i
                argv = [harness.PYTHON, "-m", "bench.equity_sim", "--seed", str(seed)]
                for key, value in sizes.items():
                    argv += [f"--{key}", str(value)]
                argv += ["--page", str(args.equity_page)]
                child = harness.checked(harness.run_child(argv, env), f"seed {seed}")
                runs.append(child.payload)
                p, f = child.payload["popularity"], child.payload["fair"]
                print(
                    f"  seed {seed}: Gini {p['gini']:.3f} -> {f['gini']:.3f}, top-10 "
                    f"{p['top10_share']:.1%} -> {f['top10_share']:.1%}, zero sales "
                    f"{p['zero_sale_sellers']} -> {f['zero_sale_sellers']}, km "
                    f"{p['mean_km']:.2f} -> {f['mean_km']:.2f} ({child.wall_s:.0f} s)",
                    flush=True,
                )
    except BenchError as exc:
        print(f"\n{NAME}: ERROR {exc}")
        return 2
    data["runs"] = runs
    data["median"] = {
        mode: {k: harness.median([r[mode][k] for r in runs]) for k in FIGURES}
        | {
            "mean_km_bundle_item": harness.median([r[mode]["mean_km_bundle_item"] for r in runs]),
            "mean_km_single": harness.median([r[mode]["mean_km_single"] for r in runs]),
        }
        for mode in ("popularity", "fair")
    }
    data["median"]["extra_km_per_purchase"] = harness.median(
        [r["extra_km_per_purchase"] for r in runs]
    )
    data["finished"] = harness.now_iso()
    data["machine"]["load_average_end"] = harness.machine()["load_average"]
    m = data["median"]
    rows = [
        [
            label,
            f"{m['popularity'][key]:{fmt}}",
            f"{m['fair'][key]:{fmt}}",
        ]
        for label, key, fmt in (
            ("Gini of seller revenue", "gini", ".3f"),
            ("top-10 sellers' share", "top10_share", ".1%"),
            ("top-1% sellers' share", "top1pct_share", ".1%"),
            ("sellers with zero sales", "zero_sale_sellers", ".0f"),
            ("mean km per purchase (synthetic)", "mean_km", ".2f"),
            ("  bundle items", "mean_km_bundle_item", ".2f"),
            ("  single purchases", "mean_km_single", ".2f"),
        )
    ]
    print()
    print(f"equity: {sizes['asn']:,} ASN, {sizes['sellers']:,} sellers, medians of {len(runs)}")
    print(harness.table(["figure", "(a) popularity", "(b) fair spread"], rows))
    print(f"extra km per purchase that the spread costs: {m['extra_km_per_purchase']:+.2f}")
    suffix = f"-page{args.equity_page}" if args.equity_page else ""
    path = harness.write_json(f"{NAME}{suffix}{'-quick' if args.quick else ''}", data)
    print(f"written: {path.relative_to(harness.REPO)}")
    return 0
