from django.dispatch import receiver

from malpro.orders.signals import checkout_placed
from malpro.payments import services


@receiver(checkout_placed)
def _start_payment(sender, checkout, **kwargs):
    services.payment_create(checkout=checkout)
