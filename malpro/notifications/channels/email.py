"""Email through Django's email backends (EMAIL_BACKEND; SMTP settings from the environment)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from malpro.notifications.channels.base import Channel, Outgoing, Refused, Retry


class EmailChannel(Channel):
    name = "email"

    def address(self, user) -> str | None:
        return user.email if user is not None and user.email else None

    def send(self, out: Outgoing) -> str:
        mail = EmailMessage(
            subject=f"[{settings.MALPRO_SITE_NAME}] {out.title}",
            body=out.text,
            to=[out.to],
            headers={"X-Malpro-Message": out.uid},
        )
        try:
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused:
            raise Refused("recipient refused") from None
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise Retry(type(exc).__name__) from None
        return ""
