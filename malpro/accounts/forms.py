from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from malpro.accounts import access, services
from malpro.core.exceptions import ApplicationError
from malpro.core.forms import PHONE_WIDGET, apply_application_error


class RegisterForm(forms.Form):
    name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=32,
        widget=PHONE_WIDGET,
        help_text=_("Dipakai untuk masuk dan dihubungi penjual (WhatsApp)."),
    )
    email = forms.EmailField(label=_("Email (opsional)"), required=False)
    password = forms.CharField(
        label=_("Kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minimal 8 karakter, jangan hanya angka."),
    )
    password_again = forms.CharField(
        label=_("Ulangi kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # UU 27/2022: consent to the privacy notice shown above the form (privacy app records it).
    privacy_consent = forms.BooleanField(
        label=_("Saya sudah membaca dan menyetujui Pemberitahuan Privasi Malpro."),
        error_messages={"required": _("Setujui Pemberitahuan Privasi untuk mendaftar.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Kedua kata sandi tidak sama."))
        return data

    def save(self, request):
        try:
            return services.user_register(
                phone=self.cleaned_data["phone"],
                password=self.cleaned_data["password"],
                name=self.cleaned_data["name"],
                email=self.cleaned_data.get("email", ""),
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(self, exc)
            return None


class LoginForm(AuthenticationForm):
    """Phone + password, through the same rate-limited service as the API."""

    username = forms.CharField(label=_("Nomor HP"), max_length=32, widget=PHONE_WIDGET)
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm caps the field at the stored length (16, E.164); people type
        # spaces and dashes, so allow the typed form.
        self.fields["username"].max_length = 32
        self.fields["username"].widget.attrs["maxlength"] = "32"

    def clean(self):
        phone = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if phone and password:
            try:
                self.user_cache = services.login_attempt(
                    request=self.request, phone=phone, password=password
                )
            except ApplicationError as exc:
                fields = exc.extra.get("fields", {})
                if "phone" in fields:
                    raise ValidationError({"username": fields["phone"]}) from None
                raise ValidationError(exc.message, code="invalid_login") from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminLoginForm(LoginForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not access.can_open_back_office(user=user):
            raise ValidationError(
                _("Akun ini bukan admin kota, jadi tidak dapat membuka halaman admin."),
                code="invalid_login",
            )


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Nama lengkap"), max_length=120)
    email = forms.EmailField(label=_("Email (opsional)"), required=False)


class MalproPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the words the rest of Malpro uses ("kata sandi")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Kata sandi lama")
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode dari SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "maxlength": "12",
            }
        ),
        help_text=_("6 angka. Berlaku 5 menit."),
    )


class ForgotForm(forms.Form):
    phone = forms.CharField(label=_("Nomor HP akun Anda"), max_length=32, widget=PHONE_WIDGET)


class ResetForm(CodeForm):
    phone = forms.CharField(label=_("Nomor HP akun Anda"), max_length=32, widget=PHONE_WIDGET)
    password = forms.CharField(
        label=_("Kata sandi baru"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minimal 8 karakter, jangan hanya angka."),
    )
    password_again = forms.CharField(
        label=_("Ulangi kata sandi baru"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["phone", "code", "password", "password_again"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Kedua kata sandi tidak sama."))
        return data


class RecoveryForm(forms.Form):
    phone = forms.CharField(label=_("Nomor HP lama pada akun"), max_length=32, widget=PHONE_WIDGET)
    ktp_nik = forms.CharField(
        label=_("NIK pada KTP asli"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    new_phone = forms.CharField(
        label=_("Nomor HP baru pemilik akun"), max_length=32, widget=PHONE_WIDGET
    )
    ktp_seen = forms.BooleanField(
        label=_(
            "Saya sudah melihat KTP asli, fotonya cocok dengan orang yang datang, dan NIK di "
            "atas saya salin dari KTP itu."
        ),
        required=False,
    )
