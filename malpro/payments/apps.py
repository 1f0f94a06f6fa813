from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "malpro.payments"
    label = "payments"
    verbose_name = _("Pembayaran")

    def ready(self):
        from django.urls import reverse

        from malpro.core import nav
        from malpro.orders import views as order_views
        from malpro.payments import receivers  # noqa: F401

        def to_payment_page(checkout):
            if checkout.payment_method != "cod":
                return reverse("payments:pay", args=[checkout.pk])
            return None

        if not any(
            getattr(h, "__name__", "") == "to_payment_page" for h in order_views.AFTER_CHECKOUT
        ):
            order_views.AFTER_CHECKOUT.append(to_payment_page)

        nav.register(
            _("Saldo toko"),
            "payments:balance",
            lambda u: u.is_authenticated and u.has_role("seller"),
            order=33,
        )
        nav.register(
            _("Pencairan dana"),
            "payments:payouts",
            lambda u: u.is_authenticated and (u.is_city_admin or u.is_auditor),
            order=60,
        )
