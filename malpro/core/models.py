import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """An append-only record of something an official may later ask about: who did what, to
    which object, when, from where. Written by services through core.audit.record()."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("waktu"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    action = models.CharField(max_length=64, db_index=True, verbose_name=_("tindakan"))
    target_type = models.CharField(max_length=64, blank=True, verbose_name=_("jenis sasaran"))
    target_id = models.CharField(max_length=64, blank=True, verbose_name=_("ID sasaran"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    ip = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("alamat IP"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("catatan audit")
        verbose_name_plural = _("catatan audit")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"


class Event(models.Model):
    """Something that happened to a stateful object (an order accepted, a payment captured, a
    business verified): written in the transaction of the change, never changed afterwards.
    Other apps react to it after the commit through their consumers (core.events)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("UID"))
    kind = models.CharField(
        max_length=64, db_index=True, verbose_name=_("jenis peristiwa")
    )  # "<machine>.<what>": order.completed
    subject_type = models.CharField(
        max_length=64, verbose_name=_("jenis subjek")
    )  # app_label.model: orders.order
    subject_id = models.CharField(
        max_length=40, verbose_name=_("ID subjek")
    )  # str(pk): integer or UUID
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    occurred_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("waktu kejadian")
    )
    payload = models.JSONField(default=dict, blank=True, verbose_name=_("isi"))

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("peristiwa")
        verbose_name_plural = _("peristiwa")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("events are append-only")


class EventDelivery(models.Model):
    """One consumer's handling of one event. Created with the event (so a crash between the
    commit and the hand-over to the worker loses nothing) and marked done in the same
    transaction as the consumer's own writes: that is what makes a consumer idempotent by
    event id."""

    class State(models.TextChoices):
        PENDING = "pending", _("menunggu")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal, perlu dicoba ulang")

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries")
    consumer = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "consumer"], name="event_delivery_once")
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("pengiriman peristiwa")
        verbose_name_plural = _("pengiriman peristiwa")


class ThrottleCounter(models.Model):
    """A rate-limit counter when there is no Redis (core.throttle): one row per key, changed
    only by single atomic statements, so every worker process counts the same attempts."""

    key = models.CharField(max_length=120, primary_key=True)
    value = models.BigIntegerField(default=0)
    stamp = models.FloatField(null=True)  # a time (epoch seconds), e.g. the last failure
    expires = models.FloatField(db_index=True)  # epoch seconds; an expired row counts as absent

    class Meta:
        verbose_name = _("penghitung batas laju")
        verbose_name_plural = _("penghitung batas laju")
