"""Reading the audit trail: who may see which events, filters, keyset pages and a safe CSV.

Scope (need-to-know applies to the trail as it does to the records):

* a **lead** sees events caused by users of their own organisation, and events about records
  their organisation owns (operations, checks, tallies, presence, measures, incidents, zones),
  whoever caused them. The user's organisation is looked up in ``users``; the record's owner
  in the record's table, matching ``entity`` + ``entity_id``;
* an **admin** sees every event, except events about police records (operations, checks,
  tallies, presence) of other organisations that none of their own users caused: those carry
  snapshots of planned operations, which nobody outside the owning police organisation may
  learn of;
* no other role sees any event; system jobs' events (no user) are for admins only.

Nothing here changes an event: the trail is append-only and the database refuses UPDATE and
DELETE (triggers in the initial migration).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, false, func, or_, select
from sqlalchemy.orm import Session

from traffic.actors import Actor
from traffic.audit.models import AuditEvent
from traffic.checks.models import VehicleCheck
from traffic.incidents.models import Incident
from traffic.io.cells import escape_formula
from traffic.measures.models import SafetyMeasure
from traffic.operations.models import Operation
from traffic.orgs.models import User
from traffic.presence.models import PresenceSession
from traffic.tallies.models import Tally
from traffic.zones.models import Zone

MAX_PAGE = 1000
EXPORT_ROWS = 10_000
READERS = frozenset({"lead", "admin"})
OWNED_MODELS: tuple[Any, ...] = (
    Operation,
    VehicleCheck,
    Tally,
    PresenceSession,
    SafetyMeasure,
    Incident,
    Zone,
)
POLICE_ENTITIES = frozenset({"operations", "vehicle_checks", "tallies", "presence_sessions"})
CSV_COLUMNS = (
    "id",
    "at",
    "user_id",
    "username",
    "role",
    "action",
    "entity",
    "entity_id",
    "purpose",
    "before",
    "after",
)
# OWASP CSV injection: a spreadsheet runs a cell starting with one of these as a formula.


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; every part optional. ``start`` inclusive, ``end`` exclusive."""

    entity: str | None = None
    entity_id: str | None = None
    username: str | None = None
    action: str | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    """Events newest first; ``next_before`` is the cursor of the following page, if any."""

    items: list[AuditEvent]
    number_matched: int
    next_before: int | None


def _uuid_text(column: Any, dialect: str) -> ColumnElement[str]:
    """A UUID column as the canonical text ``str(uuid)`` writes into ``entity_id``."""
    if dialect == "postgresql":
        return cast(column, String)
    hexed = cast(column, String)  # SQLite stores 32 hex digits
    parts = [func.substr(hexed, a, n) for a, n in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))]
    out: ColumnElement[str] = parts[0]
    for part in parts[1:]:
        out = out.concat("-").concat(part)
    return out


def scope_condition(session: Session, actor: Actor) -> ColumnElement[bool]:
    """The events ``actor`` may read (see the module docstring)."""
    if actor.role not in READERS or actor.org_id is None:
        return false()
    dialect = session.get_bind().dialect.name
    own_users = [str(u) for u in session.scalars(select(User.id).where(User.org_id == actor.org_id))]
    by_own_user = AuditEvent.user_id.in_(own_users)
    about_own = or_(
        *(
            and_(
                AuditEvent.entity == m.__tablename__,
                AuditEvent.entity_id.in_(select(_uuid_text(m.id, dialect)).where(m.org_id == actor.org_id)),
            )
            for m in OWNED_MODELS
        )
    )
    if actor.role == "admin":
        return or_(AuditEvent.entity.not_in(POLICE_ENTITIES), by_own_user, about_own)
    return or_(by_own_user, about_own)


def _conditions(session: Session, actor: Actor, flt: AuditFilter) -> list[ColumnElement[bool]]:
    conds = [scope_condition(session, actor)]
    equals = {
        AuditEvent.entity: flt.entity,
        AuditEvent.entity_id: flt.entity_id,
        AuditEvent.username: flt.username,
        AuditEvent.action: flt.action,
    }
    conds += [col == value for col, value in equals.items() if value is not None]
    if flt.start is not None:
        conds.append(AuditEvent.at >= flt.start)
    if flt.end is not None:
        conds.append(AuditEvent.at < flt.end)
    return conds


def list_events(
    session: Session,
    actor: Actor,
    flt: AuditFilter,
    *,
    limit: int = 100,
    before: int | None = None,
    cap: int = MAX_PAGE,
) -> AuditPage:
    """A page of the events ``actor`` may read, newest first, older than the cursor ``before``."""
    limit = max(1, min(limit, cap))
    conds = _conditions(session, actor, flt)
    matched = session.scalar(select(func.count()).select_from(AuditEvent).where(*conds)) or 0
    stmt = select(AuditEvent).where(*conds)
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    items = list(session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit + 1)))
    more = len(items) > limit
    items = items[:limit]
    return AuditPage(items, matched, items[-1].id if more and items else None)


def safe_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not run: ``'`` before = + - @ tab or CR at the start."""
    if value is None:
        text = ""
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    elif isinstance(value, datetime):
        text = value.isoformat()
    else:
        text = str(value)
    return escape_formula(text)


def events_csv(events: Iterable[AuditEvent]) -> str:
    """The events as CSV text (header first), every cell formula-safe."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow([safe_cell(getattr(e, name)) for name in CSV_COLUMNS])
    return buf.getvalue()
