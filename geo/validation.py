"""Geometry validation: every check raises a :class:`geo.errors.GeoError` naming the problem.

The checks run cheapest and most fundamental first (empty, type, size, validity), then
*where* the geometry is: inside Sweden's envelope, then inside the operating area. When a
coordinate is refused and swapping lon/lat would have fixed it, the message says so.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.area import SWEDEN_ENVELOPE, OperatingArea, in_sweden_envelope
from geo.crs import swap_xy
from geo.errors import (
    EmptyGeometry,
    InvalidGeometry,
    OutsideArea,
    TooManyVertices,
    WrongGeometryType,
)

DEFAULT_MAX_VERTICES = 5000


def _fmt(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _pair(x: float, y: float) -> str:
    return f"({_fmt(x)}, {_fmt(y)})"


def _all_in_sweden(geom: BaseGeometry) -> bool:
    xy = shapely.get_coordinates(geom)
    return bool(in_sweden_envelope(xy[:, 0], xy[:, 1]).all())


def _swap_hint(geom: BaseGeometry, area: OperatingArea | None) -> str:
    """Say where the swapped geometry would land, or '' when swapping does not help."""
    swapped = swap_xy(geom)
    if not _all_in_sweden(swapped):
        return ""
    if area is None:
        return "inside Sweden"
    return f"inside {area.name}" if area.covers(swapped) else ""


def _check_finite(geom: BaseGeometry, field: str) -> None:
    xy = shapely.get_coordinates(geom)
    bad = ~np.isfinite(xy).all(axis=1)
    if bad.any():
        x, y = xy[np.argmax(bad)]
        raise InvalidGeometry(field, f"coordinates must be finite numbers, got ({x}, {y})")


def _check_validity(geom: BaseGeometry, field: str) -> None:
    if not shapely.is_valid(geom):
        # e.g. "Self-intersection[15.13 58.32]": GEOS names the problem and its location.
        reason = shapely.is_valid_reason(geom)
        raise InvalidGeometry(field, f"invalid {geom.geom_type}: {reason}")


def _check_sweden(geom: BaseGeometry, field: str, area: OperatingArea | None) -> None:
    xy = shapely.get_coordinates(geom)
    inside = in_sweden_envelope(xy[:, 0], xy[:, 1])
    if inside.all():
        return
    x, y = xy[np.argmin(inside)]
    minx, miny, maxx, maxy = SWEDEN_ENVELOPE
    message = (
        f"coordinates {_pair(x, y)} lie outside Sweden (expected lon {minx}–{maxx}, "
        f"lat {miny}–{maxy}; GeoJSON order is lon, lat)"
    )
    hint = _swap_hint(geom, area)
    if hint:
        message += f"; latitude and longitude swapped? {_pair(y, x)} would be {hint}"
    raise OutsideArea(field, message)


def _check_area(geom: BaseGeometry, field: str, area: OperatingArea) -> None:
    if area.covers(geom):
        return
    where = f"point {_pair(geom.x, geom.y)}" if isinstance(geom, Point) else "geometry"
    if area.intersects(geom):
        message = f"part of the {where} lies outside the operating area {area.label}"
    else:
        km = area.distance_m(geom) / 1000
        message = f"{where} lies outside the operating area {area.label}, about {km:.1f} km away"
    swapped = swap_xy(geom)
    if _all_in_sweden(swapped) and area.covers(swapped):
        what = _pair(geom.y, geom.x) if isinstance(geom, Point) else "the swapped geometry"
        message += f"; latitude and longitude swapped? {what} would be inside {area.name}"
    raise OutsideArea(field, message)


def validate_geometry(
    geom: BaseGeometry,
    *,
    field: str = "geometry",
    allowed_types: Collection[str] | None = None,
    max_vertices: int = DEFAULT_MAX_VERTICES,
    area: OperatingArea | None = None,
) -> BaseGeometry:
    """Check a WGS84 geometry and return it unchanged, or raise a GeoError naming the problem."""
    if geom is None or geom.is_empty:
        raise EmptyGeometry(field, "geometry is empty (no coordinates)")
    if allowed_types is not None and geom.geom_type not in allowed_types:
        expected = ", ".join(sorted(allowed_types))
        raise WrongGeometryType(
            field, f"geometry type {geom.geom_type} is not allowed here; expected {expected}"
        )
    count = int(shapely.get_num_coordinates(geom))
    if count > max_vertices:
        raise TooManyVertices(field, f"geometry has {count} vertices; at most {max_vertices} are allowed")
    _check_finite(geom, field)
    _check_validity(geom, field)
    _check_sweden(geom, field, area)
    if area is not None:
        _check_area(geom, field, area)
    return geom


def validate_lonlat(
    lon: float, lat: float, *, field: str = "location", area: OperatingArea | None = None
) -> Point:
    """Validate a lon/lat pair (degrees, WGS84) and return it as a Point."""
    try:
        point = Point(float(lon), float(lat))
    except (TypeError, ValueError, OverflowError):
        raise InvalidGeometry(field, f"lon and lat must be numbers, got {lon!r}, {lat!r}") from None
    validate_geometry(point, field=field, allowed_types=("Point",), area=area)
    return point
