"""SMS through notifications.sms (console, memory or a generic HTTP gateway)."""

from __future__ import annotations

from malpro.notifications import sms
from malpro.notifications.channels.base import Channel, Outgoing, Retry


class SmsChannel(Channel):
    name = "sms"

    def address(self, user) -> str | None:
        return user.phone if user is not None and user.phone and user.phone_verified else None

    def send(self, out: Outgoing) -> str:
        try:
            return sms.send_text(phone=out.to, text=out.text, reference=out.uid)
        except sms.SendFailed as exc:
            raise Retry(str(exc)) from None
