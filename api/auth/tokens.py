"""Bearer tokens kept in the database (only their SHA-256), shared by every worker."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from traffic.orgs.models import AccessToken, User
from traffic.storage.base import utcnow

SESSION_TTL = timedelta(hours=8)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    session: Session,
    user: User,
    *,
    kind: str = "session",
    ttl: timedelta | None = SESSION_TTL,
    name: str | None = None,
) -> tuple[str, AccessToken]:
    """Create a token; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    token = AccessToken(
        token_hash=_digest(raw),
        user_id=user.id,
        kind=kind,
        name=name,
        expires_at=utcnow() + ttl if ttl else None,
    )
    session.add(token)
    session.flush()
    return raw, token


def resolve_token(session: Session, raw: str) -> User | None:
    """The active user behind a live token, or None (one query: the user comes joined)."""
    lookup = select(AccessToken).options(joinedload(AccessToken.user))
    token = session.scalar(lookup.where(AccessToken.token_hash == _digest(raw)))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    return token.user if token.user.active else None


def revoke_token(session: Session, raw: str) -> None:
    """Revoke a token (logout)."""
    token = session.scalar(select(AccessToken).where(AccessToken.token_hash == _digest(raw)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
