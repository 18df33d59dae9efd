"""The follow-up report: every JSON figure against an independent count, the public rules, HTML and PDF.

The fixture lies in 2019 (no other test writes there; the shared test database may hold other
tests' records in other years, and the rules below count those too, like the report does).

``test_every_json_figure_equals_an_independent_count`` checks **every** indicator of the JSON
report (in the report period and in both comparison periods) against a rule written here with
plain SQL (``text()``) and, where a figure is a statistic rather than a count, small Python
over rows fetched with plain SQL; an indicator that no rule covers fails the test, so a new
figure needs a new rule.
"""

from __future__ import annotations

import io
import math
import re
import statistics
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from pypdf import PdfReader
from scipy.stats.contingency import odds_ratio
from shapely.geometry import Point
from sqlalchemy import text

from geo.crs import to_metric, wgs84_lonlat
from geo.zones import station_point
from tests.builders import make_actor, make_check, make_measure, make_operation
from traffic.actors import Actor
from traffic.aggregates import count_by
from traffic.commitments.service import ensure_promise, enter_value
from traffic.effects import COMPARISON_FACTOR, DEFAULT_RADIUS_M, MAX_DAYS, MIN_CASES
from traffic.incidents.schemas import IncidentCreate
from traffic.incidents.service import create_incident
from traffic.measures.models import SafetyMeasure
from traffic.orgs.service import ensure_organisations
from traffic.presence.schemas import PresenceCreate
from traffic.presence.service import create_presence
from traffic.queries import RecordFilter
from traffic.report import ReportOptions, build_report, render
from traffic.report.jsonout import to_dict
from traffic.report.numbers import pct
from traffic.report.periods import comparisons, period_text
from traffic.spatial_stats import hotspots
from traffic.tallies.schemas import TallyCreate
from traffic.tallies.service import create_tally
from traffic.timeutil import STOCKHOLM, parse_period
from traffic.visibility import PUBLIC
from traffic.zones.service import ensure_default_zones

PERIOD = parse_period("2019H1")
AS_OF = datetime(2019, 12, 31, 12, tzinfo=UTC)
STATION = to_metric(station_point())
A_TYPES = ("A_TRAKTOR", "EPA")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def lonlat(east: float, north: float = 0.0) -> list[float]:
    lon, lat = wgs84_lonlat(np.array([STATION.x + east]), np.array([STATION.y + north]))
    return [float(lon[0]), float(lat[0])]


# ------------------------------------------------------------------------------------ fixture


def _operations(session, officer):
    ops = []
    for focus, start in [
        ("A_TRAKTOR", local(2019, 3, 2, 19)),
        ("A_TRAKTOR", local(2019, 5, 17, 20)),
        ("DEFECTIVE_VEHICLES", local(2019, 2, 12, 9)),
        ("A_TRAKTOR", local(2018, 9, 14, 19)),
        ("SPEED", local(2018, 4, 3, 8)),
    ]:
        end = start + timedelta(hours=3)
        ops.append(
            make_operation(
                session,
                officer,
                focus=focus,
                status="COMPLETED",
                actual_start=start,
                actual_end=end,
                geometry={"type": "Point", "coordinates": lonlat(100)},
            )
        )
    make_operation(session, officer, focus="A_TRAKTOR", planned_start=local(2019, 6, 1, 19))  # planned: never
    return ops


def _checks(session, officer, ops):
    a1, a2, defective, autumn, _ = ops
    rows = [
        (
            a1,
            local(2019, 3, 2, 19, 10),
            {
                "vehicle_type": "A_TRAKTOR",
                "findings": ["LGF"],
                "outcomes": ["ORDNINGSBOT"],
                "fine_amount_sek": 1500,
                "lgf_sign_ok": False,
                "limiter_tampered": False,
            },
        ),
        (
            a1,
            local(2019, 3, 2, 19, 20),
            {
                "vehicle_type": "A_TRAKTOR",
                "findings": ["SPEED_LIMITER_TAMPERING"],
                "outcomes": ["RAPPORT", "BESLAG"],
                "limiter_tampered": True,
                "measured_speed_kmh": 48.5,
                "speed_method": "LASER",
                "speed_limit_kmh": 30,
            },
        ),
        (
            a1,
            local(2019, 3, 2, 19, 30),
            {
                "vehicle_type": "A_TRAKTOR",
                "rear_space_blocked": False,
                "findings": ["PASSENGERS"],
                "outcomes": ["TILLSAGELSE"],
                "passengers": 3,
                "measured_speed_kmh": 29.0,
                "speed_method": "LASER",
            },
        ),
        (a2, local(2019, 5, 17, 21), {"vehicle_type": "EPA", "limiter_tampered": False, "lgf_sign_ok": True}),
        (a2, local(2019, 5, 17, 21, 5), {"vehicle_type": "CAR"}),
        (
            a2,
            local(2019, 5, 17, 21, 10),
            {"vehicle_type": "CAR", "findings": ["LIGHTS"], "outcomes": ["TILLSAGELSE"]},
        ),
        (
            defective,
            local(2019, 2, 12, 9, 30),
            {"vehicle_type": "HEAVY", "findings": ["BRAKES", "TYRES"], "outcomes": ["KORFORBUD"]},
        ),
        (
            autumn,
            local(2018, 9, 14, 19, 30),
            {
                "vehicle_type": "A_TRAKTOR",
                "findings": ["LGF"],
                "outcomes": ["ORDNINGSBOT"],
                "lgf_sign_ok": False,
            },
        ),
    ]
    for op, when, fields in rows:
        make_check(
            session,
            op,
            officer,
            checked_at=when,
            geometry={"type": "Point", "coordinates": lonlat(90)},
            **fields,
        )
    counts = {"UTAN_ANMARKNING": 6, "ORDNINGSBOT": 2}
    start = local(2019, 5, 17, 20)
    create_tally(
        session,
        actor=officer,
        data=TallyCreate(
            operation_id=a2.id, counted_from=start, counted_to=start + timedelta(hours=1), counts=counts
        ),
    )


def _presence(session, officer, zones):
    # Non-overlapping stays, at least 5 minutes apart: each is one visit.
    stays = [
        ("resecentrum_300m", local(2019, 1, 7, 18, 0), 12),
        ("resecentrum_300m", local(2019, 1, 7, 19, 30), 10),
        ("resecentrum_150m", local(2019, 1, 7, 23, 40), 30),
        ("resecentrum_300m", local(2019, 3, 31, 1, 30), 60),
        ("resecentrum_300m", local(2019, 5, 14, 12), 16),
        ("resecentrum_500m", local(2019, 5, 14, 14), 45),
        ("resecentrum_300m", local(2019, 6, 30, 23, 50), 20),
        ("resecentrum_300m", local(2018, 11, 5, 12), 90),
    ]
    for code, start, minutes in stays:
        end = start + timedelta(minutes=minutes)
        create_presence(
            session,
            actor=officer,
            data=PresenceCreate(
                unit="Patrull 1",
                officers=2,
                mode="FOOT",
                kind="ZONE_CHECKIN",
                zone_id=zones[code].id,
                start_at=start,
                end_at=end,
            ),
        )
    for east, start, minutes in ((50, local(2019, 4, 2, 15), 9), (800, local(2019, 4, 2, 16), 25)):
        create_presence(
            session,
            actor=officer,
            data=PresenceCreate(
                unit="Patrull 2",
                mode="STATIONARY",
                kind="POINT",
                start_at=start,
                end_at=start + timedelta(minutes=minutes),
                geometry={"type": "Point", "coordinates": lonlat(east)},
            ),
        )


def _measures_and_incidents(session, planner):
    make_measure(
        session,
        planner,
        title="Upphöjt övergångsställe <script>alert(1)</script>",
        status="COMPLETED",
        kind="RAISED_CROSSING",
        completed_on=date(2019, 3, 15),
        geometry={"type": "Point", "coordinates": lonlat(1000)},
    )
    make_measure(
        session,
        planner,
        title="Belysning",
        status="PLANNED",
        kind="LIGHTING",
        geometry={"type": "Point", "coordinates": lonlat(-600)},
    )
    spots = [
        (1000, local(2019, 1, 20, 17), "CRASH"),
        (1050, local(2019, 2, 3, 8), "NEAR_MISS"),
        (1100, local(2019, 4, 2, 8), "NEAR_MISS"),
        (0, local(2019, 5, 1, 22), "A_TRAKTOR_DISTURBANCE"),
        (20, local(2019, 5, 2, 22), "A_TRAKTOR_DISTURBANCE"),
        (2500, local(2019, 6, 3, 12), "COMPLAINT"),
        (2500, local(2018, 10, 3, 12), "COMPLAINT"),
        (1000, local(2018, 12, 1, 12), "CRASH"),
    ]
    for east, when, kind in spots:
        create_incident(
            session,
            actor=planner,
            data=IncidentCreate(
                kind=kind,
                occurred_at=when,
                source="POLICE",
                geometry={"type": "Point", "coordinates": lonlat(east)},
            ),
        )


@pytest.fixture
def world(session):
    orgs = ensure_organisations(session)
    zones = {z.code: z for z in ensure_default_zones(session, org_id=orgs["polisen"].id)}
    ensure_promise(session)
    enter_value(session, indicator_code="fraud_meetings", period="2019H1", value=3, note="Tre träffar")
    officer = make_actor(session, "officer")
    ops = _operations(session, officer)
    _checks(session, officer, ops)
    _presence(session, officer, zones)
    _measures_and_incidents(session, make_actor(session, "planner", "mjolby_kommun"))
    session.info["actor"] = Actor(username="test-report", role="admin")
    return session


# ------------------------------------------------------------------------- SQL helpers


class Db:
    """Plain SQL against the test database, with parameters as each dialect stores them."""

    def __init__(self, session) -> None:
        self.s = session
        self.pg = session.get_bind().dialect.name == "postgresql"

    def ts(self, value: datetime) -> Any:
        utc = value.astimezone(UTC)
        return utc if self.pg else utc.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")

    def uid(self, value: uuid.UUID) -> str:
        return str(value) if self.pg else value.hex

    def one(self, sql: str, **params: Any) -> Any:
        return self.s.execute(text(sql), self._params(params)).scalar()

    def rows(self, sql: str, **params: Any) -> list[Any]:
        return self.s.execute(text(sql), self._params(params)).all()

    def _params(self, params: dict[str, Any]) -> dict[str, Any]:
        return {k: self.ts(v) if isinstance(v, datetime) else v for k, v in params.items()}

    def seconds(self, a: str, b: str) -> str:
        """SQL for the seconds from column ``a`` to column ``b``."""
        return (
            f"EXTRACT(EPOCH FROM ({b} - {a}))"
            if self.pg
            else f"((julianday({b}) - julianday({a})) * 86400.0)"
        )

    @staticmethod
    def time(value: Any) -> datetime:
        """A timestamp as the driver returns it (SQLite: text) as an aware UTC datetime."""
        t = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


DONE = "operation_id IN (SELECT id FROM operations WHERE deleted_at IS NULL AND status = 'COMPLETED')"
CHECKS = (
    "FROM vehicle_checks c WHERE c.deleted_at IS NULL AND c.checked_at >= :s AND c.checked_at < :e "
    f"AND c.{DONE}"
)
TALLIES = (
    f"FROM tallies t WHERE t.deleted_at IS NULL AND t.counted_from >= :s AND t.counted_from < :e AND t.{DONE}"
)
OPS = (
    "FROM operations WHERE deleted_at IS NULL AND status = 'COMPLETED' "
    "AND COALESCE(actual_start, planned_start) >= :s AND COALESCE(actual_start, planned_start) < :e"
)
NO_REMARK = (
    "EXISTS (SELECT 1 FROM check_codes k WHERE k.check_id = c.id AND k.kind = 'outcome' "
    "AND k.code = 'UTAN_ANMARKNING')"
)
TALLIED = "SELECT COALESCE(SUM(tc.count), 0) FROM tally_counts tc WHERE"


def share(part: float, whole: float) -> float | None:
    return part / whole if whole >= MIN_CASES else None


def vehicles(db: Db, s, e, vtype: str | None = None) -> int:
    if vtype is None:
        where, twhere = "", ""
    elif vtype == "UNKNOWN":
        where, twhere = " AND 1 = 0", " AND t.vehicle_type IS NULL"
    else:
        where, twhere = f" AND c.vehicle_type = '{vtype}'", f" AND t.vehicle_type = '{vtype}'"
    n = db.one(f"SELECT COUNT(*) {CHECKS}{where}", s=s, e=e)
    tallied = db.one(
        f"{TALLIED} tc.tally_id IN (SELECT t.id {TALLIES}{twhere})",
        s=s,
        e=e,
    )
    return int(n) + int(tallied)


def outcome(db: Db, s, e, code: str) -> int:
    n = db.one(
        "SELECT COUNT(*) FROM check_codes k WHERE k.kind = 'outcome' AND k.code = :code "
        f"AND k.check_id IN (SELECT c.id {CHECKS})",
        s=s,
        e=e,
        code=code,
    )
    tallied = db.one(
        f"{TALLIED} tc.outcome = :code AND tc.tally_id IN (SELECT t.id {TALLIES})",
        s=s,
        e=e,
        code=code,
    )
    return int(n) + int(tallied)


def a_traktor(db: Db, s, e, key: str) -> float | None:
    a = f"{CHECKS} AND c.vehicle_type IN ('A_TRAKTOR', 'EPA')"
    counts = {
        "checked": "COUNT(*)",
        "limiter.examined": "COUNT(c.limiter_tampered)",
        "limiter.tampered": "SUM(CASE WHEN c.limiter_tampered THEN 1 ELSE 0 END)",
        "lgf.examined": "COUNT(c.lgf_sign_ok)",
        "lgf.missing": "SUM(CASE WHEN c.lgf_sign_ok = FALSE THEN 1 ELSE 0 END)",
        "rear_space.examined": "COUNT(c.rear_space_blocked)",
        "rear_space.open": "SUM(CASE WHEN c.rear_space_blocked = FALSE THEN 1 ELSE 0 END)",
        "speed.measured": "COUNT(c.measured_speed_kmh)",
        "speed.over_30": "SUM(CASE WHEN c.measured_speed_kmh > 30 THEN 1 ELSE 0 END)",
        "speed.max_kmh": "MAX(c.measured_speed_kmh)",
    }
    if key in counts:
        value = db.one(f"SELECT {counts[key]} {a}", s=s, e=e)
        return float(value) if key == "speed.max_kmh" and value is not None else int(value or 0)
    if key == "passengers.too_many":
        return int(
            db.one(
                f"SELECT COUNT(*) FROM check_codes k WHERE k.kind = 'finding' AND k.code = 'PASSENGERS' "
                f"AND k.check_id IN (SELECT c.id {a})",
                s=s,
                e=e,
            )
        )
    if key == "speed.median_kmh":
        speeds = [
            float(r[0])
            for r in db.rows(
                f"SELECT c.measured_speed_kmh {a} AND c.measured_speed_kmh IS NOT NULL", s=s, e=e
            )
        ]
        return statistics.median(speeds) if speeds else None
    found, base = (
        key.removesuffix(".share"),
        {
            "limiter.tampered": "limiter.examined",
            "lgf.missing": "lgf.examined",
            "rear_space.open": "rear_space.examined",
            "passengers.too_many": "checked",
            "speed.over_30": "speed.measured",
        }[key.removesuffix(".share")],
    )
    return share(a_traktor(db, s, e, found), a_traktor(db, s, e, base))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ presence


def stays(db: Db, s: datetime, e: datetime) -> list[tuple[str, datetime, datetime, int]]:
    """(kind, start, end, officers) of the sessions inside resecentrum_300m, cut to [s, e)."""
    rows = db.rows(
        "SELECT p.kind, p.start_at, p.end_at, p.officers, p.bbox_minx, p.bbox_miny, z.code "
        "FROM presence_sessions p LEFT JOIN zones z ON z.id = p.zone_id "
        "WHERE p.deleted_at IS NULL AND p.start_at < :e AND p.end_at > :s",
        s=s,
        e=e,
    )
    out = []
    for kind, start, end, officers, lon, lat, code in rows:
        if kind == "ZONE_CHECKIN" and code not in ("resecentrum_300m", "resecentrum_150m"):
            continue
        if kind == "POINT" and to_metric(Point(lon, lat)).distance(STATION) > 300:
            continue
        a, b = max(db.time(start), s), min(db.time(end), e)
        out.append((kind, a, b, int(officers)))
    return sorted(out, key=lambda r: r[1])


def minutes_of(stay) -> float:
    return (stay[2] - stay[1]).total_seconds() / 60


def local_days(s: datetime, e: datetime) -> list[date]:
    first, last = s.astimezone(STOCKHOLM).date(), (e - timedelta(seconds=1)).astimezone(STOCKHOLM).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def by_minute(items, per_minute: Callable[[datetime], Any]) -> None:
    for _, a, b, _ in items:
        t = a
        while t < b:
            per_minute(t)
            t += timedelta(minutes=1)


def presence(db: Db, s: datetime, e: datetime, key: str) -> Any:
    got = stays(db, s, e)
    secs = [round(minutes_of(x) * 60) for x in got]
    days = local_days(s, e)
    if key == "hours_per_week":
        return sum(secs) / 3600 / (len(days) / 7)
    simple = {
        "patrol_hours": sum(secs) / 3600,
        "officer_hours": sum(x[3] * minutes_of(x) for x in got) / 60,
        "visits": len(got),
        "visits.koper_band": sum(600 <= v <= 960 for v in secs),
        "visits.under_band": sum(v < 600 for v in secs),
        "visits.median_minutes": statistics.median(secs) / 60 if secs else None,
        "days": len(days),
    }
    if key in simple:
        return simple[key]
    if key == "visits.koper_share":
        return share(simple["visits.koper_band"], len(got))
    classes = {
        "lt5": (0, 299),
        "5to10": (300, 599),
        "band": (600, 960),
        "16to30": (961, 1800),
        "30to60": (1801, 3600),
        "gt60": (3601, 10**9),
    }
    if key.startswith("visits.length."):
        lo, hi = classes[key.rsplit(".", 1)[1]]
        return sum(lo <= v <= hi for v in secs)
    kinds = {"sessions": len, "minutes": lambda xs: sum(minutes_of(x) for x in xs)}
    m = re.fullmatch(r"(sessions|minutes)\.kind\.(\w+)", key)
    if m:
        return kinds[m.group(1)]([x for x in got if x[0] == m.group(2)])
    if key.startswith("weeks."):
        mondays = [d for d in days if d.weekday() == 0 and d + timedelta(days=6) <= days[-1]]
        if key == "weeks.full":
            return len(mondays)
        week_h = [
            sum(minutes_of(x) for x in got if m <= x[1].astimezone(STOCKHOLM).date() <= m + timedelta(6)) / 60
            for m in mondays
        ]
        return sum(h >= 20 for h in week_h)
    if key.startswith("days."):
        starts: dict[date, list] = {}
        for x in got:
            starts.setdefault(x[1].astimezone(STOCKHOLM).date(), []).append(x)
        gaps = {
            d: max((b[1] - a[2]).total_seconds() for a, b in zip(v, v[1:], strict=False))
            for d, v in starts.items()
            if len(v) > 1
        }
        return {
            "days.with_presence": len(starts),
            "days.two_or_more_visits": len(gaps),
            "days.gaps_within_revisit": sum(g <= 7200 for g in gaps.values()),
            "days.longest_gap_median_minutes": statistics.median(gaps.values()) / 60 if gaps else None,
        }[key]
    if key.startswith("evenings."):
        covered: set[datetime] = set()
        by_minute(got, covered.add)
        longest, present = [], 0
        for d in days:
            run = best = 0
            t = datetime(d.year, d.month, d.day, 18, tzinfo=STOCKHOLM).astimezone(UTC)
            hit = False
            for _ in range(360):
                if t in covered:
                    hit, run = True, 0
                else:
                    run += 1
                    best = max(best, run)
                t += timedelta(minutes=1)
            longest.append(best)
            present += hit
        return {
            "evenings.with_presence": present,
            "evenings.gaps_within_revisit": sum(b <= 120 for b in longest),
            "evenings.longest_gap_median_minutes": statistics.median(longest),
        }[key]
    m = re.fullmatch(r"matrix\.(\w+)\.(\d\d)", key)
    if m:
        wd = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(m.group(1))
        hits: list[datetime] = []

        def count(t: datetime) -> None:
            lt = t.astimezone(STOCKHOLM)
            if lt.weekday() == wd and lt.hour == int(m.group(2)):
                hits.append(t)

        by_minute(got, count)
        return float(len(hits))
    raise KeyError(key)


# --------------------------------------------------------------------------- effects


def events(db: Db) -> list[tuple[float, float, datetime]]:
    """Incidents and remarks of completed operations: (east, north, time)."""
    inc = db.rows("SELECT sweref_e, sweref_n, occurred_at FROM incidents WHERE deleted_at IS NULL")
    rem = db.rows(
        f"SELECT c.sweref_e, c.sweref_n, c.checked_at FROM vehicle_checks c WHERE c.deleted_at IS NULL "
        f"AND c.{DONE} AND NOT {NO_REMARK}"
    )
    return [(float(x), float(y), db.time(t)) for x, y, t in [*inc, *rem]]


def effect(db: Db, measure_id: str, key: str, cache: dict) -> Any:
    if "events" not in cache:
        cache["events"] = events(db)
    ev = cache["events"]
    m = db.s.get(SafetyMeasure, uuid.UUID(measure_id))
    geom = to_metric(m.geom)

    def midnight(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=STOCKHOLM)

    first, last = min(t for *_, t in ev), min(max(t for *_, t in ev), AS_OF)
    before_end, after_start = m.started_on or m.completed_on, m.completed_on + timedelta(days=1)
    room_after = math.floor((last - midnight(after_start)).total_seconds() / 86400)
    room_before = math.floor((midnight(before_end) - first).total_seconds() / 86400)
    days = max(0, min(MAX_DAYS, room_after, room_before))
    if key == "days":
        return days
    windows = [
        (midnight(before_end - timedelta(days=days)), midnight(before_end)),
        (midnight(after_start), midnight(after_start + timedelta(days=days))),
    ]
    site, comp = [0, 0], [0, 0]
    parts = {"incidents": [0, 0], "remarks": [0, 0]}
    n_incidents = len(db.rows("SELECT id FROM incidents WHERE deleted_at IS NULL"))
    for k, (a, b) in enumerate(windows):
        for i, (x, y, t) in enumerate(ev):
            if days < 30 or not a <= t < b:
                continue
            d = geom.distance(Point(x, y))
            if d <= DEFAULT_RADIUS_M:
                site[k] += 1
                parts["incidents" if i < n_incidents else "remarks"][k] += 1
            elif d > COMPARISON_FACTOR * DEFAULT_RADIUS_M:
                comp[k] += 1
    simple = {
        "site_before": site[0],
        "site_after": site[1],
        "comparison_before": comp[0],
        "comparison_after": comp[1],
        "incidents_before": parts["incidents"][0],
        "incidents_after": parts["incidents"][1],
        "remarks_before": parts["remarks"][0],
        "remarks_after": parts["remarks"][1],
    }
    if key in simple:
        return simple[key]
    a0, a1, c0, c1 = site[0], site[1], comp[0], comp[1]
    ratio = None
    if days >= 30 and a0 + a1 >= MIN_CASES and c0 and c1 and a0:
        ratio = (a1 / a0) / (c1 / c0)
    if key == "ratio" or ratio is None:
        return ratio
    ci = odds_ratio([[a1, a0], [c1, c0]], kind="conditional").confidence_interval(0.95)
    high = None if math.isinf(ci.high) else ci.high
    return {"ci_low": ci.low, "ci_high": high}[key]


# --------------------------------------------------------------------------- the rules


def expected(db: Db, fid: str, period, figures: dict, cache: dict) -> Any:
    """The value of figure ``fid`` for ``period``, counted independently."""
    s, e = period.start, period.end
    first, end = s.astimezone(STOCKHOLM).date(), e.astimezone(STOCKHOLM).date()
    m = re.fullmatch(r"operations\.completed\.(?:focus\.(\w+)|total)", fid)
    if m:
        return db.one(
            f"SELECT COUNT(*) {OPS}" + (" AND focus = :f" if m.group(1) else ""), s=s, e=e, f=m.group(1)
        )
    m = re.fullmatch(r"vehicles\.checked\.(?:type\.(\w+)|total)", fid)
    if m:
        return vehicles(db, s, e, m.group(1))
    m = re.fullmatch(r"vehicles\.outcome\.(\w+)", fid)
    if m:
        return outcome(db, s, e, m.group(1))
    m = re.fullmatch(r"checks\.finding\.(\w+)", fid)
    if m:
        return db.one(
            f"SELECT COUNT(*) FROM check_codes k WHERE k.kind = 'finding' AND k.code = :code "
            f"AND k.check_id IN (SELECT c.id {CHECKS})",
            s=s,
            e=e,
            code=m.group(1),
        )
    if fid.startswith("vehicles.with_remark"):
        n = vehicles(db, s, e) - outcome(db, s, e, "UTAN_ANMARKNING")
        return n if fid == "vehicles.with_remark" else share(n, vehicles(db, s, e))
    if fid.startswith("a_traktor."):
        return a_traktor(db, s, e, fid.removeprefix("a_traktor."))
    if fid.startswith("presence.resecentrum_300m."):
        return presence(db, s, e, fid.removeprefix("presence.resecentrum_300m."))
    m = re.fullmatch(r"measures\.completed\.(?:kind\.(\w+)|total)", fid)
    if m:
        return db.one(
            "SELECT COUNT(*) FROM safety_measures WHERE deleted_at IS NULL AND status = 'COMPLETED' "
            "AND completed_on >= :a AND completed_on < :b" + (" AND kind = :k" if m.group(1) else ""),
            a=first,
            b=end,
            k=m.group(1),
        )
    m = re.fullmatch(r"measures\.all\.status\.(\w+)", fid)
    if m:
        return db.one(
            "SELECT COUNT(*) FROM safety_measures WHERE deleted_at IS NULL AND status = :st", st=m.group(1)
        )
    m = re.fullmatch(r"effects\.([0-9a-f-]{36})\.(\w+)", fid)
    if m:
        return effect(db, m.group(1), m.group(2), cache)
    m = re.fullmatch(r"incidents\.(?:kind\.(\w+)|total)", fid)
    if m:
        return db.one(
            "SELECT COUNT(*) FROM incidents WHERE deleted_at IS NULL "
            "AND occurred_at >= :s AND occurred_at < :e" + (" AND kind = :k" if m.group(1) else ""),
            s=s,
            e=e,
            k=m.group(1),
        )
    if fid == "lagesbild.grid.cells":
        rows = db.rows(
            "SELECT sweref_e, sweref_n FROM incidents WHERE deleted_at IS NULL AND occurred_at >= :s "
            "AND occurred_at < :e",
            s=s,
            e=e,
        )
        return len({(math.floor(x / 100), math.floor(y / 100)) for x, y in rows})
    if fid.startswith("lagesbild.hotspots."):
        # Gi* itself is tested against esda in tests/geo/test_hotspots.py; here: the same cells.
        flt = RecordFilter(start=s, end=e)
        hot = [
            c
            for c in hotspots(db.s, "incidents", Actor("t", "planner"), flt, cell_m=100).cells
            if c.gi_bin >= 2
        ]
        total = expected(db, "incidents.total", period, figures, cache)
        n = sum(c.cell.count for c in hot)
        return {"cells": len(hot), "incidents": n, "share": share(n, total)}[fid.rsplit(".", 1)[1]]
    m = re.fullmatch(r"commitments\.(\w+)", fid)
    if m:
        row = db.one(
            "SELECT v.value FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id "
            "WHERE i.code = :c AND v.period = :p",
            c=m.group(1),
            p=period.label,
        )
        metric = db.one("SELECT metric FROM indicators WHERE code = :c", c=m.group(1))
        if metric is None:
            return row
        same = {
            "operations_completed": "operations.completed.total",
            "vehicles_checked": "vehicles.checked.total",
            "measures_completed": "measures.completed.total",
        }
        name, _, arg = metric.partition(":")
        if name == "operations_completed" and arg:
            return expected(db, f"operations.completed.focus.{arg}", period, figures, cache)
        if name == "presence_hours_per_week":
            return presence(db, s, e, "hours_per_week")
        return expected(db, same[name], period, figures, cache)
    raise LookupError(f"no rule checks the figure {fid!r}")


def same(want: Any, got: Any) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, float) or isinstance(got, float):
        return math.isclose(float(want), float(got), rel_tol=1e-6, abs_tol=0.006)  # the report rounds to 0.01
    return int(want) == int(got)


# ------------------------------------------------------------------------------ the tests


def test_every_json_figure_equals_an_independent_count(world):
    report = build_report(world, PERIOD, ReportOptions(as_of=AS_OF))
    doc = to_dict(report)
    periods = {PERIOD.label: PERIOD, **{p.label: p for p in report.comparisons.values()}}
    db, cache, wrong = Db(world), {}, []
    assert len(doc["indicators"]) > 250
    for fig in doc["indicators"]:
        assert not fig["suppressed"]  # the internal report hides nothing
        values = [(PERIOD.label, fig["value"])] + [
            (c["period"], c["value"]) for c in fig.get("comparisons", {}).values()
        ]
        for label, got in values:
            want = expected(db, fig["id"], periods[label], doc, cache)
            if not same(want, got):
                wrong.append(f"{fig['id']} {label}: report {got!r}, database {want!r}")
    assert not wrong, "\n".join(wrong)


def test_the_fixture_figures_by_hand(world):
    figures = build_report(world, PERIOD, ReportOptions(as_of=AS_OF)).figures
    v = {k: f.value for k, f in figures.items()}
    assert v["operations.completed.focus.A_TRAKTOR"] == 2 and v["operations.completed.total"] == 3
    assert figures["operations.completed.focus.A_TRAKTOR"].comparisons["previous"].value == 1  # 2018H2
    assert v["vehicles.checked.total"] == 7 + 8  # seven checks, a tally of eight
    assert v["vehicles.outcome.ORDNINGSBOT"] == 1 + 2
    assert v["a_traktor.checked"] == 4 and v["a_traktor.limiter.tampered"] == 1
    assert v["a_traktor.limiter.tampered.share"] is None  # 3 examined: too few for a share
    assert figures["a_traktor.limiter.tampered.share"].note == "too_few"
    assert v["presence.resecentrum_300m.visits"] == 7  # 12, 10, 30, 60, 16, 10 (cut at midnight), 9
    assert v["presence.resecentrum_300m.visits.koper_band"] == 4  # 12, 10, 16, 10
    assert v["presence.resecentrum_300m.matrix.sun.02"] == 0  # 2019-03-31: the hour that does not exist
    assert (
        v["presence.resecentrum_300m.matrix.sun.01"] == 30
        and v["presence.resecentrum_300m.matrix.sun.03"] == 30
    )
    assert v["commitments.fraud_meetings"] == 3 and v["measures.completed.total"] == 1


def test_public_report_follows_the_statistics_api(world):
    now = AS_OF
    report = build_report(world, PERIOD, ReportOptions(public=True, as_of=now))
    figs = report.figures
    flt = RecordFilter(start=PERIOD.start, end=PERIOD.end)
    for kind, group, prefix in [
        ("checks", "vehicle_type", "vehicles.checked.type"),
        ("checks", "outcome", "vehicles.outcome"),
        ("operations", "focus", "operations.completed.focus"),
        ("incidents", "kind", "incidents.kind"),
    ]:
        table = count_by(world, kind, group, PUBLIC, flt, now=now)
        for c in table.cells:
            fig = figs[f"{prefix}.{c.key}"]
            assert (fig.value, fig.suppressed) == (c.count, c.suppressed), (prefix, c)
    assert figs["operations.completed.focus.A_TRAKTOR"].suppressed  # 2 < 5
    assert not any(".matrix." in k or ".evenings." in k or ".days." in k for k in figs)  # tactical
    assert not any(k.endswith(".remarks_before") for k in figs)
    html = render(report, "html").decode()
    assert "Publicerad version" in html and "färre än 5" in html
    assert "Närvaro per veckodag" not in html and "Var närvaron fanns" not in html


def test_html_in_swedish_and_english_escapes_user_text(world):
    sv = render(build_report(world, PERIOD, ReportOptions(as_of=AS_OF)), "html").decode()
    for phrase in (
        "Uppföljning av medborgarlöfte",
        "Lokalpolisområdeschef",
        "Kommunstyrelsens ordförande",
        "för få för att redovisa",
        "regression mot medelvärdet",
        "<svg",
        "Närvaro per veckodag",
    ):
        assert phrase in sv, phrase
    assert "<script>alert(1)</script>" not in sv and "&lt;script&gt;alert(1)&lt;/script&gt;" in sv
    en = render(build_report(world, PERIOD, ReportOptions(lang="en", as_of=AS_OF)), "html").decode()
    assert "Follow-up of the citizen promise" in en and "too few to report" in en and 'lang="en"' in en


def test_pdf_opens_and_has_pages_with_text(world):
    pdf = render(build_report(world, PERIOD, ReportOptions(as_of=AS_OF)), "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4
    texts = [page.extract_text() for page in reader.pages]
    assert all(t.strip() for t in texts)
    whole = " ".join(texts)
    for phrase in (
        "Uppföljning av medborgarlöfte",
        "Sammanfattning",
        "Underskrifter",
        "Lokalpolisområdeschef",
        "Cecilia V Burenby",
        "Jens Öhmark",
    ):
        assert phrase in whole, phrase


def test_small_numbers_and_periods():
    assert pct(3, 9) == "för få för att redovisa" and pct(3, 9, "en") == "too few to report"
    assert pct(5, 10) == "50\u00a0%" and pct(5, 10, "en") == "50%"
    compared = comparisons(parse_period("2019H1"))
    assert (compared["previous"].label, compared["year_before"].label) == ("2018H2", "2018H1")
    ranged = comparisons(parse_period("2019-03-01..2019-03-31"))
    assert ranged["previous"].label == "2019-01-29..2019-02-28"
    assert ranged["year_before"].label == "2018-03-01..2018-03-31"
    assert period_text(parse_period("2019H1")) == "första halvåret 2019 (1 januari–30 juni 2019)"


def test_a_date_range_report_builds(world):
    report = build_report(world, "2019-03-01..2019-03-31", ReportOptions(as_of=AS_OF))
    assert report.figures["operations.completed.focus.A_TRAKTOR"].value == 1
    assert report.figures["commitments.fraud_meetings"].value is None  # entered per half-year only
