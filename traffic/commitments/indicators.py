"""Indicators computed from the records, and every indicator's status for a period.

A computed indicator names its computation in ``Indicator.metric`` as ``name`` or
``name:argument``:

=================================  =============================================================
``operations_completed[:FOCUS]``   completed operations (of one focus) that started in the period
``vehicles_checked[:TYPE]``        vehicles checked (single checks and tallies) in completed
                                   operations, in the period (of one vehicle type)
``vehicles_with_outcome:CODE``     vehicles given outcome ``CODE`` (checks and tallies)
``checks_with_finding:CODE``       checks with finding ``CODE`` (tallies carry no findings)
``measures_completed[:KIND]``      safety measures (of one kind) completed in the period
``incidents[:KIND]``               incidents and concerns (of one kind) in the period
``presence_hours_per_week:ZONE``   patrol hours per week in zone ``ZONE`` (traffic.presence.analysis)
``koper_share:ZONE``               share of visits to ``ZONE`` lasting 10–16 minutes (0–1)
=================================  =============================================================

**Scope** (the same in the report): only completed operations count, never a planned, ongoing
or cancelled one; an operation belongs to the period it started in (actual start, else the
planned one), a check to the period of its time, a tally to that of its start, a measure to
its completion date (Stockholm), an incident to its time. Deleted records never count.

**Published figures** (``Scope.before`` set) follow :mod:`traffic.aggregates`: enforcement
records count only when older than the public delay (a check by its time, a tally by its end,
an operation by its end), and a count of 1 to ``min_cell_size − 1`` is suppressed. Measures,
presence hours and shares are not suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from traffic.aggregates import PublicRules
from traffic.checks.models import FINDING, OUTCOME, CheckCode, VehicleCheck
from traffic.commitments.models import COMPUTED, Commitment, IndicatorValue
from traffic.errors import NotFound, ValidationFailed
from traffic.incidents.models import Incident
from traffic.measures.models import SafetyMeasure
from traffic.operations.models import Operation
from traffic.presence.analysis import DEFAULT_ZONE, analyse_zone
from traffic.storage.base import utcnow
from traffic.tallies.models import Tally, TallyCount
from traffic.timeutil import STOCKHOLM, Period

COMPLETED = "COMPLETED"
ENFORCEMENT_METRICS = frozenset(
    {"operations_completed", "vehicles_checked", "vehicles_with_outcome", "checks_with_finding"}
)
SUPPRESSED_METRICS = ENFORCEMENT_METRICS | {"incidents"}


@dataclass(frozen=True)
class Scope:
    """A period, and for published figures the time before which enforcement records count."""

    start: datetime
    end: datetime
    before: datetime | None = None  # set for the public: now − delay
    min_cell_size: int = 5

    @classmethod
    def of(
        cls,
        period: Period,
        *,
        public: bool = False,
        rules: PublicRules | None = None,
        now: datetime | None = None,
    ) -> Scope:
        """The scope of ``period``; with ``public`` the published-figure rules apply."""
        rules = rules or PublicRules()
        before = (now or utcnow()) - timedelta(days=rules.delay_days) if public else None
        return cls(period.start, period.end, before, rules.min_cell_size)

    @property
    def public(self) -> bool:
        """Published figures."""
        return self.before is not None

    @property
    def first_day(self) -> date:
        """The first local date of the period."""
        return self.start.astimezone(STOCKHOLM).date()

    @property
    def end_day(self) -> date:
        """The local date after the period."""
        return self.end.astimezone(STOCKHOLM).date()

    def suppress(self, n: int | None) -> bool:
        """Whether a published count must be hidden (1 … min_cell_size − 1)."""
        return self.public and n is not None and 0 < n < self.min_cell_size

    # ------------------------------------------------------------------ record conditions

    def operations(self) -> list[ColumnElement[bool]]:
        """Completed, live operations that started in the period (and ended before the cut-off)."""
        started = func.coalesce(Operation.actual_start, Operation.planned_start)
        conds = [
            Operation.deleted_at.is_(None),
            Operation.status == COMPLETED,
            started >= self.start,
            started < self.end,
        ]
        if self.before is not None:
            ended = func.coalesce(
                Operation.actual_end, Operation.planned_end, Operation.actual_start, Operation.planned_start
            )
            conds.append(ended < self.before)
        return conds

    def completed_operation_ids(self) -> Select:
        """Ids of every completed, live operation (a check counts by its own time)."""
        return select(Operation.id).where(Operation.deleted_at.is_(None), Operation.status == COMPLETED)

    def checks(self) -> list[ColumnElement[bool]]:
        """Live checks of completed operations in the period."""
        conds = [
            VehicleCheck.deleted_at.is_(None),
            VehicleCheck.checked_at >= self.start,
            VehicleCheck.checked_at < self.end,
            VehicleCheck.operation_id.in_(self.completed_operation_ids()),
        ]
        if self.before is not None:
            conds.append(VehicleCheck.checked_at < self.before)
        return conds

    def tallies(self) -> list[ColumnElement[bool]]:
        """Live tallies of completed operations that started in the period."""
        conds = [
            Tally.deleted_at.is_(None),
            Tally.counted_from >= self.start,
            Tally.counted_from < self.end,
            Tally.operation_id.in_(self.completed_operation_ids()),
        ]
        if self.before is not None:
            conds.append(Tally.counted_to < self.before)
        return conds

    def measures_completed(self) -> list[ColumnElement[bool]]:
        """Live measures completed in the period."""
        return [
            SafetyMeasure.deleted_at.is_(None),
            SafetyMeasure.status == COMPLETED,
            SafetyMeasure.completed_on >= self.first_day,
            SafetyMeasure.completed_on < self.end_day,
        ]

    def incidents(self) -> list[ColumnElement[bool]]:
        """Live incidents in the period."""
        return [
            Incident.deleted_at.is_(None),
            Incident.occurred_at >= self.start,
            Incident.occurred_at < self.end,
        ]


@dataclass(frozen=True)
class Result:
    """A computed value; ``suppressed`` hides a small published count (``value`` is then None)."""

    value: float | None
    suppressed: bool = False
    n: int | None = None  # the number of cases behind a share


def _count(session: Session, stmt: Select) -> int:
    return int(session.scalar(stmt) or 0)


def operations_completed(session: Session, scope: Scope, focus: str | None = None) -> int:
    """Completed operations (of ``focus``) in the scope."""
    conds = scope.operations() + ([Operation.focus == focus] if focus else [])
    return _count(session, select(func.count()).select_from(Operation).where(*conds))


def vehicles_checked(session: Session, scope: Scope, vehicle_type: str | None = None) -> int:
    """Vehicles checked: single checks plus tallied vehicles (of ``vehicle_type``)."""
    checks = scope.checks() + ([VehicleCheck.vehicle_type == vehicle_type] if vehicle_type else [])
    tallies = scope.tallies() + ([Tally.vehicle_type == vehicle_type] if vehicle_type else [])
    n = _count(session, select(func.count()).select_from(VehicleCheck).where(*checks))
    tallied = select(func.sum(TallyCount.count)).join(Tally, Tally.id == TallyCount.tally_id).where(*tallies)
    return n + _count(session, tallied)


def vehicles_with_outcome(session: Session, scope: Scope, code: str) -> int:
    """Vehicles given outcome ``code`` (a check with several outcomes counts under each)."""
    checks = (
        select(func.count())
        .select_from(CheckCode)
        .join(VehicleCheck, VehicleCheck.id == CheckCode.check_id)
        .where(CheckCode.kind == OUTCOME, CheckCode.code == code, *scope.checks())
    )
    tallied = (
        select(func.sum(TallyCount.count))
        .join(Tally, Tally.id == TallyCount.tally_id)
        .where(TallyCount.outcome == code, *scope.tallies())
    )
    return _count(session, checks) + _count(session, tallied)


def checks_with_finding(session: Session, scope: Scope, code: str) -> int:
    """Checks with finding ``code``."""
    stmt = (
        select(func.count())
        .select_from(CheckCode)
        .join(VehicleCheck, VehicleCheck.id == CheckCode.check_id)
        .where(CheckCode.kind == FINDING, CheckCode.code == code, *scope.checks())
    )
    return _count(session, stmt)


def measures_completed(session: Session, scope: Scope, kind: str | None = None) -> int:
    """Safety measures (of ``kind``) completed in the scope."""
    conds = scope.measures_completed() + ([SafetyMeasure.kind == kind] if kind else [])
    return _count(session, select(func.count()).select_from(SafetyMeasure).where(*conds))


def incidents(session: Session, scope: Scope, kind: str | None = None) -> int:
    """Incidents and concerns (of ``kind``) in the scope."""
    conds = scope.incidents() + ([Incident.kind == kind] if kind else [])
    return _count(session, select(func.count()).select_from(Incident).where(*conds))


def parse_metric(metric: str) -> tuple[str, str | None]:
    """``"operations_completed:A_TRAKTOR"`` → ``("operations_completed", "A_TRAKTOR")``."""
    name, _, arg = metric.partition(":")
    if name not in METRICS:
        raise ValidationFailed(
            f"unknown metric {name!r}; valid: {', '.join(sorted(METRICS))}", field="metric"
        )
    return name, arg or None


def compute(
    session: Session,
    metric: str,
    period: Period,
    scope: Scope | None = None,
    *,
    as_of: datetime | None = None,
) -> Result:
    """The value of a computed indicator for ``period`` (published rules when ``scope.public``)."""
    scope = scope or Scope.of(period)
    name, arg = parse_metric(metric)
    if name in ("presence_hours_per_week", "koper_share"):
        try:
            zp = analyse_zone(session, period, arg or DEFAULT_ZONE, as_of=as_of)
        except NotFound:
            return Result(None)  # the zone is not (yet) registered: nothing to report
        if name == "presence_hours_per_week":
            return Result(round(zp.analysis.hours_per_week, 6))
        n = len(zp.analysis.visits)
        return Result(zp.analysis.in_band / n if n else None, n=n)
    if name in ("vehicles_with_outcome", "checks_with_finding") and not arg:
        raise ValidationFailed(f"{name} needs a code, e.g. {name}:ORDNINGSBOT", field="metric")
    value = METRICS[name](session, scope, arg)
    if name in SUPPRESSED_METRICS and scope.suppress(value):
        return Result(None, suppressed=True)
    return Result(value)


METRICS: dict[str, Any] = {
    "operations_completed": operations_completed,
    "vehicles_checked": vehicles_checked,
    "vehicles_with_outcome": vehicles_with_outcome,
    "checks_with_finding": checks_with_finding,
    "measures_completed": measures_completed,
    "incidents": incidents,
    "presence_hours_per_week": None,
    "koper_share": None,
}


@dataclass(frozen=True)
class IndicatorStatus:
    """An indicator's value for a period against its target."""

    commitment_code: str
    strand: str
    commitment_title: str
    code: str
    title: str
    unit: str
    source: str
    metric: str | None
    value: float | None
    suppressed: bool
    target: float | None
    comparison: str | None
    note: str | None = None

    @property
    def met(self) -> bool | None:
        """Whether the target is reached (None without a target or a value)."""
        if self.target is None or self.value is None:
            return None
        if self.comparison == "<=":
            return self.value <= self.target + 1e-9
        return self.value >= self.target - 1e-9


def commitment_status(
    session: Session,
    period: Period,
    *,
    lang: str = "sv",
    scope: Scope | None = None,
    as_of: datetime | None = None,
    computed: dict[str, Result] | None = None,
) -> list[IndicatorStatus]:
    """Every indicator of every commitment with its value and target for ``period``.

    Computed indicators are computed (``computed`` may hand over values already known, by
    metric); manual ones take the value entered for the period's label (none for a date range).
    """
    scope = scope or Scope.of(period)
    commitments = list(session.scalars(select(Commitment).order_by(Commitment.strand, Commitment.code)))
    ids = [i.id for c in commitments for i in c.indicators]
    values = select(IndicatorValue).where(
        IndicatorValue.indicator_id.in_(ids), IndicatorValue.period == period.label
    )
    entered = {row.indicator_id: row for row in session.scalars(values)} if ids else {}
    computed = dict(computed or {})
    out = []
    for c in commitments:
        for ind in c.indicators:
            target = next((t for t in ind.targets if t.period == period.label), None)
            note = None
            if ind.source == COMPUTED and ind.metric:
                if ind.metric not in computed:
                    computed[ind.metric] = compute(session, ind.metric, period, scope, as_of=as_of)
                res = computed[ind.metric]
                value, suppressed = res.value, res.suppressed
            else:
                row = entered.get(ind.id)
                value, suppressed, note = (row.value, False, row.note) if row else (None, False, None)
            out.append(
                IndicatorStatus(
                    c.code,
                    c.strand,
                    c.title_en if lang == "en" else c.title_sv,
                    ind.code,
                    ind.title_en if lang == "en" else ind.title_sv,
                    ind.unit,
                    ind.source,
                    ind.metric,
                    value,
                    suppressed,
                    target.target if target else None,
                    target.comparison if target else None,
                    note,
                )
            )
    return out
