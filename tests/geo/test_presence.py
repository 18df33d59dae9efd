"""Presence in a zone: track ∩ polygon timing, visits, Koper band edges, overlaps, midnight, DST.

Every expected number is computed by hand in the comment next to it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from geo.crs import wgs84_lonlat
from geo.presence import (
    STOCKHOLM,
    PresenceRules,
    Stay,
    _overlapping_officer_seconds,
    analyse,
    hour_matrix,
    officer_seconds,
    patrol_seconds,
    visits,
)
from geo.tracks import (
    join,
    lonlat_track_intervals,
    many_track_intervals,
    metric_zone,
    point_inside,
    track_intervals,
)
from geo.zones import resecentrum_zone

SQUARE = box(0, 0, 100, 100)  # metres


def local(*args: int) -> float:
    """Epoch seconds of a Stockholm wall-clock time."""
    return datetime(*args, tzinfo=STOCKHOLM).timestamp()


def minutes(n: float) -> float:
    return n * 60.0


# ------------------------------------------------------------------------------- tracks


def test_track_crossing_the_boundary_twice_gets_interpolated_times():
    # (-50, 50) at t=0 → (150, 50) at t=200: 1 m/s, in at x=0 (t=50), out at x=100 (t=150).
    assert track_intervals([-50, 150], [50, 50], [0, 200], SQUARE) == [(50.0, 150.0)]


def test_track_with_vertices_inside_is_one_interval():
    # Enters at t=25 (x=0 after 25 of 50 m at 2 m/s), turns inside, leaves at t=125 (y=100).
    xs, ys, ts = [-50, 50, 50], [50, 50, 150], [0, 50, 150]
    assert track_intervals(xs, ys, ts, SQUARE) == [(25.0, 100.0)]


def test_track_that_leaves_and_comes_back_gives_two_intervals():
    # x: -50 → 150 (t 0..200), back 150 → -50 (t 200..400): inside 50..150 and 250..350.
    got = track_intervals([-50, 150, -50], [50, 50, 50], [0, 200, 400], SQUARE)
    assert got == [(50.0, 150.0), (250.0, 350.0)]


def test_standing_still_inside_counts_outside_does_not():
    # Stands at (50, 50) for 100 s, walks out (to x=150 in 100 s → exits at t=150), stands outside.
    xs, ys, ts = [50, 50, 150, 150], [50, 50, 50, 50], [0, 100, 200, 500]
    assert track_intervals(xs, ys, ts, SQUARE) == [(0.0, 150.0)]


def test_walking_along_the_boundary_is_inside():
    assert track_intervals([0, 100], [0, 0], [0, 100], SQUARE) == [(0.0, 100.0)]


def test_track_outside_and_degenerate_tracks():
    assert track_intervals([200, 300], [0, 0], [0, 10], SQUARE) == []
    assert track_intervals([50], [50], [0], SQUARE) == []
    assert track_intervals([50, 60], [50, 50], [5, 5], SQUARE) == []  # no time passes
    with pytest.raises(ValueError):
        track_intervals([0, 1], [0, 1], [0], SQUARE)


def test_track_through_the_resecentrum_zone():
    # The 300 m zone is a 72-gon in SWEREF 99 TM with a vertex due east and due west of the
    # station, so a west → east line through the station is inside for exactly 600 m.
    zone = metric_zone(resecentrum_zone(300).geometry)
    cx, cy = zone.centroid.x, zone.centroid.y
    lon, lat = wgs84_lonlat(np.array([cx - 500, cx + 500]), np.array([cy, cy]))
    line = list(zip(lon.tolist(), lat.tolist(), strict=True))
    (s, e), *rest = lonlat_track_intervals(line, [0, 1000], zone)  # 1 m/s
    assert not rest
    assert s == pytest.approx(200, abs=1.5) and e == pytest.approx(800, abs=1.5)
    assert point_inside(*line[0], zone) is False
    assert point_inside(*resecentrum_zone(300).geometry.centroid.coords[0], zone) is True


def test_join_merges_touching_intervals():
    assert join([(5, 6), (0, 2), (2, 3), (2.5, 4)]) == [(0, 4), (5, 6)]


# ------------------------------------------------------------------------------- visits


def test_stays_closer_than_the_gap_are_one_visit_and_the_gap_itself_separates():
    t = 0.0
    union = [(t, t + 600), (t + 600 + 299, t + 1500), (t + 1500 + 300, t + 2000)]
    got = visits(union, gap_s=300)  # 4:59 joins, 5:00 does not
    assert [(v.start, v.end) for v in got] == [(0, 1500), (1800, 2000)]
    assert [v.seconds for v in got] == [1500, 200]


@pytest.mark.parametrize(
    ("length", "inside"),
    [(minutes(9), False), (minutes(10) - 1, False), (minutes(10), True), (minutes(16), True),
     (minutes(16) + 1, False), (minutes(17), False)],
)  # fmt: skip
def test_koper_band_edges(length, inside):
    assert PresenceRules().in_band(int(length)) is inside


def test_visits_of_9_10_16_and_17_minutes():
    base = local(2025, 5, 12, 10, 0)
    stays = [
        Stay(base + i * 3 * 3600, base + i * 3 * 3600 + minutes(m), "A", 2)
        for i, m in enumerate((9, 10, 16, 17))
    ]
    a = analyse(stays, local(2025, 5, 12), local(2025, 5, 13))
    assert [v.seconds for v in a.visits] == [540, 600, 960, 1020]
    assert a.in_band == 2  # 10 and 16
    assert a.length_counts() == {"lt5": 0, "5to10": 1, "band": 2, "16to30": 1, "30to60": 0, "gt60": 0}
    assert a.patrol_s == minutes(9 + 10 + 16 + 17)
    assert a.officer_s == 2 * minutes(52)


# ------------------------------------------------------------------------- overlapping units


def test_two_units_overlapping_count_patrol_time_once():
    t = local(2025, 5, 12, 10, 0)
    a = Stay(t, t + minutes(30), "Patrull 1", 2)  # 10:00–10:30, two officers
    b = Stay(t + minutes(15), t + minutes(45), "Patrull 2", 1)  # 10:15–10:45, one officer
    res = analyse([a, b], local(2025, 5, 12), local(2025, 5, 13))
    assert res.patrol_s == minutes(45)  # 10:00–10:45
    assert res.officer_s == minutes(2 * 30 + 1 * 30)  # 90 officer-minutes
    assert len(res.visits) == 1 and res.visits[0].seconds == 45 * 60


def test_a_unit_logged_twice_counts_once_at_its_larger_size():
    t = 0.0
    checkin = Stay(t, t + minutes(30), "Patrull 1", 2)
    track = Stay(t + minutes(10), t + minutes(40), "Patrull 1", 3)
    # 0–10: 2 officers, 10–30: max(2, 3) = 3, 30–40: 3 → 20 + 60 + 30 = 110 officer-minutes.
    assert officer_seconds([checkin, track]) == minutes(110)


# ------------------------------------------------------------------ midnight and DST changes


def test_a_session_across_midnight():
    # Friday 2025-05-16 23:30 → Saturday 00:45 local: 75 minutes; 30 in Fri 23h, 45 in Sat 00h.
    s = Stay(local(2025, 5, 16, 23, 30), local(2025, 5, 17, 0, 45))
    res = analyse([s], local(2025, 5, 12), local(2025, 5, 19))
    assert res.patrol_s == minutes(75)
    assert res.matrix_s[4, 23] == minutes(30) and res.matrix_s[5, 0] == minutes(45)
    assert res.matrix_s.sum() == minutes(75)
    assert res.day_gaps[4].visits == 1 and res.day_gaps[5].visits == 0  # the visit starts on Friday


def test_a_session_across_the_spring_dst_change():
    # 2025-03-30 01:30 CET (00:30 UTC) → 03:30 CEST (01:30 UTC): 60 real minutes.
    start = datetime(2025, 3, 30, 0, 30, tzinfo=UTC).timestamp()
    end = datetime(2025, 3, 30, 1, 30, tzinfo=UTC).timestamp()
    assert (start, end) == (local(2025, 3, 30, 1, 30), local(2025, 3, 30, 3, 30))
    m = hour_matrix([(start, end)], STOCKHOLM)
    assert m[6, 1] == minutes(30) and m[6, 2] == 0 and m[6, 3] == minutes(30)  # Sunday
    res = analyse([Stay(start, end)], local(2025, 3, 24), local(2025, 3, 31))
    assert res.patrol_s == minutes(60) and res.visits[0].seconds == 3600
    assert res.days == 7 and res.hours_per_week == pytest.approx(1.0)


def test_a_session_across_the_autumn_dst_change():
    # 2025-10-26 01:30 CEST (25th 23:30 UTC) → 03:30 CET (02:30 UTC): 180 real minutes, of which
    # 30 in 01h, 120 in 02h (the hour happens twice) and 30 in 03h.
    start = datetime(2025, 10, 25, 23, 30, tzinfo=UTC).timestamp()
    end = datetime(2025, 10, 26, 2, 30, tzinfo=UTC).timestamp()
    m = hour_matrix([(start, end)], STOCKHOLM)
    assert (m[6, 1], m[6, 2], m[6, 3]) == (minutes(30), minutes(120), minutes(30))
    res = analyse([Stay(start, end)], local(2025, 10, 20), local(2025, 10, 27))
    assert res.patrol_s == minutes(180) and res.visits[0].seconds == 3 * 3600
    assert res.days == 7 and [w.full for w in res.weeks] == [True]


# ------------------------------------------------------------------- gaps, weeks, clipping


def test_longest_gap_per_day_and_per_evening():
    d = (2025, 5, 14)  # a Wednesday
    stays = [
        Stay(local(*d, 10, 0), local(*d, 10, 15)),
        Stay(local(*d, 11, 0), local(*d, 11, 10)),  # gap 45 min
        Stay(local(*d, 14, 0), local(*d, 14, 20)),  # gap 170 min
        Stay(local(*d, 19, 0), local(*d, 19, 15)),  # gap 280 min
        Stay(local(*d, 21, 0), local(*d, 21, 12)),  # gap 105 min
    ]
    res = analyse(stays, local(*d), local(2025, 5, 16))
    day, next_day = res.day_gaps
    assert (day.day, day.visits, day.longest_gap_s) == (date(*d), 5, minutes(280))
    assert (next_day.visits, next_day.longest_gap_s) == (0, None)
    evening, empty = res.evening_gaps
    # 18:00→19:00 = 60, 19:15→21:00 = 105, 21:12→24:00 = 168 minutes
    assert evening.longest_gap_s == minutes(168) and evening.covered_s == minutes(27)
    assert empty.longest_gap_s == minutes(360) and empty.covered_s == 0


def test_weeks_against_a_target_and_clipping_to_the_period():
    # Period Wed 2025-01-01 .. Tue 2025-01-14 (14 days): a partial week, a full week, a partial one.
    start, end = local(2025, 1, 1), local(2025, 1, 15)
    full_week = [Stay(local(2025, 1, 6 + i, 12), local(2025, 1, 6 + i, 15)) for i in range(7)]  # 21 h
    before = Stay(local(2024, 12, 31, 23), local(2025, 1, 1, 1))  # only 1 h inside the period
    res = analyse([before, *full_week], start, end)
    assert [(w.label, w.days_in_period, w.full) for w in res.weeks] == [
        ("2025-W01", 5, False),
        ("2025-W02", 7, True),
        ("2025-W03", 2, False),
    ]
    assert [w.patrol_s / 3600 for w in res.weeks] == [1.0, 21.0, 0.0]
    assert res.patrol_s == 22 * 3600 and res.days == 14
    assert res.hours_per_week == pytest.approx(22 / 2)
    assert res.weeks_meeting(20) == 1 and res.weeks_meeting(21.5) == 0


def test_empty_input():
    res = analyse([], local(2025, 1, 1), local(2025, 1, 2))
    assert res.patrol_s == 0 and res.visits == [] and res.in_band == 0
    assert res.evening_gaps[0].longest_gap_s == minutes(360)
    assert np.all(res.matrix_s == 0)


def test_days_of_a_half_year_follow_the_local_calendar():
    res = analyse([], local(2025, 1, 1), local(2025, 7, 1))
    assert res.days == 181
    assert res.day_gaps[-1].day == date(2025, 6, 30)
    assert res.day_gaps[0].day == date(2025, 1, 1)
    assert res.evening_gaps[88].day == date(2025, 1, 1) + timedelta(days=88)  # 2025-03-30, DST day


# --------------------------------------------------------------------- properties

stays_strategy = st.lists(
    st.tuples(st.integers(0, 600), st.integers(1, 120), st.sampled_from("ABC"), st.integers(1, 4)),
    max_size=25,
).map(lambda xs: [Stay(float(s), float(s + d), u, o) for s, d, u, o in xs])


@settings(max_examples=200, deadline=None)
@given(stays_strategy)
def test_officer_time_equals_a_sweep_per_unit(stays):
    by_unit = {u: [s for s in stays if s.unit == u] for u in {s.unit for s in stays}}
    want = sum(_overlapping_officer_seconds(own) for own in by_unit.values())
    assert officer_seconds(stays) == pytest.approx(want)


@settings(max_examples=200, deadline=None)
@given(stays_strategy)
def test_patrol_time_is_the_measure_of_the_union(stays):
    covered = {t for s in stays for t in range(int(s.start), int(s.end))}  # whole seconds
    assert patrol_seconds(stays, 0, 10_000) == len(covered)
    assert patrol_seconds(stays, 100, 200) == len({t for t in covered if 100 <= t < 200})


def test_many_tracks_at_once_equal_one_by_one():
    tracks = [
        (np.array([[-50.0, 50], [150, 50], [-50, 50]]), np.array([0.0, 200, 400])),
        (np.array([[50.0, 50]]), np.array([0.0])),
        (np.array([[50.0, 50], [50, 50], [150, 50]]), np.array([0.0, 100, 200])),
    ]
    got = many_track_intervals(tracks, SQUARE)
    assert got == [track_intervals(xy[:, 0], xy[:, 1], t, SQUARE) for xy, t in tracks]
    assert got == [[(50.0, 150.0), (250.0, 350.0)], [], [(0.0, 150.0)]]
