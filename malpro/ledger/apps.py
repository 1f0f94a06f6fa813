from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "malpro.ledger"
    label = "ledger"
    verbose_name = _("Buku besar")

    def ready(self):
        from malpro.ledger import receivers  # noqa: F401
