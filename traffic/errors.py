"""What can go wrong in the domain, in domain words; no HTTP knowledge here."""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """Base class: a safe, human-readable message, optionally about one field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class ValidationFailed(DomainError):
    """Input breaks a domain rule (end before start, negative count, …)."""


class UnknownCode(ValidationFailed):
    """A code is not in its vocabulary; the message lists the valid codes."""

    def __init__(self, field: str, code: object, valid: Iterable[str]) -> None:
        valid_list = ", ".join(sorted(valid))
        super().__init__(f"unknown code {code!r}; valid codes are: {valid_list}", field=field)
        self.code = code


class InvalidTransition(ValidationFailed):
    """A status change that the workflow does not allow."""

    def __init__(self, field: str, current: str, requested: str, allowed: Iterable[str]) -> None:
        allowed_list = ", ".join(sorted(allowed)) or "none (final status)"
        super().__init__(
            f"cannot go from {current} to {requested}; allowed next: {allowed_list}", field=field
        )


class NotFound(DomainError):
    """The record does not exist, or the caller may not know that it exists."""


class Conflict(DomainError):
    """The request clashes with stored state (duplicate id, stale version)."""


class PermissionDenied(DomainError):
    """The actor's role or organisation does not allow this action."""
