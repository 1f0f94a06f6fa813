"""The ASN programme's reactions to events, after the change that produced them committed.

- asn.standings follows ASN's orders: an order completed counts in the month it completed, a
  cancelled or rejected one is shown as not counted in the month it was placed, a refunded
  one stops counting in the month it completed, and a cancellation, rejection or refund in a
  month already closed raises an integrity flag (the closed figures never change). A month
  no policy version covers has nothing to count against yet: the event is done, and the
  month's standings are computed when a version covering it is saved
  (obligation.refresh_open). It never raises into, slows or rolls back the order.
  An in-person purchase recorded or decided is recomputed the same way.
- asn.notices tells people what was decided about them: a NIP claim approved or rejected (to
  the claimant), an in-person purchase to confirm (to the shop's owner), confirmed or
  rejected (to the ASN). Each message's dedupe key is the event's id: a replay sends nothing
  twice.

Each delivery runs in a transaction that also marks it done, and every effect here is a
database write that is the same however often it runs (a recomputation, a flag with a unique
key), so a replay counts nothing twice.
"""

from __future__ import annotations

from malpro.asn import flags, obligation, periods
from malpro.asn.models import Employee, NipClaim, OfflinePurchase
from malpro.core.models import Event
from malpro.core.money import format_rupiah
from malpro.notifications.services import send
from malpro.orders.models import Order, OrderStatus

STANDINGS = "asn.standings"
STANDINGS_KINDS = [
    "order.completed",
    "order.cancelled",
    "order.rejected",
    "order.refunded",
    "offline_purchase.pending",
    "offline_purchase.confirmed",
    "offline_purchase.rejected",
]
NOTICES = "asn.notices"
NOTICES_KINDS = [
    "nip_claim.approved",
    "nip_claim.rejected",
    "offline_purchase.pending",
    "offline_purchase.confirmed",
    "offline_purchase.rejected",
]
CLOSED = {OrderStatus.CANCELLED, OrderStatus.REJECTED}
# A completed order refunded leaves the month it was counted in (the month it completed).
UNCOUNTED = {*CLOSED, OrderStatus.REFUNDED}


def _employee(event: Event, order: Order) -> Employee | None:
    buyer_id = (event.payload or {}).get("buyer_id") or order.buyer_id
    return Employee.objects.filter(user_id=buyer_id).first()


def standings(event: Event) -> None:
    """Keeps the ASN's standing current when one of their orders completes or closes, or an
    in-person purchase of theirs is recorded or decided."""
    if event.subject_type == "asn.offlinepurchase":
        _offline_standing(event)
        return
    if event.subject_type != "orders.order":
        return
    buyer_id = (event.payload or {}).get("buyer_id")
    if buyer_id is not None and not Employee.objects.filter(user_id=buyer_id).exists():
        return  # most orders are not an ASN's: no need to read the order
    order = Order.objects.filter(pk=event.subject_id).first()
    if order is None:
        return
    employee = _employee(event, order)
    if employee is None:
        return
    to = (event.payload or {}).get("to") or event.kind.partition(".")[2]
    if to in (OrderStatus.COMPLETED, OrderStatus.REFUNDED):
        year, month = periods.of(order.completed_at or event.occurred_at)
    else:
        year, month = periods.of(order.placed_at)
    if obligation.policy_in_force(year, month) is None:
        return  # nothing to count against yet; counted when a policy covers the month
    period = obligation.period_get(year, month)
    if period.closed_at is not None and to in UNCOUNTED:
        # Only a cancellation (or refund) made after the close is suspect; one made before it and
        # delivered late (a retry, a replay) was already counted by the close itself, which
        # recomputed the month from the orders. The key (order and status) makes a second
        # delivery of the same event a no-op.
        if event.occurred_at > period.closed_at:
            flags.raise_post_close(order=order, employee=employee, period=period, status=to)
    else:
        obligation.standing_refresh(employee, year, month)


def _offline_standing(event: Event) -> None:
    purchase = OfflinePurchase.objects.select_related("employee").filter(pk=event.subject_id)
    purchase = purchase.first()
    if purchase is None:
        return
    year, month = purchase.purchased_on.year, purchase.purchased_on.month
    if obligation.policy_in_force(year, month) is not None:
        obligation.standing_refresh(purchase.employee, year, month)


# --- messages ------------------------------------------------------------------------------------
def notices(event: Event) -> None:
    """One in-app message per event, keyed by the event's id."""
    if event.subject_type == "asn.nipclaim":
        _claim_notice(event)
    elif event.subject_type == "asn.offlinepurchase":
        _offline_notice(event)


def _claim_notice(event: Event) -> None:
    claim = NipClaim.objects.select_related("employee", "user").filter(pk=event.subject_id)
    claim = claim.first()
    if claim is None:
        return
    send(
        user=claim.user,
        kind=f"asn.claim_{event.kind.partition('.')[2]}",
        context={
            "name": claim.employee.name,
            "reason": (event.payload or {}).get("reason") or claim.reason,
        },
        event=event,
    )


def _offline_notice(event: Event) -> None:
    purchase = (
        OfflinePurchase.objects.select_related("employee__user", "business__owner")
        .filter(pk=event.subject_id)
        .first()
    )
    if purchase is None:
        return
    payload = event.payload or {}
    facts = {
        "name": purchase.employee.name,
        "amount": format_rupiah(int(payload.get("amount", purchase.amount))),
        "shop": purchase.business.name,
        "date": purchase.purchased_on.strftime("%d/%m/%Y"),
        "reason": payload.get("reason") or purchase.reason,
    }
    if event.kind == "offline_purchase.pending":
        if purchase.business.owner is not None:
            send(
                user=purchase.business.owner,
                kind="asn.offline_to_confirm",
                context=facts,
                event=event,
            )
        return
    if purchase.employee.user is None:
        return
    send(
        user=purchase.employee.user,
        kind=f"asn.offline_{event.kind.partition('.')[2]}",
        context=facts,
        event=event,
    )


# --- the officers' daily digest (notifications.digest) -------------------------------------------
def waiting_for(user) -> list[tuple[str, int, str]]:
    """NIP claims waiting for a decision that `user` may take: those of their own OPD (an
    officer), every OPD's (the city admin)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from malpro.accounts import access as accounts_access
    from malpro.asn import access

    waiting = access.nip_claims_to_review(user=user)
    if not accounts_access.is_city_admin(user=user):
        waiting = waiting.filter(
            employee__agency_id__in=accounts_access.officer_agency_ids(user=user)
        )
    return [(_("Klaim NIP ASN menunggu keputusan"), waiting.count(), reverse("asn:claims"))]
