"""Counts behind maps and reports, for the same filters and the same visibility as the lists.

Every count starts from the ids :mod:`traffic.queries` would list for the same actor and
:class:`~traffic.queries.RecordFilter` (need-to-know rules, equality, time, finding/outcome and
spatial filters, SQLite's shapely refinement included), so a record a list hides never moves a
count: a planned or ongoing operation counts only for the police of its organisation.

Vehicles are counted from single checks and tallies together (one tally count = one vehicle).
Tallies have no place and no findings: with a spatial or ``finding`` filter they are left out;
grouped by finding they count in the total only. With an ``outcome`` filter a tally contributes
only that outcome's count.

Published figures (the role ``public``)
---------------------------------------
The public lists no enforcement record, so its figures are computed as for a reader outside
every police organisation, narrowed to completed operations (never a planned, ongoing or
cancelled one), and then:

* checks, tallies and operations count only when older than ``delay_days`` (a check by its
  time, a tally by its end, an operation by its end);
* a group with 1 to ``min_cell_size - 1`` records is suppressed: its value is omitted and
  ``suppressed`` set. When exactly one group of a table is suppressed the smallest other group
  is suppressed with it, so no suppressed value follows from the published total minus the
  others; a total under ``min_cell_size`` is suppressed too. Groups are ordered by key, never by
  size. Zero is published (it concerns nobody);
* measures are not suppressed: the public sees every completed measure in the list anyway.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from traffic import vocab
from traffic.actors import Actor
from traffic.checks.models import CheckCode, VehicleCheck
from traffic.errors import ValidationFailed
from traffic.operations.models import Operation
from traffic.queries import RecordFilter, matching_ids, spec
from traffic.storage.base import utcnow
from traffic.tallies.models import Tally, TallyCount
from traffic.timeutil import local

GROUPS: dict[str, tuple[str, ...]] = {
    "checks": ("outcome", "finding", "vehicle_type", "focus", "week", "month"),
    "operations": ("focus", "status", "month"),
    "incidents": ("kind", "month"),
    "measures": ("status", "kind"),
}
TIME_GROUPS = frozenset({"week", "month"})
ENFORCEMENT = frozenset({"checks", "operations"})
UNKNOWN = "UNKNOWN"
# Published figures are computed as a reader outside every police organisation would see them.
PUBLISHED_READER = Actor(username="published-statistics", role="planner")
ID_CHUNK = 500
LABELS = {
    ("checks", "outcome"): "outcome",
    ("checks", "finding"): "finding",
    ("checks", "vehicle_type"): "vehicle_type",
    ("checks", "focus"): "focus",
    ("operations", "focus"): "focus",
    ("operations", "status"): "operation_status",
    ("incidents", "kind"): "incident_kind",
    ("measures", "status"): "measure_status",
    ("measures", "kind"): "measure_kind",
}


@dataclass(frozen=True)
class PublicRules:
    """How figures for the public are delayed and suppressed."""

    delay_days: int = 7
    min_cell_size: int = 5


@dataclass(frozen=True)
class Cell:
    """One group's count; ``count`` is None when suppressed."""

    key: str
    count: int | None
    suppressed: bool = False


@dataclass(frozen=True)
class CountTable:
    """Counts of one record kind grouped one way, and the total."""

    kind: str
    group_by: str
    cells: list[Cell]
    total: Cell
    includes_tallies: bool = False
    published: bool = False  # public rules applied
    data_before: datetime | None = None  # public enforcement figures end here


def count_by(
    session: Session,
    kind: str,
    group_by: str,
    actor: Actor,
    flt: RecordFilter | None = None,
    *,
    rules: PublicRules | None = None,
    now: datetime | None = None,
) -> CountTable:
    """Visible records of ``kind`` matching ``flt`` counted per ``group_by`` (public rules for the public)."""
    if kind not in GROUPS:
        raise ValidationFailed(f"no statistics for {kind!r}; valid: {', '.join(GROUPS)}", field="kind")
    if group_by not in GROUPS[kind]:
        raise ValidationFailed(f"valid groupings: {', '.join(GROUPS[kind])}", field="group_by")
    flt = flt or RecordFilter()
    rules = rules or PublicRules()
    public = actor.role == "public"
    before = (now or utcnow()) - timedelta(days=rules.delay_days) if public and kind in ENFORCEMENT else None
    reader = PUBLISHED_READER if public and kind != "measures" else actor
    tallies = False
    if kind == "checks":
        counts, total, tallies = _vehicles(session, reader, flt, group_by, before)
    else:
        counts, total = _records(session, kind, reader, flt, group_by, before)
    table = CountTable(
        kind,
        group_by,
        [Cell(key, n) for key, n in sorted(counts.items()) if n],
        Cell("total", total),
        includes_tallies=tallies,
        published=public,
        data_before=before,
    )
    if public and kind != "measures":
        table = suppress(table, rules.min_cell_size)
    return table


def suppress(table: CountTable, min_cell_size: int) -> CountTable:
    """Hide groups under ``min_cell_size`` (and a complement when only one is hidden)."""

    def small(n: int | None) -> bool:
        return n is not None and 0 < n < min_cell_size

    hidden = {c.key for c in table.cells if small(c.count)}
    if len(hidden) == 1:
        others = sorted((c for c in table.cells if c.key not in hidden), key=lambda c: (c.count or 0, c.key))
        if others:
            hidden.add(others[0].key)
    cells = [Cell(c.key, None, True) if c.key in hidden else c for c in table.cells]
    total = Cell(table.total.key, None, True) if small(table.total.count) else table.total
    return replace(table, cells=cells, total=total)


def label(kind: str, group_by: str, key: str, lang: str = "sv") -> str | None:
    """The vocabulary label of a group key (None for weeks, months and unknown codes)."""
    name = LABELS.get((kind, group_by))
    if name is None:
        return None
    try:
        return vocab.vocabulary(name).get(key).label(lang)
    except KeyError:
        return None


def time_bucket(value: datetime, group_by: str) -> str:
    """The Stockholm ISO week (``2025-W20``) or month (``2025-05``) of a UTC time."""
    t = local(value)
    if group_by == "week":
        year, week, _ = t.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{t.year}-{t.month:02d}"


def _scopes(
    session: Session, kind: str, reader: Actor, flt: RecordFilter, extra: list[ColumnElement[bool]]
) -> list[ColumnElement[bool]]:
    """Conditions on the record id that together select exactly what the list would show.

    One condition (a subquery) when SQL is exact; on SQLite with a spatial filter the ids are
    refined in Python, as the lists do, and handed back in chunks whose counts add up.
    """
    model = spec(kind).model
    stmt = matching_ids(session, kind, reader, flt, None).order_by(None).where(*extra)
    filters = flt.spatial()
    dialect = session.get_bind().dialect.name
    if not any(f.needs_refine(dialect) for f in filters):
        return [model.id.in_(stmt)]
    rows = session.execute(stmt.add_columns(model.geom)).all()
    ids = [r[0] for r in rows if r[1] is not None and all(f.refine(r[1]) for f in filters)]
    return [model.id.in_(ids[i : i + ID_CHUNK]) for i in range(0, len(ids), ID_CHUNK)]


def _add(counts: Counter[str], rows: Iterable[Any], group_by: str) -> None:
    for key, n in rows:
        if key is None:
            key = UNKNOWN
        elif group_by in TIME_GROUPS:
            key = time_bucket(key, group_by)
        counts[str(key)] += int(n or 0)


def _vehicles(
    session: Session, reader: Actor, flt: RecordFilter, group_by: str, before: datetime | None
) -> tuple[Counter[str], int, bool]:
    check_extra: list[ColumnElement[bool]] = []
    tally_extra: list[ColumnElement[bool]] = []
    if before is not None:
        completed = select(Operation.id).where(Operation.status == "COMPLETED")
        check_extra = [VehicleCheck.operation_id.in_(completed), VehicleCheck.checked_at < before]
        tally_extra = [Tally.operation_id.in_(completed), Tally.counted_to < before]
    counts: Counter[str] = Counter()
    total = 0
    for scope in _scopes(session, "checks", reader, flt, check_extra):
        total += session.scalar(select(func.count()).select_from(VehicleCheck).where(scope)) or 0
        _add(counts, session.execute(_check_groups(group_by, scope)), group_by)
    with_tallies = flt.finding is None and not flt.spatial()
    if with_tallies:
        weight = _tally_weights(flt.outcome)
        for scope in _scopes(session, "tallies", reader, replace(flt, outcome=None), tally_extra):
            weighted = (
                select(func.sum(weight.c.n)).select_from(Tally).join(weight, weight.c.tally_id == Tally.id)
            )
            total += int(session.scalar(weighted.where(scope)) or 0)
            stmt = _tally_groups(group_by, scope, weight, flt.outcome)
            if stmt is not None:
                _add(counts, session.execute(stmt), group_by)
    return counts, total, with_tallies


def _check_groups(group_by: str, scope: ColumnElement[bool]) -> Select:
    if group_by in ("outcome", "finding"):
        return (
            select(CheckCode.code, func.count())
            .join(VehicleCheck, VehicleCheck.id == CheckCode.check_id)
            .where(CheckCode.kind == group_by, scope)
            .group_by(CheckCode.code)
        )
    if group_by == "focus":
        return (
            select(Operation.focus, func.count())
            .select_from(VehicleCheck)
            .join(Operation, Operation.id == VehicleCheck.operation_id)
            .where(scope)
            .group_by(Operation.focus)
        )
    col = VehicleCheck.checked_at if group_by in TIME_GROUPS else VehicleCheck.vehicle_type
    return select(col, func.count()).where(scope).group_by(col)


def _tally_weights(outcome: str | None) -> Any:
    """Vehicles per tally (of one outcome, when filtered), as a subquery."""
    stmt = select(TallyCount.tally_id.label("tally_id"), func.sum(TallyCount.count).label("n"))
    if outcome is not None:
        stmt = stmt.where(TallyCount.outcome == outcome)
    return stmt.group_by(TallyCount.tally_id).subquery()


def _tally_groups(
    group_by: str, scope: ColumnElement[bool], weight: Any, outcome: str | None
) -> Select | None:
    if group_by == "finding":
        return None
    if group_by == "outcome":
        stmt = (
            select(TallyCount.outcome, func.sum(TallyCount.count))
            .join(Tally, Tally.id == TallyCount.tally_id)
            .where(scope)
        )
        if outcome is not None:
            stmt = stmt.where(TallyCount.outcome == outcome)
        return stmt.group_by(TallyCount.outcome)
    col: Any = {"focus": Operation.focus, "vehicle_type": Tally.vehicle_type}.get(
        group_by, Tally.counted_from
    )
    stmt = select(col, func.sum(weight.c.n)).select_from(Tally).join(weight, weight.c.tally_id == Tally.id)
    if group_by == "focus":
        stmt = stmt.join(Operation, Operation.id == Tally.operation_id)
    return stmt.where(scope).group_by(col)


def _records(
    session: Session, kind: str, reader: Actor, flt: RecordFilter, group_by: str, before: datetime | None
) -> tuple[Counter[str], int]:
    s = spec(kind)
    extra: list[ColumnElement[bool]] = []
    if kind == "operations" and before is not None:
        ended = func.coalesce(
            Operation.actual_end, Operation.planned_end, Operation.actual_start, Operation.planned_start
        )
        extra = [Operation.status == "COMPLETED", ended < before]
    col: Any = s.time if group_by in TIME_GROUPS else getattr(s.model, group_by)
    counts: Counter[str] = Counter()
    total = 0
    for scope in _scopes(session, kind, reader, flt, extra):
        total += session.scalar(select(func.count()).select_from(s.model).where(scope)) or 0
        _add(counts, session.execute(select(col, func.count()).where(scope).group_by(col)), group_by)
    return counts, total
