from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "malpro.notifications"
    label = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self):
        from malpro.core import nav
        from malpro.notifications import access, kinds, messages

        kinds.register(*messages.KINDS)
        nav.register(
            _("Notifikasi"),
            "notifications:list",
            lambda u: access.can_view_notifications(user=u),
            order=90,
        )
