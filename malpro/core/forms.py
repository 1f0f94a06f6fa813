"""Form pieces several apps share: typed rupiah, dates, phone numbers, and how a service's
error lands on a form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from malpro.core.exceptions import ApplicationError
from malpro.core.limits import MAX_AMOUNT
from malpro.core.money import format_rupiah, parse_amount_words, parse_rupiah

PHONE_WIDGET = forms.TextInput(
    attrs={
        "type": "tel",
        "inputmode": "tel",
        "autocomplete": "tel",
        "placeholder": "0812-3456-7890",
    }
)


class RupiahField(forms.CharField):
    """Whole rupiah typed as people write it (15000, 15.000, Rp 15.000), at most `max_value`
    (core.limits)."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "Rp"})

    def __init__(self, *args, max_value: int = MAX_AMOUNT, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_value = max_value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        # A long string of digits would first cost int() its time (and past 4300 digits raise).
        number = parse_rupiah(value, label=str(self.label)) if len(value) <= 40 else None
        if number is None or number > self.max_value:
            raise ValidationError(
                _("%(label)s paling besar %(limit)s.")
                % {"label": self.label, "limit": format_rupiah(self.max_value)},
                code="max_value",
            )
        return number


class RupiahWordsField(RupiahField):
    """A RupiahField that also reads amounts in words ("5 juta", "15rb", "Rp 1,5 jt"; see
    core.money.parse_amount_words). Its keyboard is the full one: a numeric keypad has no
    letters for "juta"."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("mis. 5 juta")})

    def to_python(self, value):
        value = forms.CharField.to_python(self, value)
        if value in self.empty_values:
            return None
        number = parse_amount_words(value, label=str(self.label))
        if number > self.max_value:
            raise ValidationError(
                _("%(label)s paling besar %(limit)s.")
                % {"label": self.label, "limit": format_rupiah(self.max_value)},
                code="max_value",
            )
        return number


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def apply_application_error(form: forms.Form, exc: ApplicationError) -> None:
    """Shows a service's error on the form: field errors on their fields, the rest on top."""
    fields = exc.extra.get("fields", {})
    shown = False
    for field, message in fields.items():
        if field in form.fields:
            form.add_error(field, message)
            shown = True
    if not shown:
        form.add_error(None, exc.message)
