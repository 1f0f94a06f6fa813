from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from malpro.accounts import access


def verified_phone_required(view):
    """Pages that rely on the person's phone (claims, payouts, starting to sell): someone who
    has not proved theirs is sent to prove it first, and brought back afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.has_verified_phone(user=request.user):
            messages.info(request, _("Verifikasi nomor HP Anda dulu untuk melanjutkan."))
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:verify_phone')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
