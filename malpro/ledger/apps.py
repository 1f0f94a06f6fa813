from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "malpro.ledger"
    label = "ledger"
    verbose_name = _("Buku besar")

    def ready(self):
        from malpro.core import events
        from malpro.ledger import postings

        # Money moves with the order's state, in its transaction (never after the commit).
        events.within_transaction("ledger.orders", postings.KINDS, postings.post)
