from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BooksConfig(AppConfig):
    name = "malpro.books"
    label = "books"
    verbose_name = _("Pencatatan usaha")

    def ready(self):
        from malpro.books import access, consumers, messages
        from malpro.core import events, nav
        from malpro.notifications import kinds

        kinds.register(*messages.KINDS)
        events.subscribe(
            consumers.CONSUMER,
            consumers.KINDS,
            consumers.consume,
            label=_("Buku kas: catat penjualan marketplace dan belanja ASN"),
        )
        nav.register(
            _("Buku kas"),
            "books:home",
            lambda u: access.can_assist(user=u) or access.businesses_kept(user=u).exists(),
            order=35,
            bar=12,
            icon="book",
        )
        nav.register(
            _("Buku UMKM binaan"),
            "books:shared",
            lambda u: access.can_view_shared(user=u),
            order=49,
            bar=5,
            icon="book",
        )
