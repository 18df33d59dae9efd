"""The base map: tile settings, fitting, outline pane, full screen and scale bar."""

from __future__ import annotations

import pytest

from maps.base import OSM, OUTLINE_PANE, BadTileSetting, base_map, bounds_of, tile_source
from maps.render import render_page
from tests.maps.conftest import square


def test_tile_settings():
    assert tile_source(None) is OSM and tile_source("OSM") is OSM
    assert tile_source("none") is None
    own = tile_source("https://karta.mjolby.se/tiles/{z}/{x}/{y}.png", "© Mjölby kommun", max_zoom=20)
    assert own.url.endswith("{y}.png") and own.attribution == "© Mjölby kommun" and own.max_zoom == 20
    assert tile_source("/tiles/{z}/{x}/{y}.png").url == "/tiles/{z}/{x}/{y}.png"
    for bad in ("https://example.com/tile.png", "ftp://x/{z}/{x}/{y}", "javascript:{z}{x}{y}"):
        with pytest.raises(BadTileSetting, match="tiles"):
            tile_source(bad)


def test_bounds_of_geometries_or_the_default():
    assert bounds_of([]) == (15.0, 58.2, 15.35, 58.45)
    assert bounds_of(
        [square(15.1, 58.3, 0.01), {"type": "Point", "coordinates": [15.2, 58.4]}]
    ) == pytest.approx((15.09, 58.29, 15.2, 58.4))


def test_base_map_parts():
    page = render_page(base_map((15.1, 58.3, 15.2, 58.4), tiles=OSM))
    assert "L.control.fullscreen(" in page and '"title": "Helsk\\u00e4rm"' in page
    assert "L.control.scale(" in page
    assert (
        f'createPane("{OUTLINE_PANE}")' in page
        or f"createPane({OUTLINE_PANE!r})" in page
        or OUTLINE_PANE in page
    )
    assert "fitBounds(" in page and "[58.3, 15.1]" in page  # lat, lon for Leaflet
    assert '"maxZoom": 19' in page  # marker clusters need a max zoom even without tiles
    assert "tile.openstreetmap.org" in page and "OpenStreetMap" in page


def test_base_map_without_tiles_and_in_english():
    page = render_page(base_map(tiles=None, lang="en"), lang="en")
    assert "L.tileLayer" not in page and '"maxZoom": 19' in page
    assert '"title": "Full screen"' in page
