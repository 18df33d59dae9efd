"""Property: arbitrary JSON-ish input yields a geometry or a GeoError, never anything else."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry.base import BaseGeometry

from geo.area import default_operating_area
from geo.errors import GeoError
from geo.geojson import GEOMETRY_TYPES, parse_geometry
from geo.validation import validate_geometry

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
json_ish = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)
# Numbers near Mjölby (and swapped) so that some inputs get past parsing into validation.
near = st.floats(min_value=14.0, max_value=60.0) | st.floats()
position = st.lists(near, min_size=0, max_size=4)
coordinates = st.recursive(position, lambda inner: st.lists(inner, max_size=6), max_leaves=40)
kinds = st.sampled_from([*GEOMETRY_TYPES, "Feature", "Circle"]) | st.text(max_size=5)
geometry_like = st.fixed_dictionaries({"type": kinds, "coordinates": coordinates | json_ish})
feature_like = st.fixed_dictionaries({"type": st.just("Feature"), "geometry": geometry_like | json_ish})
collection_like = st.fixed_dictionaries(
    {"type": st.just("GeometryCollection"), "geometries": st.lists(geometry_like, max_size=3)}
)
# Well-formed GeoJSON around Mjölby (sometimes swapped or far away) to exercise validation.
lon = st.floats(min_value=14.8, max_value=15.5) | st.floats(min_value=-180, max_value=180)
lat = st.floats(min_value=58.1, max_value=58.5) | st.floats(min_value=-90, max_value=90)
pos = st.tuples(lon, lat).map(list) | st.tuples(lat, lon).map(list)
line = st.lists(pos, min_size=2, max_size=8)
ring = st.lists(pos, min_size=3, max_size=8).map(lambda r: [*r, r[0]])
polygon = st.lists(ring, min_size=1, max_size=2)
wellformed = st.one_of(
    pos.map(lambda c: {"type": "Point", "coordinates": c}),
    st.lists(pos, max_size=4).map(lambda c: {"type": "MultiPoint", "coordinates": c}),
    line.map(lambda c: {"type": "LineString", "coordinates": c}),
    st.lists(line, max_size=3).map(lambda c: {"type": "MultiLineString", "coordinates": c}),
    polygon.map(lambda c: {"type": "Polygon", "coordinates": c}),
    st.lists(polygon, max_size=3).map(lambda c: {"type": "MultiPolygon", "coordinates": c}),
)
inputs = wellformed | geometry_like | feature_like | collection_like | json_ish


def check(obj) -> None:
    try:
        geom = validate_geometry(parse_geometry(obj), area=default_operating_area())
    except GeoError as exc:
        assert exc.field == "geometry" and exc.message
    else:
        assert isinstance(geom, BaseGeometry)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs)
def test_dicts_give_geometry_or_geo_error(obj):
    check(obj)


@settings(max_examples=200, deadline=None)
@given(inputs)
def test_json_text_gives_geometry_or_geo_error(obj):
    check(json.dumps(obj))  # NaN/Infinity literals included: they must be refused cleanly


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_geometry_or_geo_error(text):
    check(text)
