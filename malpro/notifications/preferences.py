"""Which outside channels a person wants per category of messages. In-app is always on; a
channel is used only when the person can be reached on it (a verified phone for WhatsApp and
SMS, an email address for email)."""

from __future__ import annotations

from malpro.notifications.kinds import CATEGORIES, EMAIL, OUTSIDE_CHANNELS, SMS, WHATSAPP
from malpro.notifications.models import Preference


def reachable(user) -> set[str]:
    """The outside channels that can reach `user` at all."""
    out = set()
    if user.phone and user.phone_verified:
        out |= {WHATSAPP, SMS}
    if user.email:
        out.add(EMAIL)
    return out


def categories_for(user) -> list[str]:
    """The categories whose messages concern `user` (by their roles), in display order."""
    return [
        key
        for key, category in CATEGORIES.items()
        if not category.locked and (not category.roles or user.has_role(*category.roles))
    ]


def chosen(user) -> dict[str, set[str]]:
    """category -> the outside channels `user` chose (the defaults where they chose nothing)."""
    choice = {key: set(c.defaults) for key, c in CATEGORIES.items()}
    for row in Preference.objects.filter(user=user):
        if row.category in choice and not CATEGORIES[row.category].locked:
            choice[row.category] = {ch for ch in OUTSIDE_CHANNELS if getattr(row, ch)}
    return choice


def channels_for(user, category: str) -> list[str]:
    """The outside channels a message of `category` goes through to `user`, in a fixed order."""
    wanted = chosen(user).get(category, set()) & reachable(user)
    return [ch for ch in OUTSIDE_CHANNELS if ch in wanted]


def preferences_set(*, user, choices: dict[str, set[str] | list[str]]) -> dict[str, set[str]]:
    """Stores `user`'s channels for the categories in `choices` (unknown ones are refused by
    the caller's form or schema); returns the full choice afterwards."""
    for category, channels in choices.items():
        if category not in CATEGORIES or CATEGORIES[category].locked:
            raise ValueError(category)
        channels = set(channels)
        Preference.objects.update_or_create(
            user=user,
            category=category,
            defaults={ch: ch in channels for ch in OUTSIDE_CHANNELS},
        )
    return chosen(user)
