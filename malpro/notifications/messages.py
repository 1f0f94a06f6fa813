"""The notifications app's own message templates."""

from django.utils.translation import gettext_lazy as _

from malpro.notifications.kinds import Kind

KINDS = [
    Kind(
        "work.digest",
        "work",
        _("Pekerjaan menunggu: %(total)s"),
        _("Ringkasan %(date)s. %(summary)s."),
        link="%(path)s",
    ),
]
