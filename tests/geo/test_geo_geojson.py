"""GeoJSON parsing errors and RFC 7946 output."""

from __future__ import annotations

import json

import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from geo.errors import EmptyGeometry, GeoError, InvalidGeoJSON
from geo.geojson import feature, feature_collection, geometry_to_geojson, parse_geometry

STATION = [15.131987, 58.322982]


def ring_is_ccw(coords) -> bool:
    return shapely.LinearRing(coords).is_ccw


def test_parse_point_dict_and_string():
    assert parse_geometry({"type": "Point", "coordinates": STATION}).equals(Point(STATION))
    text = json.dumps({"type": "Point", "coordinates": STATION})
    assert parse_geometry(text).equals(Point(STATION))


def test_parse_feature_takes_its_geometry():
    feat = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": STATION},
    }
    assert parse_geometry(feat).equals(Point(STATION))


def test_altitude_is_dropped():
    geom = parse_geometry({"type": "Point", "coordinates": [*STATION, 97.0]})
    assert not geom.has_z


def test_polygon_with_hole():
    outer = [[15.1, 58.3], [15.2, 58.3], [15.2, 58.4], [15.1, 58.4], [15.1, 58.3]]
    hole = [[15.12, 58.32], [15.13, 58.32], [15.13, 58.33], [15.12, 58.32]]
    geom = parse_geometry({"type": "Polygon", "coordinates": [outer, hole]})
    assert len(geom.interiors) == 1


@pytest.mark.parametrize(
    ("obj", "fragment"),
    [
        ({"coordinates": STATION}, "missing 'type'"),
        ({"type": "Circle", "coordinates": STATION}, "unknown type 'Circle'"),
        ({"type": "Point"}, "no 'coordinates'"),
        ({"type": "Point", "coordinates": [15.1]}, "expected a position [lon, lat]"),
        ({"type": "Point", "coordinates": ["15.1", 58.3]}, "coordinates[0]: expected a number"),
        ({"type": "Point", "coordinates": [True, 58.3]}, "expected a number"),
        ({"type": "Point", "coordinates": [15.1, float("nan")]}, "finite"),
        ({"type": "Point", "coordinates": [float("inf"), 58.3]}, "finite"),
        ({"type": "Point", "coordinates": [10**400, 58.3]}, "finite"),
        ({"type": "LineString", "coordinates": [STATION]}, "at least 2 positions"),
        ({"type": "LineString", "coordinates": STATION}, "coordinates[0]: expected a position"),
        ({"type": "Polygon", "coordinates": [STATION, STATION]}, "coordinates[0][0]"),
        (
            {
                "type": "Polygon",
                "coordinates": [[[15.1, 58.3], [15.2, 58.3], [15.2, 58.4], [15.1, 58.4]]],
            },
            "not closed",
        ),
        (
            {"type": "Polygon", "coordinates": [[[15.1, 58.3], [15.2, 58.3], [15.1, 58.3]]]},
            "at least 4",
        ),
        ({"type": "MultiPoint", "coordinates": [[STATION]]}, "coordinates[0]: expected a position"),
        ({"type": "Point", "coordinates": [STATION]}, "wrong nesting"),
        ({"type": "Polygon", "coordinates": STATION}, "coordinates[0]: expected an array"),
        ({"type": "GeometryCollection"}, "geometries"),
        ({"type": "FeatureCollection", "features": []}, "unknown type 'FeatureCollection'"),
        ({"type": "Feature", "properties": {}}, "no 'geometry'"),
        ([15.1, 58.3], "expected a GeoJSON object"),
        ("{not json", "not valid JSON"),
        ('{"type": "Point", "coordinates": [NaN, 58.3]}', "NaN is not a valid JSON number"),
    ],
)
def test_parse_errors_name_the_problem(obj, fragment):
    with pytest.raises(InvalidGeoJSON) as info:
        parse_geometry(obj, field="location")
    assert info.value.field == "location"
    assert fragment in info.value.message
    assert str(info.value) == f"location: {info.value.message}"


def test_feature_with_null_geometry_is_empty():
    with pytest.raises(EmptyGeometry):
        parse_geometry({"type": "Feature", "properties": {}, "geometry": None})


def test_empty_coordinates_parse_to_empty_geometry():
    assert parse_geometry({"type": "Polygon", "coordinates": []}).is_empty
    assert parse_geometry({"type": "Point", "coordinates": []}).is_empty


def test_geo_error_is_a_value_error():
    err = InvalidGeoJSON("geometry", "missing 'type' member")
    assert isinstance(err, GeoError)
    assert isinstance(err, ValueError)
    assert str(err) == "geometry: missing 'type' member"


def test_clockwise_ring_comes_out_counter_clockwise_with_clockwise_hole():
    outer_cw = [(15.1, 58.3), (15.1, 58.4), (15.2, 58.4), (15.2, 58.3), (15.1, 58.3)]
    hole_ccw = [(15.12, 58.32), (15.13, 58.32), (15.13, 58.33), (15.12, 58.33), (15.12, 58.32)]
    assert not ring_is_ccw(outer_cw)
    out = geometry_to_geojson(Polygon(outer_cw, [hole_ccw]))
    assert out["type"] == "Polygon"
    assert ring_is_ccw(out["coordinates"][0])
    assert not ring_is_ccw(out["coordinates"][1])


def test_output_rounds_to_six_decimals_and_is_json():
    out = geometry_to_geojson(Point(15.13198712345, 58.32298298765))
    assert out == {"type": "Point", "coordinates": [15.131987, 58.322983]}
    assert json.loads(json.dumps(out)) == out


def test_multipolygon_parts_are_oriented():
    cw = box(15.1, 58.3, 15.2, 58.4, ccw=False)
    out = geometry_to_geojson(shapely.MultiPolygon([cw, box(15.3, 58.3, 15.4, 58.4, ccw=False)]))
    assert all(ring_is_ccw(part[0]) for part in out["coordinates"])


def test_round_trip_through_parse():
    geom = box(15.1, 58.3, 15.2, 58.4)
    assert parse_geometry(geometry_to_geojson(geom)).equals(geom)


def test_feature_and_collection():
    feat = feature(Point(STATION), {"name": "Mjölby station"}, id="s1")
    assert feat == {
        "type": "Feature",
        "id": "s1",
        "geometry": {"type": "Point", "coordinates": STATION},
        "properties": {"name": "Mjölby station"},
    }
    assert "id" not in feature(None, None)
    assert feature(None, None)["geometry"] is None
    assert feature_collection([feat]) == {"type": "FeatureCollection", "features": [feat]}
