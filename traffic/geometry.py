"""Turn incoming GeoJSON into a validated WGS84 geometry for a record kind."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from shapely.geometry.base import BaseGeometry

from geo.area import OperatingArea, default_operating_area
from geo.geojson import parse_geometry
from geo.validation import validate_geometry

POINT = ("Point",)
POINT_LINE_POLYGON = ("Point", "LineString", "Polygon", "MultiLineString", "MultiPolygon")
POLYGON = ("Polygon", "MultiPolygon")
TRACK = ("LineString",)

_area: OperatingArea | None = None


def set_operating_area(area: OperatingArea | None) -> None:
    """Use ``area`` (instead of the default Mjölby kommun) for validating records."""
    global _area
    _area = area


def operating_area() -> OperatingArea:
    """The area every record must lie in."""
    return _area or default_operating_area()


def clean_geometry(
    value: dict[str, Any] | str | BaseGeometry, *, field: str, allowed: Collection[str]
) -> BaseGeometry:
    """Parse (if needed) and validate a geometry; a GeoError names ``field``."""
    geom = value if isinstance(value, BaseGeometry) else parse_geometry(value, field=field)
    return validate_geometry(geom, field=field, allowed_types=allowed, area=operating_area())
