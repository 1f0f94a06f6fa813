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
]
