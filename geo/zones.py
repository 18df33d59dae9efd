"""Named zones (resecentrum buffers, school areas, ...) loaded from GeoJSON, and metric buffers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.crs import to_metric, to_wgs84
from geo.errors import InvalidGeoJSON
from geo.geojson import parse_geometry

DATA_DIR = Path(__file__).with_name("data")
RESECENTRUM_PATH = DATA_DIR / "mjolby_resecentrum_zone.geojson"
STATION_ID = "mjolby_station"
# 18 segments per quarter = 72 vertices per circle, as the zones shipped in geo/data.
QUAD_SEGS = 18


@dataclass(frozen=True)
class Zone:
    """A named geometry in WGS84 lon/lat with its source properties."""

    id: str
    name: str
    kind: str
    geometry: BaseGeometry
    properties: dict[str, Any] = field(default_factory=dict, compare=False)


def load_geojson_features(path: str | Path) -> list[dict[str, Any]]:
    """Return the Features of a GeoJSON file (a FeatureCollection or a single Feature)."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection" and isinstance(doc.get("features"), list):
        return list(doc["features"])
    if kind == "Feature":
        return [doc]
    raise InvalidGeoJSON(str(path), f"expected a FeatureCollection or Feature, got {kind!r}")


def _zone(feat: dict[str, Any], index: int, source: str) -> Zone:
    props = dict(feat.get("properties") or {})
    zone_id = str(feat.get("id") or props.get("id") or f"zone_{index}")
    geom = parse_geometry(feat, field=f"{source}#{zone_id}")
    return Zone(
        id=zone_id,
        name=str(props.get("name") or zone_id),
        kind=str(props.get("kind") or "custom"),
        geometry=geom,
        properties=props,
    )


def load_zones(path: str | Path | None = None, *, include_points: bool = False) -> list[Zone]:
    """Load zones from a GeoJSON file (default: the resecentrum file); polygons only by default."""
    source = Path(path) if path is not None else RESECENTRUM_PATH
    zones = [_zone(f, i, source.name) for i, f in enumerate(load_geojson_features(source))]
    if include_points:
        return zones
    return [z for z in zones if z.geometry.geom_type in ("Polygon", "MultiPolygon")]


def buffer_metres(geom: BaseGeometry, metres: float, *, quad_segs: int = QUAD_SEGS) -> BaseGeometry:
    """Buffer a WGS84 geometry by ``metres`` in SWEREF 99 TM and return it in WGS84."""
    return to_wgs84(to_metric(geom).buffer(metres, quad_segs=quad_segs))


def station_point() -> Point:
    """Return Mjölby station (Resrobot stop 740000180) as a WGS84 lon/lat Point."""
    for zone in load_zones(include_points=True):
        if zone.id == STATION_ID and isinstance(zone.geometry, Point):
            return zone.geometry
    raise InvalidGeoJSON(RESECENTRUM_PATH.name, f"no Point feature with id {STATION_ID!r}")


def resecentrum_zone(radius_m: float = 300) -> Zone:
    """Return the resecentrum zone of ``radius_m`` metres: from the file if shipped, else built."""
    for zone in load_zones():
        if zone.properties.get("radius_m") == radius_m:
            return zone
    # Not shipped: build it the same way the file was built (72-vertex buffer in EPSG:3006).
    label = f"{radius_m:g}"
    return Zone(
        id=f"zone_r{label}",
        name=f"Resecentrum zone, radius {label} m",
        kind="buffer_zone",
        geometry=buffer_metres(station_point(), radius_m),
        properties={"radius_m": radius_m, "source": "computed by geo.zones.resecentrum_zone"},
    )
