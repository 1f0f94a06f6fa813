"""The officers' daily digest: one message each morning to every officer, operator and city
admin who has work waiting, with a line per kind of work. The apps that own the work say what
waits for a person through the `notifications.digest` hook (core.hooks)."""

from __future__ import annotations

from django.utils import timezone

from malpro.accounts.models import User
from malpro.accounts.roles import Role
from malpro.core import hooks
from malpro.notifications import services

STAFF_ROLES = (Role.AGENCY_OFFICER, Role.AREA_OPERATOR, Role.CITY_ADMIN)


def waiting_for(user) -> list[tuple[str, int, str]]:
    """(label, count, path) of every kind of work waiting for `user`, counts above zero."""
    lines = []
    for source in hooks.items("notifications.digest"):
        lines += [line for line in source(user) if line[1] > 0]
    return lines


def send_digests(*, today=None) -> int:
    """Sends today's digest to each person with work waiting; once a day per person."""
    today = today or timezone.localdate()
    sent = 0
    people = (
        User.objects.filter(is_active=True, roles__role__in=STAFF_ROLES).distinct().order_by("pk")
    )
    for user in people.iterator(chunk_size=200):
        lines = waiting_for(user)
        if not lines:
            continue
        with services.translation_for(user):
            summary = "; ".join(f"{label}: {count}" for label, count, _path in lines)
        note = services.send(
            user=user,
            kind="work.digest",
            context={
                "date": today.strftime("%d/%m/%Y"),
                "total": str(sum(c for _l, c, _p in lines)),
                "summary": summary,
                "path": lines[0][2],
            },
            key=f"digest:{today.isoformat()}",
        )
        sent += note is not None
    return sent
