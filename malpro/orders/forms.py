from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from malpro.core import validators
from malpro.core.forms import PHONE_WIDGET, RupiahField
from malpro.core.validators import validate_line, validate_multiline_text
from malpro.orders.models import DeliveryMethod, PaymentMethod
from malpro.orders.services import Address, CheckoutInput
from malpro.regions.forms import village_choices


class CheckoutForm(forms.Form):
    village_code = forms.ChoiceField(label=_("Kelurahan"), choices=())
    street = forms.CharField(
        label=_("Alamat (jalan, nomor, RT/RW, patokan)"),
        max_length=255,
        validators=[validate_line],
    )
    contact_name = forms.CharField(
        label=_("Nama penerima"), max_length=120, validators=[validate_line]
    )
    contact_phone = forms.CharField(
        label=_("Nomor HP penerima"), max_length=32, widget=PHONE_WIDGET
    )
    note = forms.CharField(
        label=_("Catatan untuk penjual (opsional)"),
        required=False,
        max_length=300,
        validators=[validate_multiline_text],
    )
    payment_method = forms.ChoiceField(
        label=_("Cara bayar"), widget=forms.RadioSelect, initial="cod", choices=()
    )
    # A one-time token: a double click or a resubmission returns the same checkout.
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].choices = village_choices()
        self.fields["payment_method"].choices = [
            (m, PaymentMethod(m).label) for m in settings.MALPRO_PAYMENT_METHODS
        ]
        self.groups = groups
        for group in groups:
            choices = []
            if group.delivery.pickup:
                choices.append((DeliveryMethod.PICKUP, DeliveryMethod.PICKUP.label))
            if group.delivery.delivery:
                choices.append((DeliveryMethod.DELIVERY, DeliveryMethod.DELIVERY.label))
            self.fields[f"delivery_{group.business.pk}"] = forms.ChoiceField(
                label=group.business.name,
                choices=choices,
                widget=forms.RadioSelect,
                initial=choices[0][0] if choices else None,
            )
        # A resubmitted form (a double click) may name sellers whose items already left the
        # cart with the first submission: their choices are read too, so the second request
        # is the same request as the first and the service returns the first checkout.
        self.posted_sellers = []
        for name in self.data if self.is_bound else ():
            business_id = name.removeprefix("delivery_")
            if name.startswith("delivery_") and business_id.isdigit() and name not in self.fields:
                self.posted_sellers.append(int(business_id))
                self.fields[name] = forms.ChoiceField(
                    choices=DeliveryMethod.choices, required=False, widget=forms.HiddenInput
                )

    def clean_contact_phone(self):
        return validators.clean_phone(self.cleaned_data["contact_phone"])

    def delivery_fields(self):
        return [self[f"delivery_{g.business.pk}"] for g in self.groups]

    def to_input(self) -> CheckoutInput:
        data = self.cleaned_data
        return CheckoutInput(
            address=Address(
                village_code=data["village_code"],
                street=data["street"],
                contact_phone=data["contact_phone"],
                contact_name=data["contact_name"],
                note=data["note"],
            ),
            deliveries={
                business_id: data[f"delivery_{business_id}"]
                for business_id in [g.business.pk for g in self.groups] + self.posted_sellers
                if data.get(f"delivery_{business_id}")
            },
            payment_method=data["payment_method"] or "cod",
        )


class ReviewForm(forms.Form):
    product_id = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=_("Nilai"), coerce=int, choices=[(n, "★" * n) for n in range(5, 0, -1)]
    )
    text = forms.CharField(
        label=_("Ulasan (opsional)"),
        required=False,
        max_length=2000,
        validators=[validate_multiline_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliverySettingsForm(forms.Form):
    pickup = forms.BooleanField(label=_("Pembeli boleh ambil di toko"), required=False)
    pickup_note = forms.CharField(
        label=_("Keterangan pengambilan (jam buka, patokan)"),
        required=False,
        max_length=200,
        validators=[validate_multiline_text],
    )
    delivery = forms.BooleanField(label=_("Saya mengantar pesanan"), required=False)
    min_order = RupiahField(label=_("Minimal belanja untuk diantar (Rp)"), required=False)

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.districts = districts
        for district in districts:
            self.fields[f"fee_{district.code.replace('.', '_')}"] = RupiahField(
                label=_("Ongkir ke Kec. %(name)s (Rp; kosong = tidak diantar)")
                % {"name": district.name},
                required=False,
            )

    def to_kwargs(self) -> dict:
        data = self.cleaned_data
        fees = {}
        for district in self.districts:
            fee = data.get(f"fee_{district.code.replace('.', '_')}")
            if fee is not None:
                fees[district.code] = fee
        return {
            "pickup": data["pickup"],
            "delivery": data["delivery"],
            "min_order": data["min_order"] or 0,
            "fees": fees,
            "pickup_note": data["pickup_note"],
        }
