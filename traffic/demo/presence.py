"""Presence at resecentrum: 15–25 hours a week, mostly 10–40 minute visits, evenings heavy.

A week's hours are spread over its days (Friday and Saturday most, a day off now and then,
fewer hours in the summer and at Christmas); each day's visits follow one another with gaps
of minutes to a few hours. A visit is a zone check-in, a point stay near the station, or
now and then a GPS track that crosses the zone.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import numpy as np
from shapely.geometry import LineString, Point

from traffic.demo.clock import AS_OF, FIRST_DAY, as_of_day, local_time
from traffic.demo.ids import demo_id, stream
from traffic.demo.places import PLACES, annulus, lonlat
from traffic.demo.rows import record_columns, spatial_columns
from traffic.demo.texts import PRESENCE_NOTES, PRESENCE_UNITS
from traffic.presence.models import GPS_TRACK, POINT_STAY, ZONE_CHECKIN

DAY_WEIGHTS = np.array([0.11, 0.11, 0.12, 0.13, 0.19, 0.20, 0.14])  # Monday … Sunday
LOW_WEEKS = frozenset({1, 28, 29, 30, 31, 52})  # holidays: fewer hours
MODES = {
    ZONE_CHECKIN: (("FOOT", 0.55), ("CAR", 0.25), ("BIKE", 0.08), ("STATIONARY", 0.12)),
    POINT_STAY: (("STATIONARY", 0.35), ("FOOT", 0.45), ("CAR", 0.2)),
    GPS_TRACK: (("FOOT", 0.6), ("BIKE", 0.25), ("CAR", 0.15)),
}
SPEED_M_S = {"FOOT": 1.3, "BIKE": 4.0, "CAR": 6.0}


def _choose(rng: np.random.Generator, options: tuple[tuple[str, float], ...]) -> str:
    p = np.array([w for _, w in options])
    return options[int(rng.choice(len(options), p=p / p.sum()))][0]


def _duration(rng: np.random.Generator) -> int:
    r = rng.random()
    lo, hi = (3, 10) if r < 0.03 else (10, 25) if r < 0.78 else (25, 40) if r < 0.95 else (40, 75)
    return int(rng.integers(lo, hi + 1))


def _gap(rng: np.random.Generator) -> int:
    return int(rng.integers(120, 181)) if rng.random() < 0.05 else int(rng.integers(5, 51))


def _day_visits(rng: np.random.Generator, day: date, minutes: float) -> list[tuple[int, int]]:
    """(start minute after local midnight, duration) of the day's visits, never overlapping."""
    visits: list[tuple[int, int]] = []
    weekend = day.weekday() in (4, 5)
    if day.weekday() < 5 and rng.random() < 0.35:  # a morning-commute visit
        d = _duration(rng)
        visits.append((7 * 60 + int(rng.integers(0, 90)), d))
        minutes -= d
    t = (11 if day.weekday() >= 4 else 12) * 60 + int(rng.integers(0, 150))
    end = 25 * 60 + 30 if weekend else (22 * 60 if day.weekday() == 6 else 23 * 60 + 30)
    while minutes >= 5 and t < end:
        d = min(_duration(rng), max(int(minutes), 5), end - t)
        visits.append((t, d))
        minutes -= d
        t += d + _gap(rng)
    return visits


def _track(
    rng: np.random.Generator, start: datetime, minutes: int, mode: str
) -> tuple[LineString, list[str], datetime]:
    """A walk/ride across the zone: in from ~450 m out, a stop near the station, out again."""
    se, sn = PLACES["resecentrum"].metric
    a = rng.uniform(0, 2 * np.pi)
    b = a + np.pi + rng.uniform(-0.5, 0.5)
    ends = [(rng.uniform(420, 520), a), (rng.uniform(420, 520), b)]
    mid = np.array([se, sn]) + rng.uniform(-60, 60, 2)
    pts = []
    for k, (r, ang) in enumerate(ends):
        far = np.array([se + r * np.cos(ang), sn + r * np.sin(ang)])
        steps = np.linspace(0, 1, 7)[:-1] if k == 0 else np.linspace(0, 1, 7)[1:]
        for s in steps:
            p = far + (mid - far) * s if k == 0 else mid + (far - mid) * s
            pts.append(p + rng.uniform(-15, 15, 2) * (0 < s < 1))  # wobble, not at the ends
        if k == 0:
            pts.append(mid)
    xy = np.array(pts)
    lon, lat = lonlat(xy[:, 0], xy[:, 1])
    seg = np.hypot(np.diff(xy[:, 0]), np.diff(xy[:, 1]))
    travel = seg / SPEED_M_S[mode]
    linger = max(0.0, minutes * 60 - travel.sum())
    travel[len(travel) // 2] += linger  # the stop near the station
    offsets = np.concatenate([[0.0], np.cumsum(travel)]).round()
    times = [start + timedelta(seconds=float(s)) for s in offsets]
    line = LineString(np.column_stack([lon, lat]))
    return line, [t.isoformat() for t in times], times[-1]


def presence_rows(
    seed: int, *, org_id: uuid.UUID, zone_id: uuid.UUID, as_of: datetime = AS_OF
) -> list[dict]:
    """Presence sessions from 2024-01-01 until ``as_of``, ordered by start."""
    rng = stream(seed, "presence")
    rows: list[dict] = []
    monday = FIRST_DAY
    while monday <= as_of_day():
        low = monday.isocalendar().week in LOW_WEEKS
        hours = rng.uniform(10.0, 14.5) if low else rng.uniform(18.0, 25.5)
        weights = DAY_WEIGHTS.copy()
        if rng.random() < 0.6:  # a day without presence
            weights[int(rng.choice([0, 1, 2, 3, 6]))] = 0.0
        weights /= weights.sum()
        for offset in range(7):
            day = monday + timedelta(days=offset)
            for start_min, minutes in _day_visits(rng, day, hours * 60 * weights[offset]):
                row = _session(rng, seed, len(rows), day, start_min, minutes, org_id, zone_id)
                if row["end_at"] <= as_of:
                    rows.append(row)
        monday += timedelta(days=7)
    return rows


def _session(
    rng: np.random.Generator,
    seed: int,
    index: int,
    day: date,
    start_min: int,
    minutes: int,
    org_id: uuid.UUID,
    zone_id: uuid.UUID,
) -> dict:
    r = rng.random()
    kind = ZONE_CHECKIN if r < 0.55 else POINT_STAY if r < 0.97 else GPS_TRACK
    mode = _choose(rng, MODES[kind])
    units = PRESENCE_UNITS[mode]
    start = local_time(day, start_min)
    end = start + timedelta(minutes=minutes)
    geom, track_times = None, None
    if kind == POINT_STAY:
        code = _choose(
            rng, (("resecentrum", 0.7), ("jarnvagsgatan", 0.15), ("magasinsgatan", 0.15))
        )
        e, n = PLACES[code].metric
        lo, hi = (10.0, 180.0) if code == "resecentrum" else (0.0, 60.0)
        e2, n2 = annulus(rng, np.array([e]), np.array([n]), lo, hi)
        lon, lat = lonlat(e2, n2)
        geom = Point(float(lon[0]), float(lat[0]))
    elif kind == GPS_TRACK:
        geom, track_times, end = _track(rng, start, minutes, mode)
    officers = int(rng.choice([1, 2, 3, 4], p=[0.15, 0.7, 0.1, 0.05]))
    note = PRESENCE_NOTES[int(rng.integers(0, len(PRESENCE_NOTES)))] if rng.random() < 0.25 else None
    return {
        **record_columns(demo_id(seed, "presence", index), org_id, end + timedelta(minutes=3)),
        **spatial_columns(geom),
        "unit": units[int(rng.integers(0, len(units)))],
        "officers": officers,
        "mode": mode,
        "kind": kind,
        "zone_id": zone_id if kind == ZONE_CHECKIN else None,
        "start_at": start,
        "end_at": end,
        "track_times": track_times,
        "note": note,
    }
