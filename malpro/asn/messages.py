"""The ASN programme's message templates (notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from malpro.notifications.kinds import Kind

KINDS = [
    Kind(
        "asn.claim_approved",
        "asn",
        _("NIP Anda terverifikasi"),
        _("Akun Anda sekarang terhubung ke data ASN %(name)s."),
        link="/asn/",
    ),
    Kind(
        "asn.claim_rejected",
        "asn",
        _("Klaim NIP Anda ditolak"),
        _("Alasan: %(reason)s. Hubungi OPD Anda bila ini keliru."),
        link="/asn/",
    ),
    Kind(
        "asn.offline_to_confirm",
        "orders",
        _("Konfirmasi pembelian langsung"),
        _(
            "ASN %(name)s mencatat belanja %(amount)s di %(shop)s pada %(date)s. "
            "Konfirmasi bila benar."
        ),
        link="/jual/pembelian-asn/",
    ),
    Kind(
        "asn.offline_confirmed",
        "asn",
        _("Pembelian langsung dikonfirmasi"),
        _("Toko %(shop)s mengonfirmasi belanja %(amount)s pada %(date)s; kini dihitung."),
        link="/asn/",
    ),
    Kind(
        "asn.offline_rejected",
        "asn",
        _("Pembelian langsung ditolak"),
        _(
            "Toko %(shop)s menolak catatan belanja %(amount)s pada %(date)s. Alasan: "
            "%(reason)s. Hubungi toko bila ini keliru."
        ),
        link="/asn/",
    ),
    Kind(
        "asn.reminder",
        "asn",
        _("Belanja UMKM bulan ini belum mencapai target"),
        _("Kewajiban %(period)s: %(required)s, sudah dihitung %(counted)s. Kurang %(left)s."),
        link="/asn/",
    ),
]
