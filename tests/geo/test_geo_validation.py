"""Geometry validation edge cases, each with the message a user would read."""

from __future__ import annotations

import math

import pytest
from shapely.geometry import LineString, Point, Polygon

from geo.area import default_operating_area
from geo.errors import (
    EmptyGeometry,
    InvalidGeometry,
    OutsideArea,
    TooManyVertices,
    WrongGeometryType,
)
from geo.geojson import parse_geometry
from geo.validation import validate_geometry, validate_lonlat
from geo.zones import station_point

MJOLBY_TOWN = Point(15.12474111, 58.32716)  # da.wikipedia town point, reference CSV
BALTIC = Point(17.6, 58.3)  # open sea east of Östergötland
OSLO = Point(10.7522, 59.9139)  # Norway, but inside the coarse Sweden envelope
BERGEN = Point(5.3221, 60.3913)  # Norway, west of the envelope


def area():
    return default_operating_area()


def test_valid_point_in_mjolby_town_is_returned_unchanged():
    assert validate_geometry(MJOLBY_TOWN, area=area()) is MJOLBY_TOWN
    assert validate_geometry(station_point(), allowed_types={"Point"}, area=area())


def test_validate_lonlat_returns_point():
    assert validate_lonlat(15.131987, 58.322982, field="location", area=area()).equals(
        Point(15.131987, 58.322982)
    )


def test_empty_geometry():
    with pytest.raises(EmptyGeometry, match="empty"):
        validate_geometry(Polygon(), field="area")


def test_self_intersecting_bow_tie_names_the_reason_and_place():
    bow_tie = Polygon([(15.10, 58.30), (15.20, 58.35), (15.20, 58.30), (15.10, 58.35)])
    with pytest.raises(InvalidGeometry) as info:
        validate_geometry(bow_tie, field="geometry")
    assert "Self-intersection[15.15 58.325]" in info.value.message
    assert str(info.value).startswith("geometry: invalid Polygon: ")


def test_too_many_vertices():
    line = LineString([(15.1 + i * 1e-5, 58.3) for i in range(101)])
    with pytest.raises(TooManyVertices, match="101 vertices; at most 100"):
        validate_geometry(line, max_vertices=100)


def test_wrong_type_lists_the_allowed_types():
    line = LineString([(15.1, 58.3), (15.2, 58.3)])
    with pytest.raises(WrongGeometryType) as info:
        validate_geometry(line, field="place", allowed_types=("Point", "Polygon"))
    assert info.value.message == ("geometry type LineString is not allowed here; expected Point, Polygon")


def test_swapped_lat_lon_is_suggested():
    with pytest.raises(OutsideArea) as info:
        validate_lonlat(58.322982, 15.131987, field="location", area=area())
    message = info.value.message
    assert "(58.322982, 15.131987) lie outside Sweden" in message
    assert "latitude and longitude swapped? (15.131987, 58.322982) would be inside Mjölby kommun" in message
    assert info.value.field == "location"


def test_swapped_lat_lon_without_area_still_hinted():
    with pytest.raises(OutsideArea, match="swapped.*inside Sweden"):
        validate_geometry(Point(58.32, 15.13))


def test_swap_not_suggested_when_it_would_not_help():
    with pytest.raises(OutsideArea) as info:
        validate_geometry(BERGEN, area=area())
    assert "outside Sweden" in info.value.message
    assert "swapped" not in info.value.message


def test_point_in_the_baltic_is_outside_the_operating_area():
    with pytest.raises(OutsideArea) as info:
        validate_geometry(BALTIC, area=area())
    assert "lies outside the operating area Mjölby kommun (boundary + 2 km)" in info.value.message
    assert "swapped" not in info.value.message


def test_point_in_norway_inside_the_envelope_is_outside_the_operating_area():
    validate_geometry(OSLO)  # the envelope alone is coarse on purpose
    with pytest.raises(OutsideArea, match="outside the operating area"):
        validate_geometry(OSLO, area=area())


def test_polygon_partly_outside_the_area():
    # From Mjölby town east past Linköping (~30 km): starts inside, ends outside.
    poly = Polygon([(15.12, 58.32), (15.7, 58.32), (15.7, 58.33), (15.12, 58.33)])
    with pytest.raises(OutsideArea, match="part of the geometry lies outside"):
        validate_geometry(poly, area=area())


def test_nan_coordinates():
    with pytest.raises(InvalidGeometry, match="finite"):
        validate_lonlat(math.nan, 58.3, field="location")
    with pytest.raises(InvalidGeometry, match="finite"):
        validate_geometry(LineString([(15.1, 58.3), (math.inf, 58.3)]))


def test_non_numeric_lonlat():
    with pytest.raises(InvalidGeometry, match="must be numbers"):
        validate_lonlat("east", 58.3)  # type: ignore[arg-type]


def test_nan_in_geojson_is_refused_before_validation():
    with pytest.raises(Exception) as info:
        validate_geometry(parse_geometry('{"type": "Point", "coordinates": [NaN, 58.3]}'))
    assert info.type.__name__ == "InvalidGeoJSON"


def test_checks_run_in_order_empty_before_type():
    with pytest.raises(EmptyGeometry):
        validate_geometry(LineString(), allowed_types=("Point",))
