"""Who is acting: passed to every service so writes are attributed and checked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

POLICE_ROLES = frozenset({"officer", "lead"})


@dataclass(frozen=True)
class Actor:
    """The user (or system job) behind a change."""

    username: str
    role: str
    org_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None

    @property
    def is_police(self) -> bool:
        """True for officers and leads."""
        return self.role in POLICE_ROLES


SYSTEM = Actor(username="system", role="admin")
