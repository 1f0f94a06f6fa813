from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "malpro.accounts"
    label = "accounts"
    verbose_name = _("Akun dan peran")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from malpro.accounts import sessions

        def _logged_in(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                sessions.web_started(request, user)

        def _logged_out(sender, request, user, **kwargs):
            if request is not None:
                sessions.web_ended(request)

        user_logged_in.connect(_logged_in, dispatch_uid="malpro.accounts.session_started")
        user_logged_out.connect(_logged_out, dispatch_uid="malpro.accounts.session_ended")
