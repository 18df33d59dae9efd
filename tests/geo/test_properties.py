"""Properties of geometry validation and GeoJSON parsing beyond ``test_geo_properties``.

Whatever comes in — Python NaN/inf and huge numbers (not only JSON text), swapped lat/lon,
bytes, odd field names, any allowed-type list or vertex cap — the answer is a geometry that
passed every check, or a :class:`~geo.errors.GeoError` naming the caller's field; never
another exception.
"""

from __future__ import annotations

import math

import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry.base import BaseGeometry

from geo.area import default_operating_area
from geo.errors import GeoError, OutsideArea
from geo.geojson import GEOMETRY_TYPES, geometry_to_geojson, parse_geometry
from geo.validation import validate_geometry, validate_lonlat

AREA = default_operating_area()
# Every kind of float, including the extremes a careless client sends.
wild = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1e308, -1e308, 1e-320, 2**63, -0.0])
number = wild | st.integers(min_value=-(10**30), max_value=10**30) | st.floats(14.0, 60.0)
junk = st.none() | st.booleans() | st.text(max_size=4) | st.lists(st.integers(), max_size=2)
position = st.lists(number | junk, min_size=0, max_size=4)
mjolby = st.tuples(st.floats(15.0, 15.2), st.floats(58.28, 58.36))
fields = st.sampled_from(["geometry", "location", "properties.area", "koordinater"])


def outcome(run, field: str) -> BaseGeometry | GeoError:
    try:
        return run()
    except GeoError as exc:
        assert exc.field == field and exc.message and "\n" not in exc.message
        return exc


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(GEOMETRY_TYPES), st.lists(position, max_size=5), fields)
def test_python_numbers_of_any_size_give_geometry_or_geo_error(kind, coords, field):
    obj = {"type": kind, "coordinates": coords[0] if kind == "Point" and coords else coords}
    got = outcome(lambda: validate_geometry(parse_geometry(obj, field=field), field=field, area=AREA), field)
    if isinstance(got, BaseGeometry):
        assert not got.is_empty and got.is_valid
        assert all(math.isfinite(v) for v in shapely.get_coordinates(got).ravel())
        assert AREA.covers(got)


@settings(max_examples=100, deadline=None)
@given(number | junk, number | junk, fields)
def test_lonlat_pairs_give_point_or_geo_error(lon, lat, field):
    got = outcome(lambda: validate_lonlat(lon, lat, field=field, area=AREA), field)
    if isinstance(got, BaseGeometry):
        assert got.geom_type == "Point" and AREA.covers(got)


@settings(max_examples=50, deadline=None)
@given(mjolby)
def test_swapped_lat_lon_is_refused_with_a_hint(pair):
    lon, lat = pair
    assert validate_lonlat(lon, lat, area=AREA).x == lon  # the right order passes
    got = outcome(lambda: validate_lonlat(lat, lon, area=AREA), "location")
    assert isinstance(got, OutsideArea) and "swapped" in got.message


@settings(max_examples=60, deadline=None)
@given(
    st.binary(max_size=40) | st.text(max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass")), fields
)
def test_any_bytes_give_geometry_or_geo_error(data, field):
    outcome(lambda: validate_geometry(parse_geometry(data, field=field), field=field), field)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(mjolby, min_size=1, max_size=30),
    st.sets(st.sampled_from(GEOMETRY_TYPES), max_size=3) | st.none(),
    st.integers(min_value=0, max_value=40),
)
def test_type_and_vertex_limits_give_geometry_or_geo_error(points, allowed, cap):
    obj = {"type": "MultiPoint", "coordinates": [list(p) for p in points]}
    got = outcome(
        lambda: validate_geometry(parse_geometry(obj), allowed_types=allowed, max_vertices=cap, area=AREA),
        "geometry",
    )
    if isinstance(got, BaseGeometry):
        assert allowed is None or "MultiPoint" in allowed
        assert len(shapely.get_coordinates(got)) <= cap


@settings(max_examples=60, deadline=None)
@given(st.lists(mjolby, min_size=2, max_size=8))
def test_a_valid_geometry_round_trips_through_geojson(points):
    # RFC 7946 output keeps 6 decimals (~0.1 m): vertices closer than that meet on the way out.
    assume(len({(round(x, 6), round(y, 6)) for x, y in points}) == len(points))
    geom = outcome(
        lambda: validate_geometry(parse_geometry({"type": "LineString", "coordinates": points})), "geometry"
    )
    if isinstance(geom, BaseGeometry):
        again = validate_geometry(parse_geometry(geometry_to_geojson(geom)))
        assert again.equals_exact(geom, 1e-6)
