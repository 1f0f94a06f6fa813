"""Staples bundles ("paket sembako") bought in one step, filled fairly.

The fairness rule, for each item of the bundle in turn:
1. Candidates: published products of active UMKM in the item's category (and matching its
   keywords), without variants, with enough stock, whose seller can take this item without
   passing the policy's cap per UMKM for this ASN this period.
2. Nearest first: sellers in the ASN's own kecamatan, then in a neighbouring one, then the rest.
3. Among those, the seller with the least counted revenue from ASN this period (completed and
   open orders of ASN buyers, plus what this bundle already gives them): money goes where it
   has gone least.
4. Then the lower price, then the older listing (a stable tie-break).
What a seller receives from the bundle counts immediately for the next item, so a bundle
spreads over several sellers when they are equally near and equally served.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from malpro.asn import obligation, periods
from malpro.asn.data.kota_malang import NEIGHBOURS
from malpro.asn.models import Bundle, Employee, OfflinePurchase
from malpro.catalog.models import Product, ProductStatus
from malpro.catalog.search.engine import descendant_ids
from malpro.core.exceptions import Conflict
from malpro.orders import services as orders
from malpro.orders.models import Order, OrderStatus
from malpro.umkm.models import Business, Status

COUNTING = [
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PLACED,
    OrderStatus.ACCEPTED,
    OrderStatus.READY,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
]


@dataclass
class Pick:
    label: str
    product: Product | None
    quantity: int
    price: int
    distance: int  # 0 same kecamatan, 1 neighbour, 2 elsewhere
    reason: str

    @property
    def line_total(self) -> int:
        return self.price * self.quantity


def distance(home: str, other: str) -> int:
    if home == other:
        return 0
    return 1 if other in NEIGHBOURS.get(home, set()) else 2


def plan(
    *, bundle: Bundle, employee: Employee, district_code: str, placed_with: str = ""
) -> list[Pick]:
    """`placed_with`: an idempotency key of this ASN's checkout to leave out of the figures,
    so a retry of a bundle already ordered plans what it planned the first time (and the
    checkout returns the first order instead of the buyer being told the plan changed)."""
    year, month = periods.parse(None)
    period = obligation.period_get(year, month)
    start, end = periods.bounds(year, month)
    required = obligation.required_for(employee, period.policy, year, month)
    cap = obligation.cap_for(period.policy, required)
    orders_now = Order.objects.all()
    if placed_with and employee.user_id:
        orders_now = orders_now.exclude(
            checkout__buyer_id=employee.user_id, checkout__idempotency_key=placed_with
        )
    served = dict(
        orders_now.filter(
            placed_at__gte=start,
            placed_at__lt=end,
            status__in=COUNTING,
            buyer__asn_employee__isnull=False,
        )
        .values("business_id")
        .annotate(s=Sum("items_total"))
        .values_list("business_id", "s")
    )
    mine = (
        _counted_for_cap(employee, period.policy, year, month, orders_now)
        if employee.user_id
        else {}
    )
    picks: list[Pick] = []
    for item in bundle.items.select_related("category"):
        candidates = Product.objects.filter(
            category_id__in=descendant_ids(item.category),
            status=ProductStatus.PUBLISHED,
            business__status=Status.ACTIVE,
            has_variants=False,
            stock__gte=item.quantity,
        ).select_related("business__village")
        for word in item.keywords.split():
            candidates = candidates.filter(Q(name__icontains=word))
        best, best_key = None, None
        for product in candidates:
            cost = product.price * item.quantity
            if cap is not None and mine.get(product.business_id, 0) + cost > cap:
                continue
            key = (
                distance(district_code, product.business.village.district_id),
                served.get(product.business_id, 0),
                product.price,
                product.pk,
            )
            if best_key is None or key < best_key:
                best, best_key = product, key
        if best is None:
            picks.append(
                Pick(
                    item.label,
                    None,
                    item.quantity,
                    0,
                    2,
                    _("Tidak ada UMKM yang dapat memenuhi tanpa melewati batas."),
                )
            )
            continue
        cost = best.price * item.quantity
        served[best.business_id] = served.get(best.business_id, 0) + cost
        mine[best.business_id] = mine.get(best.business_id, 0) + cost
        reason = [_("satu kecamatan"), _("kecamatan tetangga"), _("kecamatan lain")][best_key[0]]
        picks.append(
            Pick(
                item.label,
                best,
                item.quantity,
                best.price,
                best_key[0],
                _("%(where)s; pendapatan dari ASN bulan ini paling kecil") % {"where": reason},
            )
        )
    return picks


def _counted_for_cap(
    employee: Employee, policy, year: int, month: int, orders_now=None
) -> dict[int, int]:
    """What each UMKM already takes of this ASN's cap this period, as the obligation will count
    it: orders completed in the period, open orders (they will complete in it), and confirmed or
    pending in-person purchases when the policy counts them."""
    start, end = periods.bounds(year, month)
    taken: dict[int, int] = {}
    orders = (
        (Order.objects.all() if orders_now is None else orders_now)
        .filter(buyer_id=employee.user_id)
        .filter(
            Q(status=OrderStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end)
            | Q(
                status__in=[s for s in COUNTING if s != OrderStatus.COMPLETED],
                placed_at__gte=start,
                placed_at__lt=end,
            )
        )
        .values("business_id")
        .annotate(s=Sum("items_total"))
        .order_by()
    )
    for row in orders:
        taken[row["business_id"]] = taken.get(row["business_id"], 0) + (row["s"] or 0)
    if policy.counts_offline:
        offline = (
            OfflinePurchase.objects.filter(
                employee=employee,
                state__in=[OfflinePurchase.State.CONFIRMED, OfflinePurchase.State.PENDING],
                purchased_on__gte=periods.first_day(year, month),
                purchased_on__lte=periods.last_day(year, month),
            )
            .values("business_id")
            .annotate(s=Sum("amount"))
            .order_by()
        )
        for row in offline:
            taken[row["business_id"]] = taken.get(row["business_id"], 0) + (row["s"] or 0)
    return taken


def signature(picks: list[Pick]) -> str:
    """What the buyer was shown: each pick's product, quantity and price. An order is placed only
    for the plan the buyer saw; a plan changed meanwhile (stock, prices, other buyers) is shown
    again first."""
    return ",".join(f"{p.product.pk if p.product else 0}:{p.quantity}:{p.price}" for p in picks)


class PlanChanged(Conflict):
    """The sellers picked now are not the ones the buyer was shown (stock, prices, other
    buyers changed meanwhile): nothing is ordered; the new plan is shown first."""


def total(picks: list[Pick] | None) -> int:
    return sum(p.line_total for p in picks or [] if p.product)


def missing(picks: list[Pick]) -> list[str]:
    return [p.label for p in picks if p.product is None]


def delivery_for(business: Business, district_code: str) -> str:
    """Delivered when the seller delivers to the buyer's kecamatan, else picked up."""
    options = orders.delivery_of(business)
    if options.delivery and orders.delivery_fee_for(business, district_code) is not None:
        return "delivery"
    return "pickup"
