from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "malpro.payments"
    label = "payments"
    verbose_name = _("Pembayaran")

    def ready(self):
        from malpro.core import events, hooks, nav
        from malpro.notifications import kinds
        from malpro.payments import access, consumers, messages, services

        kinds.register(*messages.KINDS)
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
            label=_("Pembayaran: notifikasi perubahan rekening dan QRIS ke pemilik usaha"),
        )

        events.subscribe(
            consumers.MESSAGES,
            consumers.MESSAGES_KINDS,
            consumers.messages,
            label=_("Pembayaran: tagihan, pengembalian dana dan pencairan ke pembeli dan penjual"),
        )

        hooks.register("orders.after_checkout", services.payment_page_url)

        nav.register(
            _("Saldo toko"),
            "payments:balance",
            lambda u: access.can_see_balance_menu(user=u),
            order=33,
            bar=13,
            icon="wallet",
        )
        nav.register(
            _("Pencairan dana"),
            "payments:payouts",
            lambda u: access.can_view_payouts(user=u),
            order=60,
            bar=4,
            icon="bank",
        )
