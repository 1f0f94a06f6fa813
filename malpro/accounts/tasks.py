from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from malpro.accounts.models import ApiToken


@shared_task(name="accounts.api_tokens_purge")
def api_tokens_purge(keep_days: int = 30) -> int:
    """Deletes API tokens that expired or were revoked more than `keep_days` ago."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    expired = ApiToken.objects.filter(expires_at__lt=cutoff)
    revoked = ApiToken.objects.filter(revoked_at__lt=cutoff)
    deleted, _ = (expired | revoked).delete()
    return deleted
