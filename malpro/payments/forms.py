from django import forms
from django.utils.translation import gettext_lazy as _

from malpro.core.validators import validate_line


class BankAccountForm(forms.Form):
    bank_code = forms.CharField(
        label=_("Bank"), max_length=20, help_text=_("Mis. BJTM (Bank Jatim), BNI, BRI, MANDIRI")
    )
    account_number = forms.RegexField(
        label=_("Nomor rekening"),
        regex=r"^\d{6,20}$",
        max_length=20,
        error_messages={"invalid": _("Nomor rekening 6–20 angka.")},
    )
    account_name = forms.CharField(
        label=_("Nama pemilik rekening"), max_length=100, validators=[validate_line]
    )


class StaticQRISForm(forms.Form):
    """Checked (structure and CRC) by payments.services.static_qris_set."""

    payload = forms.CharField(
        label=_("Isi QRIS statis toko Anda"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Teks di balik stiker QRIS (dimulai 000201…)."),
        max_length=1000,
    )


class ReconcileForm(forms.Form):
    provider = forms.ChoiceField(
        label=_("Penyedia"),
        choices=[("simulator", "Simulator"), ("midtrans", "Midtrans"), ("snapbi", "SNAP BI")],
    )
    file = forms.FileField(label=_("Laporan settlement (CSV/XLSX)"))
