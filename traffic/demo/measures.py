"""About 40 traffic-safety measures around the centre, in every status, with consistent dates."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import numpy as np
from shapely.affinity import rotate
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from traffic.demo.clock import as_of_day, local_time
from traffic.demo.ids import demo_id, stream
from traffic.demo.places import KUNGSVAGEN_LINE, PLACES, annulus, lonlat
from traffic.demo.rows import record_columns, spatial_columns
from traffic.demo.texts import MEASURE_DESCRIPTIONS, MEASURE_TITLES

KINDS = (
    ["SPEED_HUMP"] * 6 + ["RAISED_CROSSING"] * 5 + ["LIGHTING"] * 5 + ["SPEED_DISPLAY"] * 5
    + ["CYCLE_PATH"] * 4 + ["LOCAL_REGULATION"] * 2 + ["NARROWING"] * 3 + ["SIGNAGE"] * 4
    + ["CROSSING"] * 3 + ["CAMERA"] + ["OTHER"] * 2
)  # fmt: skip
STATUSES = (
    ["COMPLETED"] * 14 + ["IN_PROGRESS"] * 6 + ["PLANNED"] * 8 + ["PROPOSED"] * 8
    + ["REJECTED"] * 4
)  # fmt: skip
TOWN_PLACES = (
    "resecentrum", "jarnvagsgatan", "magasinsgatan", "kungsvagen_centrum",
    "kungsvagen_burenskold", "kungsvagen_vast", "skolomradet", "handelsomradet",
)  # fmt: skip
E4_PLACES = ("e4_norra", "e4_sodra")
COST_SEK = {
    "SPEED_HUMP": (40_000, 120_000),
    "RAISED_CROSSING": (150_000, 450_000),
    "NARROWING": (80_000, 250_000),
    "LIGHTING": (60_000, 300_000),
    "SIGNAGE": (5_000, 30_000),
    "SPEED_DISPLAY": (25_000, 60_000),
    "CAMERA": (300_000, 600_000),
    "CROSSING": (50_000, 200_000),
    "CYCLE_PATH": (1_500_000, 6_000_000),
    "LOCAL_REGULATION": (5_000, 20_000),
    "OTHER": (10_000, 80_000),
}
DATE_NAMES = ("proposed_on", "planned_on", "started_on", "completed_on")
STEPS = {"PROPOSED": 1, "PLANNED": 2, "IN_PROGRESS": 3, "COMPLETED": 4, "REJECTED": 1}
# Window (days before the demo's "today") in which the measure reached its current status.
RECENT_DAYS = {"PROPOSED": 270, "PLANNED": 365, "IN_PROGRESS": 180}
FIRST_COMPLETION = date(2024, 2, 1)


def _place(rng: np.random.Generator, kind: str, index: int) -> str:
    if kind == "LOCAL_REGULATION":  # night-time bans where A-traktorer gather
        return ("resecentrum", "handelsomradet")[index % 2]
    if kind in ("CAMERA", "SPEED_DISPLAY") and rng.random() < 0.4:
        return E4_PLACES[int(rng.integers(0, 2))]
    pool = [p for p in TOWN_PLACES if not (kind == "CAMERA" and p == "resecentrum")]
    return pool[int(rng.integers(0, len(pool)))]


def _geometry(rng: np.random.Generator, kind: str, place_code: str) -> BaseGeometry:
    e, n = PLACES[place_code].metric
    if kind == "CYCLE_PATH":
        if place_code.startswith("kungsvagen"):
            return KUNGSVAGEN_LINE
        bearing, length = rng.uniform(0, np.pi), rng.uniform(300, 700)
        t = np.linspace(-0.5, 0.5, 4)
        xs = e + t * length * np.cos(bearing) + rng.uniform(-15, 15, 4)
        ys = n + t * length * np.sin(bearing) + rng.uniform(-15, 15, 4)
        return LineString(np.column_stack(lonlat(xs, ys)))
    if kind == "LOCAL_REGULATION":
        w, h = rng.uniform(180, 280), rng.uniform(120, 200)
        rect = rotate(box(e - w / 2, n - h / 2, e + w / 2, n + h / 2), rng.uniform(-30, 30))
        xs, ys = rect.exterior.xy
        return orient(Polygon(np.column_stack(lonlat(np.array(xs), np.array(ys)))))
    lon, lat = lonlat(*annulus(rng, np.array([e]), np.array([n]), 0.0, 120.0))
    return Point(float(lon[0]), float(lat[0]))


def _owner(
    rng: np.random.Generator, kind: str, place_code: str, orgs: dict[str, uuid.UUID]
) -> uuid.UUID:
    if place_code in E4_PLACES or kind == "CAMERA":
        return orgs["trafikverket"]
    if kind in ("LIGHTING", "OTHER") and rng.random() < 0.4:
        return orgs["bostadsbolaget"]
    return orgs["mjolby_kommun"]


def _dates(rng: np.random.Generator, status: str) -> dict[str, date | None]:
    """Dates up to the current status, in order, the last one before the demo's "today"."""
    today = as_of_day() - timedelta(days=3)
    steps = STEPS[status] + (1 if status == "REJECTED" and rng.random() < 0.5 else 0)
    if status in RECENT_DAYS:
        last = today - timedelta(days=int(rng.integers(0, RECENT_DAYS[status])))
    else:
        first = FIRST_COMPLETION if status == "COMPLETED" else date(2024, 3, 1)
        last = first + timedelta(days=int(rng.integers(0, (today - first).days + 1)))
    gaps = [int(rng.integers(7, 91)), int(rng.integers(30, 151)), int(rng.integers(30, 121))]
    chain = [last]
    for gap in gaps[: steps - 1]:
        chain.insert(0, chain[0] - timedelta(days=gap))
    return {name: chain[i] if i < len(chain) else None for i, name in enumerate(DATE_NAMES)}


def measure_rows(seed: int, *, orgs: dict[str, uuid.UUID]) -> list[dict]:
    """The safety measures; ``orgs`` maps organisation code to id."""
    rng = stream(seed, "measures")
    statuses = [STATUSES[int(i)] for i in rng.permutation(len(STATUSES))]
    rows = []
    for i, (kind, status) in enumerate(zip(KINDS, statuses, strict=True)):
        place_code = _place(rng, kind, i)
        dates = _dates(rng, status)
        lo, hi = COST_SEK[kind]
        cost: int | None = int(round(rng.uniform(lo, hi), -3))
        if status in ("PROPOSED", "REJECTED") and rng.random() < 0.5:
            cost = None
        owner = _owner(rng, kind, place_code, orgs)
        description = MEASURE_DESCRIPTIONS[int(rng.integers(0, len(MEASURE_DESCRIPTIONS)))]
        rows.append(
            {
                **record_columns(
                    demo_id(seed, "measure", i), owner, local_time(dates["proposed_on"], 600)
                ),
                **spatial_columns(_geometry(rng, kind, place_code)),
                "title": MEASURE_TITLES[kind].format(where=PLACES[place_code].where),
                "kind": kind,
                "status": status,
                "description": description,
                "cost_sek": cost,
                **dates,
            }
        )
    return rows
