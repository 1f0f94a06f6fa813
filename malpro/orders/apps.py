from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "malpro.orders"
    label = "orders"
    verbose_name = _("Pesanan")

    def ready(self):
        from malpro.core import events, hooks, nav
        from malpro.notifications import kinds
        from malpro.orders import (
            access,
            consumers,
            messages,
            receivers,  # noqa: F401
        )
        from malpro.orders.views import product_reviews_context

        kinds.register(*messages.KINDS)
        events.subscribe(
            consumers.MESSAGES,
            consumers.MESSAGES_KINDS,
            consumers.messages,
            label=_("Pesanan: pesan ke penjual dan pembeli"),
        )

        hooks.register("catalog.product_actions", "orders/partials/add_to_cart.html")
        hooks.register("catalog.product_sections", "orders/partials/product_reviews.html")
        hooks.register("catalog.product_context", product_reviews_context)

        nav.register(
            _("Keranjang"),
            "orders:cart",
            lambda u: access.can_use_cart(user=u),
            order=20,
            bar=32,
            icon="cart",
        )
        nav.register(
            _("Pesanan saya"),
            "orders:my_orders",
            lambda u: access.can_view_my_orders(user=u),
            order=21,
            bar=33,
            icon="orders",
        )
        nav.register(
            _("Alamat saya"),
            "orders:addresses",
            lambda u: access.can_manage_addresses(user=u),
            order=22,
            icon="home",
        )
        nav.register(
            _("Pesanan masuk"),
            "orders:inbox",
            lambda u: access.can_view_inbox(user=u),
            order=32,
            bar=10,
            icon="inbox",
        )
