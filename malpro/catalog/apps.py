from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "malpro.catalog"
    label = "catalog"
    verbose_name = _("Katalog")

    def ready(self):
        from malpro.catalog import access, consumers, messages, receivers  # noqa: F401
        from malpro.catalog.views import storefront_context
        from malpro.core import events, hooks, nav
        from malpro.notifications import kinds

        kinds.register(*messages.KINDS)
        events.subscribe(
            consumers.MESSAGES,
            consumers.MESSAGES_KINDS,
            consumers.messages,
            label=_("Katalog: pesan ke penjual (produk disembunyikan, stok menipis atau habis)"),
        )

        hooks.register("umkm.profile_context", storefront_context)
        events.subscribe(
            consumers.SALES,
            consumers.SALES_KINDS,
            consumers.sales,
            label=_("Katalog: jumlah terjual dan penilaian produk"),
        )

        nav.register(_("Beranda"), "home", lambda u: True, order=5, bar=34, icon="home")
        nav.register(
            _("Cari produk"),
            "catalog:search",
            lambda u: access.can_search(user=u),
            order=10,
            bar=30,
            icon="search",
        )
        nav.register(
            _("Produk saya"),
            "catalog:seller_products",
            lambda u: access.can_sell(user=u),
            order=31,
            bar=11,
            icon="box",
        )
