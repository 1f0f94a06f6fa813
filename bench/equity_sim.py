"""The equity simulation's measured side: a year of ASN spending over a city of sellers, run
twice (popularity, Malpro's fair spread), in its own process, started by bench.equity.

    python -m bench.equity_sim --seed 1 [--asn 12000] [--sellers 5000] [--months 12]

Prints `BENCH-RESULT {json}`. No database: the policy's rules are called from the app
(`malpro.asn.obligation.cap_for` for the cap per UMKM, `malpro.asn.bundles.distance` and the
kecamatan adjacency for "nearest first") and the figures from `malpro.dashboard.equity`; the
bundle rule of `malpro.asn.bundles.plan` (which reads products from the database) is re-stated
here over in-memory sellers with the same sort key: (kecamatan distance class, revenue from ASN
this month including this bundle, price, seller id), among sellers with room under this ASN's
cap.

The model (every number below is an assumption, stated so it can be argued with):

- ASN: 12,000; golongan I 2%, II 20%, III 55%, IV 23%; 6% hold an eselon post (III.B or IV.A).
  Their monthly requirement is the demo policy's (malpro/asn/demo.py): Rp500.000 (I, II),
  Rp750.000 (III), Rp1.000.000 (IV), Rp2.000.000 (eselon III.B), Rp1.500.000 (IV.A); the cap
  per UMKM is min(Rp600.000, 50% of the requirement) (cap_amount / cap_share). Every ASN spends
  exactly their requirement every month (full compliance: the question is where the money
  goes, not whether it is spent): one staples bundle (4 items: beras, minyak, gula, telur) and
  individual purchases of Rp40.000-150.000 for the rest, on random days of the month.
- Sellers: 5,000 on the marketplace over the 57 kelurahan (Blimbing 11, Klojen 11,
  Kedungkandang 12, Sukun 11, Lowokwaru 12, as in the app's regions data); 40% sell staples
  (one of the four bundle items each), the rest one of 8 other categories. Each has a rating
  (3.8-5.0), a price index (0.9-1.15) and a popularity prior (Pareto, alpha 1.2: a few were
  already known before the programme).
- Search: a buyer looks in a category (weighted by how many sellers sell it) and picks a seller
  on the results page, ranked by sales so far (prior + the programme's sales) times rating, as
  the catalogue's search ranks by sold count; the chance of taking position p falls as
  1/(p+1)^1.1 down the whole ranking (`--page N`: only the first N positions are ever looked
  at; the result depends strongly on it, docs/benchmarks.md). Rankings are refreshed every
  simulated day.
- (a) popularity: the pick stands; a bundle's items come from the top-ranked seller of each
  item's category; no cap.
- (b) fair spread: the same search, but a pick is taken only if that seller still has room
  under this ASN's cap this month (else the next one down the page that has); bundles follow
  the fairness rule above.
- Places: there is no open boundary or coordinate data for Kota Malang's kelurahan in the
  repository, so the layout is SYNTHETIC: kecamatan centres on a plan about the size of the city
  (Klojen in the middle, the others 4-5 km away in the direction they lie: Lowokwaru NW,
  Blimbing NE, Kedungkandang SE, Sukun SW), each kelurahan on a ring of 1-2.2 km around its
  kecamatan's centre, sellers and ASN homes within 0.5 km of their kelurahan's point. The
  distance is straight-line km on that plan: a relative figure (how much further the spread
  sends the money), not a road distance.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import math
import random
import sys
import time
from dataclasses import dataclass

from bench._child import emit, memory, setup_django

DISTRICTS = {  # code: (kelurahan, centre x km, centre y km)
    "35.73.01": (11, 2.8, 3.4),  # Blimbing, NE
    "35.73.02": (11, 0.0, 0.0),  # Klojen, centre
    "35.73.03": (12, 4.2, -2.4),  # Kedungkandang, SE (the largest)
    "35.73.04": (11, -2.9, -3.0),  # Sukun, SW
    "35.73.05": (12, -3.0, 3.2),  # Lowokwaru, NW
}
STAPLES = {"beras": 65_000, "minyak-goreng": 36_000, "gula": 17_000, "telur": 29_000}
BUNDLE = [("beras", 1), ("minyak-goreng", 1), ("gula", 2), ("telur", 1)]
OTHERS = ["keripik", "kue-kering", "nasi-lauk", "kopi", "sambal", "batik", "kerajinan", "jamu"]
GOLONGAN = [("I", 2), ("II", 20), ("III", 55), ("IV", 23)]
AMOUNTS = {"I": 500_000, "II": 500_000, "III": 750_000, "IV": 1_000_000}
ESELON = [("III.B", 2_000_000), ("IV.A", 1_500_000)]
ESELON_SHARE = 0.06
STAPLE_SHARE = 0.40
PAGE = 0  # how deep buyers look down the ranking; 0: the whole category (--page)
CLICK_DECAY = 1.1
DAYS = 30


@dataclass
class Seller:
    id: int
    district: str
    x: float
    y: float
    category: str
    rating: float
    price_index: float
    prior: float


class Policy:
    """The two fields obligation.cap_for reads (the demo policy's)."""

    cap_amount = 600_000
    cap_share = 50


def layout(rng: random.Random) -> list[tuple[str, float, float]]:
    """(kecamatan, x, y) of each kelurahan: a ring around the kecamatan's centre."""
    points = []
    for code, (count, cx, cy) in DISTRICTS.items():
        for i in range(count):
            angle = 2 * math.pi * i / count + rng.uniform(-0.2, 0.2)
            radius = rng.uniform(1.0, 2.2)
            points.append((code, cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _near(rng: random.Random, point: tuple[str, float, float]) -> tuple[str, float, float]:
    code, x, y = point
    angle, radius = rng.uniform(0, 2 * math.pi), 0.5 * math.sqrt(rng.random())
    return code, x + radius * math.cos(angle), y + radius * math.sin(angle)


def make_city(seed: int, n_sellers: int, n_asn: int):
    rng = random.Random(seed)
    villages = layout(rng)
    sellers = []
    for i in range(n_sellers):
        code, x, y = _near(rng, villages[rng.randrange(len(villages))])
        staple = rng.random() < STAPLE_SHARE
        category = rng.choice(list(STAPLES)) if staple else rng.choice(OTHERS)
        sellers.append(
            Seller(
                i,
                code,
                x,
                y,
                category,
                round(rng.uniform(3.8, 5.0), 1),
                rng.uniform(0.9, 1.15),
                rng.paretovariate(1.2) - 1,
            )
        )
    asn = []
    for _ in range(n_asn):
        code, x, y = _near(rng, villages[rng.randrange(len(villages))])
        if rng.random() < ESELON_SHARE:
            required = rng.choice(ESELON)[1]
        else:
            golongan = rng.choices([g for g, _w in GOLONGAN], [w for _g, w in GOLONGAN])[0]
            required = AMOUNTS[golongan]
        asn.append((code, x, y, required))
    return sellers, asn


def simulate(
    mode: str, sellers: list[Seller], asn: list, months: int, seed: int, page_depth: int = PAGE
) -> dict:
    """One year in `mode` ("popularity" or "fair"): revenue per seller and distances."""
    from malpro.asn.bundles import distance as district_class
    from malpro.asn.obligation import cap_for

    rng = random.Random(seed * 7 + 1)  # the same draws in both modes
    by_category: dict[str, list[Seller]] = {}
    for s in sellers:
        by_category.setdefault(s.category, []).append(s)
    categories = sorted(by_category)
    cat_cum = list(itertools.accumulate(len(by_category[c]) for c in categories))
    depth = page_depth or max(len(m) for m in by_category.values())
    click_cum = list(itertools.accumulate(1 / (p + 1) ** CLICK_DECAY for p in range(depth)))
    positions = range(depth)
    revenue = [0] * len(sellers)
    purchases = km_total = 0
    km_bundle = km_single = 0.0
    n_bundle = n_single = 0
    for _month in range(months):
        # Each ASN's purchases this month, on days; (day, asn index, kind, amount/category).
        plan: list[list[tuple]] = [[] for _ in range(DAYS)]
        for a, (_code, _x, _y, required) in enumerate(asn):
            left = required
            bundle_cost = sum(STAPLES[c] * q for c, q in BUNDLE)
            if left >= bundle_cost:
                plan[rng.randrange(DAYS)].append((a, "bundle", None))
                left -= bundle_cost
            while left > 0:
                amount = min(left, rng.randrange(40_000, 150_001, 1_000))
                category = rng.choices(categories, cum_weights=cat_cum)[0]
                plan[rng.randrange(DAYS)].append((a, category, amount))
                left -= amount
        mine: dict[tuple[int, int], int] = {}  # (asn, seller) -> counted this month
        served = [0] * len(sellers)  # revenue from ASN this month (the bundle rule's key)
        # The fair rule's candidates per item category and kecamatan: heaps on (served,
        # price, id); entries go stale when served changes (checked on pop).
        heaps: dict[tuple[str, str], list] = {}
        if mode == "fair":
            for category in STAPLES:
                for s in by_category.get(category, []):
                    heaps.setdefault((category, s.district), []).append(
                        (0, int(round(STAPLES[category] * s.price_index, -2)), s.id)
                    )
            for heap in heaps.values():
                heapq.heapify(heap)
        for day in range(DAYS):
            score = [(s.prior * 20 + revenue[s.id] / 100_000) * s.rating for s in sellers]
            ranking = {
                c: sorted(members, key=lambda s: (-score[s.id], s.id))[:depth]
                for c, members in by_category.items()
            }
            rng.shuffle(plan[day])
            for a, kind, amount in plan[day]:
                code, x, y, required = asn[a]
                cap = cap_for(Policy, required) if mode == "fair" else None
                if kind == "bundle":
                    for category, quantity in BUNDLE:
                        if mode == "popularity":
                            seller = ranking[category][0]
                            cost = int(round(STAPLES[category] * seller.price_index, -2)) * quantity
                        else:
                            seller, cost = _fair_pick(
                                heaps, category, quantity, code, a, cap, mine, served,
                                district_class,
                            )  # fmt: skip
                            if seller is None:
                                continue
                        revenue[seller.id] += cost
                        served[seller.id] += cost
                        mine[(a, seller.id)] = mine.get((a, seller.id), 0) + cost
                        km = math.hypot(seller.x - x, seller.y - y)
                        km_bundle += km
                        n_bundle += 1
                        km_total += km
                        purchases += 1
                    continue
                page = ranking[kind]
                if len(page) == depth:
                    position = rng.choices(positions, cum_weights=click_cum)[0]
                else:
                    position = rng.choices(range(len(page)), cum_weights=click_cum[: len(page)])[0]
                seller = page[position]
                if cap is not None:
                    # Down the page from the pick to the first seller with room under the cap.
                    order = itertools.chain(page[position:], page[:position])
                    seller = next((s for s in order if mine.get((a, s.id), 0) + amount <= cap),
                                  None)  # fmt: skip
                    if seller is None:
                        continue
                revenue[seller.id] += amount
                served[seller.id] += amount
                mine[(a, seller.id)] = mine.get((a, seller.id), 0) + amount
                km = math.hypot(seller.x - x, seller.y - y)
                km_single += km
                n_single += 1
                km_total += km
                purchases += 1
    return {
        "revenues": revenue,
        "purchases": purchases,
        "mean_km": km_total / max(1, purchases),
        "mean_km_bundle_item": km_bundle / max(1, n_bundle),
        "mean_km_single": km_single / max(1, n_single),
        "bundle_items": n_bundle,
        "single_purchases": n_single,
    }


def _fair_pick(heaps, category, quantity, home, a, cap, mine, served, district_class):
    """bundles.plan's rule for one item: among sellers of the category with room under this
    ASN's cap, nearest kecamatan class first, then least served, then lower price, then id."""
    best = None  # (class, served, price, id, heap key)
    for (cat, district), heap in heaps.items():
        if cat != category:
            continue
        klass = district_class(home, district)
        if best is not None and klass > best[0]:
            continue
        skipped = []
        found = None
        while heap:
            entry_served, price, sid = heap[0]
            if entry_served != served[sid]:  # stale: re-push with the current figure
                heapq.heapreplace(heap, (served[sid], price, sid))
                continue
            if cap is not None and mine.get((a, sid), 0) + price * quantity > cap:
                skipped.append(heapq.heappop(heap))
                continue
            found = (klass, entry_served, price, sid, (cat, district))
            break
        for entry in skipped:
            heapq.heappush(heap, entry)
        if found and (best is None or found[:4] < best[:4]):
            best = found
    if best is None:
        return None, 0
    klass, _served, price, sid, _key = best
    cost = price * quantity
    # Its heap entry goes stale once the caller adds the cost to served; fixed on the next pop.
    return _SELLERS[sid], cost


_SELLERS: list[Seller] = []


def figures(result: dict) -> dict:
    from malpro.dashboard import equity

    revenues = result.pop("revenues")
    total = sum(revenues)
    return result | {
        "gini": equity.gini(revenues),
        "top10_share": equity.top_share(revenues, 10),
        "zero_sale_sellers": equity.zero_sale_count(revenues),
        "sellers": len(revenues),
        "total_revenue": total,
        "top1pct_share": equity.top_share(revenues, max(1, len(revenues) // 100)),
        "median_revenue": sorted(revenues)[len(revenues) // 2],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.equity_sim")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--asn", type=int, default=12_000)
    parser.add_argument("--sellers", type=int, default=5_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument(
        "--page", type=int, default=PAGE, help="positions a buyer looks at (0: all, default)"
    )
    args = parser.parse_args(argv)
    startup_s = setup_django()
    sellers, asn = make_city(args.seed, args.sellers, args.asn)
    _SELLERS[:] = sellers
    out: dict = {"seed": args.seed, "page": args.page, "startup_s": startup_s}
    for mode in ("popularity", "fair"):
        started = time.perf_counter()
        result = figures(simulate(mode, sellers, asn, args.months, args.seed, args.page))
        out[mode] = result | {"seconds": round(time.perf_counter() - started, 1)}
    out["extra_km_per_purchase"] = out["fair"]["mean_km"] - out["popularity"]["mean_km"]
    out["staple_sellers"] = sum(1 for s in sellers if s.category in STAPLES)
    out["peak_rss_mb"] = memory()["peak_mb"]
    emit(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
