from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UmkmConfig(AppConfig):
    name = "malpro.umkm"
    label = "umkm"
    verbose_name = _("Registri UMKM")

    def ready(self):
        from malpro.core import nav
        from malpro.umkm import access

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
