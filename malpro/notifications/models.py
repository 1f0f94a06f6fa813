from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """A message to one person. Delivered in the app today; the outbox for WhatsApp, SMS and
    email (a later issue) sends the same rows through other channels."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, db_index=True)
    title = models.CharField(max_length=150)
    body = models.TextField(max_length=2000, blank=True)
    link = models.CharField(max_length=300, blank=True)
    # One message per purpose: a reminder job run twice sends once.
    dedupe_key = models.CharField(max_length=150, null=True, blank=True, unique=True)
    channel = models.CharField(max_length=20, default="in_app")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
