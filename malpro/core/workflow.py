"""One state-machine pattern for every stateful model.

A `Machine` is a table of edges (from, to) -> the parties allowed to make that move, plus a
function that says which parties a user is towards an object (the app's access module).
`transition()` checks a move against the table, saves the object with `update_fields` and
records the event (core.events) in the caller's transaction. The caller locks the row
(`select_for_update`) and checks its own preconditions (a reason, a cash amount) first.

Every machine gets one exhaustive test: every pair of states times every party, through
`Machine.allows`, against the service that makes the move.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from malpro.core import events
from malpro.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from malpro.core.models import Event

SYSTEM = "system"  # a periodic job or a webhook: the actor is None
SYSTEM_LABEL = gettext_lazy("sistem")


@dataclass(frozen=True)
class Machine:
    name: str  # the events' prefix: "order" -> "order.accepted"
    states: type[models.TextChoices]
    edges: Mapping[tuple[str, str], frozenset[str] | set[str]]
    parties: Callable[[object, models.Model], set[str]]  # (user, obj) -> {"buyer", ...}
    labels: Mapping[str, object] = field(default_factory=dict)  # party -> lazy label
    field: str = "status"
    # Messages with %(from)s %(to)s (state labels, lower case) and %(who)s.
    conflict_message: str = gettext_lazy("Status %(from)s tidak dapat diubah menjadi %(to)s.")
    denied_message: str = gettext_lazy("Langkah ini hanya untuk %(who)s.")
    # Raised as 404 when the actor is no party at all (the object is not theirs to know).
    not_found_message: str = gettext_lazy("Data tidak ditemukan.")
    # States in messages read as their labels in lower case ("pesanan dikirim tidak dapat ...");
    # False keeps the labels as written ("dari Draf ke Terverifikasi").
    lowercase_states: bool = True

    def parties_of(self, actor, obj) -> set[str]:
        if actor is None:
            return {SYSTEM}
        return set(self.parties(actor, obj))

    def allows(self, frm: str, to: str, party: str) -> bool:
        return party in self.edges.get((frm, to), ())

    def targets(self, actor, obj) -> list[str]:
        """The moves `actor` may make now, in table order (for buttons and menus)."""
        mine = self.parties_of(actor, obj)
        current = getattr(obj, self.field)
        return [to for (frm, to), who in self.edges.items() if frm == current and mine & set(who)]

    def label(self, state: str) -> str:
        label = str(self.states(state).label)
        return label.lower() if self.lowercase_states else label

    def who(self, parties) -> str:
        names = [str(self.labels.get(p, SYSTEM_LABEL if p == SYSTEM else p)) for p in parties]
        return _(" atau ").join(sorted(names))

    def check(self, *, obj, to: str, actor) -> set[str]:
        """Raises the specific error for a move that is not allowed; returns the actor's
        parties towards `obj`."""
        mine = self.parties_of(actor, obj)
        if not mine:
            raise NotFound(self.not_found_message)
        if to not in self.states.values:
            raise ApplicationError.for_field("to", _("Status %(to)s tidak dikenal.") % {"to": to})
        frm = getattr(obj, self.field)
        who = self.edges.get((frm, to))
        if who is None:
            raise Conflict(
                self.conflict_message % {"from": self.label(frm), "to": self.label(to)},
                {"from": frm, "to": to},
            )
        if not mine & set(who):
            raise PermissionDenied(
                self.denied_message % {"who": self.who(who), "to": self.label(to)}
            )
        return mine


def transition(
    *,
    machine: Machine,
    obj: models.Model,
    to: str,
    actor,
    reason: str = "",
    fields: tuple[str, ...] | list[str] = (),
    payload: dict | None = None,
    checked: bool = False,
) -> Event:
    """Moves `obj` (locked by the caller) to `to`: checks the table (unless the caller has
    already called `machine.check`), sets the status, saves it with `fields` (other columns
    the caller set) and records `<machine>.<to>` with from/to/reason in the payload."""
    if not checked:
        machine.check(obj=obj, to=to, actor=actor)
    frm = getattr(obj, machine.field)
    setattr(obj, machine.field, to)
    obj.save(update_fields=[machine.field, *fields])
    return events.record(
        kind=f"{machine.name}.{to}",
        subject=obj,
        actor=actor,
        payload={"from": frm, "to": to, "reason": (reason or "")[:500], **(payload or {})},
    )


def birth(*, machine: Machine, obj: models.Model, actor, payload: dict | None = None) -> dict:
    """The event of a stateful object's birth (its first state, `<machine>.<state>`), as
    events.record's arguments: for events.record_many when one change makes several."""
    state = getattr(obj, machine.field)
    return dict(
        kind=f"{machine.name}.{state}",
        subject=obj,
        actor=actor,
        payload={"from": "", "to": state, **(payload or {})},
    )


def created(*, machine: Machine, obj: models.Model, actor, payload: dict | None = None) -> Event:
    """Records the birth of a stateful object (its first state) as `<machine>.<state>`."""
    return events.record(**birth(machine=machine, obj=obj, actor=actor, payload=payload))
