from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "malpro.payments"
    label = "payments"
    verbose_name = _("Pembayaran")

    def ready(self):
        from django.urls import reverse

        from malpro.core import events, nav
        from malpro.orders import views as order_views
        from malpro.payments import access, consumers, services

        # A cashless checkout's payment is made in the checkout's own transaction: the buyer
        # is sent straight to its page, and a provider's notification always finds it.
        events.within_transaction(
            "payments.start", ["checkout.placed"], services.start_payment_on_checkout
        )
        # The business owner learns when the payout account or the static QRIS changes.
        events.subscribe(
            "payments.notices",
            ["payout_account.changed", "static_qris.changed"],
            consumers.tell_owner,
        )

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
            lambda u: access.can_see_balance_menu(user=u),
            order=33,
        )
        nav.register(
            _("Pencairan dana"),
            "payments:payouts",
            lambda u: access.can_view_payouts(user=u),
            order=60,
        )
