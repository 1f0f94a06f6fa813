"""The ledger follows orders: postings happen in the transaction that moves the order."""

from django.dispatch import receiver

from malpro.ledger import services
from malpro.orders.models import OrderStatus, PaymentMethod
from malpro.orders.signals import order_closed, order_completed, order_transitioned


@receiver(order_completed)
def _completed(sender, order, **kwargs):
    provider = services.captured_provider(order.checkout_id)
    if provider is not None:  # paid cashless: the seller is now owed the order's total
        services.post_order_completed(order=order, provider=provider)


@receiver(order_closed)
def _closed(sender, order, **kwargs):
    provider = services.captured_provider(order.checkout_id)
    if provider is not None:  # cancelled or rejected after payment: the buyer gets it back
        services.post_refund_due(order=order, provider=provider)


@receiver(order_transitioned)
def _delivered(sender, order, to_status, **kwargs):
    if to_status == OrderStatus.DELIVERED and order.payment_method == PaymentMethod.COD:
        services.post_cod_collected(order=order)
