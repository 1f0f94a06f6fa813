from celery import shared_task

from malpro.orders.services import orders_autocomplete


@shared_task(name="orders.autocomplete")
def autocomplete() -> int:
    return orders_autocomplete()
