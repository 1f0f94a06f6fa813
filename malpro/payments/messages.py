"""The payments' message templates (notifications.kinds)."""

from django.utils.translation import gettext_lazy as _

from malpro.notifications.kinds import Kind

KINDS = [
    Kind(
        "payout_account.changed",
        "security",
        _("Rekening pencairan usaha Anda diubah"),
        _(
            "Rekening pencairan %(shop)s diubah pada %(when)s (bank %(bank)s). Jika bukan Anda "
            "yang mengubahnya, segera ganti kata sandi dan hubungi admin kota sebelum "
            "pencairan berikutnya."
        ),
        link="%(path)s",
    ),
    Kind(
        "static_qris.changed",
        "security",
        _("QRIS statis usaha Anda diubah"),
        _(
            "QRIS statis %(shop)s diubah pada %(when)s (merchant %(merchant)s). Jika bukan Anda "
            "yang mengubahnya, segera ganti kata sandi dan hubungi admin kota."
        ),
        link="%(path)s",
    ),
    Kind(
        "payment.due",
        "payments",
        _("Bayar %(amount)s sebelum %(deadline)s"),
        _(
            "Pesanan %(numbers)s menunggu pembayaran %(amount)s (%(method)s). Bayar sebelum "
            "%(deadline)s; lewat dari itu pesanan dibatalkan."
        ),
        link="%(path)s",
    ),
    Kind(
        "payment.expiring",
        "payments",
        _("Pembayaran %(amount)s segera kedaluwarsa"),
        _(
            "Pembayaran %(amount)s untuk pesanan %(numbers)s berakhir pada %(deadline)s WIB. "
            "Bayar sekarang agar pesanan tidak dibatalkan."
        ),
        link="%(path)s",
    ),
    Kind(
        "refund.due",
        "payments",
        _("Dana %(amount)s akan dikembalikan"),
        _(
            "Pesanan %(number)s di %(shop)s tidak jadi (%(reason)s) padahal sudah dibayar. "
            "%(amount)s akan dikembalikan kepada Anda."
        ),
        link="/pesanan/%(order_id)s/",
    ),
    Kind(
        "payout.sent",
        "payments",
        _("Dana %(amount)s sudah ditransfer"),
        _("Pencairan %(amount)s untuk %(shop)s sudah ditransfer ke rekening %(bank)s Anda."),
        link="%(path)s",
    ),
]
