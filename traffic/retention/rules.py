"""Every field or record kind the retention purge can remove, with its default period.

A rule either *clears* one column (notes, pseudonyms, officer ids: the record and every count
built from it stay; the same field is blanked in the snapshots of audit events older than the
cut-off, which would otherwise keep a copy for the audit trail's longer period) or *deletes*
whole rows (audit events past their period, soft-deleted
records, GPS tracks, idempotency replays, login attempts). Rows are selected by an age
column: a rule applies to rows whose age is before the cut-off (now minus the period).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, String, Table, Text, cast, func, or_

from traffic.audit.models import AuditEvent
from traffic.checks.models import VehicleCheck
from traffic.idempotency.models import IdempotencyRecord
from traffic.incidents.models import Incident
from traffic.operations.models import Operation
from traffic.orgs.models import LoginAttempt
from traffic.presence.models import GPS_TRACK, PresenceSession
from traffic.tallies.models import Tally

CLEAR = "clear"
DELETE = "delete"
SCRUB = "scrub"  # a CLEAR rule's field blanked in audit snapshots
YEAR = 365


@dataclass(frozen=True)
class Rule:
    """One purgeable thing: ``key`` is ``kind.field`` as written in the policy."""

    key: str
    model: Any
    action: str
    default_days: int | None
    age: Callable[[], ColumnElement[Any]]
    column: str | None = None
    cleared: Any = None  # what CLEAR writes
    where: Callable[[], list[ColumnElement[bool]]] = field(default=lambda: [])
    audit_action: str | None = None  # audit rules: only this action (None = every event)

    @property
    def table(self) -> Table:
        """The rule's table."""
        return self.model.__table__

    @property
    def audit(self) -> bool:
        """True for rules that delete audit events (they need the purge gate)."""
        return self.model is AuditEvent

    def pending(self) -> list[ColumnElement[bool]]:
        """Rows this rule still has to act on, apart from their age."""
        conds = self.where()
        if self.action == CLEAR:
            col = self.table.c[self.column]
            conds.append(col.is_not(None))
            if self.cleared is not None:  # a JSON list: "[]" already cleared
                conds.append(cast(col, String).not_in(["[]", "null"]))
        return conds


def _note(model: Any, kind: str, age: Callable[[], ColumnElement[Any]], column: str = "note") -> Rule:
    return Rule(f"{kind}.{column}", model, CLEAR, YEAR, age, column)


def _deleted(model: Any, kind: str) -> Rule:
    # Records a user deleted (soft delete): statistics already leave them out.
    return Rule(f"{kind}.deleted", model, DELETE, 90, lambda: model.deleted_at)


def _operation_age() -> ColumnElement[Any]:
    return func.coalesce(Operation.actual_end, Operation.planned_end, Operation.created_at)


def _presence_age() -> ColumnElement[Any]:
    return func.coalesce(PresenceSession.end_at, PresenceSession.start_at)


RULES: tuple[Rule, ...] = (
    _note(VehicleCheck, "checks", lambda: VehicleCheck.checked_at),
    Rule(
        "checks.vehicle_pseudonym",
        VehicleCheck,
        CLEAR,
        180,
        lambda: VehicleCheck.checked_at,
        "vehicle_pseudonym",
    ),
    _note(Operation, "operations", _operation_age),
    Rule("operations.officer_ids", Operation, CLEAR, YEAR, _operation_age, "officer_ids", cleared=[]),
    _note(Tally, "tallies", lambda: Tally.counted_to),
    _note(PresenceSession, "presence", _presence_age),
    Rule(
        "presence.track",
        PresenceSession,
        DELETE,
        3 * YEAR,
        _presence_age,
        where=lambda: [PresenceSession.kind == GPS_TRACK],
    ),
    _note(Incident, "incidents", lambda: Incident.occurred_at, "description"),
    _deleted(VehicleCheck, "checks"),
    _deleted(Tally, "tallies"),
    _deleted(PresenceSession, "presence"),
    _deleted(Incident, "incidents"),
    Rule(
        "audit.reads",
        AuditEvent,
        DELETE,
        3 * YEAR,
        lambda: AuditEvent.at,
        where=lambda: [AuditEvent.action == "read"],
        audit_action="read",
    ),
    Rule("audit.events", AuditEvent, DELETE, 5 * YEAR + 1, lambda: AuditEvent.at),
    Rule("idempotency.records", IdempotencyRecord, DELETE, 30, lambda: IdempotencyRecord.created_at),
    Rule("logins.attempts", LoginAttempt, DELETE, 90, lambda: LoginAttempt.at),
)
BY_KEY = {rule.key: rule for rule in RULES}


def snapshot_holds(rule: Rule) -> ColumnElement[bool]:
    """Audit events of the rule's table whose snapshots still hold a value of its field.

    A text match on the stored JSON (``"note": "…"``, ``"officer_ids": ["…"``), written by
    ``json.dumps`` with or without spaces; the purge then rewrites the matched snapshots.
    """
    opener = '["' if rule.cleared == [] else '"'
    patterns = [f'%"{rule.column}":{space}{opener}%' for space in (" ", "")]
    texts = [cast(AuditEvent.before, Text), cast(AuditEvent.after, Text)]
    return (AuditEvent.entity == rule.table.name) & or_(*(t.like(p) for t in texts for p in patterns))
