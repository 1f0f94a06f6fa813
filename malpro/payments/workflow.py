"""The payments' state machines, in one place: which move each party may make.

- payment: moved only by the system (the provider's webhook, the expiry job, the charge that
  follows a checkout). Providers' notifications arrive in any order, so a payment only moves
  forward: a move that is not in the table is a late or repeated notification and is ignored.
  Money that arrives after the payment expired or failed is still taken (paid late) and owed
  back to the buyer.
- payout_batch: the city admin's, with four eyes on top of the table (a batch is approved by
  another admin than its maker, and its transfer confirmed by another admin than its approver);
  an approved batch is cancelled only with a reason.
"""

from django.utils.translation import gettext_lazy as _

from malpro.core.workflow import SYSTEM, Machine
from malpro.payments import access
from malpro.payments.models import PaymentStatus as P
from malpro.payments.models import PayoutBatch

B = PayoutBatch.State
BUYER, ADMIN, AUDITOR = access.BUYER, access.ADMIN, access.AUDITOR

PAYMENT_TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (P.CREATED, P.PENDING): {SYSTEM},  # the provider gave a QRIS payload or a VA number
    (P.CREATED, P.PAID): {SYSTEM},  # paid although the charge's answer was lost (a crash)
    (P.CREATED, P.FAILED): {SYSTEM},
    (P.CREATED, P.EXPIRED): {SYSTEM},
    (P.PENDING, P.PAID): {SYSTEM},
    (P.PENDING, P.FAILED): {SYSTEM},
    (P.PENDING, P.EXPIRED): {SYSTEM},
    (P.FAILED, P.PAID): {SYSTEM},  # late money: recorded, and owed back to the buyer
    (P.EXPIRED, P.PAID): {SYSTEM},
}
# Reaching these cancels the checkout's orders that still wait for the payment.
PAYMENT_CLOSED = {P.FAILED, P.EXPIRED}

PAYMENT = Machine(
    name="payment",
    states=P,
    edges=PAYMENT_TRANSITIONS,
    parties=access.payment_parties,
    labels=access.PARTY_LABELS,
    conflict_message=_("Pembayaran %(from)s tidak dapat diubah menjadi %(to)s."),
    denied_message=_("Status pembayaran hanya diubah oleh %(who)s."),
    not_found_message=_("Pembayaran tidak ditemukan."),
)

PAYOUT_BATCH_TRANSITIONS: dict[tuple[str, str], set[str]] = {
    (B.DRAFT, B.APPROVED): {ADMIN},  # by another admin than the maker (four eyes)
    (B.DRAFT, B.CANCELLED): {ADMIN},
    (B.APPROVED, B.PAID): {ADMIN},  # the bank confirmed; by another admin than the approver
    (B.APPROVED, B.CANCELLED): {ADMIN},  # with a reason: the bank file may be at the bank
}
OPEN = (B.DRAFT, B.APPROVED)

PAYOUT_BATCH = Machine(
    name="payout_batch",
    states=B,
    edges=PAYOUT_BATCH_TRANSITIONS,
    parties=access.payout_batch_parties,
    labels=access.PARTY_LABELS,
    field="state",
    conflict_message=_("Pencairan berstatus %(from)s tidak dapat diubah menjadi %(to)s."),
    denied_message=_("Hanya admin kota yang dapat menyetujui pencairan dana."),
    not_found_message=_("Pencairan dana tidak ditemukan."),
)
