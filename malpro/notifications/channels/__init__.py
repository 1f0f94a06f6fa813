"""Outside channels behind one interface (channels.base.Channel), chosen by settings:

- whatsapp: MALPRO_WHATSAPP_BACKEND = console | memory | cloud (WhatsApp Business Cloud API)
- sms: MALPRO_SMS_BACKEND = console | memory | http (a generic HTTP gateway)
- email: Django's EMAIL_BACKEND (console in the embedded default, SMTP in a city's deployment)

The in-app channel is the Notification table itself (notifications.services.send).
"""

from __future__ import annotations

from malpro.notifications.channels.base import Channel
from malpro.notifications.channels.email import EmailChannel
from malpro.notifications.channels.sms import SmsChannel
from malpro.notifications.channels.whatsapp import WhatsAppChannel

_CHANNELS: dict[str, Channel] = {
    "whatsapp": WhatsAppChannel(),
    "sms": SmsChannel(),
    "email": EmailChannel(),
}


def get(name: str) -> Channel:
    return _CHANNELS[name]
