from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "malpro.dashboard"
    label = "dashboard"
    verbose_name = _("Dasbor kota")

    def ready(self):
        from malpro.core import events
        from malpro.dashboard import aggregates

        events.subscribe(
            aggregates.CONSUMER,
            aggregates.KINDS,
            aggregates.consume,
            label=_("Dasbor: agregat harian penjualan"),
        )
