"""'Checks within N m of a geometry in a period': the same answer on SQLite and PostGIS.

Both backends are compared with one answer computed in pure shapely/pyproj from the same
deterministic rows, so they agree with each other; the 299 m / 301 m points and the period's
edges (start included, end excluded) are where a wrong predicate or prefilter would show.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
import pytest
import shapely
from sqlalchemy import update

from geo.crs import metric_xy, to_metric, wgs84_lonlat
from geo.zones import resecentrum_zone, station_point
from tests.builders import make_actor, make_operation
from traffic.checks.bulk import bulk_insert_checks
from traffic.checks.models import VehicleCheck
from traffic.checks.query import checks_within, count_checks_within
from traffic.timeutil import parse_period

PERIOD = parse_period("2024H1")
US = timedelta(microseconds=1)
DISTANCES = [0.0, 150.0, 299.0, 299.9, 300.1, 301.0, 450.0, 800.0]
ANGLES = np.deg2rad(np.arange(0, 360, 30))
TIMES = [
    PERIOD.start,  # included
    PERIOD.start - US,  # excluded
    PERIOD.end - US,  # included
    PERIOD.end,  # excluded
    PERIOD.start + timedelta(days=60),
]


@pytest.fixture
def loaded(session):
    """About 100 checks around the station; returns {id: (lon, lat, checked_at)}."""
    actor = make_actor(session)
    op = make_operation(session, actor)
    station = to_metric(station_point())
    d, a = np.meshgrid(DISTANCES, ANGLES)
    rng = np.random.default_rng(5)
    e = np.concatenate([station.x + d.ravel() * np.cos(a.ravel()), station.x + rng.uniform(-900, 900, 40)])
    n = np.concatenate([station.y + d.ravel() * np.sin(a.ravel()), station.y + rng.uniform(-900, 900, 40)])
    lon, lat = wgs84_lonlat(e, n)
    rows = [
        {
            "id": uuid.uuid4(),
            "operation_id": op.id,
            "checked_at": TIMES[i % len(TIMES)],
            "lon": float(x),
            "lat": float(y),
            "vehicle_type": "CAR",
        }
        for i, (x, y) in enumerate(zip(lon, lat, strict=True))
    ]
    report = bulk_insert_checks(session, rows, actor=actor)
    assert report.ok
    return {r["id"]: (r["lon"], r["lat"], r["checked_at"]) for r in rows}


def expected(loaded, geom, metres, period=PERIOD, deleted=frozenset()) -> list[uuid.UUID]:
    """The answer in pure shapely: SWEREF 99 TM distance, half-open period, sorted by time then id."""
    target = to_metric(geom)
    hits = []
    for check_id, (lon, lat, at) in loaded.items():
        e, n = metric_xy(lon, lat)
        near = shapely.distance(shapely.Point(float(e), float(n)), target) <= metres
        if near and (period is None or period.start <= at < period.end) and check_id not in deleted:
            hits.append((at, check_id))
    return [check_id for _, check_id in sorted(hits)]


def ours(ids: list[uuid.UUID], loaded) -> list[uuid.UUID]:
    """Only the checks this test made (the migrated database is shared)."""
    return [i for i in ids if i in loaded]


def test_300_m_of_the_station_in_a_half_year(session, loaded):
    station = station_point()
    want = expected(loaded, station, 300)
    got = ours(checks_within(session, geom=station, metres=300, period=PERIOD), loaded)
    assert got == want
    # 12 directions x (0, 150, 299, 299.9 m) x the three in-period times of five
    assert 25 <= len(want) < 48
    near = {i for i, (lon, lat, _) in loaded.items() if _dist(station, lon, lat) in (299.0, 299.9)}
    far = {i for i, (lon, lat, _) in loaded.items() if _dist(station, lon, lat) in (300.1, 301.0)}
    assert near & set(want) and not far & set(got)
    times = {loaded[i][2] for i in got}
    assert PERIOD.start in times and PERIOD.end - US in times
    assert PERIOD.end not in times and PERIOD.start - US not in times


def _dist(station, lon: float, lat: float) -> float:
    return round(float(shapely.distance(to_metric(station), to_metric(shapely.Point(lon, lat)))), 1)


@pytest.mark.parametrize("metres", [0.0, 0.5, 299.0, 301.0, 1000.0])
def test_other_radii_without_period_and_deleted_checks(session, loaded, metres):
    station = station_point()
    gone = next(iter(loaded))
    session.execute(update(VehicleCheck).where(VehicleCheck.id == gone).values(deleted_at=PERIOD.start))
    want = expected(loaded, station, metres, period=None, deleted={gone})
    assert ours(checks_within(session, geom=station, metres=metres), loaded) == want


def test_within_a_zone_polygon_and_near_it(session, loaded):
    zone = resecentrum_zone(150).geometry
    for metres in (0.0, 149.0):
        want = expected(loaded, zone, metres)
        assert ours(checks_within(session, geom=zone, metres=metres, period=PERIOD), loaded) == want


@pytest.mark.parametrize("metres", [299.0, 300.0, 301.0])
def test_metric_and_generic_methods_agree_and_count_matches(session, loaded, metres):
    station = station_point()
    metric = checks_within(session, geom=station, metres=metres, period=PERIOD)
    generic = checks_within(session, geom=station, metres=metres, period=PERIOD, method="generic")
    assert metric == generic
    for method in ("metric", "generic"):
        count = count_checks_within(session, geom=station, metres=metres, period=PERIOD, method=method)
        assert count == len(metric)
