from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from malpro.core import validators
from malpro.core.forms import PHONE_WIDGET, RupiahField
from malpro.core.validators import validate_line, validate_multiline_text
from malpro.orders.models import DeliveryMethod, PaymentMethod
from malpro.orders.services import Address, CheckoutInput, SavedAddressInput
from malpro.regions.forms import village_choices

NEW_ADDRESS = "baru"
ADDRESS_FIELDS = ("village_code", "street", "contact_name", "contact_phone")


class CheckoutForm(forms.Form):
    # Which saved address (its id) or NEW_ADDRESS (the fields below).
    address_choice = forms.ChoiceField(
        label=_("Kirim ke"), required=False, widget=forms.RadioSelect, choices=()
    )
    village_code = forms.ChoiceField(label=_("Kelurahan"), choices=(), required=False)
    street = forms.CharField(
        label=_("Alamat (jalan, nomor, RT/RW, patokan)"),
        max_length=255,
        required=False,
        validators=[validate_line],
    )
    contact_name = forms.CharField(
        label=_("Nama penerima"), max_length=120, required=False, validators=[validate_line]
    )
    contact_phone = forms.CharField(
        label=_("Nomor HP penerima"), max_length=32, required=False, widget=PHONE_WIDGET
    )
    save_address = forms.BooleanField(label=_("Simpan alamat ini"), required=False)
    save_label = forms.CharField(
        label=_("Nama alamat (mis. Rumah, Kantor)"),
        max_length=40,
        required=False,
        validators=[validate_line],
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

    def __init__(self, *args, groups=(), addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].choices = village_choices()
        self.fields["payment_method"].choices = [
            (m, PaymentMethod(m).label) for m in settings.MALPRO_PAYMENT_METHODS
        ]
        self.addresses = list(addresses)
        self.saved = {str(a.pk): a for a in self.addresses}
        self.fields["address_choice"].choices = [
            *((str(a.pk), a.label) for a in self.addresses),
            (NEW_ADDRESS, _("Alamat lain")),
        ]
        default = next((a for a in self.addresses if a.is_default), None) or next(
            iter(self.addresses), None
        )
        self.fields["address_choice"].initial = str(default.pk) if default else NEW_ADDRESS
        self.groups = groups
        # The address block is shown only when at least one seller of the cart delivers.
        self.asks_address = any(group.delivery.delivery for group in groups)
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
        phone = self.cleaned_data["contact_phone"]
        return validators.clean_phone(phone) if (phone or "").strip() else ""

    def chosen_address(self):
        """The saved address picked (None: the typed one)."""
        choice = self.data.get("address_choice") if self.is_bound else None
        if choice is None:
            choice = self.fields["address_choice"].initial
        return self.saved.get(str(choice))

    def methods(self) -> dict[int, str]:
        """The delivery chosen per seller: posted, or the initial one."""
        chosen = {}
        for group in self.groups:
            name = f"delivery_{group.business.pk}"
            value = self.data.get(name) if self.is_bound else None
            chosen[group.business.pk] = value or self.fields[name].initial
        return chosen

    def district_code(self) -> str:
        """The kecamatan the goods would go to, as far as the form knows."""
        saved = self.chosen_address()
        if saved is not None:
            return saved.village.district_id
        code = (self.data.get("village_code") if self.is_bound else "") or ""
        return code[:8] if code.count(".") >= 2 else ""

    def clean(self):
        data = super().clean()
        saved = self.saved.get(data.get("address_choice") or "")
        if saved is not None:
            # The typed fields are hidden then: what they hold does not matter.
            for name in (*ADDRESS_FIELDS, "save_address", "save_label"):
                self.errors.pop(name, None)
            data.update(
                village_code=saved.village_id,
                street=saved.street,
                contact_name=saved.recipient,
                contact_phone=saved.phone,
                save_address=False,
            )
            return data
        if self.delivering():
            for name in ADDRESS_FIELDS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Wajib diisi untuk pesanan yang diantar."))
        if data.get("save_address") and not (data.get("save_label") or "").strip():
            data["save_label"] = _("Rumah")
        return data

    def delivery_fields(self):
        return [self[f"delivery_{g.business.pk}"] for g in self.groups]

    def delivering(self) -> bool:
        data = self.cleaned_data
        sellers = [g.business.pk for g in self.groups] + self.posted_sellers
        return any(data.get(f"delivery_{pk}") == DeliveryMethod.DELIVERY for pk in sellers)

    def to_input(self) -> CheckoutInput:
        data = self.cleaned_data
        # Picked up at every shop: no address travels (only who collects it).
        where = self.delivering()
        return CheckoutInput(
            address=Address(
                village_code=(data.get("village_code") or "") if where else "",
                street=(data.get("street") or "") if where else "",
                contact_phone=data.get("contact_phone") or "",
                contact_name=data.get("contact_name") or "",
                note=data["note"],
            ),
            deliveries={
                business_id: data[f"delivery_{business_id}"]
                for business_id in [g.business.pk for g in self.groups] + self.posted_sellers
                if data.get(f"delivery_{business_id}")
            },
            payment_method=data["payment_method"] or "cod",
            save_address_as=(data.get("save_label") or "")
            if where and data.get("save_address")
            else "",
        )


class SavedAddressForm(forms.Form):
    label = forms.CharField(
        label=_("Nama alamat (mis. Rumah, Kantor)"), max_length=40, validators=[validate_line]
    )
    recipient = forms.CharField(
        label=_("Nama penerima"), max_length=120, validators=[validate_line]
    )
    phone = forms.CharField(label=_("Nomor HP penerima"), max_length=32, widget=PHONE_WIDGET)
    village_code = forms.ChoiceField(label=_("Kelurahan"), choices=())
    street = forms.CharField(
        label=_("Alamat (jalan, nomor, RT/RW, patokan)"),
        max_length=255,
        validators=[validate_line],
    )
    is_default = forms.BooleanField(label=_("Jadikan alamat utama"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village_code"].choices = village_choices()

    def clean_phone(self):
        return validators.clean_phone(self.cleaned_data["phone"])

    def to_input(self) -> SavedAddressInput:
        return SavedAddressInput(**self.cleaned_data)

    @classmethod
    def initial_of(cls, address) -> dict:
        return {
            "label": address.label,
            "recipient": address.recipient,
            "phone": validators.format_phone(address.phone),
            "village_code": address.village_id,
            "street": address.street,
            "is_default": address.is_default,
        }


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
