from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _oversees(user) -> bool:
    """City admins, auditors and OPD officers: they read the programme's reports and claims."""
    return user.is_authenticated and (
        user.is_city_admin or user.is_auditor or bool(user.officer_agency_ids())
    )


class AsnConfig(AppConfig):
    name = "malpro.asn"
    label = "asn"
    verbose_name = _("Program belanja ASN")

    def ready(self):
        from malpro.asn import receivers  # noqa: F401
        from malpro.core import nav

        nav.register(
            _("Kewajiban ASN"),
            "asn:home",
            lambda u: u.is_authenticated and u.has_role("asn"),
            order=15,
        )
        nav.register(
            _("Klaim NIP ASN"),
            "asn:home",
            # Every signed-in user who is not (yet) an ASN: the way in for a civil servant.
            lambda u: u.is_authenticated and not u.has_role("asn"),
            order=85,
            key="asn:claim_own",
        )
        nav.register(
            _("Konfirmasi klaim NIP"),
            "asn:claims",
            _oversees,
            order=52,
        )
        nav.register(
            _("Laporan ASN"),
            "asn:reports",
            _oversees,
            order=50,
        )
        nav.register(
            _("Pembelian langsung ASN"),
            "asn:offline_inbox",
            lambda u: (
                u.is_authenticated
                and (u.has_role("seller") or u.is_city_admin or bool(u.officer_agency_ids()))
            ),
            order=33,
        )
        nav.register(
            _("Tanda integritas"),
            "asn:flags",
            lambda u: u.is_authenticated and (u.is_auditor or u.is_city_admin),
            order=51,
        )
