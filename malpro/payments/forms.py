from django import forms
from django.utils.translation import gettext_lazy as _

from malpro.core.exceptions import ApplicationError
from malpro.core.validators import validate_line
from malpro.payments import qris


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
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Teks di balik stiker QRIS (dimulai 000201…)."),
        max_length=1000,
    )


class StaticQRISPhotoForm(forms.Form):
    """A photo of the shop's QRIS sticker, read on the server (payments.qris); the photo itself
    is not kept: only the text read from it, once its owner confirms it."""

    photo = forms.FileField(
        label=_("Foto stiker QRIS toko"),
        help_text=_(
            "Foto seluruh stiker dari dekat, di tempat terang. "
            "Di HP, ambil foto langsung atau pilih dari galeri."
        ),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        error_messages={"required": _("Pilih atau ambil foto stiker QRIS dulu.")},
    )

    def __init__(self, *args, shop_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.shop_name = shop_name
        self.sticker = None

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        try:
            self.sticker = qris.sticker_from_photo(photo, shop_name=self.shop_name)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code=exc.extra.get("code")) from None
        return photo


class ReconcileForm(forms.Form):
    provider = forms.ChoiceField(
        label=_("Penyedia"),
        choices=[("simulator", "Simulator"), ("midtrans", "Midtrans"), ("snapbi", "SNAP BI")],
    )
    file = forms.FileField(label=_("Laporan dana masuk dari penyedia (CSV/XLSX)"))
