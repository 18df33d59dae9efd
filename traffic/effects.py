"""Before/after effect of a completed safety measure, against a comparison area.

**What is counted.** *Events*: incidents and concerns of every kind, plus vehicle checks with a
remark (a finding or an outcome other than "utan anmärkning") in completed operations.
*Site*: events within ``radius_m`` of the measure's geometry (SWEREF 99 TM metres; a line or
polygon measure is measured from its nearest point). *Comparison area*: every other event of
the data set (the municipality) farther than ``2 × radius_m`` from the measure, so that the
ring in between, where an effect might spill over, belongs to neither.

**Periods.** Two periods of equal length ``L`` days: *before* ends where the work started
(``started_on``, else ``completed_on``: the construction time belongs to neither period) and
*after* starts the day after ``completed_on``. ``L`` is the longest length up to
``max_days`` (365) for which both periods lie inside the data: from the first to the last event
recorded, and not after ``as_of``. Under ``min_days`` (30) no effect is computed.

**Effect.** With ``a₁, a₀`` the site's events after and before and ``c₁, c₀`` the comparison
area's, the effect index is the rate ratio relative to the comparison area::

    θ = (a₁ / a₀) / (c₁ / c₀)

(θ < 1: the site improved more than the comparison area). With Poisson counts, conditioning on
the totals makes the 2 × 2 table ``[[a₁, a₀], [c₁, c₀]]`` non-central hypergeometric, and the
exact conditional confidence interval of its odds ratio is the interval for θ (as in Fisher's
exact test; :func:`conditional_ci`). The
site's own ratio ``a₁ / a₀`` gets the exact interval from the binomial ``a₁ | a₁ + a₀``
(Clopper–Pearson), transformed by ``p / (1 − p)``. Under ``MIN_CASES`` (10) site events in all,
no ratio is given: too few to report.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import shapely
from scipy.optimize import brentq
from scipy.special import gammaln
from scipy.stats import binomtest
from shapely.geometry.base import BaseGeometry
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from geo.crs import to_metric
from traffic.checks.models import VehicleCheck
from traffic.incidents.models import Incident
from traffic.measures.models import SafetyMeasure
from traffic.operations.models import Operation
from traffic.presence.analysis import epoch_seconds
from traffic.storage.base import utcnow
from traffic.timeutil import STOCKHOLM

DEFAULT_RADIUS_M = 200.0
COMPARISON_FACTOR = 2.0
MAX_DAYS = 365
MIN_DAYS = 30
MIN_CASES = 10
CONFIDENCE = 0.95
CAVEAT = {
    "sv": (
        "Åtgärder görs ofta där det nyligen har hänt ovanligt mycket. Då blir det ofta färre "
        "händelser efteråt även utan åtgärd, eftersom ett ovanligt år följs av ett mer normalt "
        "(regression mot medelvärdet). Jämförelseområdet fångar förändringar i hela kommunen men "
        "inte detta. Siffrorna visar en förändring på platsen, inte säkert en effekt av åtgärden; "
        "intervallet visar hur osäker skattningen är."
    ),
    "en": (
        "Measures are often placed where unusually much has happened recently. The number of "
        "events then often falls afterwards even without a measure, because an unusual year is "
        "followed by a more normal one (regression to the mean). The comparison area captures "
        "changes across the municipality but not this. The figures show a change at the site, "
        "not necessarily an effect of the measure; the interval shows how uncertain the estimate is."
    ),
}


@dataclass(frozen=True)
class Events:
    """Events of one kind: SWEREF 99 TM metres and epoch seconds, sorted by time."""

    e: np.ndarray
    n: np.ndarray
    t: np.ndarray

    def __len__(self) -> int:
        return len(self.t)

    @classmethod
    def of(cls, rows: Sequence[Sequence[float]]) -> Events:
        """From ``(e, n, epoch seconds)`` rows."""
        flat = np.fromiter((float(v) for row in rows for v in row), dtype=np.float64, count=3 * len(rows))
        arr = flat.reshape(-1, 3)
        arr = arr[np.argsort(arr[:, 2], kind="stable")]
        return cls(arr[:, 0].copy(), arr[:, 1].copy(), arr[:, 2].copy())

    def window(self, lo: float, hi: float) -> slice:
        """The events with ``lo <= t < hi``."""
        return slice(int(np.searchsorted(self.t, lo, "left")), int(np.searchsorted(self.t, hi, "left")))


@dataclass(frozen=True)
class Counts:
    """Events in the period before and the period after."""

    before: int
    after: int

    @property
    def total(self) -> int:
        """Before plus after."""
        return self.before + self.after


@dataclass(frozen=True)
class Effect:
    """The before/after comparison of one measure (see the module notes)."""

    measure_id: uuid.UUID
    title: str
    kind: str
    completed_on: date
    radius_m: float
    days: int
    before: tuple[date, date] | None  # first day, day after the last
    after: tuple[date, date] | None
    incidents: Counts
    remarks: Counts
    comparison: Counts
    ratio: float | None
    ci: tuple[float, float] | None
    site_ratio: float | None
    site_ci: tuple[float, float] | None
    reason: str | None = None  # "too_short", "too_few", "no_before", "no_comparison"

    @property
    def site(self) -> Counts:
        """Incidents and remarks together."""
        return Counts(self.incidents.before + self.remarks.before, self.incidents.after + self.remarks.after)


def _epoch(value: datetime) -> float:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _midnight(d: date) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=STOCKHOLM).timestamp()


def _remark() -> ColumnElement[bool]:
    return VehicleCheck.has_remark.is_(True)


def _sources(
    before: datetime | None, dialect: str
) -> list[tuple[Any, Any, Any, Any, list[ColumnElement[bool]]]]:
    """(east, north, epoch seconds, the time column, conditions) of incidents and of remarks."""
    done = select(Operation.id).where(Operation.deleted_at.is_(None), Operation.status == "COMPLETED")
    c = VehicleCheck
    remarks = [c.deleted_at.is_(None), c.sweref_e.is_not(None), c.operation_id.in_(done), _remark()]
    if before is not None:
        remarks.append(c.checked_at < before)
    i = Incident
    incidents = [i.deleted_at.is_(None), i.sweref_e.is_not(None)]
    return [
        (i.sweref_e, i.sweref_n, epoch_seconds(i.occurred_at, dialect), i.occurred_at, incidents),
        (c.sweref_e, c.sweref_n, epoch_seconds(c.checked_at, dialect), c.checked_at, remarks),
    ]


def _utc(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def load_events(
    session: Session, *, before: datetime | None = None, lo: float | None = None, hi: float | None = None
) -> tuple[Events, Events]:
    """Live incidents and remarks of completed operations (older than ``before``; in ``[lo, hi)``)."""
    dialect = session.get_bind().dialect.name
    out = []
    for e, n, t, col, conds in _sources(before, dialect):
        when = ([col >= _utc(lo)] if lo is not None else []) + ([col < _utc(hi)] if hi is not None else [])
        out.append(Events.of(session.execute(select(e, n, t).where(*conds, *when)).all()))
    return out[0], out[1]


def _span(session: Session, before: datetime | None) -> tuple[float, float] | None:
    """The time of the first and of the last event (epoch seconds), or None without events."""
    dialect = session.get_bind().dialect.name
    times = []
    for _e, _n, t, col, conds in _sources(before, dialect):
        for order in (col.asc(), col.desc()):  # the indexed column, not the expression
            value = session.scalar(select(t).where(*conds).order_by(order).limit(1))
            if value is not None:
                times.append(float(value))
    return (min(times), max(times)) if times else None


def _log_choose(n: int, k: np.ndarray) -> np.ndarray:
    return gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)


def _root(f: Callable[[float], float]) -> float:
    """The log odds ratio where the increasing or decreasing ``f`` crosses zero."""
    lo, hi = -1.0, 1.0
    while f(lo) * f(hi) > 0 and hi < 700:
        lo, hi = lo * 2, hi * 2
    return float(brentq(f, lo, hi, xtol=1e-12, rtol=1e-12))


def conditional_ci(a1: int, a0: int, c1: int, c0: int, level: float = CONFIDENCE) -> tuple[float, float]:
    """Exact conditional interval of the odds ratio of ``[[a1, a0], [c1, c0]]``.

    ``a1`` given every margin follows Fisher's non-central hypergeometric distribution
    ``P(x) ∝ C(a1+a0, x) · C(c1+c0, a1+c1−x) · θˣ``; the bounds are the θ at which
    ``P(X ≥ a1) = α/2`` and ``P(X ≤ a1) = α/2`` — the interval of
    ``scipy.stats.contingency.odds_ratio(kind="conditional")`` (tested equal), computed over the
    site's small support in log space, so a comparison area of thousands costs nothing.
    """
    n_a, n_c, m = a1 + a0, c1 + c0, a1 + c1
    x = np.arange(max(0, m - n_c), min(n_a, m) + 1)
    base = _log_choose(n_a, x) + _log_choose(n_c, m - x)
    alpha = (1 - level) / 2

    def tails(log_theta: float) -> tuple[float, float]:
        w = base + x * log_theta
        p = np.exp(w - w.max())
        p /= p.sum()
        return float(p[x >= a1].sum()), float(p[x <= a1].sum())

    low = 0.0 if a1 == x[0] else float(np.exp(_root(lambda lt: tails(lt)[0] - alpha)))
    high = float("inf") if a1 == x[-1] else float(np.exp(_root(lambda lt: tails(lt)[1] - alpha)))
    return low, high


def rate_ratio(
    a1: int, a0: int, c1: int, c0: int, level: float = CONFIDENCE
) -> tuple[float | None, tuple[float, float]]:
    """``(a1/a0)/(c1/c0)`` and its exact conditional confidence interval (module notes)."""
    point = (a1 * c0) / (a0 * c1) if a0 and c1 else None
    return point, conditional_ci(a1, a0, c1, c0, level)


def site_rate_ratio(a1: int, a0: int, level: float = CONFIDENCE) -> tuple[float | None, tuple[float, float]]:
    """``a1/a0`` (equal periods) and the exact interval from the binomial ``a1 | a1 + a0``."""
    ci = binomtest(a1, a1 + a0).proportion_ci(level, method="exact")
    odds = [p / (1 - p) if p < 1 else float("inf") for p in (ci.low, ci.high)]
    return (a1 / a0 if a0 else None), (float(odds[0]), float(odds[1]))


def _window(measure: SafetyMeasure, first: float, last: float, max_days: int) -> tuple[int, date, date]:
    """``(L, before_end, after_start)``: the common length in days and where the periods meet the work."""
    assert measure.completed_on is not None
    before_end = measure.started_on or measure.completed_on
    after_start = measure.completed_on + timedelta(days=1)
    room_after = int((last - _midnight(after_start)) // 86400)
    room_before = int((_midnight(before_end) - first) // 86400)
    return max(0, min(max_days, room_after, room_before)), before_end, after_start


def _near(geom_metric: BaseGeometry, ev: Events, sl: slice, radii: Sequence[float]) -> list[int]:
    """Events of ``ev[sl]`` within each of ``radii`` metres of the geometry (bbox prefilter first)."""
    if sl.stop <= sl.start:
        return [0 for _ in radii]
    x0, y0, x1, y1 = geom_metric.bounds
    r = max(radii)
    e, n = ev.e[sl], ev.n[sl]
    box = (e >= x0 - r) & (e <= x1 + r) & (n >= y0 - r) & (n <= y1 + r)
    if not box.any():
        return [0 for _ in radii]
    d = shapely.distance(geom_metric, shapely.points(e[box], n[box]))
    return [int(np.count_nonzero(d <= m)) for m in radii]


def _windows(days: int, before_end: date, after_start: date) -> tuple[tuple[date, date], tuple[date, date]]:
    return (before_end - timedelta(days=days), before_end), (after_start, after_start + timedelta(days=days))


def effect_of(
    measure: SafetyMeasure,
    incidents: Events,
    remarks: Events,
    *,
    radius_m: float = DEFAULT_RADIUS_M,
    as_of: datetime | None = None,
    max_days: int = MAX_DAYS,
    min_days: int = MIN_DAYS,
) -> Effect:
    """The before/after comparison of one completed measure, every event given in memory."""
    times = [t for ev in (incidents, remarks) if len(ev) for t in (ev.t[0], ev.t[-1])]
    now = _epoch(as_of or utcnow())
    first, last = (min(times), min(max(times), now)) if times else (now, now)

    def total(lo: float, hi: float) -> int:
        return sum(len(range(*ev.window(lo, hi).indices(len(ev)))) for ev in (incidents, remarks))

    return _compare(measure, incidents, remarks, total, _window(measure, first, last, max_days),
                    radius_m=radius_m, min_days=min_days)  # fmt: skip


def _compare(
    measure: SafetyMeasure,
    incidents: Events,
    remarks: Events,
    total: Callable[[float, float], int],
    window: tuple[int, date, date],
    *,
    radius_m: float,
    min_days: int,
) -> Effect:
    """Count the site and the comparison area in both periods; ``incidents`` and ``remarks`` need
    only hold the events near the measure, ``total`` counts every event of a window."""
    days, before_end, after_start = window
    geom = to_metric(measure.geom) if measure.geom is not None else None
    zero = Counts(0, 0)
    base = {
        "measure_id": measure.id,
        "title": measure.title,
        "kind": measure.kind,
        "completed_on": measure.completed_on,
        "radius_m": radius_m,
        "days": days,
    }
    if days < min_days or geom is None:
        return Effect(**base, before=None, after=None, incidents=zero, remarks=zero, comparison=zero,
                      ratio=None, ci=None, site_ratio=None, site_ci=None, reason="too_short")  # fmt: skip
    before, after = _windows(days, before_end, after_start)
    site, near = [], [0, 0]
    for ev in (incidents, remarks):
        counts = []
        for k, (lo, hi) in enumerate((before, after)):
            inside, ring = _near(
                geom, ev, ev.window(_midnight(lo), _midnight(hi)), (radius_m, COMPARISON_FACTOR * radius_m)
            )
            counts.append(inside)
            near[k] += ring
        site.append(Counts(*counts))
    comparison = Counts(
        *(total(_midnight(lo), _midnight(hi)) - near[k] for k, (lo, hi) in enumerate((before, after)))
    )
    a0, a1 = site[0].before + site[1].before, site[0].after + site[1].after
    ratio = ci = site_ratio = site_ci = None
    reason = None
    if a0 + a1 < MIN_CASES:
        reason = "too_few"
    elif comparison.before == 0 or comparison.after == 0:
        reason = "no_comparison"
    else:
        ratio, ci = rate_ratio(a1, a0, comparison.after, comparison.before)
        site_ratio, site_ci = site_rate_ratio(a1, a0)
        if a0 == 0:
            reason = "no_before"
    return Effect(
        **base,
        before=before,
        after=after,
        incidents=site[0],
        remarks=site[1],
        comparison=comparison,
        ratio=ratio,
        ci=ci,
        site_ratio=site_ratio,
        site_ci=site_ci,
        reason=reason,
    )


def completed_measures(session: Session, *, completed_before: date | None = None) -> list[SafetyMeasure]:
    """Live completed measures with a completion date (before ``completed_before``), oldest first."""
    conds = [
        SafetyMeasure.deleted_at.is_(None),
        SafetyMeasure.status == "COMPLETED",
        SafetyMeasure.completed_on.is_not(None),
    ]
    if completed_before is not None:
        conds.append(SafetyMeasure.completed_on < completed_before)
    stmt = select(SafetyMeasure).where(*conds).order_by(SafetyMeasure.completed_on, SafetyMeasure.title)
    return list(session.scalars(stmt))


def measure_effects(
    session: Session,
    measures: Sequence[SafetyMeasure] | None = None,
    *,
    radius_m: float = DEFAULT_RADIUS_M,
    as_of: datetime | None = None,
    data_before: datetime | None = None,
    max_days: int = MAX_DAYS,
    min_days: int = MIN_DAYS,
) -> list[Effect]:
    """The effect of each completed measure (default: all of them).

    The first and last event times come from two indexed look-ups; the events themselves are
    read once, only over the time the measures' periods cover. ``data_before`` leaves out
    remarks from then on (the public delay) and ends the periods there.
    """
    measures = completed_measures(session) if measures is None else measures
    if not measures:
        return []
    now = _epoch(min(as_of or utcnow(), data_before) if data_before else (as_of or utcnow()))
    span = _span(session, data_before)
    first, last = (span[0], min(span[1], now)) if span else (now, now)
    windows = [_window(m, first, last, max_days) for m in measures]
    used = [_windows(*w) for w in windows if w[0] >= min_days]
    lo = min((_midnight(b[0]) for b, _ in used), default=0.0)
    hi = max((_midnight(a[1]) for _, a in used), default=0.0)
    incidents, remarks = load_events(session, before=data_before, lo=lo, hi=hi)

    def total(a: float, b: float) -> int:
        return sum(len(range(*ev.window(a, b).indices(len(ev)))) for ev in (incidents, remarks))

    return [
        _compare(m, incidents, remarks, total, w, radius_m=radius_m, min_days=min_days)
        for m, w in zip(measures, windows, strict=True)
    ]
