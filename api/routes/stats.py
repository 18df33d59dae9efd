"""/api/v1/stats — the counts behind maps and reports, for the same filters as the lists.

Signed-in roles get exact counts of what they may see. The public gets published figures:
enforcement counts only for records older than ``public_delay_days``, and every group under
``min_cell_size`` suppressed (see :mod:`traffic.aggregates` for the complete rule).
The list parameters ``limit``, ``offset``, ``sort`` and ``f`` are accepted and ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.deps import SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.listing import ListQuery, ListQueryDep
from api.permissions import Requires
from api.settings import Settings
from traffic.actors import Actor
from traffic.aggregates import Cell as CountCell
from traffic.aggregates import CountTable, PublicRules, count_by, label

router = APIRouter(prefix="/api/v1/stats", tags=["statistik / statistics"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(Requires("stats:read"))]


class StatsCell(BaseModel):
    """One group: its count, or ``suppressed`` with the count left out."""

    key: str = Field(description="code, ISO week (2025-W20) or month (2025-05); UNKNOWN when not given")
    label: str | None = None
    count: int | None = Field(default=None, description="absent when suppressed")
    suppressed: bool = False


class StatsTotal(BaseModel):
    """The number of records (vehicles for checks) matching the filters."""

    count: int | None = Field(default=None, description="absent when suppressed")
    suppressed: bool = False


class PublicInfo(BaseModel):
    """The rules applied to figures published for the public."""

    delay_days: int
    min_cell_size: int
    data_before: datetime | None = Field(default=None, description="enforcement records up to this time")


class StatsTable(BaseModel):
    """Counts of one record kind grouped one way."""

    kind: str
    group_by: str
    groups: list[StatsCell]
    total: StatsTotal
    includes_tallies: bool = Field(default=False, description="checks: tallied vehicles are counted too")
    public: PublicInfo | None = Field(default=None, description="present when public rules applied")


def _stats(
    session: SessionDep, settings: Settings, actor: Actor, q: ListQuery, kind: str, group_by: str
) -> StatsTable:
    rules = PublicRules(delay_days=settings.public_delay_days, min_cell_size=settings.min_cell_size)
    table = count_by(session, kind, group_by, actor, q.flt, rules=rules)
    return _shape(table, rules, settings.language)


def _cell(table: CountTable, cell: CountCell, lang: str) -> StatsCell:
    return StatsCell(
        key=cell.key,
        label=label(table.kind, table.group_by, cell.key, lang),
        count=cell.count,
        suppressed=cell.suppressed,
    )


def _shape(table: CountTable, rules: PublicRules, lang: str) -> StatsTable:
    public = None
    if table.published:
        public = PublicInfo(
            delay_days=rules.delay_days, min_cell_size=rules.min_cell_size, data_before=table.data_before
        )
    return StatsTable(
        kind=table.kind,
        group_by=table.group_by,
        groups=[_cell(table, c, lang) for c in table.cells],
        total=StatsTotal(count=table.total.count, suppressed=table.total.suppressed),
        includes_tallies=table.includes_tallies,
        public=public,
    )


@router.get(
    "/checks",
    summary="Kontrollerade fordon i siffror / vehicles checked",
    response_model=StatsTable,
    response_model_exclude_none=True,
)
def check_stats(
    session: SessionDep,
    settings: SettingsDep,
    actor: Reader,
    q: ListQueryDep,
    group_by: Annotated[
        Literal["outcome", "finding", "vehicle_type", "focus", "week", "month"], Query()
    ] = "outcome",
) -> StatsTable:
    """Vehicles (single checks and tallies together) per outcome, finding, type, focus, week or month."""
    return _stats(session, settings, actor, q, "checks", group_by)


@router.get(
    "/operations",
    summary="Insatser i siffror / operations",
    response_model=StatsTable,
    response_model_exclude_none=True,
)
def operation_stats(
    session: SessionDep,
    settings: SettingsDep,
    actor: Reader,
    q: ListQueryDep,
    group_by: Annotated[Literal["focus", "status", "month"], Query()] = "focus",
) -> StatsTable:
    """Operations per focus, status or month."""
    return _stats(session, settings, actor, q, "operations", group_by)


@router.get(
    "/incidents",
    summary="Händelser i siffror / incidents",
    response_model=StatsTable,
    response_model_exclude_none=True,
)
def incident_stats(
    session: SessionDep,
    settings: SettingsDep,
    actor: Reader,
    q: ListQueryDep,
    group_by: Annotated[Literal["kind", "month"], Query()] = "kind",
) -> StatsTable:
    """Incidents and concerns per kind or month."""
    return _stats(session, settings, actor, q, "incidents", group_by)


@router.get(
    "/measures",
    summary="Åtgärder i siffror / measures",
    response_model=StatsTable,
    response_model_exclude_none=True,
)
def measure_stats(
    session: SessionDep,
    settings: SettingsDep,
    actor: Reader,
    q: ListQueryDep,
    group_by: Annotated[Literal["status", "kind"], Query()] = "status",
) -> StatsTable:
    """Safety measures per status or kind (the public: completed ones)."""
    return _stats(session, settings, actor, q, "measures", group_by)
