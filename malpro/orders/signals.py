"""NO LONGER SENT. Orders record domain events instead (core.events: order.<state>,
checkout.placed, review.added/replied; payload in orders.services.order_payload). Kept only
until no module imports these names; then delete this file."""

from django.dispatch import Signal

checkout_placed = Signal()
order_placed = Signal()
order_completed = Signal()
order_closed = Signal()
order_transitioned = Signal()
