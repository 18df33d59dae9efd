"""What a purge would remove now: per rule, the cut-off and the rows it selects.

The executor runs exactly these selections, so a dry run and a purge at the same moment agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from traffic.retention.policy import Policy
from traffic.retention.rules import Rule


@dataclass(frozen=True)
class PlanItem:
    """One rule's share of a purge: ``count`` rows cleared or deleted."""

    key: str
    action: str
    days: int
    cutoff: datetime
    count: int


def conditions(rule: Rule, cutoff: datetime) -> list[ColumnElement[bool]]:
    """The rows ``rule`` acts on at ``cutoff``: older than it and not yet purged."""
    return [rule.age() < cutoff, *rule.pending()]


def targets(rule: Rule, cutoff: datetime) -> Select[Any]:
    """The primary keys of those rows (what a dry run would list one by one)."""
    return select(*rule.table.primary_key.columns).where(*conditions(rule, cutoff))


def plan(session: Session, policy: Policy, now: datetime) -> list[PlanItem]:
    """Every active rule with its cut-off and how many rows it would clear or delete."""
    items = []
    for rule, days in policy.active():
        cutoff = policy.cutoff(rule.key, now)
        assert cutoff is not None
        count = session.scalar(select(func.count()).select_from(rule.table).where(*conditions(rule, cutoff)))
        items.append(PlanItem(rule.key, rule.action, days, cutoff, count or 0))
    return items
