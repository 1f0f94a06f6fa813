from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "malpro.notifications"
    label = "notifications"
    verbose_name = _("Notifikasi")

    def ready(self):
        from malpro.notifications import kinds, messages

        # No menu entry: the bell in the header of every page is the way in.
        kinds.register(*messages.KINDS)
