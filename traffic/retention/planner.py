"""What a purge would remove now: per rule, the cut-off and the rows it selects.

The executor runs exactly these steps, so a dry run and a purge at the same moment agree. Deletes
run first, and each step leaves out rows an earlier delete of the same table takes (an old read
event is counted under ``audit.reads`` only, a GPS track's note is not cleared when the track
goes), so every row is counted once. Last, the fields cleared are blanked in the snapshots
of audit events older than their cut-off (``audit:checks.note``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, func, or_, select, true
from sqlalchemy.orm import Session

from traffic.audit.models import AuditEvent
from traffic.retention.policy import Policy
from traffic.retention.rules import CLEAR, DELETE, SCRUB, Rule, snapshot_holds


@dataclass(frozen=True)
class PlanItem:
    """One rule's share of a purge: ``count`` rows cleared or deleted."""

    key: str
    action: str
    days: int
    cutoff: datetime
    count: int


@dataclass(frozen=True)
class Step:
    """One rule at its cut-off, with the exact rows it acts on (``scrub``: its audit snapshots)."""

    rule: Rule
    days: int
    cutoff: datetime
    where: list[ColumnElement[bool]]
    scrub: bool = False

    @property
    def key(self) -> str:
        """The rule's key; ``audit:`` before it for the audit snapshots of a cleared field."""
        return f"audit:{self.rule.key}" if self.scrub else self.rule.key

    @property
    def action(self) -> str:
        """clear, delete or scrub."""
        return SCRUB if self.scrub else self.rule.action

    @property
    def table(self) -> Table:
        """The table the step changes."""
        return AuditEvent.__table__ if self.scrub else self.rule.table

    def targets(self) -> Select[Any]:
        """The primary keys of those rows (what a dry run would list one by one)."""
        return select(*self.table.primary_key.columns).where(*self.where)


def conditions(rule: Rule, cutoff: datetime) -> list[ColumnElement[bool]]:
    """The rows ``rule`` alone acts on at ``cutoff``: older than it and not yet purged."""
    return [rule.age() < cutoff, *rule.pending()]


def steps(policy: Policy, now: datetime) -> list[Step]:
    """The active rules in the order a purge runs them, deletes first, each row counted once."""
    active = sorted(policy.active(), key=lambda rd: rd[0].action != DELETE)
    out: list[Step] = []
    taken: dict[str, list[ColumnElement[bool]]] = {}

    def unless_taken(table: str, own: list[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
        earlier = taken.get(table, [])
        # IS NOT TRUE, not NOT: a row whose age is NULL makes the earlier test NULL, not false.
        return [*own, or_(*earlier).is_not(true())] if earlier else own

    for rule, days in active:
        cutoff = now - timedelta(days=days)
        own = conditions(rule, cutoff)
        out.append(Step(rule, days, cutoff, unless_taken(rule.table.name, own)))
        if rule.action == DELETE:
            taken.setdefault(rule.table.name, []).append(and_(*own))
    for rule, days in active:
        if rule.action == CLEAR:
            cutoff = now - timedelta(days=days)
            own = [AuditEvent.at < cutoff, snapshot_holds(rule)]
            out.append(Step(rule, days, cutoff, unless_taken(AuditEvent.__tablename__, own), scrub=True))
    return out


def plan(session: Session, policy: Policy, now: datetime) -> list[PlanItem]:
    """Every active rule with its cut-off and how many rows it would clear or delete."""
    return [
        PlanItem(
            s.key,
            s.action,
            s.days,
            s.cutoff,
            session.scalar(select(func.count()).select_from(s.table).where(*s.where)) or 0,
        )
        for s in steps(policy, now)
    ]
