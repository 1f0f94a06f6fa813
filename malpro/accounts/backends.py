from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from malpro.accounts import access
from malpro.core import validators


class PhoneRoleBackend(ModelBackend):
    """Logs in by mobile number in any spelling; city administrators hold every permission
    (they run the back office), everyone else only what is granted to them."""

    def authenticate(self, request, username=None, password=None, phone=None, **kwargs):
        raw = phone if phone is not None else username
        if raw is None or password is None:
            return None
        try:
            normalised = validators.clean_phone(raw)
        except Exception:
            # Hash once anyway, so the response time does not tell a malformed number apart.
            get_user_model()().set_password(password)
            return None
        return super().authenticate(request, username=normalised, password=password)

    def has_perm(self, user_obj, perm, obj=None):
        if access.can_hold_all_permissions(user=user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if access.can_hold_all_permissions(user=user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)
