"""The UMKM register's message templates (notifications.kinds): a business's owner told of
its verification, officers told of a business to verify."""

from django.utils.translation import gettext_lazy as _

from malpro.notifications.kinds import Kind

BUSINESS_PAGE = "/umkm/%(business_id)s/"
# The owner's status page: what happens next, and the one tap that opens the shop.
STATUS_PAGE = "/umkm/%(business_id)s/pengajuan/"

KINDS = [
    Kind(
        "business.verified_for_owner",
        "shop",
        _("%(shop)s terverifikasi"),
        _(
            "Usaha %(shop)s sudah diverifikasi. Langkah terakhir: buka toko dengan satu ketukan, "
            "lalu produk Anda tampil di marketplace."
        ),
        link=STATUS_PAGE,
    ),
    Kind(
        "business.rejected_for_owner",
        "shop",
        _("Pengajuan %(shop)s ditolak"),
        _("Pengajuan usaha %(shop)s ditolak. Alasan: %(reason)s. Perbaiki lalu ajukan lagi."),
        link=STATUS_PAGE,
    ),
    Kind(
        "business.suspended_for_owner",
        "shop",
        _("%(shop)s dibekukan"),
        _(
            "Usaha %(shop)s dibekukan dan tidak tampil di marketplace. Alasan: %(reason)s. "
            "Hubungi OPD pembina."
        ),
        link=BUSINESS_PAGE,
    ),
    Kind(
        "business.submitted_for_officer",
        "work",
        _("Usaha baru untuk diverifikasi: %(shop)s"),
        _("Usaha %(shop)s (Kelurahan %(village)s) diajukan untuk diverifikasi. Periksa datanya."),
        link=BUSINESS_PAGE,
    ),
]
