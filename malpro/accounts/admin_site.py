from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from malpro.accounts import access
from malpro.accounts.forms import AdminLoginForm


class MalproAdminSite(admin.AdminSite):
    """The back office, for city administrators (by role), through the rate-limited login."""

    site_header = _("Malpro: kantor kota")
    site_title = _("Malpro: pengelolaan")
    index_title = _("Administrasi")
    login_form = AdminLoginForm

    def has_permission(self, request) -> bool:
        return access.can_open_back_office(user=request.user)
