"""Logins recorded without touching accounts: Django's user_logged_in / user_login_failed
(browser logins, and every failed password through authenticate(), API included) and the
creation of an API LoginSession (an API login: POST /api/v1/auth/login)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save

from malpro.accounts.models import LoginSession
from malpro.core import validators
from malpro.privacy import records
from malpro.privacy.models import AccessRecord


def _logged_in(sender, request, user, **kwargs):
    records.record(kind=records.Kind.LOGIN_SUCCESS, request=request, actor=user, subject_user=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    # credentials come cleaned by Django (the password replaced); the number is looked up so
    # the account's owner sees the failed tries on "Data saya", and is never stored itself.
    raw = credentials.get("phone") or credentials.get("username") or ""
    try:
        phone = validators.clean_phone(raw)
    except Exception:
        phone = ""
    subject = get_user_model().objects.filter(phone=phone).first() if phone else None
    records.record(
        kind=records.Kind.LOGIN_FAILURE,
        request=request,
        actor=None,
        subject_user=subject,
        reason="" if subject else "nomor tidak terdaftar",
    )


def _api_session_started(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.kind != LoginSession.Kind.API:
        return
    AccessRecord.objects.create(
        kind=records.Kind.LOGIN_SUCCESS,
        actor_id=instance.user_id,
        subject_user_id=instance.user_id,
        where="/api/v1/auth/login",
        client=records.mask_address(instance.ip),
        reason=instance.device[:200],
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="malpro.privacy.login_success")
    user_login_failed.connect(_login_failed, dispatch_uid="malpro.privacy.login_failure")
    post_save.connect(
        _api_session_started, sender=LoginSession, dispatch_uid="malpro.privacy.api_login"
    )
