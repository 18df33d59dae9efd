"""Spatial input errors in domain words; the API maps them to HTTP in one table."""

from __future__ import annotations


class GeoError(ValueError):
    """A geometry or coordinate input is unusable; names the field and the problem."""

    code = "geo_error"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidGeoJSON(GeoError):
    """The input is not a GeoJSON geometry (or Feature) we can read."""

    code = "invalid_geojson"


class EmptyGeometry(GeoError):
    """The geometry has no coordinates."""

    code = "empty_geometry"


class InvalidGeometry(GeoError):
    """The geometry is not valid (self-intersection, too few points, non-finite values...)."""

    code = "invalid_geometry"


class TooManyVertices(GeoError):
    """The geometry has more vertices than we accept."""

    code = "too_many_vertices"


class WrongGeometryType(GeoError):
    """The geometry type is not allowed for this field."""

    code = "wrong_geometry_type"


class OutsideArea(GeoError):
    """The geometry lies outside Sweden or outside the operating area."""

    code = "outside_area"
