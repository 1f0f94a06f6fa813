"""One error shape for the whole application.

Services raise ApplicationError (or a subclass) with a message for people, in Indonesian, and
`extra` for machines (e.g. {"fields": {"phone": "..."}}). The API turns it into
`{"message", "extra"}` with `status`; pages show it as a form error.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    status = 400

    def __init__(self, message: str, extra: dict[str, Any] | None = None, *, status: int = 0):
        super().__init__(message)
        self.message = str(message)
        self.extra = extra or {}
        if status:
            self.status = status

    @classmethod
    def for_field(cls, field: str, message: str, **kwargs: Any) -> ApplicationError:
        return cls(message, {"fields": {field: str(message)}}, **kwargs)


class NotFound(ApplicationError):
    status = 404


class PermissionDenied(ApplicationError):
    status = 403


class Conflict(ApplicationError):
    """The request is valid but the current state forbids it (e.g. an illegal transition)."""

    status = 409


class RateLimited(ApplicationError):
    status = 429
