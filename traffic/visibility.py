"""Who may see which records: need-to-know rules as SQL conditions, one place for all routes.

- Planned and ongoing operations, and their checks and tallies: police roles (officer, lead)
  and admins of the owning organisation only. Nobody else learns that they exist.
- Completed (and cancelled) operations: every police role and planners; planners see checks
  without free-text notes or vehicle pseudonyms.
- Presence sessions: police roles and admins of the owning organisation (tactical data).
- Measures, incidents, zones, commitments: every signed-in role; the public sees completed
  measures, zones and commitments only, and enforcement figures only as delayed aggregates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, false, func, not_, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from traffic.actors import Actor
from traffic.checks.models import VehicleCheck
from traffic.incidents.models import Incident
from traffic.measures.models import SafetyMeasure
from traffic.operations.models import Operation
from traffic.presence.models import PresenceSession
from traffic.tallies.models import Tally
from traffic.zones.models import Zone

PUBLIC = Actor(username="anonymous", role="public")
CONFIDENTIAL_STATUSES = ("PLANNED", "ONGOING")
INSIDERS = frozenset({"officer", "lead", "admin"})
READERS_OF_DONE_OPERATIONS = frozenset({"officer", "lead", "admin", "planner"})
# Fields a planner (or anyone outside the owning police organisation) never receives.
POLICE_ONLY_FIELDS = frozenset({"note", "vehicle_pseudonym", "officer_ids"})


def is_insider(actor: Actor, org_id: Any) -> bool:
    """True for police roles and admins of the organisation that owns the record."""
    return actor.role in INSIDERS and actor.org_id is not None and actor.org_id == org_id


def operation_condition(actor: Actor) -> ColumnElement[bool]:
    """Operations ``actor`` may know exist."""
    live = Operation.deleted_at.is_(None)
    if actor.role not in READERS_OF_DONE_OPERATIONS:
        return false()
    done = Operation.status.not_in(CONFIDENTIAL_STATUSES)
    if actor.role in INSIDERS and actor.org_id is not None:
        return and_(live, or_(done, Operation.org_id == actor.org_id))
    return and_(live, done)


class _InVisibleOperation(ColumnElement[bool]):
    """``operation_id IN (visible operations)``, written per database for its planner.

    PostgreSQL turns ``IN`` into a join probed once per record (a nested loop over 9,000 checks
    of a bbox page: a third of its time); ``NOT IN`` the hidden ones (usually none) is one
    hashed look-up per record instead. SQLite keeps ``IN``: its list and map indexes start
    with ``operation_id`` and are searched by that list. Both select exactly the records whose
    operation's ``visible`` condition is true (the column is NOT NULL and a foreign key).
    """

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a comparison already: no "= 1" on SQLite
    _traverse_internals = [
        ("operation_id", InternalTraversal.dp_clauseelement),
        ("visible", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, operation_id: ColumnElement[Any], visible: ColumnElement[bool]) -> None:
        self.operation_id = operation_id
        self.visible = visible


@compiles(_InVisibleOperation)
def _in_visible(element: _InVisibleOperation, compiler: Any, **kw: Any) -> str:
    visible = select(Operation.id).where(element.visible)
    return str(compiler.process(element.operation_id.in_(visible), **kw))


@compiles(_InVisibleOperation, "postgresql")
def _not_in_hidden(element: _InVisibleOperation, compiler: Any, **kw: Any) -> str:
    hidden = select(Operation.id).where(not_(func.coalesce(element.visible, false())))
    return str(compiler.process(element.operation_id.not_in(hidden), **kw))


def _under_visible_operation(model: Any, actor: Actor) -> ColumnElement[bool]:
    return and_(
        model.deleted_at.is_(None), _InVisibleOperation(model.operation_id, operation_condition(actor))
    )


def check_condition(actor: Actor) -> ColumnElement[bool]:
    """Checks ``actor`` may see: those of visible operations."""
    return _under_visible_operation(VehicleCheck, actor)


def tally_condition(actor: Actor) -> ColumnElement[bool]:
    """Tallies ``actor`` may see: those of visible operations."""
    return _under_visible_operation(Tally, actor)


def presence_condition(actor: Actor) -> ColumnElement[bool]:
    """Presence sessions: insiders of the owning organisation only."""
    if actor.role not in INSIDERS or actor.org_id is None:
        return false()
    return and_(PresenceSession.deleted_at.is_(None), PresenceSession.org_id == actor.org_id)


def measure_condition(actor: Actor) -> ColumnElement[bool]:
    """Measures: all for signed-in roles, completed ones for the public."""
    live = SafetyMeasure.deleted_at.is_(None)
    if actor.role == "public":
        return and_(live, SafetyMeasure.status == "COMPLETED")
    return live


def incident_condition(actor: Actor) -> ColumnElement[bool]:
    """Incidents: signed-in roles only (the public sees aggregates)."""
    return Incident.deleted_at.is_(None) if actor.role != "public" else false()


def zone_condition(actor: Actor) -> ColumnElement[bool]:
    """Zones are public."""
    return Zone.deleted_at.is_(None) if actor else true()


CONDITIONS = {
    "operations": operation_condition,
    "checks": check_condition,
    "tallies": tally_condition,
    "presence": presence_condition,
    "measures": measure_condition,
    "incidents": incident_condition,
    "zones": zone_condition,
}


def hidden_fields(kind: str, actor: Actor, org_id: Any) -> frozenset[str]:
    """Fields of a visible record that ``actor`` still may not receive."""
    if kind in {"operations", "checks", "tallies"} and not is_insider(actor, org_id):
        return POLICE_ONLY_FIELDS
    return frozenset()


def can_edit(actor: Actor, obj: Any) -> bool:
    """An officer edits their own records; leads, planners and admins those of their organisation."""
    if actor.role == "officer":
        return actor.user_id is not None and getattr(obj, "created_by", None) == actor.user_id
    if actor.role in {"lead", "planner", "admin"}:
        return actor.org_id is not None and getattr(obj, "org_id", None) == actor.org_id
    return False


POLICE_RECORD_KINDS = frozenset({"operations", "checks", "tallies", "presence"})
