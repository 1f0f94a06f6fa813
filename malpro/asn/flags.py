"""Integrity flags for the auditor's review queue. Each rule is deliberately simple to explain
to an official, carries its evidence, and is raised once per finding (a unique key).

1. related_party: an ASN bought from the same UMKM two or more times in a period, and the UMKM
   is theirs or a relative's: its phone is the ASN's phone, its address is one the ASN had goods
   delivered to as their own, or its owner NIK is the NIK on a business the ASN owns.
2. fast_completion: an order completed within FAST_MINUTES of being placed, with no
   "ready"/"delivered" step in between lasting a plausible time (delivered within
   FAST_MINUTES of placing).
3. round_exact: the ASN's counted amount equals the requirement exactly, in a round figure (a
   multiple of Rp10.000), ROUND_PERIODS periods in a row.
4. device_burst: DEVICE_ASN or more different ASN checked out from one IP address within
   DEVICE_WINDOW.
5. post_close: an order of a closed period was cancelled, rejected or refunded after the period
   closed.
6. concentration: one UMKM received more than CONCENTRATION_SHARE of an OPD's counted
   spending in a period (from at least CONCENTRATION_MIN_TOTAL).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import dateparse, formats, timezone
from django.utils.translation import gettext as _

from malpro.asn import periods
from malpro.asn.models import Employee, IntegrityFlag, OfflinePurchase, Period, Standing
from malpro.asn.workflow import INTEGRITY_FLAG
from malpro.core import words, workflow
from malpro.core.money import format_rupiah
from malpro.orders.models import Checkout, Order, OrderStatus
from malpro.umkm.models import Business

FAST_MINUTES = 15
ROUND_PERIODS = 3
ROUND_UNIT = 10_000
DEVICE_ASN = 5
DEVICE_WINDOW = dt.timedelta(minutes=10)
CONCENTRATION_SHARE = 30  # percent
CONCENTRATION_MIN_TOTAL = 5_000_000
Kind = IntegrityFlag.Kind


def event_payload(flag: IntegrityFlag) -> dict:
    """What an integrity_flag.* event carries: ids and the rule, not the evidence (it names
    IP addresses and order numbers; the flag itself keeps it)."""
    return {
        "flag_id": flag.pk,
        "kind": flag.kind,
        "period": str(flag.period) if flag.period_id else "",
        "employee_id": flag.employee_id,
        "business_id": flag.business_id,
        "agency_id": flag.agency_id,
    }


def _raise(kind: str, key: str, **fields) -> IntegrityFlag | None:
    """Raises a finding once: its key is unique, so a rule run again (or an event delivered
    again) finds it raised and records nothing."""
    try:
        with transaction.atomic():
            flag = IntegrityFlag.objects.create(kind=kind, key=f"{kind}:{key}", **fields)
    except IntegrityError:
        return None  # raised before
    workflow.created(machine=INTEGRITY_FLAG, obj=flag, actor=None, payload=event_payload(flag))
    return flag


def _address_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", (text or "").lower()).strip()


def related_party(period: Period) -> int:
    start, end = periods.bounds(period.year, period.month)
    made = 0
    counts = (
        Order.objects.filter(
            status=OrderStatus.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
            buyer__asn_employee__isnull=False,
        )
        .values("buyer_id", "business_id")
        .annotate(n=Count("id"))
    )
    repeated = defaultdict(set)
    for row in counts:
        if row["n"] >= 2:
            repeated[row["buyer_id"]].add(row["business_id"])
    for buyer_id, business_ids in repeated.items():
        employee = Employee.objects.select_related("user").get(user_id=buyer_id)
        own_addresses = {
            _address_key(a)
            for a in Order.objects.filter(
                buyer_id=buyer_id, contact_phone=employee.user.phone
            ).values_list("street", flat=True)
        }
        own_niks = set(
            Business.objects.filter(owner_id=buyer_id)
            .exclude(owner_nik="")
            .values_list("owner_nik", flat=True)
        )
        for business in Business.objects.filter(pk__in=business_ids):
            reasons = []
            if business.owner_id == buyer_id:
                reasons.append("owner")
            if business.phone and business.phone in (employee.phone, employee.user.phone):
                reasons.append("phone")
            if business.address and _address_key(business.address) in own_addresses:
                reasons.append("address")
            if business.owner_nik and business.owner_nik in own_niks:
                reasons.append("nik")
            if reasons:
                orders = list(
                    Order.objects.filter(
                        buyer_id=buyer_id,
                        business=business,
                        status=OrderStatus.COMPLETED,
                        completed_at__gte=start,
                        completed_at__lt=end,
                    ).values_list("number", flat=True)
                )
                made += bool(
                    _raise(
                        Kind.RELATED_PARTY,
                        f"{period}:{employee.pk}:{business.pk}",
                        period=period,
                        employee=employee,
                        business=business,
                        agency_id=employee.agency_id,
                        evidence={"reasons": reasons, "orders": orders},
                    )
                )
    return made


def fast_completion(period: Period) -> int:
    start, end = periods.bounds(period.year, period.month)
    made = 0
    window = dt.timedelta(minutes=FAST_MINUTES)
    for order in Order.objects.filter(
        status=OrderStatus.COMPLETED,
        completed_at__gte=start,
        completed_at__lt=end,
        buyer__asn_employee__isnull=False,
    ).select_related("buyer__asn_employee"):
        if order.completed_at - order.placed_at > window:
            continue
        handed = order.delivered_at and order.delivered_at - order.placed_at >= window
        if handed:
            continue
        employee = order.buyer.asn_employee
        made += bool(
            _raise(
                Kind.FAST_COMPLETION,
                f"{order.pk}",
                period=period,
                employee=employee,
                business_id=order.business_id,
                agency_id=employee.agency_id,
                evidence={
                    "order": order.number,
                    "placed_at": order.placed_at.isoformat(),
                    "completed_at": order.completed_at.isoformat(),
                    "minutes": round(
                        (order.completed_at - order.placed_at).total_seconds() / 60, 1
                    ),
                },
            )
        )
    return made


def round_exact(period: Period) -> int:
    wanted = [periods.previous(period.year, period.month, k) for k in range(ROUND_PERIODS)]
    rows = Standing.objects.filter(period__year__in={y for y, _ in wanted}).select_related("period")
    by_employee = defaultdict(dict)
    for standing in rows:
        key = (standing.period.year, standing.period.month)
        if key in wanted:
            by_employee[standing.employee_id][key] = standing
    made = 0
    for employee_id, found in by_employee.items():
        if len(found) < ROUND_PERIODS:
            continue
        if all(
            s.required > 0 and s.counted == s.required and s.counted % ROUND_UNIT == 0
            for s in found.values()
        ):
            employee = Employee.objects.get(pk=employee_id)
            made += bool(
                _raise(
                    Kind.ROUND_EXACT,
                    f"{period}:{employee_id}",
                    period=period,
                    employee=employee,
                    agency_id=employee.agency_id,
                    evidence={
                        "periods": {periods.label(*k): s.counted for k, s in sorted(found.items())}
                    },
                )
            )
    return made


def device_burst(period: Period) -> int:
    start, end = periods.bounds(period.year, period.month)
    rows = list(
        Checkout.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            buyer__asn_employee__isnull=False,
            ip__isnull=False,
        )
        .order_by("ip", "created_at")
        .values_list("ip", "created_at", "buyer_id")
    )
    made = 0
    by_ip = defaultdict(list)
    for ip, when, buyer in rows:
        by_ip[ip].append((when, buyer))
    for ip, events in by_ip.items():
        left = 0
        for right in range(len(events)):
            while events[right][0] - events[left][0] > DEVICE_WINDOW:
                left += 1
            buyers = {b for _, b in events[left : right + 1]}
            if len(buyers) >= DEVICE_ASN:
                first = events[left][0]
                made += bool(
                    _raise(
                        Kind.DEVICE_BURST,
                        f"{ip}:{first:%Y%m%d%H%M}",
                        period=period,
                        evidence={
                            "ip": ip,
                            "asn": len(buyers),
                            "from": first.isoformat(),
                            "to": events[right][0].isoformat(),
                        },
                    )
                )
                break
    return made


def raise_post_close(
    *, order, employee, period: Period, status: str | None = None
) -> IntegrityFlag | None:
    """`status`: the one the order moved to (the event's), its current one by default."""
    status = status or order.status
    return _raise(
        Kind.POST_CLOSE,
        f"{order.pk}:{status}",
        period=period,
        employee=employee,
        business_id=order.business_id,
        agency_id=employee.agency_id,
        evidence={
            "order": order.number,
            "status": status,
            "closed_at": period.closed_at.isoformat(),
            "at": timezone.now().isoformat(),
        },
    )


def concentration(period: Period) -> int:
    start, end = periods.bounds(period.year, period.month)
    spend = defaultdict(lambda: defaultdict(int))
    for row in (
        Order.objects.filter(
            status=OrderStatus.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
            buyer__asn_employee__isnull=False,
        )
        .values("buyer__asn_employee__agency_id", "business_id")
        .annotate(total=Sum("items_total"))
    ):
        spend[row["buyer__asn_employee__agency_id"]][row["business_id"]] += row["total"]
    for row in (
        OfflinePurchase.objects.filter(
            state=OfflinePurchase.State.CONFIRMED,
            purchased_on__gte=periods.first_day(period.year, period.month),
            purchased_on__lte=periods.last_day(period.year, period.month),
        )
        .values("employee__agency_id", "business_id")
        .annotate(total=Sum("amount"))
    ):
        spend[row["employee__agency_id"]][row["business_id"]] += row["total"]
    made = 0
    for agency_id, by_business in spend.items():
        total = sum(by_business.values())
        if total < CONCENTRATION_MIN_TOTAL:
            continue
        for business_id, amount in by_business.items():
            if amount * 100 > total * CONCENTRATION_SHARE:
                made += bool(
                    _raise(
                        Kind.CONCENTRATION,
                        f"{period}:{agency_id}:{business_id}",
                        period=period,
                        business_id=business_id,
                        agency_id=agency_id,
                        evidence={
                            "amount": amount,
                            "opd_total": total,
                            "share_percent": round(amount * 100 / total, 1),
                        },
                    )
                )
    return made


RULES = [related_party, fast_completion, round_exact, device_burst, concentration]


def detect(period: Period) -> dict[str, int]:
    return {rule.__name__: rule(period) for rule in RULES}


def _when(text: str) -> str:
    moment = dateparse.parse_datetime(text or "")
    if moment is None:
        return text or ""
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


def _rupiah(amount) -> str:
    return format_rupiah(int(amount or 0))


def describe(flag: IntegrityFlag) -> list[str]:
    """The evidence as sentences an auditor reads (in the reader's language)."""
    e = flag.evidence or {}
    if flag.kind == Kind.RELATED_PARTY:
        reasons = {
            "owner": _("ASN ini sendiri pemilik UMKM tersebut"),
            "phone": _("nomor HP UMKM sama dengan nomor HP ASN"),
            "address": _("alamat UMKM sama dengan alamat kirim ASN untuk dirinya sendiri"),
            "nik": _("NIK pemilik sama dengan NIK pada usaha milik ASN"),
        }
        return [
            _("Alasan: %(r)s.") % {"r": "; ".join(reasons.get(r, r) for r in e.get("reasons", []))},
            _("Pesanan: %(o)s.") % {"o": ", ".join(e.get("orders", []))},
        ]
    if flag.kind == Kind.FAST_COMPLETION:
        return [
            _("Pesanan %(o)s selesai %(d)s setelah dipesan (dipesan %(a)s, selesai %(b)s).")
            % {
                "o": e.get("order", ""),
                "d": words.duration_words(minutes=e.get("minutes", 0) or 0),
                "a": _when(e.get("placed_at")),
                "b": _when(e.get("completed_at")),
            }
        ]
    if flag.kind == Kind.ROUND_EXACT:
        return [
            _(
                "Jumlah yang dihitung tepat sama dengan kewajiban, angka bulat, %(n)d periode "
                "berturut-turut:"
            )
            % {"n": len(e.get("periods", {}))},
            *(
                f"{words.month_label(label)}: {_rupiah(v)}"
                for label, v in sorted(e.get("periods", {}).items())
            ),
        ]
    if flag.kind == Kind.DEVICE_BURST:
        return [
            _("%(n)d ASN berbeda berbelanja dari alamat IP %(ip)s antara %(a)s dan %(b)s.")
            % {
                "n": e.get("asn", 0),
                "ip": e.get("ip", ""),
                "a": _when(e.get("from")),
                "b": _when(e.get("to")),
            }
        ]
    if flag.kind == Kind.POST_CLOSE:
        status = dict(OrderStatus.choices).get(e.get("status"), e.get("status", ""))
        return [
            _('Pesanan %(o)s menjadi "%(s)s" pada %(at)s, setelah periodenya ditutup (%(c)s).')
            % {
                "o": e.get("order", ""),
                "s": status,
                "at": _when(e.get("at")),
                "c": _when(e.get("closed_at")),
            }
        ]
    if flag.kind == Kind.CONCENTRATION:
        return [
            _("UMKM ini menerima %(p)s%% belanja ASN OPD ini dalam periode (%(a)s dari %(t)s).")
            % {
                "p": formats.number_format(e.get("share_percent", 0), decimal_pos=1),
                "a": _rupiah(e.get("amount")),
                "t": _rupiah(e.get("opd_total")),
            }
        ]
    return [f"{k}: {v}" for k, v in e.items()]
