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

        # Every account: a citizen registers a first business or claims one from here.
        nav.register(
            _("Usaha saya"),
            "umkm:mine",
            lambda u: access.can_view_own_businesses(user=u),
            order=30,
        )
        nav.register(
            _("Registri UMKM"),
            "umkm:registry",
            lambda u: access.can_see_registry(user=u),
            order=40,
        )
