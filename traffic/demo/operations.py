"""About 120 control operations over 2024–2025, as plans that the checks then fill."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.crs import to_metric
from traffic.demo.clock import AS_OF, days, local_time
from traffic.demo.ids import demo_id, stream
from traffic.demo.places import KUNGSVAGEN_LINE, PLACES, Place, annulus, lonlat
from traffic.demo.rows import record_columns, spatial_columns
from traffic.demo.texts import CANCELLED_NOTES, OPERATION_NOTES, OPERATION_TITLES

# Operations per focus besides the five late-December ones below (120 in all).
FOCUS_COUNTS = {
    "A_TRAKTOR": 48,
    "DEFECTIVE_VEHICLES": 20,
    "DANGEROUS_BEHAVIOUR": 21,
    "SPEED": 14,
    "SOBRIETY": 10,
    "OTHER": 2,
}
# A-traktor controls on Friday/Saturday evenings, April–October, per month and year; the rest
# of the A-traktor operations fall outside that pattern (Thursdays, March/November, daytime).
A_TRAKTOR_PER_MONTH = {4: 3, 5: 4, 6: 3, 7: 2, 8: 3, 9: 4, 10: 2}
CANCELLED = 4
LAST_GENERATED_DAY = date(2025, 12, 17)

PLACE_WEIGHTS = {
    "A_TRAKTOR": {
        "resecentrum": 0.2,
        "kungsvagen_centrum": 0.3,
        "handelsomradet": 0.2,
        "magasinsgatan": 0.15,
        "jarnvagsgatan": 0.15,
    },
    "DEFECTIVE_VEHICLES": {
        "kungsvagen_vast": 0.2,
        "jarnvagsgatan": 0.2,
        "magasinsgatan": 0.2,
        "e4_norra": 0.2,
        "e4_sodra": 0.2,
    },
    "DANGEROUS_BEHAVIOUR": {
        "kungsvagen_centrum": 0.25,
        "kungsvagen_burenskold": 0.2,
        "jarnvagsgatan": 0.15,
        "magasinsgatan": 0.1,
        "skolomradet": 0.15,
        "e4_norra": 0.15,
    },
    "SPEED": {"kungsvagen_vast": 0.35, "skolomradet": 0.35, "e4_sodra": 0.15, "e4_norra": 0.15},
    "SOBRIETY": {"e4_norra": 0.35, "e4_sodra": 0.35, "kungsvagen_vast": 0.3},
    "OTHER": {"resecentrum": 1.0},
}

# (focus, status, local date, start minute, minutes, place, title) as of 2025-12-20 20:00.
DECEMBER = (
    ("SOBRIETY", "ONGOING", date(2025, 12, 20), 18 * 60, 300, "e4_norra",
     "Julrattfylleri: nykterhetskontroll {where}"),
    ("SOBRIETY", "PLANNED", date(2025, 12, 23), 16 * 60, 240, "e4_sodra",
     "Nykterhetskontroll inför julhelgen {where}"),
    ("DANGEROUS_BEHAVIOUR", "PLANNED", date(2025, 12, 27), 19 * 60, 210, "kungsvagen_centrum",
     "Kontroll av trafikfarligt beteende i mellandagarna {where}"),
    ("SPEED", "PLANNED", date(2025, 12, 30), 9 * 60, 180, "skolomradet",
     "Hastighetskontroll i mellandagarna {where}"),
    ("SOBRIETY", "PLANNED", date(2025, 12, 31), 22 * 60, 240, "e4_norra",
     "Nyårskontroll: nykterhet {where}"),
)  # fmt: skip


@dataclass
class OperationPlan:
    """An operation's row plus what its checks need: place, metric anchor, mobile route."""

    row: dict
    place: Place
    route_m: BaseGeometry | None

    @property
    def id(self) -> uuid.UUID:
        """The operation id."""
        return self.row["id"]

    @property
    def focus(self) -> str:
        """The focus code."""
        return self.row["focus"]


@dataclass
class _Draft:
    focus: str
    day: date
    start_min: int
    minutes: int
    place: str
    status: str = "COMPLETED"
    title: str | None = None


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _a_traktor(rng: np.random.Generator, taken: set[date]) -> list[_Draft]:
    out: list[_Draft] = []
    for year in (2024, 2025):
        for month, count in A_TRAKTOR_PER_MONTH.items():
            pool = [
                d for d in days(date(year, month, 1), _month_end(year, month))
                if d.weekday() in (4, 5) and d not in taken
            ]  # fmt: skip
            for i in sorted(rng.choice(len(pool), size=count, replace=False)):
                start = 18 * 60 + 30 * int(rng.integers(0, 5))
                minutes = min(int(rng.integers(180, 271)), 23 * 60 + 30 - start)
                out.append(_Draft("A_TRAKTOR", pool[i], start, minutes, ""))
                taken.add(pool[i])
    others = FOCUS_COUNTS["A_TRAKTOR"] - len(out)
    for _ in range(others):
        variant = int(rng.integers(0, 3))
        year = int(rng.choice([2024, 2025]))
        if variant == 0:  # a Thursday evening in season
            pool = _weekdays(year, range(4, 11), (3,))
            start = 18 * 60 + 30
        elif variant == 1:  # a Friday evening just outside the season
            pool = _weekdays(year, (3, 11), (4,))
            start = 18 * 60
        else:  # a Saturday afternoon at the car parks
            pool = _weekdays(year, range(4, 11), (5,))
            start = 13 * 60 + 30 * int(rng.integers(0, 3))
        day = pool[int(rng.integers(0, len(pool)))]
        out.append(_Draft("A_TRAKTOR", day, start, 180, ""))
    return out


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _weekdays(year: int, months: Iterable[int], weekdays: tuple[int, ...]) -> list[date]:
    """Days of ``year`` (up to the last generated day) in ``months`` on ``weekdays``."""
    wanted = set(months)
    return [
        d for d in days(date(year, 1, 1), min(date(year, 12, 31), LAST_GENERATED_DAY))
        if d.month in wanted and d.weekday() in weekdays
    ]  # fmt: skip


def _other(rng: np.random.Generator, focus: str) -> _Draft:
    year = int(rng.choice([2024, 2025]))
    all_months = range(1, 13)
    if focus == "DEFECTIVE_VEHICLES":
        pool = _weekdays(year, [m for m in all_months if m != 7], (0, 1, 2, 3))
        start, minutes = 9 * 60 + 60 * int(rng.integers(0, 5)), int(rng.integers(180, 301))
    elif focus == "DANGEROUS_BEHAVIOUR":
        if rng.random() < 0.6:
            pool = _weekdays(year, all_months, (0, 1, 2, 3, 4))
            morning = rng.random() < 0.5
            start = 7 * 60 if morning else 15 * 60 + 30 * int(rng.integers(0, 3))
            minutes = 150 if morning else 180
        else:
            pool = _weekdays(year, all_months, (4,))
            start, minutes = 19 * 60, 240
    elif focus == "SPEED":
        pool = _weekdays(year, all_months, (0, 1, 2, 3, 4))
        start, minutes = 7 * 60 + 60 * int(rng.integers(0, 8)), int(rng.integers(120, 241))
    elif focus == "SOBRIETY":
        if rng.random() < 0.5:
            pool = _weekdays(year, all_months, (5, 6))
            start, minutes = 6 * 60 + 30 * int(rng.integers(0, 3)), 180
        else:
            pool = _weekdays(year, all_months, (4,))
            start, minutes = 20 * 60, 240
    else:
        pool = _weekdays(year, all_months, (1, 2, 3))
        start, minutes = 10 * 60, 180
    day = pool[int(rng.integers(0, len(pool)))]
    return _Draft(focus, day, start, minutes, "")


def generate_operations(
    seed: int, *, org_id: uuid.UUID, as_of: datetime = AS_OF
) -> list[OperationPlan]:
    """The operations of the demo, ordered by planned start, with deterministic ids."""
    rng = stream(seed, "operations")
    drafts = _a_traktor(rng, set())
    for focus, count in FOCUS_COUNTS.items():
        if focus != "A_TRAKTOR":
            drafts.extend(_other(rng, focus) for _ in range(count))
    for d in drafts:
        d.place = _pick(rng, PLACE_WEIGHTS[d.focus])
    for i in rng.choice(len(drafts), size=CANCELLED, replace=False):
        drafts[int(i)].status = "CANCELLED"
    drafts.extend(_Draft(f, d, s, m, p, st, t) for f, st, d, s, m, p, t in DECEMBER)
    drafts.sort(key=lambda d: (d.day, d.start_min, d.focus))
    return [_plan(rng, seed, i, d, org_id, as_of) for i, d in enumerate(drafts)]


def _geometry(
    rng: np.random.Generator, d: _Draft, place: Place
) -> tuple[BaseGeometry, BaseGeometry | None]:
    mobile = place.code == "kungsvagen_centrum" and (
        d.focus == "A_TRAKTOR" or rng.random() < 0.5
    )
    if mobile:
        return KUNGSVAGEN_LINE, to_metric(KUNGSVAGEN_LINE)
    e, n = place.metric
    e2, n2 = annulus(rng, np.array([e]), np.array([n]), 0.0, 40.0)
    lon, lat = lonlat(e2, n2)
    return Point(float(lon[0]), float(lat[0])), None


def _plan(
    rng: np.random.Generator,
    seed: int,
    index: int,
    d: _Draft,
    org_id: uuid.UUID,
    as_of: datetime,
) -> OperationPlan:
    place = PLACES[d.place]
    planned_start = local_time(d.day, d.start_min)
    planned_end = local_time(d.day, d.start_min + d.minutes)
    actual_start = actual_end = None
    if d.status in ("COMPLETED", "ONGOING"):
        actual_start = planned_start + timedelta(minutes=int(rng.integers(-10, 16)))
    if d.status == "COMPLETED":
        actual_end = planned_end + timedelta(minutes=int(rng.integers(-20, 21)))
    created_at = planned_start - timedelta(days=int(rng.integers(3, 22)), hours=3)
    geom, route = _geometry(rng, d, place)
    titles = OPERATION_TITLES[d.focus]
    title = (d.title or titles[int(rng.integers(0, len(titles)))]).format(where=place.where)
    note = None
    if d.status == "CANCELLED":
        note = CANCELLED_NOTES[int(rng.integers(0, len(CANCELLED_NOTES)))]
    elif rng.random() < 0.35:
        notes = OPERATION_NOTES[d.focus]
        note = notes[int(rng.integers(0, len(notes)))]
    crew = (4, 9) if d.focus in ("A_TRAKTOR", "SOBRIETY") else (2, 7)
    row = {
        **record_columns(demo_id(seed, "operation", index), org_id, min(created_at, as_of)),
        **spatial_columns(geom),
        "title": title,
        "focus": d.focus,
        "status": d.status,
        "place_name": place.name,
        "planned_start": planned_start,
        "planned_end": planned_end,
        "actual_start": actual_start,
        "actual_end": actual_end,
        "officer_count": int(rng.integers(*crew)),
        "officer_ids": [],
        "note": note,
    }
    if actual_end is not None:
        row["updated_at"] = actual_end
    return OperationPlan(row=row, place=place, route_m=route)
