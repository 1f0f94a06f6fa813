"""The order state machine, in one place: which move each party may make. Who is which party
towards an order lives in orders.access."""

from django.utils.translation import gettext_lazy as _

from malpro.core.workflow import SYSTEM, SYSTEM_LABEL, Machine
from malpro.orders import access
from malpro.orders.access import ADMIN, BUYER, SELLER
from malpro.orders.models import OrderStatus as S

PARTY_LABELS = {**access.PARTY_LABELS, SYSTEM: SYSTEM_LABEL}
PARTIES = (BUYER, SELLER, ADMIN, SYSTEM)

TRANSITIONS: dict[tuple[str, str], set[str]] = {
    # Cashless: the order reaches the seller once the payment is captured (a webhook), and is
    # cancelled (stock released) when the payment expires unpaid.
    (S.PENDING_PAYMENT, S.PLACED): {SYSTEM},
    (S.PENDING_PAYMENT, S.CANCELLED): {BUYER, SYSTEM, ADMIN},
    (S.PLACED, S.ACCEPTED): {SELLER},
    (S.PLACED, S.REJECTED): {SELLER},
    # The system cancels an order its seller did not accept in time (orders_cancel_unaccepted);
    # a paid one is then owed back to the buyer (the ledger's refund due).
    (S.PLACED, S.CANCELLED): {BUYER, ADMIN, SYSTEM},
    (S.ACCEPTED, S.READY): {SELLER},
    (S.ACCEPTED, S.REJECTED): {SELLER},  # accepted, then cannot fulfil after all
    (S.ACCEPTED, S.CANCELLED): {ADMIN},
    (S.READY, S.DELIVERED): {SELLER},  # handed over; for COD with the cash received
    (S.READY, S.CANCELLED): {ADMIN},
    (S.DELIVERED, S.COMPLETED): {BUYER, SYSTEM},  # the buyer confirms, or N days pass
    # A buyer's complaint upheld: the city's customer service decides after hearing both
    # sides, so only the city admin makes this move, always with the reason. The money goes
    # back (cashless: the seller's payable is debited, the buyer's refund is due; COD: the
    # seller hands the cash back); the goods' units do NOT return to stock (they may be used
    # or damaged, and the seller restocks by hand what can be sold again).
    (S.COMPLETED, S.REFUNDED): {ADMIN},
}

ORDER = Machine(
    name="order",
    states=S,
    edges=TRANSITIONS,
    parties=access.order_parties,
    labels=PARTY_LABELS,
    conflict_message=_("Pesanan %(from)s tidak dapat diubah menjadi %(to)s."),
    denied_message=_("Langkah ini hanya untuk %(who)s."),
    not_found_message=_("Pesanan tidak ditemukan."),
)
machine = ORDER

REASON_REQUIRED = {S.REJECTED, S.REFUNDED}
ADMIN_REASON_REQUIRED = {S.CANCELLED}
CLOSED = {S.CANCELLED, S.REJECTED}
FINAL = {S.COMPLETED, S.CANCELLED, S.REJECTED, S.REFUNDED}
TIMESTAMP = {
    S.PLACED: "paid_at",
    S.ACCEPTED: "accepted_at",
    S.READY: "ready_at",
    S.DELIVERED: "delivered_at",
    S.COMPLETED: "completed_at",
    S.CANCELLED: "closed_at",
    S.REJECTED: "closed_at",
    S.REFUNDED: "refunded_at",
}
# Seller inbox tabs.
TABS = {
    "baru": [S.PLACED],
    "dikemas": [S.ACCEPTED],
    "dikirim": [S.READY],
    "selesai": [S.DELIVERED, S.COMPLETED, S.CANCELLED, S.REJECTED, S.REFUNDED],
}
