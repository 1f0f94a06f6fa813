from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "malpro.core"
    label = "core"
    verbose_name = "Malpro"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from malpro.core import access, nav

        nav.register(
            _("Peristiwa macet"),
            "event_deliveries",
            lambda u: access.can_view_event_deliveries(user=u),
            order=95,
            icon="alert",
        )


class MalproAdminConfig(admin_apps.AdminConfig):
    """Django's admin, opened to city administrators (by role) instead of to is_staff users."""

    default = False
    default_site = "malpro.accounts.admin_site.MalproAdminSite"
