"""The one interface every outside channel implements."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    """A message ready for a channel. `to` is a phone (E.164) or an email address; it and
    `text` never go into logs."""

    to: str
    title: str
    text: str  # the body, then the link on its own line
    template: str  # the WhatsApp template name (malpro_<key>)
    params: tuple[str, ...]  # the template's body values, in order
    language: str  # "id" or "en"
    uid: str  # our id for the message, echoed back by providers that can
    link: str = ""  # absolute URL, or ""


class Retry(Exception):
    """A temporary failure (network, 5xx, rate limit): try again later."""


class Refused(Exception):
    """A permanent failure (bad number, template not approved): do not try again.
    `fallback` says the person cannot be reached on this channel at all (a number without
    WhatsApp), so the message should go by SMS instead."""

    def __init__(self, message: str, *, fallback: bool = False):
        super().__init__(message)
        self.fallback = fallback


class Channel:
    name: str = ""

    def address(self, user) -> str | None:
        """Where `user` is reached on this channel, or None."""
        raise NotImplementedError

    def send(self, out: Outgoing) -> str:
        """Sends now; returns the provider's id for the message ("" when it gives none).
        Raises Retry or Refused."""
        raise NotImplementedError


@dataclass(frozen=True)
class Kept:
    channel: str
    out: Outgoing


# The "memory" backends of every channel keep what they sent here (tests read it).
memory_outbox: list[Kept] = []
