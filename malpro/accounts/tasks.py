from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from malpro.accounts.models import ApiToken, LoginSession, OneTimeCode
from malpro.core import throttle


@shared_task(name="accounts.api_tokens_purge")
def api_tokens_purge(keep_days: int = 30) -> int:
    """Deletes API tokens that expired or were revoked more than `keep_days` ago, login sessions
    ended or expired as long ago, and one-time codes older than a day (their use is in the audit
    log)."""
    now = timezone.now()
    cutoff = now - timedelta(days=keep_days)
    expired = ApiToken.objects.filter(expires_at__lt=cutoff)
    revoked = ApiToken.objects.filter(revoked_at__lt=cutoff)
    deleted, _ = (expired | revoked).delete()
    sessions, _ = LoginSession.objects.filter(expires_at__lt=cutoff).delete()
    ended, _ = LoginSession.objects.filter(ended_at__lt=cutoff).delete()
    codes, _ = OneTimeCode.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    # Rate-limit counters past their window (the table used without Redis).
    throttle.purge()
    return deleted + sessions + ended + codes
