"""Login rate limits and lock-out, counted in the database so all workers agree."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from traffic.orgs.models import LoginAttempt
from traffic.storage.base import utcnow

FAILURES_BEFORE_LOCK = 5
LOCK_WINDOW = timedelta(minutes=15)
CLIENT_ATTEMPTS_PER_MINUTE = 20


class TooManyAttempts(Exception):
    """Login refused for now; ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def check_allowed(session: Session, *, username: str, client: str | None) -> None:
    """Refuse when the account is locked or the client tries too fast."""
    now = utcnow()
    failures = session.scalar(
        select(func.count()).where(
            LoginAttempt.username == username,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > now - LOCK_WINDOW,
        )
    )
    if (failures or 0) >= FAILURES_BEFORE_LOCK:
        raise TooManyAttempts(
            "account temporarily locked after repeated failed logins", int(LOCK_WINDOW.total_seconds())
        )
    if client:
        recent = session.scalar(
            select(func.count()).where(
                LoginAttempt.client == client, LoginAttempt.at > now - timedelta(minutes=1)
            )
        )
        if (recent or 0) >= CLIENT_ATTEMPTS_PER_MINUTE:
            raise TooManyAttempts("too many login attempts from this client", 60)


def record_attempt(session: Session, *, username: str, client: str | None, success: bool) -> None:
    """Remember one attempt."""
    session.add(LoginAttempt(username=username, client=client, success=success))
    session.flush()
