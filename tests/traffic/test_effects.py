"""Before/after effect of a completed measure: hand-counted fixtures, exact intervals, the caveat."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.stats import binomtest
from scipy.stats.contingency import odds_ratio
from shapely.geometry import Point

from geo.crs import to_metric, wgs84_lonlat
from geo.zones import station_point
from tests.builders import make_actor, make_check, make_measure, make_operation
from traffic.effects import (
    CAVEAT,
    Events,
    conditional_ci,
    effect_of,
    measure_effects,
    rate_ratio,
    site_rate_ratio,
)
from traffic.incidents.schemas import IncidentCreate
from traffic.incidents.service import create_incident
from traffic.timeutil import STOCKHOLM

STATION = to_metric(station_point())
SITE = (STATION.x + 1000.0, STATION.y)  # the measure: 1 km east of the station
COMPLETED = date(2019, 6, 30)
# With max_days = 90: before = [2019-04-01, 2019-06-30), after = [2019-07-01, 2019-09-29).
BEFORE_DAY, AFTER_DAY = (
    datetime(2019, 5, 10, 12, tzinfo=STOCKHOLM),
    datetime(2019, 8, 10, 12, tzinfo=STOCKHOLM),
)
EARLY, LATE = datetime(2019, 1, 15, 12, tzinfo=STOCKHOLM), datetime(2019, 12, 30, 12, tzinfo=STOCKHOLM)
AS_OF = datetime(2019, 12, 31, tzinfo=UTC)

# (metres east of the site, when, how many) — the hand count is in the comments.
INCIDENTS = [
    (50, BEFORE_DAY, 12),  # site, before: 12
    (150, AFTER_DAY, 6),  # site, after: 6
    (300, BEFORE_DAY, 3),  # the ring 200–400 m: neither site nor comparison
    (300, AFTER_DAY, 3),
    (2000, BEFORE_DAY, 40),  # comparison, before: 40
    (2000, AFTER_DAY, 38),  # comparison, after: 38
    (50, EARLY, 5),  # before the before-period: not counted, but the data start here
    (2000, LATE, 1),  # after the after-period: the data end here
]
REMARKS = [(100, BEFORE_DAY, 2), (100, AFTER_DAY, 1)]  # site remarks: 2 before, 1 after


def events(spec: list[tuple[float, datetime, int]]) -> Events:
    rows = [(SITE[0] + dx, SITE[1], t.timestamp()) for dx, t, n in spec for _ in range(n)]
    return Events.of(rows)


def measure(**overrides):
    lon, lat = wgs84_lonlat(np.array([SITE[0]]), np.array([SITE[1]]))
    base = {"id": uuid.uuid4(), "title": "Gupp", "kind": "SPEED_HUMP", "completed_on": COMPLETED,
            "started_on": None, "geom": Point(float(lon[0]), float(lat[0]))}  # fmt: skip
    return SimpleNamespace(**{**base, **overrides})


def test_counts_periods_and_ratio_by_hand():
    e = effect_of(measure(), events(INCIDENTS), events(REMARKS), as_of=AS_OF, max_days=90)
    assert e.days == 90
    assert e.before == (date(2019, 4, 1), date(2019, 6, 30)) and e.after == (
        date(2019, 7, 1),
        date(2019, 9, 29),
    )
    assert (e.incidents.before, e.incidents.after) == (12, 6)
    assert (e.remarks.before, e.remarks.after) == (2, 1)
    assert (e.site.before, e.site.after) == (14, 7)
    assert (e.comparison.before, e.comparison.after) == (40, 38)
    assert e.ratio == pytest.approx((7 / 14) / (38 / 40))  # 0.5263
    ref = odds_ratio([[7, 14], [38, 40]], kind="conditional").confidence_interval(0.95)
    assert e.ci == pytest.approx((ref.low, ref.high), rel=1e-9)
    assert e.ci[0] < e.ratio < e.ci[1] and e.reason is None
    assert e.site_ratio == 0.5
    p = binomtest(7, 21).proportion_ci(0.95, method="exact")
    assert e.site_ci == pytest.approx((p.low / (1 - p.low), p.high / (1 - p.high)))


def test_the_window_is_as_long_as_the_data_allow():
    # Data from 2019-01-15 12:00 to 2019-12-30 12:00. The work started 2019-05-20, so "before"
    # ends there: 124.5 days of data → 124 whole days, from 2019-01-16 (the first events, on
    # the 15th, fall just outside); "after" has 182.5 days from 2019-07-01. L = 124.
    e = effect_of(measure(started_on=date(2019, 5, 20)), events(INCIDENTS), events(REMARKS), as_of=AS_OF)
    assert e.days == 124
    assert e.before == (date(2019, 1, 16), date(2019, 5, 20)) and e.after == (
        date(2019, 7, 1),
        date(2019, 11, 2),
    )
    assert (e.incidents.before, e.incidents.after) == (12, 6)


def test_too_short_and_too_few():
    few = [(50, BEFORE_DAY, 4), (50, AFTER_DAY, 5), (2000, BEFORE_DAY, 30), (2000, AFTER_DAY, 30),
           (0, EARLY, 1), (0, LATE, 1)]  # fmt: skip
    e = effect_of(measure(), events(few), events([]), as_of=AS_OF, max_days=90)
    assert e.site.total == 9 and e.reason == "too_few" and e.ratio is None and e.ci is None
    late = measure(completed_on=date(2019, 12, 20))
    assert effect_of(late, events(INCIDENTS), events(REMARKS), as_of=AS_OF).reason == "too_short"
    assert effect_of(measure(), events([]), events([]), as_of=AS_OF).reason == "too_short"


@pytest.mark.parametrize(
    "table",
    [[[6, 12], [380, 400]], [[0, 5], [100, 90]], [[5, 0], [100, 90]], [[30, 50], [800, 760]],
     [[1, 1], [1, 1]], [[3, 0], [0, 4]], [[44, 32], [410, 409]]],
)  # fmt: skip
def test_conditional_interval_equals_scipy(table):
    (a1, a0), (c1, c0) = table
    ref = odds_ratio(table, kind="conditional").confidence_interval(0.95)
    low, high = conditional_ci(a1, a0, c1, c0)
    assert low == pytest.approx(ref.low, rel=1e-8, abs=1e-12)
    assert high == pytest.approx(ref.high, rel=1e-8) or (high == ref.high == float("inf"))


def test_ratios_without_a_denominator():
    assert rate_ratio(5, 0, 100, 90)[0] is None  # nothing before: no point estimate
    assert rate_ratio(0, 5, 100, 90)[0] == 0.0
    assert site_rate_ratio(3, 0)[0] is None and site_rate_ratio(3, 0)[1][1] == float("inf")


def test_the_caveat_names_regression_to_the_mean():
    assert "regression mot medelvärdet" in CAVEAT["sv"]
    assert "regression to the mean" in CAVEAT["en"]


def _incident(session, actor, dx: float, when: datetime) -> None:
    lon, lat = wgs84_lonlat(np.array([SITE[0] + dx]), np.array([SITE[1]]))
    geometry = {"type": "Point", "coordinates": [float(lon[0]), float(lat[0])]}
    data = IncidentCreate(kind="NEAR_MISS", occurred_at=when, geometry=geometry, source="POLICE")
    create_incident(session, actor=actor, data=data)


def test_measure_effects_from_the_database(session):
    planner = make_actor(session, "planner", "mjolby_kommun")
    lon, lat = wgs84_lonlat(np.array([SITE[0]]), np.array([SITE[1]]))
    where = {"type": "Point", "coordinates": [float(lon[0]), float(lat[0])]}
    m = make_measure(session, planner, status="COMPLETED", completed_on=COMPLETED, geometry=where)
    hand = [(50, BEFORE_DAY, 6), (150, AFTER_DAY, 3), (2000, BEFORE_DAY, 10), (2000, AFTER_DAY, 12),
            (300, AFTER_DAY, 2), (0, EARLY, 1), (2000, LATE, 1)]  # fmt: skip
    for dx, when, n in hand:
        for _ in range(n):
            _incident(session, planner, dx, when)
    officer = make_actor(session, "officer")
    start, end = BEFORE_DAY - timedelta(days=60), AFTER_DAY + timedelta(days=1)
    done = make_operation(session, officer, status="COMPLETED", actual_start=start, actual_end=end)
    remark = {"geometry": where, "findings": ["LIGHTS"], "outcomes": ["TILLSAGELSE"]}
    for when in (BEFORE_DAY, BEFORE_DAY, AFTER_DAY):  # remarks: 2 before, 1 after
        make_check(session, done, officer, checked_at=when, **remark)
    make_check(session, done, officer, checked_at=AFTER_DAY, geometry=where)  # no remark: not an event
    planned = make_operation(session, officer, status="PLANNED")
    make_check(session, planned, officer, checked_at=AFTER_DAY, **remark)  # planned: never counts
    (e,) = measure_effects(session, [m], as_of=AS_OF, max_days=90)
    assert (e.incidents.before, e.incidents.after, e.remarks.before, e.remarks.after) == (6, 3, 2, 1)
    assert (e.comparison.before, e.comparison.after) == (10, 12)
    assert e.ratio == pytest.approx((4 / 8) / (12 / 10))
    later = measure_effects(session, [m], as_of=AS_OF, max_days=90, data_before=AFTER_DAY)
    assert later[0].remarks.after == 0  # the public delay leaves the later remark out
