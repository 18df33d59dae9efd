"""Presence analysis of stored sessions: the time each session spent inside a zone, and the figures.

Which time of a session counts as inside zone ``Z`` (:func:`stays_in_zone`):

* **zone check-in** — all of it when it is a check-in to ``Z`` itself or to a zone lying inside
  ``Z`` (a check-in at the 150 m resecentrum zone is inside the 300 m one); none for a zone
  only partly inside ``Z`` (we do not know where in it the unit was);
* **point stay** — all of it when the point lies in ``Z`` (the boundary counts as inside);
* **GPS track** — the parts of the track inside ``Z``, crossing times interpolated between the
  vertices (:mod:`geo.tracks`).

An open check-in (no ``end_at``) counts until ``as_of`` but for at most
``OPEN_CAP_HOURS``: a forgotten check-out must not fill a week. The figures are computed by
:func:`geo.presence.analyse` (definitions there). Sessions of every organisation count, and
deleted sessions never do.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import ColumnElement, Float, String, cast, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from geo.coverage import Coverage
from geo.crs import metric_xy
from geo.grid import Cell, SquareGrid
from geo.presence import PresenceAnalysis, PresenceRules, Stay, analyse, clip, local_days, patrol_seconds
from geo.tracks import many_lonlat_track_intervals, metric_zone, points_inside, zone_within
from traffic.presence.models import GPS_TRACK, POINT_STAY, PRESENCE_KINDS, ZONE_CHECKIN, PresenceSession
from traffic.storage.base import utcnow
from traffic.timeutil import STOCKHOLM, Period
from traffic.zones.models import Zone
from traffic.zones.service import zone_by_code

DEFAULT_ZONE = "resecentrum_300m"
OPEN_CAP_HOURS = 12.0
JULIAN_UNIX_EPOCH = 2440587.5  # julianday("1970-01-01")


class SessionRow(NamedTuple):
    """What the analysis needs of a stored session (zone ids as hex strings, times as epoch seconds)."""

    id: Any  # as the driver returns it
    kind: str
    unit: str
    officers: int
    zone_id: str | None
    start: float
    end: float | None
    lon: float | None = None  # point stays
    lat: float | None = None
    track: Any = None  # (coords lon/lat, epoch seconds) for GPS tracks


@dataclass(frozen=True)
class KindMinutes:
    """Sessions of one kind that put time in the zone, and that time (summed, overlaps not joined)."""

    sessions: int = 0
    minutes: float = 0.0


@dataclass(frozen=True)
class ZonePresence:
    """Presence in one zone over one period."""

    zone_code: str
    zone_name: str
    target_hours: float | None
    period: Period
    analysis: PresenceAnalysis
    by_kind: dict[str, KindMinutes] = field(default_factory=dict)
    open_sessions: int = 0
    other_checkins: int = 0  # check-ins to zones not (wholly) inside this one: not counted

    @property
    def meets_target(self) -> bool | None:
        """Hours per week at or above the weekly target (None without a target)."""
        if self.target_hours is None:
            return None
        return self.analysis.hours_per_week >= self.target_hours - 1e-9


def _epoch(value: datetime | str) -> float:
    t = datetime.fromisoformat(value) if isinstance(value, str) else value
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.timestamp()


def epoch_seconds(column: Any, dialect: str) -> ColumnElement[float]:
    """A UTC timestamp column as epoch seconds, computed in SQL (millisecond precision on SQLite).

    Reading thousands of timestamps as numbers skips parsing each into a ``datetime``.
    """
    if dialect == "postgresql":
        return cast(func.extract("epoch", column), Float)
    return func.round((func.julianday(column) - JULIAN_UNIX_EPOCH) * 86400.0, 3)


def key(value: Any) -> str | None:
    """A UUID (or its text as SQLite returns it) as 32 hex digits."""
    if value is None:
        return None
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


def load_sessions(session: Session, start: datetime, end: datetime) -> list[SessionRow]:
    """Live sessions with time in ``[start, end)`` (open ones included), oldest first."""
    p = PresenceSession
    dialect = session.get_bind().dialect.name
    live = (p.deleted_at.is_(None), p.start_at < end, or_(p.end_at.is_(None), p.end_at > start))
    raw = (type_coerce(p.id, String), type_coerce(p.zone_id, String))
    stmt = select(
        *raw,
        p.kind,
        p.unit,
        p.officers,
        epoch_seconds(p.start_at, dialect),
        epoch_seconds(p.end_at, dialect),
        p.bbox_minx,
        p.bbox_miny,
    ).where(*live)
    rows = session.execute(stmt.order_by(p.start_at, p.id)).all()
    tracks: dict[Any, Any] = {}
    if any(r[2] == GPS_TRACK for r in rows):
        for rid, geom, times in session.execute(
            select(raw[0], p.geom, p.track_times).where(*live, p.kind == GPS_TRACK)
        ):
            if geom is not None and times:
                tracks[rid] = (np.asarray(geom.coords), np.array([_epoch(t) for t in times]))
    zones: dict[Any, str | None] = {}
    out = []
    for rid, zid, kind, unit, officers, t0, t1, lon, lat in rows:
        point = kind == POINT_STAY
        if zid not in zones:
            zones[zid] = key(zid)
        out.append(
            SessionRow(
                rid,
                kind,
                unit,
                int(officers or 1),
                zones[zid],
                float(t0),
                float(t1) if t1 is not None else None,
                lon if point else None,
                lat if point else None,
                tracks.get(rid),
            )
        )
    return out


def stays_in_zone(
    rows: Sequence[SessionRow],
    zone: Zone,
    checkin_zones: dict[str, Any],
    *,
    as_of: float,
    clip_to: tuple[float, float] | None = None,
) -> tuple[list[Stay], dict[str, KindMinutes], int, int]:
    """The stays inside ``zone``, per-kind totals, open sessions, check-ins elsewhere (module notes).

    ``clip_to`` cuts every stay to ``(start, end)`` epoch seconds (a period).
    """
    target = metric_zone(zone.geom)
    own = key(zone.id)
    inside_zone = {zid: zid == own or zone_within(metric_zone(g), target) for zid, g in checkin_zones.items()}
    stays: list[Stay] = []
    per_kind: dict[str, list[float]] = {k: [0, 0.0] for k in PRESENCE_KINDS}
    open_count = other = 0
    points = [r for r in rows if r.kind == POINT_STAY and r.lon is not None]
    inside = points_inside([r.lon for r in points], [r.lat for r in points], target) if points else []
    point_in = {r.id: bool(ok) for r, ok in zip(points, inside, strict=True)}
    tracked = [r for r in rows if r.kind == GPS_TRACK and r.track is not None]
    passes = many_lonlat_track_intervals([r.track for r in tracked], target)
    crossings = {r.id: found for r, found in zip(tracked, passes, strict=True)}
    for r in rows:
        end = r.end
        if end is None:
            open_count += 1
            end = min(as_of, r.start + OPEN_CAP_HOURS * 3600)
        if end <= r.start and r.kind != GPS_TRACK:
            continue
        if r.kind == ZONE_CHECKIN:
            if not inside_zone.get(r.zone_id, False):  # type: ignore[arg-type]
                other += 1
                continue
            found = [(r.start, end)]
        elif r.kind == POINT_STAY:
            found = [(r.start, end)] if point_in.get(r.id, False) else []
        elif r.track is not None:
            found = crossings[r.id]
        else:
            found = []
        if clip_to is not None:
            found = clip(found, *clip_to)
        if found:
            per_kind[r.kind][0] += 1
            per_kind[r.kind][1] += sum(e - s for s, e in found) / 60.0
            stays.extend(Stay(s, e, r.unit, r.officers) for s, e in found)
    kinds = {k: KindMinutes(int(n), m) for k, (n, m) in per_kind.items()}
    return stays, kinds, open_count, other


def _checkin_zones(session: Session, rows: Sequence[SessionRow]) -> dict[str, Any]:
    ids = {r.zone_id for r in rows if r.kind == ZONE_CHECKIN and r.zone_id is not None}
    if not ids:
        return {}
    zones = session.execute(select(Zone.id, Zone.geom).where(Zone.deleted_at.is_(None))).all()
    return {key(z.id): z.geom for z in zones if key(z.id) in ids and z.geom is not None}  # type: ignore[misc]


def zone_stays(
    session: Session,
    period: Period,
    zone_code: str = DEFAULT_ZONE,
    *,
    as_of: datetime | None = None,
    rows: Sequence[SessionRow] | None = None,
) -> tuple[Zone, list[Stay], dict[str, KindMinutes], int, int]:
    """The zone and the stays inside it during ``period`` (see :func:`stays_in_zone`)."""
    zone = zone_by_code(session, zone_code)
    rows = rows if rows is not None else load_sessions(session, period.start, period.end)
    now = (as_of or utcnow()).timestamp()
    span = (period.start.timestamp(), period.end.timestamp())
    return zone, *stays_in_zone(rows, zone, _checkin_zones(session, rows), as_of=now, clip_to=span)


def analyse_zone(
    session: Session,
    period: Period,
    zone_code: str = DEFAULT_ZONE,
    *,
    rules: PresenceRules | None = None,
    as_of: datetime | None = None,
    rows: Sequence[SessionRow] | None = None,
) -> ZonePresence:
    """Presence in zone ``zone_code`` during ``period`` (``rows`` may be preloaded for a wider span)."""
    zone, stays, kinds, open_count, other = zone_stays(session, period, zone_code, as_of=as_of, rows=rows)
    res = analyse(stays, period.start.timestamp(), period.end.timestamp(), rules, tz=STOCKHOLM)
    return ZonePresence(zone.code, zone.name, zone.weekly_target_hours, period, res, kinds, open_count, other)


def hours_per_week(
    session: Session,
    periods: Sequence[Period],
    zone_code: str = DEFAULT_ZONE,
    *,
    as_of: datetime | None = None,
    rows: Sequence[SessionRow] | None = None,
) -> dict[str, float]:
    """Patrol hours per week in ``zone_code`` for each period, by label (sessions read once)."""
    if not periods:
        return {}
    if rows is None:
        rows = load_sessions(session, min(p.start for p in periods), max(p.end for p in periods))
    out = {}
    for p in periods:
        lo, hi = p.start.timestamp(), p.end.timestamp()
        _, stays, *_ = zone_stays(session, p, zone_code, as_of=as_of, rows=rows_in(rows, p))
        weeks = len(local_days(lo, hi, STOCKHOLM)) / 7.0
        out[p.label] = patrol_seconds(stays, lo, hi) / 3600.0 / weeks if weeks else 0.0
    return out


def rows_in(rows: Sequence[SessionRow], period: Period) -> list[SessionRow]:
    """The preloaded sessions with time in ``period``."""
    lo, hi = period.start.timestamp(), period.end.timestamp()
    return [r for r in rows if r.start < hi and (r.end is None or r.end > lo)]


def presence_cells(
    session: Session,
    rows: Sequence[SessionRow],
    zone_code: str,
    period: Period,
    *,
    cell_m: float = 50.0,
    as_of: datetime | None = None,
) -> list[Cell]:
    """Presence minutes per ``cell_m`` grid cell inside ``zone_code`` (rules of :mod:`geo.coverage`).

    Minutes of overlapping units add up here (it shows where time was spent, not patrol time).
    GPS tracks are sampled every 15 s as :meth:`geo.coverage.Coverage.add_track` does, but all
    at once, each sample a point stay of its own: ``Cell.value`` is exact, ``Cell.count``
    counts point stays and samples (the report's map uses the minutes only).
    """
    zone = zone_by_code(session, zone_code)
    cover = Coverage(SquareGrid(cell_m), metric_zone(zone.geom))
    zones = {k: metric_zone(g) for k, g in _checkin_zones(session, rows).items()}
    lo, hi = period.start.timestamp(), period.end.timestamp()
    now = (as_of or utcnow()).timestamp()
    points: list[tuple[float, float, float]] = []
    samples: list[np.ndarray] = []  # GPS positions every TRACK_STEP_S: (lon, lat, minutes)
    checkins: dict[str, float] = {}
    for r in rows_in(rows, period):
        end = r.end if r.end is not None else min(now, r.start + OPEN_CAP_HOURS * 3600)
        minutes = max(0.0, min(end, hi) - max(r.start, lo)) / 60.0
        if r.kind == POINT_STAY and r.lon is not None and minutes > 0:
            points.append((r.lon, r.lat, minutes))  # type: ignore[arg-type]
        elif r.kind == ZONE_CHECKIN and r.zone_id in zones and minutes > 0:
            checkins[r.zone_id] = checkins.get(r.zone_id, 0.0) + minutes  # type: ignore[index]
        elif r.kind == GPS_TRACK and r.track is not None:
            samples.append(_track_samples(*r.track, lo, hi))
    if samples:
        points.extend(map(tuple, np.concatenate(samples)))
    if points:
        lon, lat, minutes = np.array(points).T
        x, y = metric_xy(lon, lat)
        cover.add_point_stays(x, y, minutes)
    for zid, minutes in checkins.items():
        cover.add_checkin(minutes, zones[zid])
    return cover.cells()


TRACK_STEP_S = 15.0


def _track_samples(coords: np.ndarray, t: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``(lon, lat, minutes)`` at the middle of every 15 s of a track inside ``[lo, hi)``."""
    a, b = max(float(t[0]), lo), min(float(t[-1]), hi)
    if len(t) < 2 or b <= a:
        return np.empty((0, 3))
    starts = np.arange(a, b, TRACK_STEP_S)
    seconds = np.minimum(TRACK_STEP_S, b - starts)
    mid = starts + seconds / 2
    return np.column_stack([np.interp(mid, t, coords[:, 0]), np.interp(mid, t, coords[:, 1]), seconds / 60.0])
