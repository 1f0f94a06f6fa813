from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from malpro.asn.models import IntegrityFlag
from malpro.core.forms import DateInput, RupiahField
from malpro.core.limits import MAX_OFFLINE_PURCHASE
from malpro.core.validators import validate_line, validate_multiline_text
from malpro.orders.models import PaymentMethod
from malpro.regions.forms import village_choices


class ClaimForm(forms.Form):
    # No birth date: a NIP begins with it, so typing it proves nothing.
    nip = forms.CharField(
        label=_("NIP"),
        max_length=24,
        help_text=_("18 digit, boleh dengan spasi."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class OfflinePurchaseForm(forms.Form):
    business_id = forms.IntegerField(label=_("UMKM"), widget=forms.Select)
    amount = RupiahField(label=_("Jumlah belanja (Rp)"), max_value=MAX_OFFLINE_PURCHASE)
    purchased_on = forms.DateField(label=_("Tanggal belanja"), widget=DateInput())
    description = forms.CharField(
        label=_("Yang dibeli"), required=False, max_length=200, validators=[validate_line]
    )
    receipt = forms.ImageField(label=_("Foto nota"))

    def __init__(self, *args, businesses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_id"].widget.choices = [("", _("— pilih UMKM —"))] + [
            (b.pk, f"{b.name} · {b.village.district.name}") for b in businesses
        ]


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
