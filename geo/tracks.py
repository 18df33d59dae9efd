"""Time a GPS track spends inside a polygon, with the boundary crossings interpolated in time.

A track is a polyline in SWEREF 99 TM metres with one timestamp (epoch seconds) per vertex.
Between two vertices the unit is assumed to move in a straight line at constant speed, so a
point a fraction ``f`` along a segment was passed at ``t0 + f · (t1 − t0)``. Each segment is
intersected with the polygon (shapely, exact up to floating point); every piece of line inside
gives an interval of time. A segment whose two vertices coincide (the unit stood still)
is inside for its whole duration when the point is in the polygon. The boundary counts as
inside (a unit standing on the zone's edge is present). Touching pieces are joined, so a
track that stays inside over several vertices gives one interval.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from geo.crs import metric_xy, to_metric

# Joins intervals this close (seconds): floating-point noise at a vertex, not a real exit.
JOIN_S = 1e-6
SEGMENTIZE_DEG = 0.001  # WGS84 edges get vertices every ≈ 60–110 m before projection


def metric_zone(geom_wgs84: BaseGeometry) -> BaseGeometry:
    """A WGS84 polygon in SWEREF 99 TM, densified first so long edges stay straight, prepared."""
    zone = to_metric(shapely.segmentize(geom_wgs84, SEGMENTIZE_DEG))
    shapely.prepare(zone)
    return zone


def _fraction(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Where points ``p`` lie along segment ``a → b`` (0 at ``a``, 1 at ``b``), clipped."""
    d = b - a
    return np.clip(((p - a) @ d) / float(d @ d), 0.0, 1.0)


def _pieces(geom: BaseGeometry) -> list[LineString]:
    """The linear parts of an intersection result (points where a line only touches are dropped)."""
    return [g for g in shapely.get_parts(geom) if isinstance(g, LineString) and not g.is_empty]


def join(intervals: Sequence[tuple[float, float]], tolerance: float = JOIN_S) -> list[tuple[float, float]]:
    """Sort intervals and join those that overlap or touch (within ``tolerance`` seconds)."""
    out: list[list[float]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1] + tolerance:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def track_intervals(x: object, y: object, t: object, zone: BaseGeometry) -> list[tuple[float, float]]:
    """Intervals ``(start, end)`` in the track's time unit that the track spends inside ``zone``.

    Parameters
    ----------
    x, y : array-like
        Vertex coordinates in the zone's CRS (SWEREF 99 TM metres).
    t : array-like
        One non-decreasing time per vertex (epoch seconds).
    zone : shapely Polygon or MultiPolygon
        In the same CRS as ``x, y`` (see :func:`metric_zone`).
    """
    xy = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])
    tt = np.asarray(t, dtype=np.float64)
    if len(xy) != len(tt):
        raise ValueError(f"{len(tt)} times for {len(xy)} vertices")
    return many_track_intervals([(xy, tt)], zone)[0]


def many_track_intervals(
    tracks: Sequence[tuple[np.ndarray, np.ndarray]], zone: BaseGeometry
) -> list[list[tuple[float, float]]]:
    """:func:`track_intervals` for many tracks at once (``(xy, t)`` each), one vectorised pass."""
    parts = [(k, xy, t) for k, (xy, t) in enumerate(tracks) if len(t) >= 2]
    found: list[list[tuple[float, float]]] = [[] for _ in tracks]
    if not parts:
        return found
    a = np.concatenate([xy[:-1] for _, xy, _ in parts])
    b = np.concatenate([xy[1:] for _, xy, _ in parts])
    t0 = np.concatenate([t[:-1] for _, _, t in parts])
    t1 = np.concatenate([t[1:] for _, _, t in parts])
    owner = np.concatenate([np.full(len(t) - 1, k) for k, _, t in parts])
    moving = np.any(a != b, axis=1)
    # Standing still: inside for the whole segment when the point is in the zone.
    still = np.flatnonzero(~moving & (t1 > t0))
    if len(still):
        inside = shapely.intersects_xy(zone, a[still, 0], a[still, 1])
        for i in still[inside]:
            found[owner[i]].append((float(t0[i]), float(t1[i])))
    idx = np.flatnonzero(moving & (t1 > t0))
    if len(idx):
        segments = shapely.linestrings(np.stack([a[idx], b[idx]], axis=1))
        hit = shapely.intersects(zone, segments)
        idx, segments = idx[hit], segments[hit]
        whole = shapely.covers(zone, segments)
        for i in idx[whole]:
            found[owner[i]].append((float(t0[i]), float(t1[i])))
        partial = ~whole
        if partial.any():
            cut = shapely.intersection(segments[partial], zone)
            for i, geom in zip(idx[partial], cut, strict=True):
                for piece in _pieces(geom):
                    f = _fraction(a[i], b[i], np.asarray(piece.coords))
                    lo, hi = float(f.min()), float(f.max())
                    if hi > lo:
                        span = t1[i] - t0[i]
                        found[owner[i]].append((float(t0[i] + lo * span), float(t0[i] + hi * span)))
    return [join(f) for f in found]


def lonlat_track_intervals(
    coords_lonlat: object, t: object, zone_metric: BaseGeometry
) -> list[tuple[float, float]]:
    """:func:`track_intervals` for a WGS84 lon/lat track (projected to SWEREF 99 TM here)."""
    return many_lonlat_track_intervals([(coords_lonlat, t)], zone_metric)[0]


def many_lonlat_track_intervals(
    tracks: Sequence[tuple[object, object]], zone_metric: BaseGeometry
) -> list[list[tuple[float, float]]]:
    """:func:`many_track_intervals` for WGS84 lon/lat tracks, projected in one call."""
    coords = [np.asarray(c, dtype=np.float64).reshape(-1, 2) for c, _ in tracks]
    if not coords:
        return []
    sizes = np.cumsum([len(c) for c in coords])[:-1]
    flat = np.concatenate(coords)
    x, y = metric_xy(flat[:, 0], flat[:, 1])
    xy = np.split(np.column_stack([x, y]), sizes)
    times = [np.asarray(t, dtype=np.float64) for _, t in tracks]
    for c, tt in zip(coords, times, strict=True):
        if len(c) != len(tt):
            raise ValueError(f"{len(tt)} times for {len(c)} vertices")
    return many_track_intervals(list(zip(xy, times, strict=True)), zone_metric)


def point_inside(lon: float, lat: float, zone_metric: BaseGeometry) -> bool:
    """Whether a WGS84 point lies in the metric zone (boundary included)."""
    x, y = metric_xy(np.array([lon]), np.array([lat]))
    return bool(zone_metric.covers(Point(float(x[0]), float(y[0]))))


def points_inside(lon: object, lat: object, zone_metric: BaseGeometry) -> np.ndarray:
    """Vectorised :func:`point_inside`."""
    x, y = metric_xy(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return np.asarray(shapely.intersects_xy(zone_metric, x, y), dtype=bool)


def zone_within(inner_metric: BaseGeometry, outer_metric: BaseGeometry, tolerance_m: float = 1.0) -> bool:
    """Whether a check-in zone lies inside the analysed zone (``tolerance_m`` for edge noise)."""
    return bool(outer_metric.buffer(tolerance_m).covers(inner_metric))
