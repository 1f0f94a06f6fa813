"""Messages to people. Every message is a row: an in-app `Notification` (the bell), and one
`Message` per outside channel (WhatsApp, SMS, email) in the outbox that a worker sends, with
each try recorded as a `MessageAttempt`. `Preference` holds a person's choice of channels per
kind of message; without a row the defaults of notifications.kinds apply."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """The in-app channel: a message in the person's bell, always written, at any hour."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, db_index=True)  # the template's key
    title = models.CharField(max_length=150)
    body = models.TextField(max_length=2000, blank=True)
    link = models.CharField(max_length=300, blank=True)
    event = models.ForeignKey(
        "core.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One message per (event, recipient, template): a consumer run twice writes once.
    dedupe_key = models.CharField(max_length=150, null=True, blank=True, unique=True)
    channel = models.CharField(max_length=20, default="in_app")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]


class Message(models.Model):
    """One message on one outside channel, in the outbox until a worker has sent it.

    The text is not stored: it is rendered from the template and `context` when sent, in the
    recipient's language, so no phone number or code sits in the table. A one-time code's
    row has no context at all (the code went out at once and exists nowhere in clear)."""

    class State(models.TextChoices):
        PENDING = "pending", _("menunggu")
        SENDING = "sending", _("sedang dikirim")
        SENT = "sent", _("terkirim")
        DELIVERED = "delivered", _("sampai")
        READ = "read", _("dibaca")
        FAILED = "failed", _("gagal")
        SKIPPED = "skipped", _("tidak dikirim")

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        SMS = "sms", "SMS"
        EMAIL = "email", _("Email")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    template = models.CharField(max_length=60, db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    event = models.ForeignKey(
        "core.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # (event, recipient, template, channel): a consumer that runs twice queues nothing twice.
    dedupe_key = models.CharField(max_length=190, unique=True)
    # The opaque id given to the provider and echoed in its status callbacks.
    uid = models.CharField(max_length=32, unique=True)
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=5, default="id")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # While SENDING: a worker holds it until then; past it, the sweep takes it back.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)  # the claiming batch's token
    # Past this the message is pointless (a payment's deadline): not sent any more.
    expires_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(max_length=128, blank=True, db_index=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="message_due",
            ),
            models.Index(
                fields=["claimed_until"],
                condition=models.Q(state="sending"),
                name="message_claimed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} via {self.channel} ({self.state})"


class MessageAttempt(models.Model):
    """One try at sending a message, as the provider answered it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("percobaan kirim pesan")
        verbose_name_plural = _("percobaan kirim pesan")
        ordering = ["at", "id"]


class Preference(models.Model):
    """A person's channels for one category of messages (in-app is always on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_preferences"
    )
    category = models.CharField(max_length=20)
    whatsapp = models.BooleanField(default=False)
    sms = models.BooleanField(default=False)
    email = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("pengaturan pemberitahuan")
        verbose_name_plural = _("pengaturan pemberitahuan")
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="preference_once")]
