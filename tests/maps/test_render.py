"""Rendering: no remote script or stylesheet, stable bytes, standalone files inline everything."""

from __future__ import annotations

import re

import folium
import pytest

from maps.base import base_map, finish, tile_source
from maps.cells import add_count_cells, add_heat_points, add_time_steps
from maps.layers import add_measures, add_operations, add_zones
from maps.render import RemoteAsset, remote_assets, render_page, render_standalone
from tests.maps.conftest import JAN, STATION, make_cells, make_measure, make_operation, make_zones

SCRIPT_OR_STYLE = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*"(?P<url>[^"]+)"')


def full_map(tiles: str = "osm") -> folium.Map:
    """A map with every plugin we use."""
    m = base_map(tiles=tile_source(tiles))
    legend = [add_zones(m, make_zones())]
    legend.append(add_operations(m, [make_operation()]))
    legend += add_measures(m, [make_measure({"type": "Point", "coordinates": list(STATION)})])
    cells = make_cells([[1, 2, 3], [4, 5, 6]])
    legend.append(add_count_cells(m, cells, name="Kontroller"))
    add_heat_points(m, cells, name="Täthet")
    add_time_steps(m, [(JAN, cells)], name="Kontroller")
    return finish(m, title="Test", legend=legend)


def test_no_http_script_or_stylesheet_remains():
    page = render_page(full_map())
    urls = [m.group("url") for m in SCRIPT_OR_STYLE.finditer(page)]
    assert urls, "the page loads its scripts from somewhere"
    assert all(u.startswith("/static/vendor/") for u in urls), urls
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page.split("<body>")[0])
    # the one outside URL left is the tile template (and the attribution link)
    outside = set(re.findall(r"https?://[^\s\"'<>)\\]+", page))
    assert outside <= {
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://www.openstreetmap.org/copyright",
    }


def test_without_tiles_there_is_no_outside_url_at_all():
    page = render_page(full_map("none"))
    assert not re.findall(r"https?://", page)
    assert "L.tileLayer" not in page


def test_each_vendored_file_is_linked_once():
    urls = [m.group("url") for m in SCRIPT_OR_STYLE.finditer(render_page(full_map()))]
    assert len(urls) == len(set(urls))
    assert urls.count("/static/vendor/jquery/jquery.min.js") == 1  # Map and TimestampedGeoJson share it


def test_rendering_is_deterministic_and_leaves_folium_untouched():
    before = list(folium.Map.default_js)
    assert render_page(full_map()) == render_page(full_map())
    assert folium.Map.default_js == before


def test_page_language_title_and_own_styles_last():
    page = render_page(full_map(), title="Karta <b>", lang="en")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Karta &lt;b&gt;</title>" in page
    head = page.split("</head>")[0]
    assert head.rindex("<style>") > head.rindex('<link rel="stylesheet"')


def test_remote_assets_are_found():
    html = (
        '<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn.example/y.css"/>'
        '<script src="/static/vendor/leaflet/leaflet.js"></script>'
    )
    assert remote_assets(html) == ["https://cdn.example/x.js", "//cdn.example/y.css"]


def test_a_remote_link_added_behind_our_back_stops_rendering():
    m = full_map()
    m.get_root().header.add_child(folium.CssLink("https://cdn.example/evil.css"), name="evil")
    with pytest.raises(RemoteAsset, match="cdn.example"):
        render_page(m)


def test_standalone_inlines_scripts_styles_images_and_fonts(vendored):
    page = render_standalone(full_map("none"))
    assert "/static/vendor/" not in page
    assert not re.search(r"<script[^>]+src=", page) and '<link rel="stylesheet"' not in page
    assert "data:font/woff2;base64," in page  # Font Awesome for the markers
    assert "data:image/png;base64," in page  # awesome-markers and Leaflet images
    assert ".ttf" not in page  # woff2 only
    assert re.search(r"</script", page.split("<body>")[0].replace("</script>", "")) is None
    # URLs left are in licence comments and namespaces, never something the page loads
    loads = (
        r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//"""
        r"""|url\(\s*["']?(?:https?:)?//"""
    )
    assert not re.search(loads, page)
