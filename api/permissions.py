"""Every route declares one permission; roles are granted permissions here, in one table."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from api.auth.actor import NotAuthenticated, current_actor
from traffic.actors import Actor
from traffic.errors import PermissionDenied

ROLES = ("public", "officer", "lead", "planner", "admin")
SIGNED_IN = frozenset({"officer", "lead", "planner", "admin"})
POLICE = frozenset({"officer", "lead"})
EVERYONE = frozenset(ROLES)

PERMISSIONS: dict[str, frozenset[str]] = {
    "public": EVERYONE,
    "account": SIGNED_IN,
    "operations:read": SIGNED_IN,
    "operations:write": POLICE,
    "checks:read": SIGNED_IN,
    "checks:write": POLICE,
    "tallies:read": SIGNED_IN,
    "tallies:write": POLICE,
    "presence:read": POLICE | {"admin"},
    "presence:write": POLICE,
    "measures:read": EVERYONE,
    "measures:write": frozenset({"planner", "lead", "admin"}),
    "incidents:read": SIGNED_IN,
    "incidents:write": frozenset({"officer", "lead", "planner"}),
    "zones:read": EVERYONE,
    "zones:write": frozenset({"admin"}),
    "commitments:read": EVERYONE,
    "commitments:write": frozenset({"lead", "admin"}),
    "stats:read": EVERYONE,
    "audit:read": frozenset({"lead", "admin"}),
    "reports:read": frozenset({"lead", "admin"}),
    "reports:public": EVERYONE,
    "tokens:write": SIGNED_IN,
}


class Requires:
    """Route dependency: the caller's role must hold ``permission``.

    Tests find this dependency on every route; a route without one fails the suite.
    """

    def __init__(self, permission: str) -> None:
        if permission not in PERMISSIONS:
            raise KeyError(f"undeclared permission {permission!r}")
        self.permission = permission

    async def __call__(self, actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        """Return the actor if allowed; 401 for the public, 403 for other roles.

        Async: a pure check, so FastAPI runs it on the event loop instead of a pool thread.
        """
        if actor.role in PERMISSIONS[self.permission]:
            return actor
        if actor.role == "public":
            raise NotAuthenticated("log in to use this route")
        raise PermissionDenied(f"the role {actor.role} may not do this ({self.permission})")


def allowed(role: str, permission: str) -> bool:
    """True if ``role`` holds ``permission``."""
    return role in PERMISSIONS[permission]
