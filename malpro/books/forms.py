"""Forms of the book's pages, and how shop owners type amounts.

`parse_amount` reads an amount as people in a warung write it: "15000", "15.000",
"Rp15.000", "Rp 15.000,-", "15rb", "15 ribu", "1,5 jt", "1.5jt", "5 juta". The other page
module (debts, stock) uses `AmountField` too.
"""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.books import services
from malpro.books.models import CATEGORIES_BY_DIRECTION, Direction, Method
from malpro.core.forms import DateInput
from malpro.core.limits import MAX_AMOUNT, MAX_STOCK
from malpro.core.money import format_rupiah, parse_amount_words

# How shop owners type amounts ("15rb", "1,5 jt", "5 juta"): core.money, shared with the
# seller's onboarding.
parse_amount = parse_amount_words


class AmountField(forms.CharField):
    """An amount typed as people write it (see parse_amount), 1 to `max_value` rupiah."""

    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "Rp0", "maxlength": 40}
    )

    def __init__(self, *args, max_value: int = MAX_AMOUNT, min_value: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_value, self.min_value = max_value, min_value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        amount = parse_amount(value, label=str(self.label))
        if amount < self.min_value:
            raise ValidationError(
                _("%(label)s harus lebih dari Rp0.") % {"label": self.label}, code="min_value"
            )
        if amount > self.max_value:
            raise ValidationError(
                _("%(label)s paling besar %(limit)s.")
                % {"label": self.label, "limit": format_rupiah(self.max_value)},
                code="max_value",
            )
        return amount


def mark_errors(form: forms.Form) -> None:
    """Fields with errors point at them (aria-describedby) for screen readers; call after
    validation, before rendering."""
    for name, errors in form.errors.items():
        if name in form.fields and errors:
            form.fields[name].widget.attrs["aria-describedby"] = f"{form[name].auto_id}_errors"
            form.fields[name].widget.attrs["aria-invalid"] = "true"


ITEM_ROWS = 3  # item lines the page offers (the API takes up to services.MAX_ITEMS)
JENIS = {"masuk": Direction.IN, "keluar": Direction.OUT}
JENIS_OF = {v: k for k, v in JENIS.items()}


class EntryForm(forms.Form):
    """One cash-book entry, for one thumb: the amount first, then big chips."""

    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.HiddenInput)
    amount = AmountField(label=gettext_lazy("Jumlah (Rp)"))
    category = forms.ChoiceField(
        label=gettext_lazy("Kategori"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Pilih kategori."), "invalid_choice": ""},
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Cara bayar"),
        choices=Method.choices,
        initial=Method.CASH,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Pilih cara bayar.")},
    )
    occurred_on = forms.DateField(
        label=gettext_lazy("Tanggal"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Tanggal wajib diisi."),
            "invalid": gettext_lazy("Tanggal tidak valid."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan (boleh kosong)"),
        required=False,
        max_length=services.MAX_NOTE,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    receipt = forms.FileField(
        label=gettext_lazy("Foto nota (boleh kosong)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    remove_receipt = forms.BooleanField(label=gettext_lazy("Hapus foto nota"), required=False)
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    revision = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, direction: str, stock=(), editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.direction_value = direction
        self.fields["direction"].initial = direction
        self.fields["category"].choices = [
            (c.value, c.label) for c in CATEGORIES_BY_DIRECTION[Direction(direction)]
        ]
        self.fields["category"].error_messages["invalid_choice"] = _("Pilih kategori %(kind)s.") % {
            "kind": Direction(direction).label.lower()
        }
        self.fields["occurred_on"].initial = services.today()
        if not editing:
            del self.fields["remove_receipt"]
            del self.fields["revision"]
            if not self.is_bound:
                self.fields["client_id"].initial = uuid.uuid4()
        self.stock = {item.pk: item for item in stock}
        # An entry whose goods the three rows cannot show (more lines, a name without a stock
        # item, an item archived since) keeps them as they are: shown, not changed here.
        self.fixed_lines = None
        if editing:
            lines = list(editing.items.all())
            if len(lines) > ITEM_ROWS or any(line.item_id not in self.stock for line in lines):
                self.fixed_lines = lines
                self.stock = {}
        self.item_rows = []
        if self.stock:
            choices = [("", _("— pilih barang —"))] + [
                (item.pk, f"{item.name} ({item.unit})") for item in self.stock.values()
            ]
            for n in range(ITEM_ROWS):
                self.fields[f"item_{n}"] = forms.TypedChoiceField(
                    label=_("Barang %(n)d") % {"n": n + 1},
                    choices=choices,
                    coerce=int,
                    required=False,
                )
                self.fields[f"qty_{n}"] = forms.IntegerField(
                    label=_("Jumlah"),
                    min_value=1,
                    max_value=MAX_STOCK,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
                    error_messages={
                        "min_value": _("Paling sedikit 1."),
                        "invalid": _("Tulis angka."),
                    },
                )
                self.item_rows.append((self[f"item_{n}"], self[f"qty_{n}"]))

    def clean_direction(self):
        value = self.cleaned_data["direction"]
        if value != self.direction_value:
            raise ValidationError(_("Pilih pemasukan atau pengeluaran."))
        return value

    def clean(self):
        data = super().clean()
        for n in range(ITEM_ROWS if self.stock else 0):
            item, qty = data.get(f"item_{n}"), data.get(f"qty_{n}")
            if item and not qty and f"qty_{n}" not in self.errors:
                data[f"qty_{n}"] = 1
        return data

    def lines(self, amount: int) -> list[services.Line]:
        """The chosen items. Their money: the whole amount for one item; for several, each
        at its price (selling price for income, buying price for spending), scaled down if
        the prices add up to more than the amount typed."""
        picked = []
        for n in range(ITEM_ROWS if self.stock else 0):
            item_id = self.cleaned_data.get(f"item_{n}")
            if item_id:
                picked.append((self.stock[item_id], self.cleaned_data.get(f"qty_{n}") or 1))
        if len(picked) == 1:
            item, qty = picked[0]
            return [services.Line(item_id=item.pk, quantity=qty, total=amount)]
        selling = self.direction_value == Direction.IN
        prices = [(item.sell_price if selling else item.buy_price) * qty for item, qty in picked]
        total = sum(prices)
        if total > amount:
            prices = [p * amount // total for p in prices]
        return [
            services.Line(item_id=item.pk, quantity=qty, total=price)
            for (item, qty), price in zip(picked, prices, strict=True)
        ]

    def to_input(self) -> services.EntryInput:
        data = self.cleaned_data
        return services.EntryInput(
            direction=data["direction"],
            category=data["category"],
            amount=data["amount"],
            occurred_on=data["occurred_on"],
            method=data["method"],
            note=data.get("note") or "",
            items=None if self.fixed_lines is not None else self.lines(data["amount"]),
            client_id=data.get("client_id"),
        )


def entry_initial(entry) -> dict:
    """An entry's values for its edit form."""
    initial = {
        "direction": entry.direction,
        "amount": f"{entry.amount:,}".replace(",", "."),
        "category": entry.category,
        "method": entry.method,
        "occurred_on": entry.occurred_on,
        "note": entry.note,
        "revision": entry.revision,
        "client_id": entry.client_id,
    }
    for n, line in enumerate(entry.items.all()[:ITEM_ROWS]):
        if line.item_id:
            initial[f"item_{n}"] = line.item_id
            initial[f"qty_{n}"] = line.quantity
    return initial
