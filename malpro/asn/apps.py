from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AsnConfig(AppConfig):
    name = "malpro.asn"
    label = "asn"
    verbose_name = _("Program belanja ASN")

    def ready(self):
        from malpro.asn import access, consumers, messages, receivers  # noqa: F401
        from malpro.core import events, hooks, nav
        from malpro.notifications import kinds

        kinds.register(*messages.KINDS)
        hooks.register("notifications.digest", consumers.waiting_for)
        # Whether a product, and each cart line, counts toward the ASN's obligation.
        hooks.register("catalog.product_actions", "asn/partials/product_badge.html")
        hooks.register("orders.cart_line", "asn/partials/cart_line_badge.html")
        events.subscribe(
            consumers.STANDINGS,
            consumers.STANDINGS_KINDS,
            consumers.standings,
            label=_("ASN: capaian belanja dan tanda integritas"),
        )
        events.subscribe(
            consumers.NOTICES,
            consumers.NOTICES_KINDS,
            consumers.notices,
            label=_("ASN: notifikasi klaim NIP dan pembelian langsung"),
        )

        nav.register(
            _("Kewajiban ASN"),
            "asn:home",
            lambda u: access.can_see_obligation_menu(user=u),
            order=15,
            bar=21,
            icon="badge",
        )
        nav.register(
            _("Klaim NIP ASN"),
            "asn:home",
            lambda u: access.can_claim_nip(user=u),
            order=85,
            key="asn:claim_own",
            icon="badge",
        )
        nav.register(
            _("Konfirmasi klaim NIP"),
            "asn:claims",
            lambda u: access.can_view_claims(user=u),
            order=52,
            bar=7,
            icon="check",
        )
        nav.register(
            _("Laporan ASN"),
            "asn:reports",
            lambda u: access.can_view_reports(user=u),
            order=50,
            bar=6,
            icon="report",
        )
        nav.register(
            _("Pembelian langsung ASN"),
            "asn:offline_inbox",
            lambda u: access.can_use_offline_inbox(user=u),
            order=33,
            bar=16,
            icon="people",
        )
        nav.register(
            _("Tanda integritas"),
            "asn:flags",
            lambda u: access.can_view_flags(user=u),
            order=51,
            bar=3,
            icon="flag",
        )
