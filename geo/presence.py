"""Presence in one zone over a period: patrol- and officer-minutes, visits, gaps, weekday × hour.

Input is a list of :class:`Stay` — a unit inside the zone from ``start`` to ``end`` (epoch
seconds, UTC) with a number of officers — however it was recorded (check-in, point stay, the
inside parts of a GPS track; :mod:`geo.tracks`). Everything is clipped to the period first.

Definitions (research practice, DOMAIN.md §5; Koper 1995, Williams & Coupe 2017):

* **patrol time** — time with at least one unit present: the union of the stays, so two units
  overlapping count once;
* **officer time** — officers × time, summed over units; a unit logged twice at the same
  time (say a check-in and its phone's GPS track) counts once, with the larger number of
  officers;
* **visit** — patrol presence with interruptions shorter than ``visit_gap_min`` joined
  (an interruption of exactly ``visit_gap_min`` separates two visits); its length is from
  its first arrival to its last departure, in whole seconds;
* **Koper band** — visits of ``band_min[0]``–``band_min[1]`` minutes, both edges included
  (with the default 10–16: 10:00 and 16:00 are in, 9:59 and 16:01 are out);
* **longest gap per day** — the longest time between two consecutive visits that start on the
  same local day (days with fewer than two visits have none);
* **longest gap per evening** — the longest stretch of the local evening window (default
  18–24) without a visit, the window's edges included: an evening without any visit is
  one six-hour gap;
* **weekday × hour** — patrol seconds per local weekday and local clock hour. Local hours in
  Europe/Stockholm begin on whole UTC hours, so time is cut at UTC hour boundaries and each
  piece is put in the local hour it falls in: elapsed time is always real time, the hour
  02–03 gets nothing on the last Sunday of March and two real hours on the last Sunday of
  October.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import numpy as np

from geo.tracks import join

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HOUR = 3600.0


@dataclass(frozen=True)
class PresenceRules:
    """The configurable parts of the presence analysis."""

    visit_gap_min: float = 5.0
    band_min: tuple[int, int] = (10, 16)
    revisit_max_min: float = 120.0  # "at least every two hours"
    evening_hours: tuple[int, int] = (18, 24)  # local clock hours, end exclusive

    def in_band(self, seconds: int) -> bool:
        """Whether a visit of ``seconds`` lies in the band, edges included."""
        return self.band_min[0] * 60 <= seconds <= self.band_min[1] * 60

    def length_classes(self) -> tuple[tuple[str, int, int | None], ...]:
        """The visit length classes, the band taken from these rules."""
        lo, hi = self.band_min[0] * 60, self.band_min[1] * 60
        return (
            ("lt5", 0, min(299, lo - 1)),
            ("5to10", 300, lo - 1),
            ("band", lo, hi),
            ("16to30", hi + 1, max(hi + 1, 1800)),
            ("30to60", max(hi + 1, 1800) + 1, 3600),
            ("gt60", 3601, None),
        )


class Stay(NamedTuple):
    """A unit inside the zone from ``start`` to ``end`` (epoch seconds)."""

    start: float
    end: float
    unit: str = ""
    officers: int = 1


@dataclass(frozen=True)
class Visit:
    """Joined patrol presence (see the module notes)."""

    start: float
    end: float

    @property
    def seconds(self) -> int:
        """Length in whole seconds."""
        return int(round(self.end - self.start))


@dataclass(frozen=True)
class WeekHours:
    """Patrol time in one local ISO week (Monday–Sunday), clipped to the period."""

    monday: date
    days_in_period: int
    patrol_s: float

    @property
    def full(self) -> bool:
        """The whole week lies inside the period."""
        return self.days_in_period == 7

    @property
    def label(self) -> str:
        """``2025-W07``."""
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class DayGaps:
    """Visits that start on one local day and the longest gap between them."""

    day: date
    visits: int
    longest_gap_s: float | None


@dataclass(frozen=True)
class EveningGaps:
    """One local evening window: patrol time in it and its longest stretch without a visit."""

    day: date
    covered_s: float
    longest_gap_s: float


@dataclass(frozen=True)
class PresenceAnalysis:
    """Everything the report says about presence in one zone over one period."""

    start: float
    end: float
    days: int
    rules: PresenceRules
    stays: int
    patrol_s: float
    officer_s: float
    visits: list[Visit]
    weeks: list[WeekHours]
    day_gaps: list[DayGaps]
    evening_gaps: list[EveningGaps]
    matrix_s: np.ndarray = field(repr=False)  # (7, 24): Monday = 0, local hour

    @property
    def hours_per_week(self) -> float:
        """Patrol hours per week: all patrol hours over the period's length in weeks."""
        return self.patrol_s / HOUR / (self.days / 7.0) if self.days else 0.0

    @property
    def visit_seconds(self) -> np.ndarray:
        """Visit lengths in whole seconds."""
        return np.array([v.seconds for v in self.visits], dtype=np.int64)

    @property
    def in_band(self) -> int:
        """Visits inside the Koper band."""
        return sum(1 for v in self.visits if self.rules.in_band(v.seconds))

    def length_counts(self) -> dict[str, int]:
        """Visits per length class (see :meth:`PresenceRules.length_classes`)."""
        out = {code: 0 for code, _, _ in self.rules.length_classes()}
        for s in self.visit_seconds.tolist():
            for code, lo, hi in self.rules.length_classes():
                if s >= lo and (hi is None or s <= hi):
                    out[code] += 1
                    break
        return out

    def weeks_meeting(self, target_hours: float) -> int:
        """Full weeks with at least ``target_hours`` patrol hours."""
        return sum(1 for w in self.weeks if w.full and w.patrol_s / HOUR >= target_hours - 1e-9)


def clip(intervals: Iterable[tuple[float, float]], lo: float, hi: float) -> list[tuple[float, float]]:
    """Intervals cut to ``[lo, hi)``; empty ones dropped."""
    out = []
    for s, e in intervals:
        s, e = max(s, lo), min(e, hi)
        if e > s:
            out.append((s, e))
    return out


def covered(union: Sequence[tuple[float, float]], lo: float, hi: float) -> float:
    """Seconds of ``[lo, hi)`` covered by sorted, disjoint ``union``."""
    if not union:
        return 0.0
    arr = np.asarray(union, dtype=np.float64)
    return float(np.clip(np.minimum(arr[:, 1], hi) - np.maximum(arr[:, 0], lo), 0.0, None).sum())


def _overlapping_officer_seconds(own: list[Stay]) -> float:
    """Sweep over one unit's overlapping stays: at each moment its largest number of officers."""
    events = sorted({t for s in own for t in (s.start, s.end)})
    starts: dict[float, list[int]] = defaultdict(list)
    ends: dict[float, list[int]] = defaultdict(list)
    for s in own:
        starts[s.start].append(max(1, s.officers))
        ends[s.end].append(max(1, s.officers))
    active: Counter[int] = Counter()
    total = 0.0
    for t0, t1 in zip(events, events[1:], strict=False):
        for n in ends.get(t0, ()):
            active[n] -= 1
        for n in starts.get(t0, ()):
            active[n] += 1
        alive = [n for n, c in active.items() if c > 0]
        if alive:
            total += max(alive) * (t1 - t0)
    return total


def officer_seconds(stays: Iterable[Stay]) -> float:
    """Officers × seconds summed over units; a unit's own overlaps count once, at its largest size."""
    by_unit: dict[str, list[Stay]] = defaultdict(list)
    for s in stays:
        if s.end > s.start:
            by_unit[s.unit].append(s)
    total = 0.0
    for own in by_unit.values():
        own.sort()
        cluster: list[Stay] = []
        reach = -math.inf
        for s in [*own, None]:
            if s is not None and s.start < reach:  # overlaps the cluster: keep collecting
                cluster.append(s)
                reach = max(reach, s.end)
                continue
            if len(cluster) == 1:
                total += max(1, cluster[0].officers) * (cluster[0].end - cluster[0].start)
            elif cluster:
                total += _overlapping_officer_seconds(cluster)
            if s is not None:
                cluster, reach = [s], s.end
    return total


def visits(union: Sequence[tuple[float, float]], gap_s: float) -> list[Visit]:
    """Join sorted, disjoint patrol intervals whose gap is shorter than ``gap_s`` seconds."""
    out: list[list[float]] = []
    for s, e in union:
        if out and round(s - out[-1][1], 3) < gap_s:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [Visit(s, e) for s, e in out]


def _epoch(d: date, hour: int, tz: ZoneInfo) -> float:
    """Local wall-clock ``hour`` of day ``d`` (24 = the next midnight) as epoch seconds."""
    day = d + timedelta(days=hour // 24)
    return datetime(day.year, day.month, day.day, hour % 24, tzinfo=tz).timestamp()


def local_days(start: float, end: float, tz: ZoneInfo) -> list[date]:
    """Local dates of ``[start, end)``."""
    first = datetime.fromtimestamp(start, tz).date()
    last = datetime.fromtimestamp(end - 1e-6, tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def hour_matrix(union: Iterable[tuple[float, float]], tz: ZoneInfo) -> np.ndarray:
    """Seconds per (local weekday, local hour), cutting at UTC hour boundaries (module notes)."""
    matrix = np.zeros((7, 24))
    cache: dict[int, tuple[int, int]] = {}
    for s, e in union:
        h = int(s // HOUR)
        while h * HOUR < e:
            piece = min(e, (h + 1) * HOUR) - max(s, h * HOUR)
            if piece > 0:
                if h not in cache:
                    t = datetime.fromtimestamp(h * HOUR, tz)
                    if t.utcoffset().total_seconds() % HOUR:  # type: ignore[union-attr]
                        raise ValueError(f"{tz} has an offset that is not a whole number of hours")
                    cache[h] = (t.weekday(), t.hour)
                wd, hr = cache[h]
                matrix[wd, hr] += piece
            h += 1
    return matrix


def _weeks(
    union: list[tuple[float, float]], days: list[date], tz: ZoneInfo, lo: float, hi: float
) -> list[WeekHours]:
    by_monday: dict[date, int] = Counter(d - timedelta(days=d.weekday()) for d in days)
    out = []
    for monday, n in sorted(by_monday.items()):
        a = max(lo, _epoch(monday, 0, tz))
        b = min(hi, _epoch(monday + timedelta(days=7), 0, tz))
        out.append(WeekHours(monday, n, covered(union, a, b)))
    return out


def _day_gaps(vis: list[Visit], days: list[date], tz: ZoneInfo) -> list[DayGaps]:
    by_day: dict[date, list[Visit]] = defaultdict(list)
    for v in vis:
        by_day[datetime.fromtimestamp(v.start, tz).date()].append(v)
    out = []
    for d in days:
        own = by_day.get(d, [])
        gaps = [b.start - a.end for a, b in zip(own, own[1:], strict=False)]
        out.append(DayGaps(d, len(own), max(gaps) if gaps else None))
    return out


def _evening_gaps(
    vis: list[Visit], days: list[date], rules: PresenceRules, tz: ZoneInfo
) -> list[EveningGaps]:
    starts = np.array([v.start for v in vis])
    ends = np.array([v.end for v in vis])
    out = []
    for d in days:
        a, b = _epoch(d, rules.evening_hours[0], tz), _epoch(d, rules.evening_hours[1], tz)
        k0 = int(np.searchsorted(ends, a, side="right"))
        k1 = int(np.searchsorted(starts, b, side="left"))
        inside = clip(((float(starts[k]), float(ends[k])) for k in range(k0, k1)), a, b)
        edges = [a] + [t for s, e in inside for t in (s, e)] + [b]
        gaps = [edges[i + 1] - edges[i] for i in range(0, len(edges), 2)]
        out.append(EveningGaps(d, sum(e - s for s, e in inside), max(gaps)))
    return out


def patrol_seconds(stays: Iterable[Stay], start: float, end: float) -> float:
    """Seconds of ``[start, end)`` with at least one unit present (the union of the stays)."""
    return sum(e - s for s, e in join(clip(((st.start, st.end) for st in stays), start, end)))


def analyse(
    stays: Sequence[Stay],
    start: float,
    end: float,
    rules: PresenceRules | None = None,
    tz: ZoneInfo = STOCKHOLM,
) -> PresenceAnalysis:
    """Analyse ``stays`` over the period ``[start, end)`` (epoch seconds); see the module notes."""
    rules = rules or PresenceRules()
    clipped = [
        Stay(max(st.start, start), min(st.end, end), st.unit, st.officers)
        for st in stays
        if min(st.end, end) > max(st.start, start)
    ]
    union = join([(s.start, s.end) for s in clipped])
    vis = visits(union, rules.visit_gap_min * 60)
    days = local_days(start, end, tz) if end > start else []
    return PresenceAnalysis(
        start=start,
        end=end,
        days=len(days),
        rules=rules,
        stays=len(clipped),
        patrol_s=sum(e - s for s, e in union),
        officer_s=officer_seconds(clipped),
        visits=vis,
        weeks=_weeks(union, days, tz, start, end),
        day_gaps=_day_gaps(vis, days, tz),
        evening_gaps=_evening_gaps(vis, days, rules, tz),
        matrix_s=hour_matrix(union, tz),
    )
