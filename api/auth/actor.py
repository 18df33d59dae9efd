"""Who is calling: from a bearer token or the session cookie; nobody means the public."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.auth.tokens import resolve_token
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
    if raw is None:
        actor = PUBLIC
    else:
        user = resolve_token(session, raw)
        if user is None:
            raise NotAuthenticated("the token is invalid or has expired; log in again")
        actor = Actor(username=user.username, role=user.role, org_id=user.org_id, user_id=user.id)
    session.info["actor"] = actor
    session.info["purpose"] = request.headers.get("x-purpose") or None
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]
