"""The ASN programme follows orders: an ASN's standing is recomputed when one of their orders
completes or closes, and a reversal in a closed period raises an integrity flag. It also
follows the rules: a policy version (its amounts, its categories), an exemption or a roster
entry changed recomputes the open periods' standings after the change is committed."""

import time

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from malpro.asn import flags, obligation, periods, services, tasks
from malpro.asn.models import Employee, Exemption, Policy, PolicyAmount
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


def refresh_after_commit(employee_ids=None) -> None:
    """Open periods' standings are recomputed once the change is committed (in a worker when
    there is one). Roster imports call this once for the whole file."""
    requested_at = time.time()
    transaction.on_commit(
        lambda: tasks.refresh_open.delay(
            sorted(employee_ids) if employee_ids is not None else None, requested_at
        )
    )


@receiver([post_save, post_delete], sender=Policy)
@receiver([post_save, post_delete], sender=PolicyAmount)
def _rules_changed(sender, raw=False, **kwargs):
    if not raw:
        refresh_after_commit()


@receiver(m2m_changed, sender=Policy.eligible_categories.through)
def _categories_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        refresh_after_commit()


@receiver([post_save, post_delete], sender=Exemption)
def _exemption_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_after_commit([instance.employee_id])


@receiver([post_save, post_delete], sender=Employee)
def _roster_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_after_commit([instance.pk])


@receiver(pre_save, sender=Policy)
def _policy_history_is_fixed(sender, instance, raw=False, **kwargs):
    """A version a closed period used never changes, whoever tries (the admin hides the form;
    this also stops the shell, imports and code)."""
    if not raw and instance.pk and Policy.objects.filter(pk=instance.pk).exists():
        services.policy_guard(Policy.objects.get(pk=instance.pk))


@receiver([pre_save, pre_delete], sender=PolicyAmount)
def _amounts_history_is_fixed(sender, instance, raw=False, **kwargs):
    if not raw:
        services.policy_guard(instance.policy)
