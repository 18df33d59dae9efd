"""Incidents and concerns: most clustered at five hot spots, the rest spread over the town.

A few fall in Mantorp and Skänninge so the municipality map is not empty outside Mjölby.
Kinds, sources and severities come from the vocabularies; times follow the kind (A-traktor
disturbances on spring-to-autumn weekend evenings, crashes at rush hours, complaints by day).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import numpy as np
from shapely.geometry import Point

from traffic.demo.clock import AS_OF, FIRST_DAY, as_of_day, days, local_time
from traffic.demo.ids import demo_id, stream
from traffic.demo.places import HOT_SPOTS, PLACES, gaussian, lonlat, require_inside
from traffic.demo.rows import point_columns, record_columns
from traffic.demo.texts import INCIDENT_TEXTS

DEFAULT_INCIDENTS = 800
CLUSTERED = 0.65
RURAL = 0.04  # of all incidents
TOWN_BACKGROUND_M = 2800.0

KIND_MIX = {
    "resecentrum": {"COMPLAINT": 0.3, "A_TRAKTOR_DISTURBANCE": 0.3, "NEAR_MISS": 0.2,
                    "CRASH": 0.05, "SPEEDING_CONCERN": 0.1, "OTHER": 0.05},
    "kungsvagen_burenskold": {"CRASH": 0.25, "NEAR_MISS": 0.25, "SPEEDING_CONCERN": 0.25,
                              "A_TRAKTOR_DISTURBANCE": 0.15, "COMPLAINT": 0.1},
    "skolomradet": {"SPEEDING_CONCERN": 0.4, "NEAR_MISS": 0.3, "COMPLAINT": 0.2, "CRASH": 0.1},
    "e4_norra": {"CRASH": 0.55, "NEAR_MISS": 0.3, "SPEEDING_CONCERN": 0.1, "OTHER": 0.05},
    "handelsomradet": {"A_TRAKTOR_DISTURBANCE": 0.5, "COMPLAINT": 0.25, "NEAR_MISS": 0.1,
                       "CRASH": 0.1, "OTHER": 0.05},
    "background": {"CRASH": 0.25, "NEAR_MISS": 0.15, "COMPLAINT": 0.2, "SPEEDING_CONCERN": 0.2,
                   "A_TRAKTOR_DISTURBANCE": 0.15, "OTHER": 0.05},
}  # fmt: skip
SOURCES = {
    "CRASH": {"STRADA": 0.65, "POLICE": 0.35},
    "NEAR_MISS": {"CITIZEN_DIALOGUE": 0.5, "POLICE": 0.2, "MUNICIPALITY": 0.3},
    "COMPLAINT": {"CITIZEN_DIALOGUE": 0.6, "MUNICIPALITY": 0.3, "OTHER": 0.1},
    "A_TRAKTOR_DISTURBANCE": {"POLICE": 0.45, "CITIZEN_DIALOGUE": 0.45, "MUNICIPALITY": 0.1},
    "SPEEDING_CONCERN": {"CITIZEN_DIALOGUE": 0.6, "MUNICIPALITY": 0.3, "POLICE": 0.1},
    "OTHER": {"OTHER": 0.4, "CITIZEN_DIALOGUE": 0.3, "POLICE": 0.3},
}
CRASH_SEVERITY = {"NONE": 0.45, "LIGHT": 0.42, "SEVERE": 0.12, "FATAL": 0.01}
# Hours of the day (local) each kind tends to happen in, as (from, to, weight) bands.
HOURS = {
    "CRASH": ((7, 9, 3.0), (9, 15, 1.0), (15, 18, 3.0), (18, 23, 1.0)),
    "NEAR_MISS": ((7, 9, 3.0), (9, 15, 1.0), (15, 18, 2.5), (18, 21, 1.0)),
    "COMPLAINT": ((8, 17, 3.0), (17, 22, 1.0)),
    "A_TRAKTOR_DISTURBANCE": ((15, 18, 1.0), (18, 24, 4.0)),
    "SPEEDING_CONCERN": ((7, 17, 3.0), (17, 21, 1.0)),
    "OTHER": ((7, 23, 1.0),),
}


def _choose(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys])
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _day_weights(kind: str, calendar: list[date]) -> np.ndarray:
    if kind == "A_TRAKTOR_DISTURBANCE":
        w = np.array(
            [(3.0 if 4 <= d.month <= 10 else 1.0) * (2.5 if d.weekday() in (4, 5) else 1.0)
             for d in calendar]
        )  # fmt: skip
    elif kind == "CRASH":
        w = np.array([1.6 if d.month in (11, 12, 1, 2) else 1.0 for d in calendar])
    else:
        w = np.ones(len(calendar))
    return w / w.sum()


def _minute(rng: np.random.Generator, kind: str) -> int:
    bands = HOURS[kind]
    w = np.array([(b - a) * weight for a, b, weight in bands])
    a, b, _ = bands[int(rng.choice(len(bands), p=w / w.sum()))]
    return int(rng.integers(a * 60, b * 60))


def _location(rng: np.random.Generator, r: float) -> tuple[str, float, float]:
    """(place code or "background"/rural place, metric e, n)."""
    if r < CLUSTERED:
        code = _choose(rng, HOT_SPOTS)
        e, n = PLACES[code].metric
        sigma = 60.0 if code in ("resecentrum", "kungsvagen_burenskold") else 100.0
        es, ns = gaussian(rng, e, n, sigma, 1)
        return code, float(es[0]), float(ns[0])
    if r < 1 - RURAL:
        e, n = PLACES["resecentrum"].metric
        d = TOWN_BACKGROUND_M * np.sqrt(rng.random())
        a = rng.uniform(0, 2 * np.pi)
        return "background", e + d * np.cos(a), n + d * np.sin(a)
    code = "mantorp" if rng.random() < 0.5 else "skanninge"
    e, n = PLACES[code].metric
    es, ns = gaussian(rng, e, n, 400.0, 1)
    return code, float(es[0]), float(ns[0])


def incident_rows(
    seed: int, *, orgs: dict[str, uuid.UUID], count: int = DEFAULT_INCIDENTS,
    as_of: datetime = AS_OF,
) -> list[dict]:  # fmt: skip
    """``count`` incidents between 2024-01-01 and ``as_of``; ``orgs`` maps code to id."""
    rng = stream(seed, "incidents")
    calendar = days(FIRST_DAY, as_of_day() - timedelta(days=1))
    weights = {kind: _day_weights(kind, calendar) for kind in SOURCES}
    rows = []
    spots = [_location(rng, rng.random()) for _ in range(count)]
    lon, lat = lonlat(np.array([s[1] for s in spots]), np.array([s[2] for s in spots]))
    require_inside(lon, lat, "incident")
    for i, (code, _, _) in enumerate(spots):
        kind = _choose(rng, KIND_MIX.get(code, KIND_MIX["background"]))
        source = _choose(rng, SOURCES[kind])
        severity = None
        if kind == "CRASH":
            severity = _choose(rng, CRASH_SEVERITY)
        elif kind == "NEAR_MISS":
            severity = "NONE"
        day = calendar[int(rng.choice(len(calendar), p=weights[kind]))]
        occurred = local_time(day, _minute(rng, kind))
        lag = timedelta(days=int(rng.integers(20, 61))) if source == "STRADA" else timedelta(
            hours=int(rng.integers(1, 24 * 7))
        )
        texts = INCIDENT_TEXTS[kind]
        where = PLACES[code].where if code in PLACES else "i centrala Mjölby"
        org = "polisen" if source == "POLICE" else "mjolby_kommun"
        if source == "CITIZEN_DIALOGUE" and rng.random() < 0.5:
            org = "polisen"
        rows.append(
            {
                **record_columns(demo_id(seed, "incident", i), orgs[org], min(occurred + lag, as_of)),
                **point_columns(Point(float(lon[i]), float(lat[i]))),
                "kind": kind,
                "occurred_at": occurred,
                "source": source,
                "severity": severity,
                "description": texts[int(rng.integers(0, len(texts)))].format(where=where),
            }
        )
    return rows
