"""Key figures and chart data of the overview, computed as the statistics API computes them.

Every count is :func:`traffic.aggregates.count_by` with the API's public rules, so a figure on
the page equals ``/api/v1/stats/…`` with the same filters, and a planned operation moves no
number outside its police organisation. Presence hours are read only for roles with
``presence:read``, and only from the sessions the role may see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from api.dashboard.filters import Filters
from api.permissions import allowed
from api.settings import Settings
from traffic.actors import Actor
from traffic.aggregates import CountTable, PublicRules, count_by, label
from traffic.presence.analysis import DEFAULT_ZONE, hours_per_week, load_sessions
from traffic.presence.models import PresenceSession
from traffic.queries import spec
from traffic.timeutil import Period, half_year
from traffic.visibility import presence_condition
from traffic.zones.models import Zone

KEY_KINDS = (("checks", "outcome", "vehicles_checked"), ("operations", "focus", "operations"),
             ("incidents", "kind", "incidents_n"), ("measures", "status", "measures_n"))  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """One key figure: its text key, value (None when suppressed) and the stats API URL behind it."""

    key: str
    value: int | None
    api: str


@dataclass(frozen=True)
class Presence:
    """Patrol hours per week in a zone per half-year, and the zone's weekly target."""

    zone_code: str
    zone_name: str
    target: float | None
    hours: list[tuple[str, float]]


def rules_of(settings: Settings) -> PublicRules:
    """The public rules the statistics API applies."""
    return PublicRules(delay_days=settings.public_delay_days, min_cell_size=settings.min_cell_size)


def table(
    session: Session, kind: str, group_by: str, actor: Actor, filters: Filters, settings: Settings
) -> CountTable:
    """Counts of ``kind`` per ``group_by`` as ``/api/v1/stats/{kind}`` gives them."""
    return count_by(session, kind, group_by, actor, filters.for_kind(kind), rules=rules_of(settings))


def key_figures(session: Session, actor: Actor, filters: Filters, settings: Settings) -> list[Figure]:
    """Vehicles checked, operations, incidents and measures for the filters (kinds the role may read)."""
    out = []
    for kind, group_by, key in KEY_KINDS:
        if kind == "incidents" and not allowed(actor.role, "incidents:read"):
            continue
        total = table(session, kind, group_by, actor, filters, settings).total
        params = {k: v for k, v in filters.query().items() if k != "focus" or "focus" in spec(kind).columns}
        query = urlencode(params)
        out.append(
            Figure(
                key,
                None if total.suppressed else total.count,
                f"/api/v1/stats/{kind}" + (f"?{query}" if query else ""),
            )
        )
    return out


def labelled(tbl: CountTable, lang: str) -> list[tuple[str, str, int]]:
    """(key, label, count) of the groups with a count."""
    return [
        (c.key, label(tbl.kind, tbl.group_by, c.key, lang) or c.key, c.count)
        for c in tbl.cells
        if c.count is not None
    ]


def presence_periods(filters: Filters, now: datetime | None = None) -> list[Period]:
    """The half-years to show: those of the chosen period, else the last four up to now."""
    chosen = filters.period()
    if chosen is not None:
        halves = []
        for year in range(chosen.start.year, chosen.end.year + 1):
            for half in (1, 2):
                p = half_year(year, half)
                if p.start < chosen.end and p.end > chosen.start:
                    halves.append(p)
        return halves[-8:] or [chosen]
    now = now or datetime.now(UTC)
    current = half_year(now.year, 1 if now.month <= 6 else 2)
    periods = [current]
    for _ in range(3):
        periods.insert(0, periods[0].previous())
    return periods


def presence(session: Session, actor: Actor, filters: Filters) -> Presence | None:
    """Hours per week against the target, for roles that may read presence (else None)."""
    if not allowed(actor.role, "presence:read"):
        return None
    code = filters.values.get("zone", DEFAULT_ZONE)
    zone = session.scalar(select(Zone).where(Zone.code == code, Zone.deleted_at.is_(None)))
    if zone is None:
        return None
    periods = presence_periods(filters)
    visible = set(
        session.scalars(select(type_coerce(PresenceSession.id, String)).where(presence_condition(actor)))
    )
    rows = [r for r in load_sessions(session, periods[0].start, periods[-1].end) if r.id in visible]
    hours = hours_per_week(session, periods, code, rows=rows)
    return Presence(
        zone.code, zone.name, zone.weekly_target_hours, [(p.label, hours[p.label]) for p in periods]
    )
