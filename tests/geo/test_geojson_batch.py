"""``geometries_to_geojson`` encodes a mixed list exactly as ``geometry_to_geojson`` one by one."""

from __future__ import annotations

import shapely
from shapely.geometry import LineString, Point, Polygon

from geo.geojson import geometries_to_geojson, geometry_to_geojson


def test_a_mixed_list_encodes_like_one_at_a_time() -> None:
    geoms = [
        Point(15.1319874, 58.3229826),
        None,
        LineString([(15.13, 58.32), (15.1400004, 58.3300006)]),
        Point(15.0, 58.0, 12.5),  # 3D: the general path keeps the height
        Polygon([(15.13, 58.32), (15.13, 58.33), (15.14, 58.33), (15.13, 58.32)]),  # clockwise in
        shapely.from_wkt("POINT EMPTY"),
        Point(-0.0000004, 0.0000006),
    ]
    expected = [None if g is None else geometry_to_geojson(g) for g in geoms]
    assert geometries_to_geojson(geoms) == expected
    assert expected[0] == {"type": "Point", "coordinates": [15.131987, 58.322983]}
    assert geometries_to_geojson([]) == []
