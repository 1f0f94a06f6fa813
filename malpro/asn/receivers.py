"""The ASN programme follows its own rules: a policy version (its amounts, its categories), an
exemption or a roster entry changed recomputes the open periods' standings after the change
is committed, and a policy version a closed period used cannot change.

These stay model signals on the ASN app's own models, on purpose: the rules are edited in the
back office (inlines, category lists) and by imports and the shell, and every one of those
paths must both refresh the figures and respect the lock on history. They do no other app's
work and nothing inside the saving transaction but the guard: the refresh is handed to a task
after the commit. Orders are followed by the `asn.standings` event consumer (consumers.py)."""

import time

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from malpro.asn import services, tasks
from malpro.asn.models import Employee, Exemption, Policy, PolicyAmount


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
