from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from malpro.notifications.kinds import CATEGORIES, EMAIL, SMS, WHATSAPP

CHANNEL_CHOICES = [(WHATSAPP, "WhatsApp"), (SMS, "SMS"), (EMAIL, _("Email"))]


class PreferencesForm(forms.Form):
    """One set of channel checkboxes per category (the field is the category's key) and the
    language of messages."""

    language = forms.ChoiceField(
        label=_("Bahasa pesan"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pilih bahasa Indonesia atau Inggris.")},
        help_text=_("Bahasa WhatsApp, SMS, email dan notifikasi yang dikirim kepada Anda."),
    )

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories if categories is not None else CATEGORIES)
        for key, category in CATEGORIES.items():
            if key not in self.categories:
                continue
            self.fields[key] = forms.MultipleChoiceField(
                label=category.label,
                help_text=category.help,
                required=False,
                choices=CHANNEL_CHOICES,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _("Saluran tidak dikenal: pilih WhatsApp, SMS atau Email.")
                },
            )

    def category_fields(self):
        return [self[key] for key in self.categories]

    def choices(self) -> dict[str, set[str]]:
        return {key: set(self.cleaned_data.get(key) or ()) for key in self.categories}
