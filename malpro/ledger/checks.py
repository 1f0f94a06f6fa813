"""The ledger's invariants, checked by `manage.py check_ledger` (and by tests after every step
of a payment's life)."""

from __future__ import annotations

from django.db.models import Count, Sum

from malpro.ledger.models import AccountKind, EntryKind, JournalEntry, JournalLine


def problems() -> list[str]:
    found: list[str] = []
    unbalanced = (
        JournalLine.objects.values("entry_id", "entry__key")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
    )
    for row in unbalanced:
        found.append(
            f"entry {row['entry__key']} (id {row['entry_id']}) does not balance: sum {row['total']}"
        )
    empty = JournalEntry.objects.annotate(n=Count("lines")).filter(n__lt=2)
    for entry in empty:
        found.append(f"entry {entry.key} has {entry.n} line(s)")

    def total(kind):
        return JournalLine.objects.filter(account__kind=kind).aggregate(s=Sum("amount"))["s"] or 0

    escrow = total(AccountKind.ESCROW)
    owed = -(
        total(AccountKind.CLEARING)
        + total(AccountKind.SELLER_PAYABLE)
        + total(AccountKind.REFUNDS_PAYABLE)
    )
    if escrow != owed:
        found.append(f"escrow holds {escrow} but buyers and sellers are owed {owed}")

    from malpro.orders.models import Order, OrderStatus

    captured = JournalEntry.objects.filter(kind=EntryKind.CAPTURE).values_list(
        "checkout_id", flat=True
    )
    open_statuses = [
        OrderStatus.PENDING_PAYMENT,
        OrderStatus.PLACED,
        OrderStatus.ACCEPTED,
        OrderStatus.READY,
        OrderStatus.DELIVERED,
    ]
    unsettled = (
        Order.objects.filter(checkout_id__in=captured, status__in=open_statuses).aggregate(
            s=Sum("total")
        )["s"]
        or 0
    )
    clearing = -total(AccountKind.CLEARING)
    if clearing != unsettled:
        found.append(f"clearing holds {clearing} but paid, unsettled orders total {unsettled}")

    twice = (
        JournalEntry.objects.filter(kind=EntryKind.CAPTURE)
        .values("checkout_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    for row in twice:
        found.append(f"checkout {row['checkout_id']} was captured {row['n']} times")
    for kind in (
        EntryKind.ORDER_COMPLETED,
        EntryKind.REFUND_DUE,
        EntryKind.COD_COLLECTED,
        EntryKind.ORDER_REFUNDED,
        EntryKind.COD_REFUNDED,
    ):
        again = (
            JournalEntry.objects.filter(kind=kind)
            .values("order_id")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        for row in again:
            found.append(f"order {row['order_id']} has {row['n']} {kind} entries")
    # A seller may owe the platform (a debit balance) only through refunds of orders whose
    # money was already paid out; without the refunds, payouts never exceed what completed
    # orders earned.
    payable_negative = (
        JournalLine.objects.filter(account__kind=AccountKind.SELLER_PAYABLE)
        .exclude(entry__kind=EntryKind.ORDER_REFUNDED)
        .values("account__code")
        .annotate(s=Sum("amount"))
        .filter(s__gt=0)
    )
    for row in payable_negative:
        found.append(f"{row['account__code']} paid out {row['s']} more than the seller earned")
    return found
