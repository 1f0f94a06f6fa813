from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UmkmConfig(AppConfig):
    name = "malpro.umkm"
    label = "umkm"
    verbose_name = _("Registri UMKM")

    def ready(self):
        from malpro.core import events, hooks, nav
        from malpro.notifications import kinds
        from malpro.umkm import access, consumers, messages

        kinds.register(*messages.KINDS)
        events.subscribe(
            consumers.MESSAGES,
            consumers.MESSAGES_KINDS,
            consumers.messages,
            label=_("UMKM: pesan verifikasi ke pemilik usaha dan petugas"),
        )
        hooks.register("notifications.digest", consumers.waiting_for)

        # "Usaha saya" for those who have a business; everyone else starts from "Mulai jualan"
        # (the guided registration, which points to the claim when an officer registered one).
        nav.register(
            _("Usaha saya"),
            "umkm:mine",
            lambda u: access.has_own_business(user=u),
            order=30,
            bar=14,
            icon="shop",
        )
        nav.register(
            _("Mulai jualan"),
            "umkm:start",
            lambda u: u.is_authenticated and not access.has_own_business(user=u),
            order=30,
            key="umkm:start",
            icon="shop",
        )
        nav.register(
            _("Registri UMKM"),
            "umkm:registry",
            lambda u: access.can_see_registry(user=u),
            order=40,
            bar=1,
            icon="list",
        )
