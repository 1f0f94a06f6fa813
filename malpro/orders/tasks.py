from celery import shared_task

from malpro.orders.services import orders_autocomplete, orders_cancel_unaccepted


@shared_task(name="orders.autocomplete")
def autocomplete() -> int:
    return orders_autocomplete()


@shared_task(name="orders.cancel_unaccepted")
def cancel_unaccepted() -> int:
    return orders_cancel_unaccepted()
