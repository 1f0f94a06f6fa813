import uuid
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters

from malpro.accounts import access, services, sessions
from malpro.accounts.forms import (
    CodeForm,
    ForgotForm,
    LoginForm,
    MalproPasswordChangeForm,
    ProfileForm,
    RecoveryForm,
    RegisterForm,
    ResetForm,
)
from malpro.core import validators
from malpro.core.exceptions import ApplicationError
from malpro.core.forms import apply_application_error
from malpro.core.views import redirect_next, safe_next
from malpro.privacy import records as privacy_records

_RESET_PHONE = "malpro_reset_phone"
_RESET_TICKET = "malpro_reset_ticket"


def _verify_url(next_url: str) -> str:
    url = reverse("accounts:verify_phone")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@sensitive_post_parameters("password", "password_again")
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(request)
        if user is not None:
            privacy_records.consent_record(user=user, request=request)
            login(request, user, backend="malpro.accounts.backends.PhoneRoleBackend")
            # The whole name: "Bu Warsini" is a title and a name, not a first name and more.
            messages.success(
                request,
                _("Selamat datang, %(name)s! Akun Anda sudah dibuat.")
                % {"name": user.get_full_name()},
            )
            # The number is proved right away, while the phone is in hand.
            return redirect(_verify_url(safe_next(request) or reverse("accounts:profile")))
    return render(request, "accounts/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        if not access.has_verified_phone(user=self.request.user):
            # Accounts from before phones were verified prove theirs at their next login.
            return _verify_url(url)
        return url


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # On a shared phone the next person must not open the last one's pages from the
        # browser's caches (the books' offline forms among them). Local storage (an offline
        # queue not yet sent) is left alone: it is sent when its owner logs in again.
        response["Clear-Site-Data"] = '"cache"'
        return response


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "email": user.email})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, **form.cleaned_data)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(request, _("Profil disimpan."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "nik_masked": validators.mask_nik(user.nik),
            "session_count": sessions.live(user=user).count(),
            "can_recover": access.can_recover_accounts(user=user),
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = MalproPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        try:
            services.user_set_password(
                user=self.request.user,
                password=form.cleaned_data["new_password1"],
                request=self.request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
            return self.form_invalid(form)
        # This browser stays logged in; the others and every API token ended.
        update_session_auth_hash(self.request, self.request.user)
        messages.success(
            self.request,
            _("Kata sandi diganti. Perangkat lain yang memakai akun ini sudah dikeluarkan."),
        )
        return redirect(self.success_url)


# --- phone verification --------------------------------------------------------------------------
@login_required
def verify_phone(request):
    user = request.user
    next_url = safe_next(request)
    if user.phone_verified_at is not None:
        if next_url:
            return redirect(next_url)
        messages.info(request, _("Nomor HP Anda sudah terverifikasi."))
        return redirect("accounts:profile")
    form = CodeForm(request.POST if request.POST.get("action") == "verify" else None)
    sent = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send":
                sent = services.user_verify_phone_send(user=user, request=request)
                messages.success(
                    request,
                    _("Kode dikirim lewat SMS ke %(phone)s.") % {"phone": sent.sent_to},
                )
            elif form.is_valid():
                services.user_verify_phone(
                    user=user, code=form.cleaned_data["code"], request=request
                )
                messages.success(request, _("Nomor HP Anda terverifikasi. Terima kasih."))
                return redirect_next(request, "accounts:profile")
        except ApplicationError as exc:
            if request.POST.get("action") == "send":
                messages.error(request, exc.message)
            else:
                apply_application_error(form, exc)
    return render(
        request,
        "accounts/verify_phone.html",
        {
            "form": form,
            "next": next_url,
            "phone": validators.mask_phone(user.phone),
            "sent": sent,
        },
    )


# --- forgotten password --------------------------------------------------------------------------
def password_forgot(request):
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.password_reset_send(phone=form.cleaned_data["phone"], request=request)
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            request.session[_RESET_PHONE] = validators.clean_phone(form.cleaned_data["phone"])
            request.session[_RESET_TICKET] = sent.ticket
            messages.info(
                request,
                _(
                    "Bila nomor %(phone)s terdaftar, kode sudah dikirim lewat SMS. "
                    "Masukkan kode itu dan kata sandi baru."
                )
                % {"phone": sent.sent_to},
            )
            return redirect("accounts:password_reset")
    return render(request, "accounts/password_forgot.html", {"form": form})


@sensitive_post_parameters("password", "password_again", "code")
def password_reset(request):
    phone = request.session.get(_RESET_PHONE, "")
    form = ResetForm(
        request.POST or None, initial={"phone": validators.format_phone(phone) if phone else ""}
    )
    if request.method == "POST" and request.POST.get("action") == "resend":
        form = ResetForm(initial={"phone": request.POST.get("phone") or phone})
        try:
            sent = services.password_reset_send(
                phone=request.POST.get("phone") or phone, request=request
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            request.session[_RESET_TICKET] = sent.ticket
            messages.info(
                request,
                _("Bila nomor %(phone)s terdaftar, kode baru sudah dikirim.")
                % {"phone": sent.sent_to},
            )
    elif request.method == "POST" and form.is_valid():
        try:
            services.password_reset(
                phone=form.cleaned_data["phone"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password"],
                ticket=request.session.get(_RESET_TICKET, ""),
                request=request,
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            request.session.pop(_RESET_PHONE, None)
            request.session.pop(_RESET_TICKET, None)
            if request.user.is_authenticated:
                logout(request)
            messages.success(
                request,
                _("Kata sandi baru tersimpan. Semua perangkat dikeluarkan; silakan masuk lagi."),
            )
            return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form})


# --- sessions ------------------------------------------------------------------------------------
@login_required
def session_list(request):
    user = request.user
    current = request.session.get(sessions.SESSION_FIELD)
    if request.method == "POST":
        what = request.POST.get("end", "")
        try:
            if what == "others":
                count = sessions.end_all(
                    user=user, reason="ended_by_user", keep=current, request=request
                )
                messages.success(
                    request,
                    ngettext(
                        "%(n)d perangkat lain dikeluarkan.",
                        "%(n)d perangkat lain dikeluarkan.",
                        count,
                    )
                    % {"n": count},
                )
            elif what == "all":
                sessions.end_all(user=user, reason="ended_by_user", request=request)
                logout(request)
                messages.success(request, _("Anda keluar dari semua perangkat."))
                return redirect("accounts:login")
            else:
                sessions.end_one(user=user, session_id=uuid.UUID(what), request=request)
                if what == current:
                    logout(request)
                    return redirect("accounts:login")
                messages.success(request, _("Perangkat itu dikeluarkan."))
        except (ApplicationError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Sesi tidak ditemukan.")))
        return redirect("accounts:sessions")
    rows = list(sessions.live(user=user))
    recent = timezone.now() - timedelta(minutes=1)
    for row in rows:
        row.just_now = row.last_used_at >= recent
    return render(request, "accounts/sessions.html", {"rows": rows, "current": current})


# --- recovery in person --------------------------------------------------------------------------
@sensitive_post_parameters("ktp_nik")
@login_required
def recovery(request):
    if not access.can_recover_accounts(user=request.user):
        raise PermissionDenied
    form = RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.recovery_in_person(
                actor=request.user, request=request, **form.cleaned_data
            )
        except ApplicationError as exc:
            apply_application_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Akun dipindah ke nomor %(phone)s dan semua perangkatnya dikeluarkan. Minta "
                    'pemiliknya membuka "Lupa kata sandi" dengan nomor baru itu sekarang, '
                    "di depan Anda, untuk membuat kata sandi sendiri."
                )
                % {"phone": validators.mask_phone(user.phone)},
            )
            return redirect("accounts:recovery")
    return render(request, "accounts/recovery.html", {"form": form})
