"""Helpers every record service shares: fetch, version check, soft delete."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from traffic.actors import Actor
from traffic.errors import Conflict, NotFound
from traffic.storage.base import utcnow

T = TypeVar("T")


def get_record(
    session: Session, model: type[T], record_id: uuid.UUID, *, deleted: bool = False, field: str | None = None
) -> T:
    """Return the record or raise :class:`NotFound` (soft-deleted ones count as missing)."""
    obj = session.get(model, record_id)
    if obj is None or (not deleted and getattr(obj, "deleted_at", None) is not None):
        raise NotFound(f"{model.__tablename__} {record_id} not found", field=field)  # type: ignore[attr-defined]
    return obj


def check_version(obj: Any, expected: int | None) -> None:
    """Refuse an update made against an older version of the record."""
    if expected is not None and obj.version != expected:
        raise Conflict(
            f"record is at version {obj.version}, the update was made against version {expected}",
            field="version",
        )


def refuse_existing(session: Session, model: type[Any], record_id: uuid.UUID | None) -> None:
    """Refuse a client-supplied id that is already taken."""
    if record_id is not None and session.get(model, record_id) is not None:
        raise Conflict(f"{model.__tablename__} {record_id} already exists", field="id")


def owner_org(actor: Actor, requested: uuid.UUID | None) -> uuid.UUID:
    """The organisation a new record belongs to: the actor's own, unless an admin says otherwise."""
    if requested is not None and (actor.role == "admin" or requested == actor.org_id):
        return requested
    if actor.org_id is None:
        raise NotFound("the acting user has no organisation; give org_id", field="org_id")
    return actor.org_id


def soft_delete(obj: Any) -> None:
    """Mark a record deleted; it stays for the audit trail until retention removes it."""
    obj.deleted_at = utcnow()
