from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from malpro.asn import selectors
from malpro.asn.models import IntegrityFlag
from malpro.core.exceptions import ApplicationError
from malpro.core.forms import DateInput, RupiahField
from malpro.core.limits import MAX_OFFLINE_PURCHASE
from malpro.core.validators import validate_line, validate_multiline_text
from malpro.orders.models import PaymentMethod
from malpro.payments import qris
from malpro.regions.forms import village_choices


class ClaimForm(forms.Form):
    # No birth date: a NIP begins with it, so typing it proves nothing.
    nip = forms.CharField(
        label=_("NIP"),
        max_length=24,
        help_text=_("18 digit, boleh dengan spasi."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ShopFinderForm(forms.Form):
    """Finds the shop of an in-store purchase by its name or its kelurahan (server-side)."""

    q = forms.CharField(
        label=_("Nama toko atau kelurahan"),
        max_length=60,
        validators=[validate_line],
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}
        ),
        help_text=_("Mis. Sanan, Keripik Bu Siti, Purwantoro."),
    )

    def clean_q(self):
        text = " ".join(self.cleaned_data["q"].split())
        if len(text) < 2:
            raise forms.ValidationError(_("Ketik paling sedikit 2 huruf."))
        return text


class ShopQRISForm(forms.Form):
    """A photo of the shop's QRIS at the till: read on the server, matched to the shop whose
    static QRIS has that NMID (or that exact text). The photo is not kept."""

    photo = forms.FileField(
        label=_("Foto QRIS di kasir toko"),
        help_text=_(
            "Foto stiker QRIS-nya dari dekat. Di HP, ambil foto langsung atau pilih dari galeri."
        ),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        error_messages={"required": _("Pilih atau ambil foto QRIS toko dulu.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.shops = []

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        try:
            found = qris.from_photo(photo)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code=exc.extra.get("code")) from None
        self.shops = selectors.offline_shops_by_qris(
            payload=found.payload, nmid=found.parsed.nmid or ""
        )
        if not self.shops:
            raise forms.ValidationError(
                _(
                    "QRIS ini (%(name)s) belum terdaftar di toko Malpro mana pun. Cari tokonya "
                    "dengan nama atau kelurahan di atas."
                )
                % {"name": found.parsed.merchant_name},
                code="unknown_shop",
            )
        return photo


class OfflinePurchaseForm(forms.Form):
    # Chosen on the finder page (by name, kelurahan or QRIS); the service checks it.
    business_id = forms.IntegerField(widget=forms.HiddenInput)
    amount = RupiahField(label=_("Jumlah belanja (Rp)"), max_value=MAX_OFFLINE_PURCHASE)
    purchased_on = forms.DateField(label=_("Tanggal belanja"), widget=DateInput())
    description = forms.CharField(
        label=_("Yang dibeli"), required=False, max_length=200, validators=[validate_line]
    )
    receipt = forms.ImageField(
        label=_("Foto nota"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("yes", _("Setujui")), ("no", _("Tolak"))])
    reason = forms.CharField(required=False, max_length=300, validators=[validate_multiline_text])


class BundleForm(forms.Form):
    village_code = forms.ChoiceField(label=_("Kelurahan pengiriman"), choices=())
    street = forms.CharField(
        label=_("Alamat (jalan, nomor, RT/RW)"), max_length=255, validators=[validate_line]
    )
    payment_method = forms.ChoiceField(label=_("Cara bayar"), widget=forms.RadioSelect, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].choices = village_choices()
        self.fields["payment_method"].choices = [
            (m, PaymentMethod(m).label) for m in settings.MALPRO_PAYMENT_METHODS
        ]
        self.fields["payment_method"].initial = "cod"


class FlagReviewForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            (IntegrityFlag.State.CLEARED, _("Wajar")),
            (IntegrityFlag.State.CONFIRMED, _("Terbukti")),
        ]
    )
    note = forms.CharField(max_length=500, validators=[validate_multiline_text])


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas CSV atau XLSX dari BKPSDM"))
    full = forms.BooleanField(
        label=_("Daftar lengkap: ASN yang tidak ada di berkas ditandai tidak aktif"), required=False
    )
    dry_run = forms.BooleanField(label=_("Periksa saja, jangan simpan"), required=False)
