from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "malpro.privacy"
    label = "privacy"
    verbose_name = _("Data pribadi")

    def ready(self):
        from malpro.core import nav
        from malpro.privacy import access, receivers

        receivers.connect()
        nav.register(
            _("Data saya"),
            "privacy:my_data",
            lambda u: access.can_view_own_data(user=u),
            order=95,
            icon="lock",
        )
        nav.register(
            _("Akses data"),
            "privacy:access_records",
            lambda u: access.can_read_all_records(user=u),
            order=96,
            bar=8,
            icon="lock",
        )
        nav.register(
            _("Penghapusan data"),
            "privacy:erasure_requests",
            lambda u: access.can_decide_erasure(user=u),
            order=97,
            icon="lock",
        )
