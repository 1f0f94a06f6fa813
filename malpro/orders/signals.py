from django.dispatch import Signal

# Sent inside the transaction that moves an order, so listeners (ledger, ASN obligations,
# bookkeeping) record their side in the same commit: order=Order, actor=User|None
order_placed = Signal()
order_completed = Signal()
order_closed = Signal()  # cancelled or rejected
order_transitioned = Signal()  # every move: order, from_status, to_status, actor
