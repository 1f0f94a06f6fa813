"""The ASN programme follows orders: an ASN's standing is recomputed when one of their orders
completes or closes, and a reversal in a closed period raises an integrity flag."""

from django.dispatch import receiver

from malpro.asn import flags, obligation, periods
from malpro.asn.models import Employee
from malpro.orders.models import OrderStatus
from malpro.orders.signals import order_closed, order_completed


def _employee(order):
    return Employee.objects.filter(user_id=order.buyer_id).first()


@receiver(order_completed)
def _completed(sender, order, **kwargs):
    employee = _employee(order)
    if employee is not None:
        obligation.standing_refresh(employee, *periods.of(order.completed_at))


@receiver(order_closed)
def _closed(sender, order, **kwargs):
    employee = _employee(order)
    if employee is None:
        return
    year, month = periods.of(order.placed_at)
    period = obligation.period_get(year, month)
    if period.closed_at is not None and order.status in (
        OrderStatus.CANCELLED,
        OrderStatus.REJECTED,
    ):
        flags.raise_post_close(order=order, employee=employee, period=period)
    else:
        obligation.standing_refresh(employee, year, month)
