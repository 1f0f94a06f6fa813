from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from malpro.accounts import services
from malpro.accounts.forms import (
    LoginForm,
    MalproPasswordChangeForm,
    ProfileForm,
    RegisterForm,
)
from malpro.core.exceptions import ApplicationError
from malpro.core.forms import apply_application_error


@sensitive_post_parameters("password", "password_again")
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save(request)
        if user is not None:
            login(request, user, backend="malpro.accounts.backends.PhoneRoleBackend")
            messages.success(
                request,
                _("Selamat datang, %(name)s! Akun Anda sudah dibuat.")
                % {"name": user.get_short_name()},
            )
            return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
    return render(request, "accounts/profile.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = MalproPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Kata sandi diganti."))
        return response
