"""Zones from geo/data, metric buffers and the operating area."""

from __future__ import annotations

import json
import math

import pytest
from shapely.geometry import LineString, Point

from geo.area import SWEDEN_ENVELOPE, default_operating_area, in_sweden_envelope
from geo.crs import to_metric, to_wgs84
from geo.errors import InvalidGeoJSON
from geo.zones import (
    buffer_metres,
    load_geojson_features,
    load_zones,
    resecentrum_zone,
    station_point,
)

STATION_METRIC = Point(507731.3, 6464677.2)


def test_load_zones_polygons_only_by_default():
    zones = load_zones()
    assert [z.id for z in zones] == ["zone_r150", "zone_r300", "zone_r500"]
    assert all(z.geometry.geom_type == "Polygon" and z.geometry.is_valid for z in zones)
    assert {z.kind for z in zones} == {"buffer_zone"}
    with_points = load_zones(include_points=True)
    assert [z.id for z in with_points][0] == "mjolby_station"


@pytest.mark.parametrize("radius", [150, 300, 500])
def test_zone_area_is_pi_r_squared(radius):
    zone = resecentrum_zone(radius)
    assert zone.id == f"zone_r{radius}"
    assert to_metric(zone.geometry).area == pytest.approx(math.pi * radius**2, rel=0.01)
    assert to_metric(zone.geometry).centroid.distance(STATION_METRIC) < 1.0


def test_unshipped_radius_is_built_the_same_way():
    zone = resecentrum_zone(250)
    assert zone.id == "zone_r250"
    assert to_metric(zone.geometry).area == pytest.approx(math.pi * 250**2, rel=0.01)
    # The shipped 300 m zone and a freshly built one coincide up to the file's rounded centre.
    rebuilt = to_metric(buffer_metres(station_point(), 300))
    shipped = to_metric(resecentrum_zone(300).geometry)
    assert rebuilt.symmetric_difference(shipped).area < 10  # m², of ~282,000


def test_station_point():
    assert station_point().equals(Point(15.131987, 58.322982))
    assert to_metric(station_point()).distance(STATION_METRIC) < 0.5


def test_buffer_metres_of_a_line():
    # A 1 km east-west line buffered by 50 m: about 1000*100 + pi*50^2 square metres.
    start = station_point()
    metric_start = to_metric(start)
    end = Point(metric_start.x + 1000, metric_start.y)
    line = LineString([start, to_wgs84(end)])
    area = to_metric(buffer_metres(line, 50)).area
    assert area == pytest.approx(1000 * 100 + math.pi * 50**2, rel=0.01)


def test_load_geojson_features_rejects_non_collections(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps({"type": "Point", "coordinates": [15.1, 58.3]}))
    with pytest.raises(InvalidGeoJSON, match="expected a FeatureCollection"):
        load_geojson_features(path)


def test_operating_area_is_kommun_plus_two_km():
    area = default_operating_area()
    assert area.name == "Mjölby kommun"
    assert area.buffer_m == 2000
    kommun_km2 = to_metric(area.polygon).area / 1e6
    assert kommun_km2 == pytest.approx(562, rel=0.01)  # SOURCES.md sanity value
    assert to_metric(area.region).area / 1e6 > kommun_km2
    assert area.covers(station_point())
    assert not area.covers(Point(17.6, 58.3))


def test_sweden_envelope():
    assert SWEDEN_ENVELOPE == (10.5, 55.3, 24.2, 69.1)
    assert in_sweden_envelope(15.13, 58.32)
    assert not in_sweden_envelope(58.32, 15.13)
