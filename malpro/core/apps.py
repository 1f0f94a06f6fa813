from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "malpro.core"
    label = "core"
    verbose_name = "Malpro"


class MalproAdminConfig(admin_apps.AdminConfig):
    """Django's admin, opened to city administrators (by role) instead of to is_staff users."""

    default = False
    default_site = "malpro.accounts.admin_site.MalproAdminSite"
