"""Presence analysis of stored sessions and GPX import, on SQLite and PostGIS.

All fixtures lie in 2019, a year no other test writes, and every expected figure is worked
out by hand next to it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from geo.crs import to_metric, wgs84_lonlat
from geo.zones import station_point
from tests.builders import make_actor
from traffic.errors import Conflict, ValidationFailed
from traffic.orgs.service import ensure_organisations
from traffic.presence.analysis import analyse_zone, hours_per_week, load_sessions, presence_cells
from traffic.presence.gpx import import_gpx, mode_of, presence_from_gpx, read_gpx
from traffic.presence.schemas import PresenceCreate
from traffic.presence.service import create_presence
from traffic.records import soft_delete
from traffic.timeutil import STOCKHOLM, parse_period
from traffic.zones.service import ensure_default_zones

WEEK = parse_period("2019-05-13..2019-05-19")  # Monday to Sunday
AS_OF = datetime(2019, 12, 31, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def near_station(east_m: float, north_m: float = 0.0) -> tuple[float, float]:
    """lon/lat of a point ``east_m``, ``north_m`` metres from the station (SWEREF 99 TM)."""
    st = to_metric(station_point())
    lon, lat = wgs84_lonlat(np.array([st.x + east_m]), np.array([st.y + north_m]))
    return float(lon[0]), float(lat[0])


@pytest.fixture
def world(session):
    actor = make_actor(session, "officer")
    zones = {
        z.code: z for z in ensure_default_zones(session, org_id=ensure_organisations(session)["polisen"].id)
    }
    return session, actor, zones


def checkin(session, actor, zone, start, end, unit="Patrull 1", officers=2):
    data = PresenceCreate(unit=unit, officers=officers, mode="FOOT", kind="ZONE_CHECKIN", zone_id=zone.id,
                          start_at=start, end_at=end)  # fmt: skip
    return create_presence(session, actor=actor, data=data)


def point(session, actor, lonlat, start, end, unit="Patrull 3"):
    data = PresenceCreate(unit=unit, mode="STATIONARY", kind="POINT", start_at=start, end_at=end,
                          geometry={"type": "Point", "coordinates": list(lonlat)})  # fmt: skip
    return create_presence(session, actor=actor, data=data)


def track(session, actor, start, unit="Cykel 1"):
    # 500 m west → 500 m east of the station in 1000 s (1 m/s): inside the 300 m zone from
    # t = 200 s to t = 800 s (the zone has a vertex due east and due west): 10 minutes.
    coords = [near_station(-500), near_station(500)]
    times = [start, start + timedelta(seconds=1000)]
    line = {"type": "LineString", "coordinates": [list(c) for c in coords]}
    data = PresenceCreate(unit=unit, mode="BIKE", kind="TRACK", track_times=times, geometry=line)
    return create_presence(session, actor=actor, data=data)


def test_minutes_inside_from_every_kind_of_record(world):
    session, actor, z = world
    checkin(session, actor, z["resecentrum_300m"], local(2019, 5, 14, 10), local(2019, 5, 14, 10, 30))  # 30
    checkin(
        session, actor, z["resecentrum_150m"], local(2019, 5, 14, 12), local(2019, 5, 14, 12, 20)
    )  # 20: inside
    checkin(
        session, actor, z["resecentrum_500m"], local(2019, 5, 14, 13), local(2019, 5, 14, 13, 15)
    )  # not inside
    point(session, actor, near_station(50), local(2019, 5, 14, 14), local(2019, 5, 14, 14, 12))  # 12
    point(session, actor, near_station(800), local(2019, 5, 14, 15), local(2019, 5, 14, 15, 30))  # outside
    track(session, actor, local(2019, 5, 14, 16))  # 10 of its 16:40
    zp = analyse_zone(session, WEEK, "resecentrum_300m", as_of=AS_OF)
    a = zp.analysis
    assert zp.by_kind["ZONE_CHECKIN"].sessions == 2 and zp.by_kind["ZONE_CHECKIN"].minutes == 50
    assert zp.by_kind["POINT"].sessions == 1 and zp.by_kind["POINT"].minutes == 12
    assert zp.by_kind["TRACK"].sessions == 1 and zp.by_kind["TRACK"].minutes == pytest.approx(10, abs=0.05)
    assert zp.other_checkins == 1
    assert a.patrol_s / 60 == pytest.approx(72, abs=0.05)
    assert [round(v.seconds / 60) for v in a.visits] == [30, 20, 12, 10]
    assert a.in_band == 2  # 12 and 10 minutes
    assert a.hours_per_week == pytest.approx(72 / 60, abs=0.001)  # one week of 7 local days
    assert zp.target_hours == 20 and zp.meets_target is False


def test_two_units_overlapping_do_not_double_count(world):
    session, actor, z = world
    zone = z["resecentrum_300m"]
    checkin(session, actor, zone, local(2019, 5, 15, 18), local(2019, 5, 15, 18, 30), "Patrull 1", 2)
    checkin(session, actor, zone, local(2019, 5, 15, 18, 15), local(2019, 5, 15, 18, 45), "Patrull 2", 1)
    a = analyse_zone(session, WEEK, as_of=AS_OF).analysis
    assert a.patrol_s == 45 * 60  # 18:00–18:45
    assert a.officer_s == (2 * 30 + 1 * 30) * 60
    assert len(a.visits) == 1 and a.visits[0].seconds == 45 * 60


def test_open_checkin_counts_until_now_but_at_most_twelve_hours(world):
    session, actor, z = world
    checkin(session, actor, z["resecentrum_300m"], local(2019, 5, 16, 8), None)
    zp = analyse_zone(session, WEEK, as_of=AS_OF)
    assert zp.open_sessions == 1 and zp.analysis.patrol_s == 12 * 3600
    soon = local(2019, 5, 16, 9, 15).astimezone(UTC)
    assert analyse_zone(session, WEEK, as_of=soon).analysis.patrol_s == 75 * 60


def test_a_session_across_midnight_and_the_dst_changes(world):
    session, actor, z = world
    zone = z["resecentrum_300m"]
    # 2019-03-31 01:30 CET → 03:30 CEST: 60 real minutes; 2019-10-27 01:30 CEST → 03:30 CET: 180.
    checkin(session, actor, zone, local(2019, 3, 31, 1, 30), local(2019, 3, 31, 3, 30))
    checkin(
        session,
        actor,
        zone,
        datetime(2019, 10, 26, 23, 30, tzinfo=UTC),
        datetime(2019, 10, 27, 2, 30, tzinfo=UTC),
    )
    # Friday 2019-05-17 23:30 → Saturday 00:45: 75 minutes.
    checkin(session, actor, zone, local(2019, 5, 17, 23, 30), local(2019, 5, 18, 0, 45))
    spring = analyse_zone(session, parse_period("2019-03-25..2019-03-31"), as_of=AS_OF).analysis
    assert (
        spring.patrol_s == 60 * 60 and spring.matrix_s[6, 1] == 30 * 60 and spring.matrix_s[6, 3] == 30 * 60
    )
    assert spring.matrix_s[6, 2] == 0
    autumn = analyse_zone(session, parse_period("2019-10-21..2019-10-27"), as_of=AS_OF).analysis
    assert autumn.patrol_s == 180 * 60
    assert (autumn.matrix_s[6, 1], autumn.matrix_s[6, 2], autumn.matrix_s[6, 3]) == (
        30 * 60,
        120 * 60,
        30 * 60,
    )
    night = analyse_zone(session, WEEK, as_of=AS_OF).analysis
    assert night.patrol_s == 75 * 60 and night.matrix_s[4, 23] == 30 * 60 and night.matrix_s[5, 0] == 45 * 60


def test_deleted_sessions_and_other_weeks_do_not_count(world):
    session, actor, z = world
    zone = z["resecentrum_300m"]
    gone = checkin(session, actor, zone, local(2019, 5, 14, 10), local(2019, 5, 14, 11))
    soft_delete(gone)
    session.flush()
    checkin(session, actor, zone, local(2019, 5, 21, 10), local(2019, 5, 21, 11))  # the week after
    checkin(session, actor, zone, local(2019, 5, 19, 23, 30), local(2019, 5, 20, 0, 30))  # half inside
    assert analyse_zone(session, WEEK, as_of=AS_OF).analysis.patrol_s == 30 * 60
    weeks = [WEEK, parse_period("2019-05-20..2019-05-26")]
    got = hours_per_week(session, weeks, as_of=AS_OF)
    assert got == {WEEK.label: pytest.approx(0.5), weeks[1].label: pytest.approx(1.5)}


def test_presence_cells_hold_the_minutes_inside(world):
    session, actor, z = world
    checkin(session, actor, z["resecentrum_300m"], local(2019, 5, 14, 10), local(2019, 5, 14, 10, 30))
    point(session, actor, near_station(50), local(2019, 5, 14, 14), local(2019, 5, 14, 14, 12))
    track(session, actor, local(2019, 5, 14, 16))
    rows = load_sessions(session, WEEK.start, WEEK.end)
    cells = presence_cells(session, rows, "resecentrum_300m", WEEK, as_of=AS_OF)
    assert sum(c.value for c in cells) == pytest.approx(30 + 12 + 10, abs=0.3)  # track: 15 s steps


# ------------------------------------------------------------------------------------ GPX

GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>Patrull 2110</name><type>cycling</type>
    <trkseg>
      <trkpt lat="{lat0}" lon="{lon0}"><time>2019-05-14T14:00:00Z</time></trkpt>
      <trkpt lat="{lat1}" lon="{lon1}"><time>2019-05-14T16:16:40+02:00</time></trkpt>
    </trkseg>
    <trkseg><trkpt lat="{lat0}" lon="{lon0}"><time>2019-05-14T15:00:00Z</time></trkpt></trkseg>
  </trk>
</gpx>
"""


def gpx_text() -> str:
    (lon0, lat0), (lon1, lat1) = near_station(-500), near_station(500)
    return GPX.format(lon0=lon0, lat0=lat0, lon1=lon1, lat1=lat1)


def test_read_gpx_takes_times_as_utc_and_skips_single_points():
    segments, skipped = read_gpx(gpx_text())
    assert skipped == 1 and len(segments) == 1
    seg = segments[0]
    assert seg.name == "Patrull 2110" and mode_of(seg.kind) == "BIKE"
    assert seg.times == [datetime(2019, 5, 14, 14, tzinfo=UTC), datetime(2019, 5, 14, 14, 16, 40, tzinfo=UTC)]


def test_gpx_errors_name_the_point():
    with pytest.raises(ValidationFailed, match="track 1, segment 1, point 2"):
        read_gpx(gpx_text().replace("<time>2019-05-14T16:16:40+02:00</time>", ""))
    with pytest.raises(ValidationFailed, match="GPX"):
        read_gpx("<gpx><trk>")
    with pytest.raises(ValidationFailed, match="no track"):
        read_gpx('<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"></gpx>')
    assert mode_of("Walking") == "FOOT" and mode_of("driving") == "CAR" and mode_of(None) == "FOOT"


def test_gpx_import_counts_in_the_zone_and_is_refused_twice(world):
    session, actor, _ = world
    data = gpx_text().encode()
    result = import_gpx(session, actor=actor, data=data, officers=2)
    assert len(result.sessions) == 1 and result.skipped == 1
    stored = result.sessions[0]
    assert (stored.unit, stored.mode, stored.officers, stored.kind) == ("Patrull 2110", "BIKE", 2, "TRACK")
    zp = analyse_zone(session, WEEK, as_of=AS_OF)
    assert zp.by_kind["TRACK"].minutes == pytest.approx(10, abs=0.05)  # 1000 s at 1 m/s, 600 inside
    with pytest.raises(Conflict):
        import_gpx(session, actor=actor, data=data)
    creates, _ = presence_from_gpx(data, unit="Cykel 9", mode="FOOT")
    assert creates[0].unit == "Cykel 9" and creates[0].mode == "FOOT" and creates[0].id == stored.id
