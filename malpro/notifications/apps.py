from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "malpro.notifications"
    label = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self):
        from malpro.core import nav

        nav.register(_("Notifikasi"), "notifications:list", lambda u: u.is_authenticated, order=90)
