from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "malpro.orders"
    label = "orders"
    verbose_name = _("Pesanan")

    def ready(self):
        from malpro.catalog import views as catalog_views
        from malpro.core import nav
        from malpro.orders import (
            access,
            receivers,  # noqa: F401
        )
        from malpro.orders.views import product_reviews_context

        if "orders/partials/add_to_cart.html" not in catalog_views.PRODUCT_ACTIONS:
            catalog_views.PRODUCT_ACTIONS.append("orders/partials/add_to_cart.html")
        if "orders/partials/product_reviews.html" not in catalog_views.PRODUCT_SECTIONS:
            catalog_views.PRODUCT_SECTIONS.append("orders/partials/product_reviews.html")
        if product_reviews_context not in catalog_views.PRODUCT_EXTENSIONS:
            catalog_views.PRODUCT_EXTENSIONS.append(product_reviews_context)

        nav.register(_("Keranjang"), "orders:cart", lambda u: access.can_use_cart(user=u), order=20)
        nav.register(
            _("Pesanan saya"),
            "orders:my_orders",
            lambda u: access.can_view_my_orders(user=u),
            order=21,
        )
        nav.register(
            _("Pesanan masuk"), "orders:inbox", lambda u: access.can_view_inbox(user=u), order=32
        )
