"""Posting to the ledger. Every function posts one balanced entry inside the caller's
transaction, identified by a key so the same event never posts twice."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum

from malpro.core import events
from malpro.core.exceptions import ApplicationError
from malpro.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine


class UnbalancedEntry(ApplicationError):
    pass


def account(kind: str, *, business=None, provider: str = "", business_id=None) -> Account:
    business_id = business.pk if business is not None else business_id
    if kind in (AccountKind.SELLER_PAYABLE, AccountKind.SELLER_CASH, AccountKind.COD_SALES):
        code = f"{kind}:{business_id}"
    elif kind in (AccountKind.ESCROW, AccountKind.CLEARING):
        code = f"{kind}:{provider}"
    else:
        code = kind
    found, _ = Account.objects.get_or_create(
        code=code, defaults={"kind": kind, "business_id": business_id, "provider": provider}
    )
    return found


@dataclass(frozen=True)
class OrderRef:
    """What a posting needs of an order, read from its event's payload (an Order works too)."""

    pk: int
    business_id: int
    total: int
    number: str = ""


def post(
    *,
    kind: str,
    key: str,
    lines: list[tuple[Account, int]],
    memo: str = "",
    checkout=None,
    order=None,
    business=None,
    provider: str = "",
    business_id=None,
) -> JournalEntry | None:
    """Posts a balanced entry; returns None when an entry with this key exists already."""
    if sum(amount for _, amount in lines) != 0:
        raise UnbalancedEntry(f"entry {key} does not balance")
    if any(amount == 0 for _, amount in lines):
        lines = [(a, amount) for a, amount in lines if amount != 0]
    if JournalEntry.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                kind=kind,
                key=key,
                memo=memo[:300],
                checkout=checkout,
                order_id=order.pk if order is not None else None,
                business_id=business.pk if business is not None else business_id,
                provider=provider,
            )
            JournalLine.objects.bulk_create(
                [JournalLine(entry=entry, account=acc, amount=amount) for acc, amount in lines]
            )
    except IntegrityError:  # the same key, posted by a parallel transaction
        return None
    return entry


def balance(acc: Account | None) -> int:
    if acc is None:
        return 0
    return JournalLine.objects.filter(account=acc).aggregate(s=Sum("amount"))["s"] or 0


def balance_of(kind: str, *, business=None, provider: str = "") -> int:
    qs = JournalLine.objects.filter(account__kind=kind)
    if business is not None:
        qs = qs.filter(account__business=business)
    if provider:
        qs = qs.filter(account__provider=provider)
    return qs.aggregate(s=Sum("amount"))["s"] or 0


# --- the postings of the marketplace -------------------------------------------------------------
def post_capture(*, checkout, provider: str, amount: int) -> JournalEntry | None:
    """The buyer's money arrived at the provider: it sits in escrow until orders settle."""
    return post(
        kind=EntryKind.CAPTURE,
        key=f"capture:{checkout.pk}",
        lines=[
            (account(AccountKind.ESCROW, provider=provider), amount),
            (account(AccountKind.CLEARING, provider=provider), -amount),
        ],
        memo=f"checkout {checkout.pk}",
        checkout=checkout,
        provider=provider,
    )


def captured_provider_of_order(order_id) -> str | None:
    """The provider of the capture entry of the order's checkout. Only for orders paid before
    orders recorded the provider themselves (Order.paid_via, carried by the order's events)."""
    entry = JournalEntry.objects.filter(
        kind=EntryKind.CAPTURE, checkout__orders__pk=order_id
    ).first()
    return entry.provider if entry else None


def post_order_completed(*, order, provider: str) -> JournalEntry | None:
    """`order`: an Order or an OrderRef."""
    return post(
        kind=EntryKind.ORDER_COMPLETED,
        key=f"completed:{order.pk}",
        lines=[
            (account(AccountKind.CLEARING, provider=provider), order.total),
            (account(AccountKind.SELLER_PAYABLE, business_id=order.business_id), -order.total),
        ],
        memo=order.number or "",
        order=order,
        business_id=order.business_id,
        provider=provider,
    )


def post_refund_due(*, order, provider: str) -> JournalEntry | None:
    """`order`: an Order or an OrderRef. The buyer is owed the order's total back: recorded as
    `refund.due` (subject: the entry) so the buyer can be told and the refund followed up."""
    entry = post(
        kind=EntryKind.REFUND_DUE,
        key=f"refund_due:{order.pk}",
        lines=[
            (account(AccountKind.CLEARING, provider=provider), order.total),
            (account(AccountKind.REFUNDS_PAYABLE), -order.total),
        ],
        memo=order.number or "",
        order=order,
        business_id=order.business_id,
        provider=provider,
    )
    if entry is not None:
        events.record(
            kind="refund.due",
            subject=entry,
            payload={
                "order_id": order.pk,
                "business_id": order.business_id,
                "amount": order.total,
                "provider": provider,
            },
        )
    return entry


def post_order_refunded(*, order, provider: str) -> JournalEntry | None:
    """A completed cashless order refunded (the buyer's complaint upheld): the seller gives the
    order's total back. `order`: an Order or an OrderRef.

    The seller's payable is debited in the provider's books (entry.provider), so the next
    payout batch of that provider nets it (payments.settlements sums the payable per
    provider and pays only a balance owed to the seller). If the order's money was already
    paid out, the payable turns into a debit: the seller's debt, netted from later earnings
    and never paid out. The buyer's refund is due exactly as for a paid order cancelled:
    REFUNDS_PAYABLE, `refund.due` (with "cause": "refunded"), paid with post_refund_paid."""
    entry = post(
        kind=EntryKind.ORDER_REFUNDED,
        key=f"refunded:{order.pk}",
        lines=[
            (account(AccountKind.SELLER_PAYABLE, business_id=order.business_id), order.total),
            (account(AccountKind.REFUNDS_PAYABLE), -order.total),
        ],
        memo=order.number or "",
        order=order,
        business_id=order.business_id,
        provider=provider,
    )
    if entry is not None:
        events.record(
            kind="refund.due",
            subject=entry,
            payload={
                "order_id": order.pk,
                "business_id": order.business_id,
                "amount": order.total,
                "provider": provider,
                "cause": "refunded",
            },
        )
    return entry


def post_cod_refunded(*, order) -> JournalEntry | None:
    """A completed COD order refunded: the seller hands the cash back themselves, so the cash
    recorded when it was delivered (post_cod_collected) is reversed, line by line. Nothing
    is posted when no cash was recorded for the order. `order`: an Order or an OrderRef."""
    collected = JournalEntry.objects.filter(key=f"cod:{order.pk}").first()
    if collected is None:
        return None
    return post(
        kind=EntryKind.COD_REFUNDED,
        key=f"cod_refunded:{order.pk}",
        lines=[(line.account, -line.amount) for line in collected.lines.select_related("account")],
        memo=order.number or "",
        order=order,
        business_id=order.business_id,
    )


def post_cod_collected(*, order) -> JournalEntry | None:
    """Cash the seller took at the door: recorded for the seller's books and the city's
    figures, never owed by the platform. `order`: an Order or an OrderRef (the cash recorded
    equals the order's total: order_transition refuses any other amount)."""
    amount = getattr(order, "cash_collected", None) or order.total
    return post(
        kind=EntryKind.COD_COLLECTED,
        key=f"cod:{order.pk}",
        lines=[
            (account(AccountKind.SELLER_CASH, business_id=order.business_id), amount),
            (account(AccountKind.COD_SALES, business_id=order.business_id), -amount),
        ],
        memo=order.number or "",
        order=order,
        business_id=order.business_id,
    )


def post_payout(*, key: str, business, amount: int, provider: str, memo: str = ""):
    return post(
        kind=EntryKind.PAYOUT,
        key=key,
        lines=[
            (account(AccountKind.SELLER_PAYABLE, business=business), amount),
            (account(AccountKind.ESCROW, provider=provider), -amount),
        ],
        memo=memo,
        business=business,
        provider=provider,
    )


def post_refund_paid(*, key: str, amount: int, provider: str, memo: str = ""):
    entry = post(
        kind=EntryKind.REFUND_PAID,
        key=key,
        lines=[
            (account(AccountKind.REFUNDS_PAYABLE), amount),
            (account(AccountKind.ESCROW, provider=provider), -amount),
        ],
        memo=memo,
        provider=provider,
    )
    if entry is not None:
        events.record(
            kind="refund.paid", subject=entry, payload={"amount": amount, "provider": provider}
        )
    return entry
