"""The books' message templates (notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from malpro.notifications.kinds import Kind

KINDS = [
    Kind(
        "books.debt_reminder",
        "payments",
        _("Pengingat kasbon"),
        _("Pengingat dari %(shop)s: sisa kasbon Anda %(amount)s, jatuh tempo %(due)s."),
    ),
]
