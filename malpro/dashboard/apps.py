from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "malpro.dashboard"
    label = "dashboard"
    verbose_name = _("Dasbor kota")

    def ready(self):
        from malpro.core import events, nav
        from malpro.dashboard import access, aggregates

        events.subscribe(
            aggregates.CONSUMER,
            aggregates.KINDS,
            aggregates.consume,
            label=_("Dasbor: agregat harian penjualan"),
        )
        nav.register(
            _("Dasbor"),
            "dashboard:overview",
            lambda u: access.can_view_dashboard(user=u),
            order=48,
            bar=2,
            icon="chart",
        )
