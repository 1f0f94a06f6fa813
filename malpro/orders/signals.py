from django.dispatch import Signal

# Sent inside the transaction that moves an order, so listeners (ledger, ASN obligations,
# bookkeeping) record their side in the same commit: order=Order, actor=User|None
checkout_placed = Signal()  # checkout=Checkout: cashless payments start here
order_placed = Signal()  # the order reached its seller (COD at once, cashless once paid)
order_completed = Signal()
order_closed = Signal()  # cancelled or rejected
order_transitioned = Signal()  # every move: order, from_status, to_status, actor
