"""Who is calling: from a bearer token or the session cookie; nobody means the public."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth.tokens import resolve_token
from api.db import engine_for, sessions_for
from api.deps import SessionDep
from traffic.actors import Actor
from traffic.errors import DomainError
from traffic.visibility import PUBLIC

SESSION_COOKIE = "tt_session"


class NotAuthenticated(DomainError):
    """A credential was given but is not valid (expired, revoked, unknown)."""


def credential(request: Request) -> str | None:
    """The raw token from ``Authorization: Bearer`` or the session cookie."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE)


def current_actor(request: Request, session: SessionDep) -> Actor:
    """The signed-in actor, or the public when no credential is sent."""
    raw = credential(request)
    actor = PUBLIC if raw is None else _token_actor(request.app.state.settings.database_url, raw)
    session.info["actor"] = actor
    session.info["purpose"] = request.headers.get("x-purpose") or None
    return actor


def _token_actor(url: str, raw: str) -> Actor:
    """The actor behind a token, looked up in a short read transaction of its own.

    Not in the request's session: on SQLite a write request takes the write lock at its first
    statement, and the lock should be held for the write only, not from the token lookup on.
    """
    with sessions_for(url)(bind=engine_for(url)) as lookup:
        user = resolve_token(lookup, raw)
        if user is None:
            raise NotAuthenticated("the token is invalid or has expired; log in again")
        return Actor(username=user.username, role=user.role, org_id=user.org_id, user_id=user.id)


ActorDep = Annotated[Actor, Depends(current_actor)]
