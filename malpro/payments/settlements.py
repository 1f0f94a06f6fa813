"""Paying sellers what completed cashless orders earned them (payout batches), seller balances,
and reconciliation with a provider's settlement report."""

from __future__ import annotations

import io
import re
from typing import IO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from malpro.core import audit, workflow
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.core.money import parse_rupiah
from malpro.core.tabular import Columns, CsvWriter, match_headers, open_table
from malpro.ledger import services as ledger
from malpro.ledger.models import AccountKind, EntryKind, JournalEntry, JournalLine
from malpro.orders.models import Order, OrderStatus
from malpro.payments import access
from malpro.payments.models import (
    BankAccount,
    Payment,
    PaymentStatus,
    PayoutBatch,
    PayoutLine,
    Reconciliation,
)
from malpro.payments.workflow import OPEN, PAYOUT_BATCH
from malpro.umkm.models import Business

B = PayoutBatch.State


def _payable_by_business(provider: str) -> dict[int, int]:
    """What each seller is owed from completed orders paid through `provider`."""
    rows = (
        JournalLine.objects.filter(
            account__kind=AccountKind.SELLER_PAYABLE, entry__provider=provider
        )
        .values("account__business_id")
        .annotate(s=Sum("amount"))
    )
    return {row["account__business_id"]: -row["s"] for row in rows if row["s"] < 0}


def _in_open_batches(provider: str) -> dict[int, int]:
    rows = (
        PayoutLine.objects.filter(batch__provider=provider, batch__state__in=OPEN)
        .values("business_id")
        .annotate(s=Sum("amount"))
    )
    return {row["business_id"]: row["s"] for row in rows}


def providers_with_payables() -> list[str]:
    return sorted(
        set(
            JournalEntry.objects.filter(kind=EntryKind.ORDER_COMPLETED).values_list(
                "provider", flat=True
            )
        )
    )


def _lock_provider(provider: str) -> None:
    """Serialises batch creation for one provider until the transaction ends, also when no batch
    is open yet (locking the open batches' rows would then lock nothing). PostgreSQL: a
    transaction-level advisory lock; SQLite: its write transactions already run one at a time
    (`transaction_mode` IMMEDIATE in the settings)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"malpro.payout-batch:{provider}"]
            )


def batch_create(*, actor, provider: str) -> PayoutBatch | None:
    """A draft batch of everything owed and not yet in an open batch: no rupiah can be put in
    two batches, however many admins and jobs ask at once. `actor` None is the daily job; a
    person must be the city admin."""
    if actor is not None:
        _allowed(
            access.can_manage_payouts(user=actor),
            _("Hanya admin kota yang dapat membuat pencairan dana."),
        )
    with transaction.atomic():
        _lock_provider(provider)
        owed = _payable_by_business(provider)
        reserved = _in_open_batches(provider)
        accounts = {a.business_id: a for a in BankAccount.objects.filter(business_id__in=owed)}
        lines = []
        for business_id, amount in sorted(owed.items()):
            due = amount - reserved.get(business_id, 0)
            if due <= 0 or business_id not in accounts:
                continue
            bank = accounts[business_id]
            lines.append(
                PayoutLine(
                    business_id=business_id,
                    amount=due,
                    bank_code=bank.bank_code,
                    account_number=bank.account_number,
                    account_name=bank.account_name,
                )
            )
        if not lines:
            return None
        batch = PayoutBatch.objects.create(
            provider=provider, created_by=actor, total=sum(line.amount for line in lines)
        )
        for line in lines:
            line.batch = batch
        PayoutLine.objects.bulk_create(lines)
        workflow.created(
            machine=PAYOUT_BATCH,
            obj=batch,
            actor=actor,
            payload={"amount": batch.total, "provider": provider, "lines": len(lines)},
        )
        audit.record(
            action="payments.payout_batch_created",
            actor=actor,
            target=batch,
            data={
                "total": batch.total,
                "lines": len(lines),
                "by": "daily_job" if actor is None else "admin",
            },
        )
        return batch


def _allowed(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- the payout batch machine --------------------------------------------------------------------
def _conflict(frm: str, to: str) -> str:
    if to == B.APPROVED:
        return _("Hanya pencairan berstatus draf yang dapat disetujui.")
    if to == B.PAID:
        return _("Pencairan harus disetujui sebelum ditandai sudah ditransfer.")
    if to == B.CANCELLED and frm == B.CANCELLED:
        return _("Pencairan ini sudah dibatalkan.")
    if to == B.CANCELLED:
        return _("Pencairan yang sudah ditransfer tidak dapat dibatalkan.")
    return PAYOUT_BATCH.conflict_message % {
        "from": PAYOUT_BATCH.label(frm),
        "to": PAYOUT_BATCH.label(to),
    }


def _batch_payload(batch: PayoutBatch) -> dict:
    """What every payout batch event carries: no account numbers."""
    return {"amount": batch.total, "provider": batch.provider, "lines": batch.lines.count()}


def payout_batch_transition(*, actor, batch_id: int, to: str, reason: str = "") -> PayoutBatch:
    """Every move of a payout batch: the table (the city admin's), then four eyes:
    - approved: a batch an admin assembled is approved by another admin (the daily job's
      batches by any one);
    - paid: the bank confirmed the transfers; whoever approved does not also confirm, and each
      line leaves escrow and settles its seller in this transaction;
    - cancelled: a draft can be dropped; an approved batch (its bank file may be at the bank)
      only with a written reason, which the audit log keeps with the amounts now free again.
    Records `payout_batch.<to>` and the audit row."""
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            raise NotFound(PAYOUT_BATCH.not_found_message)
        frm = batch.state
        try:
            PAYOUT_BATCH.check(obj=batch, to=to, actor=actor)
        except Conflict as exc:
            raise Conflict(_conflict(frm, to), exc.extra) from None
        reason = (reason or "").strip()
        fields: list[str] = []
        if to == B.APPROVED:
            if batch.created_by_id is not None and batch.created_by_id == actor.pk:
                raise PermissionDenied(
                    _(
                        "Pencairan ini Anda buat sendiri; persetujuan harus oleh admin kota lain "
                        "(prinsip empat mata)."
                    )
                )
            batch.approved_by, batch.approved_at = actor, timezone.now()
            fields = ["approved_by", "approved_at"]
            audit_data = {"total": batch.total, "created_by": batch.created_by_id}
        elif to == B.PAID:
            if batch.approved_by_id == actor.pk:
                raise PermissionDenied(
                    _(
                        "Anda yang menyetujui pencairan ini; konfirmasi transfer harus oleh admin "
                        "kota lain (prinsip empat mata)."
                    )
                )
            for line in batch.lines.select_related("business"):
                ledger.post_payout(
                    key=f"payout:{line.pk}",
                    business=line.business,
                    amount=line.amount,
                    provider=batch.provider,
                    memo=f"batch {batch.pk}",
                )
            batch.paid_at = timezone.now()
            fields = ["paid_at"]
            audit_data = {"total": batch.total}
        else:  # cancelled
            if frm == B.APPROVED and not reason:
                raise ApplicationError.for_field(
                    "reason",
                    _(
                        "Pencairan yang sudah disetujui hanya dapat dibatalkan dengan alasan (mis. "
                        "bank menolak transfer); pastikan bank tidak memproses berkasnya."
                    ),
                )
            audit_data = {"from": frm, "total": batch.total, "reason": reason[:500]}
        workflow.transition(
            machine=PAYOUT_BATCH,
            obj=batch,
            to=to,
            actor=actor,
            reason=reason,
            fields=fields,
            payload=_batch_payload(batch),
            checked=True,
        )
        audit.record(
            action=f"payments.payout_batch_{to}", actor=actor, target=batch, data=audit_data
        )
    return batch


def batch_approve(*, actor, batch_id: int) -> PayoutBatch:
    return payout_batch_transition(actor=actor, batch_id=batch_id, to=B.APPROVED)


def batch_mark_paid(*, actor, batch_id: int) -> PayoutBatch:
    return payout_batch_transition(actor=actor, batch_id=batch_id, to=B.PAID)


def batch_cancel(*, actor, batch_id: int, reason: str = "") -> PayoutBatch:
    return payout_batch_transition(actor=actor, batch_id=batch_id, to=B.CANCELLED, reason=reason)


def batch_export(*, actor, batch_id: int) -> tuple[PayoutBatch, str]:
    """The bank's file of an approved batch (or of a paid one, for the record); each download is
    in the audit log, since handing the file to the bank is what moves the money."""
    batch = PayoutBatch.objects.filter(
        pk=batch_id, state__in=(PayoutBatch.State.APPROVED, PayoutBatch.State.PAID)
    ).first()
    if batch is None:
        raise NotFound(_("Pencairan dana tidak ditemukan."))
    audit.record(
        action="payments.payout_csv_downloaded",
        actor=actor,
        target=batch,
        data={"state": batch.state, "total": batch.total},
    )
    return batch, batch_csv(batch)


def batch_csv(batch: PayoutBatch) -> str:
    """The bank's bulk-transfer file: one row per seller. `jumlah` is plain whole rupiah
    (30000), as banks' bulk-transfer formats read it; people see amounts as Rp30.000."""
    out = io.StringIO()
    writer = CsvWriter(out)  # a seller's account name never becomes a formula
    writer.writerow(
        ["kode_bank", "nomor_rekening", "nama_rekening", "jumlah", "referensi", "berita"]
    )
    for line in batch.lines.select_related("business").order_by("id"):
        writer.writerow(
            [
                line.bank_code,
                line.account_number,
                line.account_name,
                line.amount,
                f"MLP-PAYOUT-{batch.pk}-{line.pk}",
                f"Malpro {line.business.name}"[:35],
            ]
        )
    return out.getvalue()


def seller_balance(*, business: Business) -> dict:
    """Owed now (completed, not paid out), pending (paid, not completed), paid out, and COD
    cash the seller collected at the door. `debt`: what the seller owes back after a refund
    of an order whose money was already paid out, netted from the next payouts (then
    `payable` is 0: nothing is paid out while it lasts)."""
    net = -ledger.balance_of(AccountKind.SELLER_PAYABLE, business=business)
    payable, debt = max(net, 0), max(-net, 0)
    paid_out = (
        JournalLine.objects.filter(
            entry__kind=EntryKind.PAYOUT,
            account__kind=AccountKind.SELLER_PAYABLE,
            account__business=business,
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    captured = JournalEntry.objects.filter(kind=EntryKind.CAPTURE).values("checkout_id")
    pending = (
        Order.objects.filter(
            business=business,
            checkout_id__in=captured,
            status__in=[
                OrderStatus.PLACED,
                OrderStatus.ACCEPTED,
                OrderStatus.READY,
                OrderStatus.DELIVERED,
            ],
        ).aggregate(s=Sum("total"))["s"]
        or 0
    )
    cod = ledger.balance_of(AccountKind.SELLER_CASH, business=business)
    in_batches = (
        PayoutLine.objects.filter(business=business, batch__state__in=OPEN).aggregate(
            s=Sum("amount")
        )["s"]
        or 0
    )
    return {
        "business_id": business.pk,
        "payable": payable,
        "debt": debt,
        "pending": pending,
        "paid_out": paid_out,
        "in_payout": in_batches,
        "cod_collected": cod,
    }


# --- reconciliation ------------------------------------------------------------------------------
SETTLEMENT_COLUMNS = Columns(
    canonical=["reference", "amount", "status"],
    aliases={
        "reference": ["order_id", "Order ID", "referensi", "trx_id", "merchant_ref"],
        "amount": ["gross_amount", "jumlah", "nominal", "amount (IDR)"],
        "status": ["transaction_status", "status transaksi"],
    },
    required={"reference", "amount"},
)


def _report_amount(text: str) -> int:
    """Providers write "30000.00"; people write "30.000"."""
    text = (text or "").strip()
    if re.fullmatch(r"\d+\.\d{2}", text):
        whole, cents = text.split(".")
        if cents != "00":
            raise ValueError(text)
        return int(whole)
    try:
        return parse_rupiah(text, label="amount")
    except ValidationError as exc:
        raise ValueError(text) from exc


def reconcile(*, actor, provider: str, source: IO[bytes] | str, filename: str) -> Reconciliation:
    """Compares a provider's settlement report with the payments Malpro recorded as paid:
    lists every payment missing from the report, every extra row, every different amount.
    A run is a record the city keeps, so only the city admin makes one (auditors read them)."""
    _allowed(
        access.can_run_reconciliation(user=actor),
        _("Hanya admin kota yang dapat menjalankan rekonsiliasi."),
    )
    table = open_table(source, filename, SETTLEMENT_COLUMNS)
    try:
        match = match_headers(table.headers, SETTLEMENT_COLUMNS)
        if match.missing:
            raise ApplicationError(
                _("Kolom wajib tidak ditemukan: %(c)s.") % {"c": ", ".join(match.missing)}
            )
        reported: dict[str, tuple[int, int]] = {}
        mismatches: list[dict] = []
        for number, row in table.records(match):
            status = (row.get("status") or "settlement").lower()
            if status not in ("settlement", "capture", "paid", "success", "sukses", "lunas"):
                continue
            reference = (row.get("reference") or "").strip()
            try:
                amount = _report_amount(row.get("amount", ""))
            except ValueError:
                mismatches.append({"kind": "unreadable", "row": number, "reference": reference})
                continue
            reported[reference] = (amount, number)
    finally:
        table.close()
    ours = {
        p.reference: p for p in Payment.objects.filter(provider=provider, status=PaymentStatus.PAID)
    }
    matched = 0
    for reference, payment in sorted(ours.items()):
        if reference not in reported:
            mismatches.append({"kind": "missing", "reference": reference, "amount": payment.amount})
        elif reported[reference][0] != payment.amount:
            mismatches.append(
                {
                    "kind": "amount",
                    "reference": reference,
                    "expected": payment.amount,
                    "reported": reported[reference][0],
                    "row": reported[reference][1],
                }
            )
        else:
            matched += 1
    for reference, (amount, row) in sorted(reported.items()):
        if reference not in ours:
            mismatches.append(
                {"kind": "extra", "reference": reference, "reported": amount, "row": row}
            )
    return Reconciliation.objects.create(
        provider=provider,
        file_name=filename[-200:],
        created_by=actor,
        matched=matched,
        mismatches=mismatches,
    )
