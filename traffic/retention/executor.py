"""The purge: every active rule in one transaction, then one audit event that names no content.

Safe with several workers: on PostgreSQL a transaction-scoped advisory lock serialises purges;
on SQLite the caller's transaction must begin IMMEDIATE (``traffic.storage.db.writer``), which
holds the database's single write lock. Purging is idempotent anyway: a second run at the same
moment finds nothing left to clear. Columns are cleared and rows deleted with plain SQL, not
through the ORM, so the audit hook never copies the purged content into a new event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from traffic.actors import SYSTEM, Actor
from traffic.audit.models import AuditEvent, AuditPurgeGate
from traffic.retention.planner import PlanItem, Step, steps
from traffic.retention.policy import Policy
from traffic.retention.rules import CLEAR
from traffic.storage.base import utcnow

PURGE_ACTION = "retention_purge"
PURGE_ENTITY = "retention"
LOCK_KEY = 0x7472_6166  # "traf": one advisory lock for the purge, cluster-wide


@dataclass(frozen=True)
class PurgeReport:
    """What a purge removed; ``event_id`` is its audit event."""

    items: list[PlanItem]
    event_id: int

    @property
    def total(self) -> int:
        """Rows cleared or deleted, all rules together."""
        return sum(i.count for i in self.items)


def lock(session: Session) -> None:
    """Wait for the purge lock (PostgreSQL); SQLite's IMMEDIATE transaction already holds it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _gated(
    session: Session, cutoff: datetime, mode: str, action: str | None, stmt: Any, rows: Any = None
) -> int:
    # The triggers let an audit event go, or its snapshots change, only while a gate is open (0004).
    gate = session.execute(
        insert(AuditPurgeGate).values(cutoff=cutoff, action=action, mode=mode).returning(AuditPurgeGate.id)
    ).scalar_one()
    try:
        if rows is not None:
            if rows:
                session.execute(stmt, rows)
            return len(rows)
        return session.execute(stmt).rowcount
    finally:
        session.execute(delete(AuditPurgeGate).where(AuditPurgeGate.id == gate))


def _blank(snapshot: Any, field: str, cleared: Any) -> Any:
    if isinstance(snapshot, dict) and snapshot.get(field) not in (None, []):
        return {**snapshot, field: cleared}
    return snapshot


def _scrub(session: Session, step: Step) -> int:
    column, cleared = step.rule.column, step.rule.cleared
    assert column is not None
    events = AuditEvent.__table__
    found = session.execute(select(events.c.id, events.c.before, events.c.after).where(*step.where)).all()
    rows = [
        {"b_id": i, "b_before": _blank(b, column, cleared), "b_after": _blank(a, column, cleared)}
        for i, b, a in found
    ]
    stmt = (
        update(events)
        .where(events.c.id == bindparam("b_id"))
        .values(before=bindparam("b_before", type_=JSON), after=bindparam("b_after", type_=JSON))
    )
    return _gated(session, step.cutoff, "scrub", None, stmt, rows)


def _apply(session: Session, step: Step) -> int:
    if step.scrub:
        return _scrub(session, step)
    rule, table, where = step.rule, step.rule.table, step.where
    if rule.action == CLEAR:
        values = {rule.column: rule.cleared, "version": table.c.version + 1}
        stmt: Any = update(table).where(*where).values(values)
    else:
        stmt = delete(table).where(*where)
    if not rule.audit:
        return session.execute(stmt).rowcount
    return _gated(session, step.cutoff, "delete", rule.audit_action, stmt)


def summary(policy: Policy, items: list[PlanItem]) -> dict[str, Any]:
    """The audit event's body: periods, cut-offs and counts; never a purged value."""
    return {
        "policy": policy.describe(),
        "cutoffs": {i.key: i.cutoff.isoformat() for i in items},
        "counts": {i.key: i.count for i in items},
    }


def purge(
    session: Session, policy: Policy, now: datetime | None = None, actor: Actor = SYSTEM
) -> PurgeReport:
    """Clear and delete everything past its period at ``now``; the caller commits."""
    now = now or utcnow()
    lock(session)
    items = []
    for step in steps(policy, now):
        items.append(PlanItem(step.key, step.action, step.days, step.cutoff, _apply(session, step)))
    event = AuditEvent(
        user_id=str(actor.user_id) if actor.user_id else None,
        username=actor.username,
        role=actor.role,
        action=PURGE_ACTION,
        entity=PURGE_ENTITY,
        after=summary(policy, items),
        purpose="gallring / retention purge",
    )
    session.add(event)
    session.flush()
    return PurgeReport(items, event.id)


def last_purge(session: Session) -> datetime | None:
    """When the last purge ran (from the audit trail, so every worker agrees)."""
    return session.scalar(select(func.max(AuditEvent.at)).where(AuditEvent.action == PURGE_ACTION))


def purge_if_due(session: Session, policy: Policy, interval: timedelta) -> PurgeReport | None:
    """Purge unless another worker already did within ``interval``; for the server's schedule."""
    lock(session)
    last = last_purge(session)
    if last is not None and utcnow() - last < interval:
        return None
    return purge(session, policy)
