"""What one ASN must spend in a period, what counts, and why the rest does not.

The rules (a policy version, see Policy):
- Required: the amount for the ASN's eselon, else TPP class, else golongan, else the default;
  pro-rated for a new hire from their start date, and for leave days; zero in a period fully on
  secondment (when the policy says so).
- Counted: completed orders (COD ones are completed once delivered and confirmed) from active
  UMKM in the period, only the lines of eligible categories when the policy names some, and
  confirmed offline purchases when the policy counts them. Delivery fees do not count.
- Cap per UMKM: what one UMKM can count for one ASN in a period is limited to the policy's
  absolute cap and/or its share of the ASN's requirement; purchases count in the order they
  completed, and the part beyond the cap is excluded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.asn import periods
from malpro.asn.models import Employee, Exemption, OfflinePurchase, Period, Policy, Standing
from malpro.catalog.models import Category
from malpro.core.exceptions import ApplicationError
from malpro.core.money import format_rupiah
from malpro.orders.models import Order, OrderLine, OrderStatus
from malpro.umkm.models import Status


@dataclass
class Exclusion:
    kind: str  # cancelled | over_cap | ineligible_category | inactive_umkm | offline_*
    reason: str
    amount: int
    order_id: int | None = None
    offline_id: int | None = None
    business_id: int | None = None
    business: str = ""


@dataclass
class Obligation:
    period: str
    required: int
    counted: int
    excluded: list[Exclusion] = field(default_factory=list)
    by_business: dict[int, int] = field(default_factory=dict)
    days_left: int = 0
    policy: Policy | None = None

    @property
    def remaining(self) -> int:
        return max(0, self.required - self.counted)

    @property
    def excluded_total(self) -> int:
        return sum(e.amount for e in self.excluded)


def policy_in_force(year: int, month: int) -> Policy | None:
    """The version in force for the month (the latest that started by its last day), if any."""
    return (
        Policy.objects.filter(effective_from__lte=periods.last_day(year, month))
        .order_by("-effective_from")
        .first()
    )


def policy_for(year: int, month: int) -> Policy:
    policy = policy_in_force(year, month)
    if policy is None:
        raise ApplicationError(
            _("Belum ada kebijakan (Perwal) yang berlaku untuk periode %(p)s.")
            % {"p": periods.label(year, month)},
            status=409,
        )
    return policy


def period_get(year: int, month: int, *, create: bool = True) -> Period | None:
    """The period, created on first use. An open period follows the policy version in force
    for it (a version added later with an earlier start applies); a closed one keeps its own."""
    found = Period.objects.select_related("policy").filter(year=year, month=month).first()
    if found is None and create:
        found, _created = Period.objects.get_or_create(
            year=year, month=month, defaults={"policy": policy_for(year, month)}
        )
    elif found is not None and found.closed_at is None:
        current = policy_for(year, month)
        if current.pk != found.policy_id:
            Period.objects.filter(pk=found.pk, closed_at__isnull=True).update(policy=current)
            found.policy = current
    return found


def _roman(golongan: str) -> str:
    return golongan.split("/")[0].strip().upper()


def base_amount(employee: Employee, policy: Policy) -> int:
    amounts = {(a.basis, a.value.upper()): a.amount for a in policy.amounts.all()}
    for basis, value in (
        ("eselon", employee.eselon.upper()),
        ("tpp_class", employee.tpp_class.upper()),
        ("golongan", _roman(employee.golongan)),
    ):
        if value and (basis, value) in amounts:
            return amounts[(basis, value)]
    return policy.default_amount


def required_for(
    employee: Employee,
    policy: Policy,
    year: int,
    month: int,
    exemptions: list[Exemption] | None = None,
) -> int:
    first, last = periods.first_day(year, month), periods.last_day(year, month)
    days = (last - first).days + 1
    base = base_amount(employee, policy)
    on_duty = set(range(days))
    if employee.started_on and employee.started_on > first and policy.new_hire_pro_rata:
        on_duty -= set(range(min(days, (employee.started_on - first).days)))
    if employee.left_on and employee.left_on < last:
        on_duty -= set(range(max(0, (employee.left_on - first).days + 1), days))
    if exemptions is None:
        exemptions = list(employee.exemptions.filter(start__lte=last, end__gte=first))
    for exemption in exemptions:
        if exemption.start > last or exemption.end < first:
            continue
        span = set(
            range(
                max(0, (exemption.start - first).days), min(days, (exemption.end - first).days + 1)
            )
        )
        if (exemption.kind == Exemption.Kind.SECONDMENT and policy.secondment_exempt) or (
            exemption.kind == Exemption.Kind.LEAVE and policy.leave_pro_rata
        ):
            on_duty -= span
    # Whole rupiah, rounded down to the hundred: the figure an ASN can actually pay.
    return (base * len(on_duty) // days) // 100 * 100


def cap_for(policy: Policy, required: int) -> int | None:
    """What one UMKM can count for one ASN in a period: the policy's absolute cap and/or its
    share of the ASN's requirement, the stricter of the two; None when there is no cap."""
    caps = [
        c
        for c in (
            policy.cap_amount,
            required * policy.cap_share // 100 if policy.cap_share else None,
        )
        if c is not None
    ]
    return min(caps) if caps else None


def _eligible_category_ids(policy: Policy) -> set[int] | None:
    roots = list(policy.eligible_categories.values_list("pk", flat=True))
    if not roots:
        return None
    ids, frontier = set(roots), list(roots)
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return ids


# --- what counts: the rule, once --------------------------------------------------------------
# compute() applies these to an ASN's orders, the badges on product and cart pages to what the
# ASN is about to buy (CountingRules.verdict); standings_store() writes the same two conditions
# in SQL (business__status=ACTIVE, category_id__in=eligible) for the whole roster at once.
def business_counts(status: str) -> bool:
    """Only purchases from UMKM that are verified and active in the registry count."""
    return status == Status.ACTIVE


def category_counts(category_id: int | None, eligible: set[int] | None) -> bool:
    """A line counts when the policy names no categories, or names its category (or a parent)."""
    return eligible is None or category_id in eligible


@dataclass(frozen=True)
class Verdict:
    counts: bool
    reason: str = ""  # why not, for the person about to buy


@dataclass
class CountingRules:
    """What counts toward the obligation for a purchase completed today: the current period's
    policy (its categories), or why nothing can count now (no policy, period closed). The same
    for every ASN but the per-UMKM cap, which depends on what that ASN already bought (the
    obligation page shows it)."""

    period: str
    closed: bool = False
    has_policy: bool = True
    eligible: set[int] | None = None

    def verdict(self, *, business_status: str, category_id: int | None, category: str = ""):
        if not self.has_policy:
            return Verdict(False, _("belum ada kebijakan (Perwal) yang berlaku bulan ini"))
        if self.closed:
            return Verdict(False, _("periode %(p)s sudah ditutup") % {"p": self.period})
        if not business_counts(business_status):
            return Verdict(False, _("penjual belum terverifikasi sebagai UMKM Kota Malang"))
        if not category_counts(category_id, self.eligible):
            if category:
                return Verdict(
                    False,
                    _("kategori %(c)s tidak termasuk program belanja ASN") % {"c": category},
                )
            return Verdict(False, _("kategori produk ini tidak termasuk program belanja ASN"))
        return Verdict(True)


def counting_rules(today: dt.date | None = None) -> CountingRules:
    """The rules for a purchase completed today, read in a few queries (never one per product).
    Reads only: a period not created yet is not created here."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    label = periods.human(year, month)
    period = Period.objects.select_related("policy").filter(year=year, month=month).first()
    if period is not None and period.closed_at is not None:
        return CountingRules(period=label, closed=True)
    policy = policy_in_force(year, month)
    if policy is None:
        return CountingRules(period=label, has_policy=False)
    return CountingRules(period=label, eligible=_eligible_category_ids(policy))


# Orders on their way: they count when they complete (COD ones once delivered and confirmed).
ORDERS_UNDER_WAY = (
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PLACED,
    OrderStatus.ACCEPTED,
    OrderStatus.READY,
    OrderStatus.DELIVERED,
)


@dataclass
class Pending:
    """What should count once it is finished: the counting part of the ASN's orders under way
    (paid or COD, and those still awaiting payment) and in-store purchases the seller has not
    confirmed yet. Before the per-UMKM cap, which applies when they count."""

    orders: int = 0
    order_count: int = 0
    unpaid: int = 0
    unpaid_count: int = 0
    offline: int = 0
    offline_count: int = 0
    offline_ids: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.orders + self.unpaid + self.offline


def pending_for(employee: Employee, year: int, month: int, *, policy: Policy) -> Pending:
    result = Pending()
    eligible = _eligible_category_ids(policy)
    if employee.user_id:
        lines = OrderLine.objects.filter(
            order__buyer_id=employee.user_id,
            order__status__in=ORDERS_UNDER_WAY,
            order__business__status=Status.ACTIVE,  # business_counts(), in SQL
        )
        if eligible is not None:  # category_counts(), in SQL
            lines = lines.filter(category_id__in=eligible)
        for row in (
            lines.values("order__status")
            .annotate(total=Sum("line_total"), orders=Count("order", distinct=True))
            .order_by()
        ):
            if row["order__status"] == OrderStatus.PENDING_PAYMENT:
                result.unpaid += row["total"] or 0
                result.unpaid_count += row["orders"]
            else:
                result.orders += row["total"] or 0
                result.order_count += row["orders"]
    if policy.counts_offline:
        for pk, amount in OfflinePurchase.objects.filter(
            employee=employee,
            state=OfflinePurchase.State.PENDING,
            purchased_on__gte=periods.first_day(year, month),
            purchased_on__lte=periods.last_day(year, month),
        ).values_list("pk", "amount"):
            result.offline += amount
            result.offline_count += 1
            result.offline_ids.add(pk)
    return result


def compute(
    employee: Employee,
    year: int,
    month: int,
    *,
    policy: Policy | None = None,
    today: dt.date | None = None,
) -> Obligation:
    """From scratch, from the orders and offline purchases themselves."""
    policy = policy or period_get(year, month).policy
    required = required_for(employee, policy, year, month)
    start, end = periods.bounds(year, month)
    result = Obligation(
        period=periods.label(year, month), required=required, counted=0, policy=policy
    )
    today = today or timezone.localdate()
    result.days_left = (
        max(0, (periods.last_day(year, month) - today).days + 1)
        if today <= periods.last_day(year, month)
        else 0
    )
    eligible = _eligible_category_ids(policy)
    cap = cap_for(policy, required)
    purchases: list[tuple] = []  # (when, business_id, name, amount, order_id, offline_id)
    if employee.user_id:
        completed = (
            Order.objects.filter(
                buyer_id=employee.user_id,
                status=OrderStatus.COMPLETED,
                completed_at__gte=start,
                completed_at__lt=end,
            )
            .select_related("business")
            .prefetch_related("lines")
            .order_by("completed_at", "id")
        )
        for order in completed:
            if not business_counts(order.business.status):
                result.excluded.append(
                    Exclusion(
                        "inactive_umkm",
                        _("UMKM tidak aktif"),
                        order.items_total,
                        order.pk,
                        business_id=order.business_id,
                        business=order.seller_name,
                    )
                )
                continue
            amount = 0
            for line in order.lines.all():
                if not category_counts(line.category_id, eligible):
                    result.excluded.append(
                        Exclusion(
                            "ineligible_category",
                            _("Kategori tidak termasuk kebijakan: %(p)s")
                            % {"p": line.product_name},
                            line.line_total,
                            order.pk,
                            business_id=order.business_id,
                            business=order.seller_name,
                        )
                    )
                else:
                    amount += line.line_total
            if amount:
                purchases.append(
                    (
                        order.completed_at,
                        order.business_id,
                        order.seller_name,
                        amount,
                        order.pk,
                        None,
                    )
                )
        closed = Order.objects.filter(
            buyer_id=employee.user_id,
            status__in=[OrderStatus.CANCELLED, OrderStatus.REJECTED],
            placed_at__gte=start,
            placed_at__lt=end,
        )
        for order in closed:
            result.excluded.append(
                Exclusion(
                    "cancelled",
                    _("Pesanan %(s)s") % {"s": order.get_status_display().lower()},
                    order.items_total,
                    order.pk,
                    business_id=order.business_id,
                    business=order.seller_name,
                )
            )
    for offline in OfflinePurchase.objects.filter(
        employee=employee,
        purchased_on__gte=periods.first_day(year, month),
        purchased_on__lte=periods.last_day(year, month),
    ).select_related("business"):
        when = timezone.make_aware(dt.datetime.combine(offline.purchased_on, dt.time(12)))
        if offline.state != OfflinePurchase.State.CONFIRMED:
            result.excluded.append(
                Exclusion(
                    "offline_unconfirmed",
                    _("Pembelian langsung belum dikonfirmasi")
                    if offline.state == OfflinePurchase.State.PENDING
                    else _("Pembelian langsung ditolak"),
                    offline.amount,
                    offline_id=offline.pk,
                    business_id=offline.business_id,
                    business=offline.business.name,
                )
            )
        elif not policy.counts_offline:
            result.excluded.append(
                Exclusion(
                    "offline_not_counted",
                    _("Kebijakan ini tidak menghitung pembelian langsung"),
                    offline.amount,
                    offline_id=offline.pk,
                    business_id=offline.business_id,
                    business=offline.business.name,
                )
            )
        else:
            purchases.append(
                (when, offline.business_id, offline.business.name, offline.amount, None, offline.pk)
            )
    purchases.sort(key=lambda p: (p[0], p[4] or 0, p[5] or 0))
    for _when, business_id, name, amount, order_id, offline_id in purchases:
        so_far = result.by_business.get(business_id, 0)
        counts = amount if cap is None else max(0, min(amount, cap - so_far))
        if counts < amount:
            result.excluded.append(
                Exclusion(
                    "over_cap",
                    _("Melebihi batas per UMKM (%(cap)s)") % {"cap": format_rupiah(cap)},
                    amount - counts,
                    order_id,
                    offline_id,
                    business_id,
                    name,
                )
            )
        if counts:
            result.by_business[business_id] = so_far + counts
            result.counted += counts
    return result


def standing_refresh(employee: Employee, year: int, month: int) -> Standing | None:
    """Recomputes the ASN's standing for an open period (a closed one never changes)."""
    period = period_get(year, month)
    if period.closed_at is not None:
        return None
    return _store(employee, period)


def _store(employee: Employee, period: Period) -> Standing:
    result = compute(employee, period.year, period.month, policy=period.policy)
    standing, _ = Standing.objects.update_or_create(
        employee=employee,
        period=period,
        defaults={
            "agency_id": employee.agency_id,
            "required": result.required,
            "counted": result.counted,
            "excluded": result.excluded_total,
            "computed_at": timezone.now(),
        },
    )
    return standing


def standings_store(period: Period, employees) -> int:
    """Computes and stores the standings of many ASN for one period in a few set queries (one
    aggregate per source, not a compute() per ASN): the same figures as compute(), which
    `asn_recount` uses to prove it. Per UMKM the capped purchases add up to min(cap, their
    total), whatever their order, so the totals per ASN and UMKM are enough."""
    employees = list(employees)
    if not employees:
        return 0
    policy = Policy.objects.prefetch_related("amounts").get(pk=period.policy_id)
    year, month = period.year, period.month
    start, end = periods.bounds(year, month)
    first, last = periods.first_day(year, month), periods.last_day(year, month)
    eligible = _eligible_category_ids(policy)
    ids = [e.pk for e in employees]
    by_user = {e.user_id: e.pk for e in employees if e.user_id}
    buyers = Employee.objects.filter(pk__in=ids, user__isnull=False).values("user_id")
    if len(ids) > 500:  # the whole roster, usually: a subquery instead of thousands of ids
        buyers = Employee.objects.filter(user__isnull=False).values("user_id")
    per_business: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    excluded: dict[int, int] = dict.fromkeys(ids, 0)
    completed = {
        "order__buyer_id__in": buyers,
        "order__status": OrderStatus.COMPLETED,
        "order__completed_at__gte": start,
        "order__completed_at__lt": end,
    }
    counting = Q(category_id__in=eligible) if eligible is not None else Q(pk__isnull=False)
    for row in (
        OrderLine.objects.filter(**completed, order__business__status=Status.ACTIVE)
        .values("order__buyer_id", "order__business_id")
        .annotate(ok=Sum("line_total", filter=counting), all=Sum("line_total"))
        .order_by()
    ):
        employee_id = by_user.get(row["order__buyer_id"])
        if employee_id is None:
            continue
        ok = row["ok"] or 0
        excluded[employee_id] += (row["all"] or 0) - ok
        shops = per_business[employee_id]
        shops[row["order__business_id"]] = shops.get(row["order__business_id"], 0) + ok
    for row in (
        Order.objects.filter(
            buyer_id__in=buyers,
            status=OrderStatus.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
        )
        .exclude(business__status=Status.ACTIVE)
        .values("buyer_id")
        .annotate(total=Sum("items_total"))
        .order_by()
    ):
        if row["buyer_id"] in by_user:
            excluded[by_user[row["buyer_id"]]] += row["total"] or 0
    for row in (
        Order.objects.filter(
            buyer_id__in=buyers,
            status__in=[OrderStatus.CANCELLED, OrderStatus.REJECTED],
            placed_at__gte=start,
            placed_at__lt=end,
        )
        .values("buyer_id")
        .annotate(total=Sum("items_total"))
        .order_by()
    ):
        if row["buyer_id"] in by_user:
            excluded[by_user[row["buyer_id"]]] += row["total"] or 0
    offline = OfflinePurchase.objects.filter(purchased_on__gte=first, purchased_on__lte=last)
    if len(ids) <= 500:
        offline = offline.filter(employee_id__in=ids)
    for row in (
        offline.values("employee_id", "business_id", "state")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        employee_id = row["employee_id"]
        if employee_id not in excluded:
            continue
        if row["state"] != OfflinePurchase.State.CONFIRMED or not policy.counts_offline:
            excluded[employee_id] += row["total"]
        else:
            shops = per_business[employee_id]
            shops[row["business_id"]] = shops.get(row["business_id"], 0) + row["total"]
    exemptions: dict[int, list[Exemption]] = {pk: [] for pk in ids}
    for exemption in Exemption.objects.filter(start__lte=last, end__gte=first):
        if exemption.employee_id in exemptions:
            exemptions[exemption.employee_id].append(exemption)
    now = timezone.now()
    rows = []
    for employee in employees:
        required = required_for(employee, policy, year, month, exemptions[employee.pk])
        cap = cap_for(policy, required)
        counted = 0
        for total in per_business[employee.pk].values():
            counts = total if cap is None else max(0, min(total, cap))
            excluded[employee.pk] += total - counts
            counted += counts
        rows.append(
            Standing(
                employee_id=employee.pk,
                period_id=period.pk,
                agency_id=employee.agency_id,
                required=required,
                counted=counted,
                excluded=excluded[employee.pk],
                computed_at=now,
            )
        )
    Standing.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["employee", "period"],
        update_fields=["agency", "required", "counted", "excluded", "computed_at"],
    )
    return len(rows)


def period_refresh(period: Period, employee_ids=None) -> int:
    """Recomputes an open period's stored standings (all, or those of some ASN) and drops those
    of ASN no longer on the active roster. A closed period never changes."""
    if period.closed_at is not None:
        return 0
    gone = Standing.objects.filter(period=period).exclude(employee__is_active=True)
    employees = Employee.objects.filter(is_active=True)
    if employee_ids is not None:
        gone = gone.filter(employee_id__in=employee_ids)
        employees = employees.filter(pk__in=employee_ids)
    gone.delete()
    return standings_store(period, employees)


def uncovered_months() -> list[tuple[int, int]]:
    """Months with ASN orders but no period: their orders completed or closed while no policy
    version covered the month, so there was nothing to count them against yet."""
    first = Policy.objects.order_by("effective_from").values_list("effective_from", flat=True)
    first = first.first()
    if first is None:
        return []
    since = periods.bounds(first.year, first.month)[0]
    zone = timezone.get_current_timezone()
    asn_orders = Order.objects.filter(buyer__asn_employee__isnull=False).order_by()
    months: set[tuple[int, int]] = set()
    for status, moment in (
        ([OrderStatus.COMPLETED], "completed_at"),
        ([OrderStatus.CANCELLED, OrderStatus.REJECTED], "placed_at"),
    ):
        found = (
            asn_orders.filter(status__in=status, **{f"{moment}__gte": since})
            .annotate(month=TruncMonth(moment, tzinfo=zone))
            .values_list("month", flat=True)
            .distinct()
        )
        months.update((m.year, m.month) for m in found)
    return sorted(months - set(Period.objects.values_list("year", "month")))


def refresh_open(employee_ids=None) -> int:
    """After something the figures depend on changed (a policy version, its amounts or
    categories, an exemption, the roster): the open periods whose standings were already
    computed are recomputed, each under the policy version now in force for it, and months
    whose ASN orders had no policy to count against get their period and standings now.
    Other periods never read are computed when first read."""
    done = 0
    computed = Standing.objects.filter(period=OuterRef("pk"))
    for found in Period.objects.filter(Exists(computed), closed_at__isnull=True):
        period = period_get(found.year, found.month)
        done += period_refresh(period, employee_ids)
    for year, month in uncovered_months():
        if policy_in_force(year, month) is not None:
            done += period_refresh(period_get(year, month), employee_ids)
    return done


def obligation_for(employee: Employee, year: int, month: int) -> Obligation:
    """For pages and the API: computed live for an open period; for a closed one, the frozen
    figures (with the exclusion detail recomputed under the period's own policy)."""
    period = period_get(year, month)
    result = compute(employee, year, month, policy=period.policy)
    if period.closed_at is not None:
        frozen = Standing.objects.filter(employee=employee, period=period).first()
        if frozen is not None:
            result.required, result.counted = frozen.required, frozen.counted
    return result


@transaction.atomic
def period_close(*, year: int, month: int, actor=None) -> Period:
    """Freezes a period: every active ASN's figures are computed one last time and kept."""
    period = period_get(year, month)
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.closed_at is not None:
        return period
    standings_store(period, Employee.objects.filter(is_active=True))
    period.closed_at, period.closed_by = timezone.now(), actor
    period.save(update_fields=["closed_at", "closed_by"])
    return period
