"""Strict GeoJSON (RFC 7946) reading and writing.

Reading checks the structure by hand so that every error names what is wrong and where
(``coordinates[0][3]: ...``) instead of surfacing a shapely/GEOS message. Positions are
``[lon, lat]`` or ``[lon, lat, alt]``; the altitude is dropped (we store 2-D WGS84).
"""

from __future__ import annotations

import json
import math
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import shapely
from shapely import geometry as sg
from shapely.geometry.base import BaseGeometry

from geo.errors import EmptyGeometry, InvalidGeoJSON

GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
)
# Nested collections are legal but never useful to us; the cap stops recursion bombs.
MAX_COLLECTION_DEPTH = 4


def _reject_constant(name: str) -> float:
    raise InvalidGeoJSON("", f"{name} is not a valid JSON number")


def _load_json(text: str | bytes, field: str) -> Any:
    try:
        # Python's json accepts NaN/Infinity by default; RFC 8259 JSON does not.
        return json.loads(text, parse_constant=_reject_constant)
    except InvalidGeoJSON as exc:
        raise InvalidGeoJSON(field, exc.message) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise InvalidGeoJSON(field, f"not valid JSON: {exc}") from None


def _number(value: Any, field: str, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidGeoJSON(field, f"{path}: expected a number, got {_describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise InvalidGeoJSON(field, f"{path}: coordinate must be a finite number, got {value!r}")
    return number


_short = reprlib.Repr()  # keyword arguments only arrived in Python 3.12
_short.maxlevel, _short.maxlist, _short.maxtuple, _short.maxdict = 2, 4, 4, 3
_short.maxstring = _short.maxother = 30


def _describe(value: Any) -> str:
    # reprlib bounds depth and length, so a hostile body cannot blow up the message.
    return _short.repr(value)


def _position(value: Any, field: str, path: str) -> tuple[float, float]:
    if isinstance(value, list | tuple) and value and isinstance(value[0], list | tuple):
        raise InvalidGeoJSON(
            field,
            f"{path}: expected a position [lon, lat] but found a nested array "
            f"{_describe(value)} (wrong nesting for this geometry type?)",
        )
    if not isinstance(value, list | tuple) or not 2 <= len(value) <= 3:
        raise InvalidGeoJSON(field, f"{path}: expected a position [lon, lat], got {_describe(value)}")
    return _number(value[0], field, f"{path}[0]"), _number(value[1], field, f"{path}[1]")


def _array(value: Any, field: str, path: str, what: str) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidGeoJSON(field, f"{path}: expected an array of {what}, got {_describe(value)}")
    return value


def _positions(value: Any, field: str, path: str) -> list[tuple[float, float]]:
    items = _array(value, field, path, "positions")
    return [_position(p, field, f"{path}[{i}]") for i, p in enumerate(items)]


def _line(value: Any, field: str, path: str) -> list[tuple[float, float]]:
    coords = _positions(value, field, path)
    if len(coords) < 2:
        raise InvalidGeoJSON(field, f"{path}: a LineString needs at least 2 positions")
    return coords


def _ring(value: Any, field: str, path: str) -> list[tuple[float, float]]:
    coords = _positions(value, field, path)
    if len(coords) < 4:
        raise InvalidGeoJSON(field, f"{path}: a polygon ring needs at least 4 positions")
    if coords[0] != coords[-1]:
        raise InvalidGeoJSON(field, f"{path}: polygon ring is not closed (first and last positions differ)")
    return coords


def _polygon(value: Any, field: str, path: str) -> sg.Polygon:
    rings = [_ring(r, field, f"{path}[{i}]") for i, r in enumerate(_array(value, field, path, "rings"))]
    return sg.Polygon(rings[0], rings[1:]) if rings else sg.Polygon()


def _coords_geometry(kind: str, coords: Any, field: str) -> BaseGeometry:
    path = "coordinates"
    if kind == "Point":
        if isinstance(coords, list | tuple) and len(coords) == 0:
            return sg.Point()
        return sg.Point(_position(coords, field, path))
    if kind == "MultiPoint":
        return sg.MultiPoint(_positions(coords, field, path))
    if kind == "LineString":
        items = _array(coords, field, path, "positions")
        return sg.LineString(_line(items, field, path)) if items else sg.LineString()
    parts = _array(coords, field, path, "arrays")
    if kind == "MultiLineString":
        return sg.MultiLineString([_line(p, field, f"{path}[{i}]") for i, p in enumerate(parts)])
    if kind == "Polygon":
        return _polygon(parts, field, path)
    return sg.MultiPolygon([_polygon(p, field, f"{path}[{i}]") for i, p in enumerate(parts)])


def _geometry(obj: Any, field: str, depth: int = 0) -> BaseGeometry:
    if not isinstance(obj, Mapping):
        raise InvalidGeoJSON(field, f"expected a GeoJSON object, got {_describe(obj)}")
    kind = obj.get("type")
    if kind is None:
        raise InvalidGeoJSON(field, "missing 'type' member")
    if kind == "Feature":
        if depth:
            raise InvalidGeoJSON(field, "a Feature cannot be nested inside a geometry")
        if "geometry" not in obj:
            raise InvalidGeoJSON(field, "Feature has no 'geometry' member")
        if obj["geometry"] is None:
            raise EmptyGeometry(field, "Feature has a null geometry")
        return _geometry(obj["geometry"], field, depth + 1)
    if kind not in GEOMETRY_TYPES:
        expected = ", ".join((*GEOMETRY_TYPES, "Feature"))
        raise InvalidGeoJSON(field, f"unknown type {_describe(kind)}; expected one of {expected}")
    if kind == "GeometryCollection":
        if depth > MAX_COLLECTION_DEPTH:
            raise InvalidGeoJSON(field, "GeometryCollection nested too deeply")
        members = _array(obj.get("geometries"), field, "geometries", "geometries")
        return sg.GeometryCollection([_geometry(m, field, depth + 1) for m in members])
    if "coordinates" not in obj:
        raise InvalidGeoJSON(field, f"{kind} has no 'coordinates' member")
    return _coords_geometry(kind, obj["coordinates"], field)


def parse_geometry(obj: dict[str, Any] | str, *, field: str = "geometry") -> BaseGeometry:
    """Parse a GeoJSON geometry or Feature (dict or JSON text) into a 2-D shapely geometry."""
    if isinstance(obj, str | bytes):
        obj = _load_json(obj, field)
    return _geometry(obj, field)


def _ring_coords(ring: Any) -> list[list[float]]:
    return [list(c) for c in ring.coords]


def _encode(geom: BaseGeometry) -> dict[str, Any]:
    kind = geom.geom_type
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [_encode(g) for g in geom.geoms]}
    if geom.is_empty:
        return {"type": kind, "coordinates": []}
    if kind == "Point":
        coords: Any = list(geom.coords[0])
    elif kind in ("LineString", "LinearRing"):
        kind, coords = "LineString", _ring_coords(geom)
    elif kind == "Polygon":
        coords = [_ring_coords(geom.exterior), *(_ring_coords(r) for r in geom.interiors)]
    else:  # Multi*: encode each part with the single-part rules
        coords = [_encode(part)["coordinates"] for part in geom.geoms]
    return {"type": kind, "coordinates": coords}


def _orient(geom: BaseGeometry) -> BaseGeometry:
    if hasattr(shapely, "orient_polygons"):
        return shapely.orient_polygons(geom, exterior_cw=False)
    from shapely.geometry.polygon import orient  # shapely < 2.1

    if isinstance(geom, sg.Polygon):
        return orient(geom, 1.0)
    if isinstance(geom, sg.MultiPolygon | sg.GeometryCollection):
        return type(geom)([_orient(g) for g in geom.geoms])
    return geom


def geometry_to_geojson(geom: BaseGeometry, precision: int = 6) -> dict[str, Any]:
    """Encode ``geom`` as an RFC 7946 geometry: CCW exteriors, CW holes, rounded coordinates."""
    if geom.geom_type == "Point" and not geom.is_empty:  # most records: skip transform and orient
        return {"type": "Point", "coordinates": np.round(geom.coords[0], precision).tolist()}
    rounded = shapely.transform(geom, lambda c: np.round(c, precision))
    # Orient after rounding: rounding a tiny ring could otherwise flip its winding.
    return _encode(_orient(rounded))


def geometries_to_geojson(
    geoms: Sequence[BaseGeometry | None], precision: int = 6
) -> list[dict[str, Any] | None]:
    """:func:`geometry_to_geojson` for many geometries; 2D points (most records) in one pass."""
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = geoms
    points = (shapely.get_type_id(arr) == 0) & ~shapely.is_empty(arr) & ~shapely.has_z(arr)
    out: list[dict[str, Any] | None] = [
        None if g is None or p else geometry_to_geojson(g, precision)
        for g, p in zip(geoms, points, strict=True)
    ]
    coords = np.round(shapely.get_coordinates(arr[points]), precision).tolist()
    for i, xy in zip(np.flatnonzero(points).tolist(), coords, strict=True):
        out[i] = {"type": "Point", "coordinates": xy}
    return out


def feature(
    geom: BaseGeometry | None, properties: Mapping[str, Any] | None, id: Any = None
) -> dict[str, Any]:
    """Build a GeoJSON Feature; ``id`` is omitted when None."""
    out: dict[str, Any] = {"type": "Feature"}
    if id is not None:
        out["id"] = id
    out["geometry"] = None if geom is None else geometry_to_geojson(geom)
    out["properties"] = dict(properties or {})
    return out


def feature_collection(features: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Wrap features in a GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": list(features)}
