"""Write an audit event for every insert, update and delete, in the same flush.

Installed once on the Session class: no service can change an audited record without
leaving a trace, and the event commits or rolls back with the change itself.
Services that change child rows (a check's codes) call :func:`remember_before` first,
so the event's ``before`` holds the full previous state.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from traffic.actors import SYSTEM, Actor
from traffic.audit.models import AuditEvent
from traffic.audit.snapshot import snapshot

_BEFORE_KEY = "audit_before"
_INSTALLED = False


def audited(obj: Any) -> bool:
    """True for the record kinds the audit trail follows."""
    return (
        getattr(type(obj), "__audited__", True)
        and not isinstance(obj, AuditEvent)
        and hasattr(obj, "__tablename__")
        and hasattr(obj, "id")
    )


def remember_before(session: Session, obj: Any) -> None:
    """Keep the current state of ``obj`` as the audit event's ``before``."""
    session.info.setdefault(_BEFORE_KEY, {})[id(obj)] = snapshot(obj)


def actor_of(session: Session) -> Actor:
    """The actor set on the session (``session.info['actor']``), or the system."""
    return session.info.get("actor") or SYSTEM


def _event(session: Session, action: str, obj: Any, before: Any, after: Any) -> AuditEvent:
    actor = actor_of(session)
    return AuditEvent(
        user_id=str(actor.user_id) if actor.user_id else None,
        username=actor.username,
        role=actor.role,
        action=action,
        entity=obj.__tablename__,
        entity_id=str(obj.id) if getattr(obj, "id", None) else None,
        before=before,
        after=after,
        purpose=session.info.get("purpose"),
    )


def _fill_defaults(obj: Any) -> None:
    # Python-side column defaults (id, created_at, version) run only at INSERT; apply them
    # now so the "create" event records the values the row will really get.
    for column in inspect(obj).mapper.columns:
        default = column.default
        if default is None or getattr(obj, column.key, None) is not None:
            continue
        if default.is_scalar:
            setattr(obj, column.key, default.arg)
        elif default.is_callable:
            setattr(obj, column.key, default.arg(None))


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    remembered: dict[int, Any] = session.info.get(_BEFORE_KEY, {})
    events: list[AuditEvent] = []
    for obj in list(session.new):
        if audited(obj):
            _fill_defaults(obj)
            events.append(_event(session, "create", obj, None, snapshot(obj)))
    for obj in list(session.dirty):
        if not audited(obj) or not session.is_modified(obj, include_collections=True):
            continue
        before = remembered.pop(id(obj), None) or snapshot(obj, previous=True)
        after = snapshot(obj)
        action = "delete" if before.get("deleted_at") is None and after.get("deleted_at") else "update"
        events.append(_event(session, action, obj, before, after))
    for obj in list(session.deleted):
        if audited(obj):
            events.append(_event(session, "purge", obj, snapshot(obj, previous=True), None))
    session.add_all(events)


def install_audit() -> None:
    """Listen on every Session (idempotent)."""
    global _INSTALLED
    if not _INSTALLED:
        event.listen(Session, "before_flush", _before_flush)
        _INSTALLED = True


PENDING_READS = "pending_reads"


def log_read(session: Session, entity: str, ids: list[str], *, purpose: str | None = None) -> None:
    """Record that detailed police records were read (Brottsdatalagen asks for read logs).

    When the session's owner set ``session.info["pending_reads"]`` to a list, the event is
    queued there for the owner to write in its own transaction (a read-only request on SQLite
    must not turn its read snapshot into a write); otherwise it joins this transaction.
    """
    actor = actor_of(session)
    event = AuditEvent(
        user_id=str(actor.user_id) if actor.user_id else None,
        username=actor.username,
        role=actor.role,
        action="read",
        entity=entity,
        entity_id=ids[0] if len(ids) == 1 else None,
        after={"ids": ids} if len(ids) != 1 else None,
        purpose=purpose or session.info.get("purpose"),
    )
    pending = session.info.get(PENDING_READS)
    if pending is not None:
        pending.append(event)
    else:
        session.add(event)
