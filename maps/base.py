"""The base map: fitted view, tiles (or none), scale bar, full screen, outlines, layer control.

Everything a page needs to stay readable when no tile loads (a closed network, a blocked tile
server) is vector: the municipal boundary and the zones are drawn as GeoJSON outlines, the map
background is a plain light colour, and the legend is a control.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
from folium.plugins import Fullscreen
from shapely.geometry import shape

from geo.crs import lonlat_to_latlon
from maps.data import ZoneShape
from maps.legend import LegendItem, LegendSection, NavLink, add_legend, add_title, text
from maps.style import MUNICIPALITY_COLOUR

MJOLBY_BOUNDS = (15.0, 58.2, 15.35, 58.45)  # lon/lat; used only when there is nothing to fit
MAX_ZOOM = 19
# Outlines sit above the cell layers (overlayPane 400, markers 600) and let clicks through but on lines.
OUTLINE_PANE = "ttOutlines"


class BadTileSetting(ValueError):
    """A tile setting that is neither ``osm``, ``none`` nor a ``{z}/{x}/{y}`` URL template."""


@dataclass(frozen=True)
class TileSource:
    """An XYZ tile server: URL template with ``{z}``, ``{x}``, ``{y}``, and its attribution (HTML)."""

    url: str
    attribution: str
    name: str
    max_zoom: int = MAX_ZOOM


OSM = TileSource(
    url="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    name="OpenStreetMap",
)


def tile_source(
    setting: str | None, attribution: str | None = None, *, name: str | None = None, max_zoom: int = MAX_ZOOM
) -> TileSource | None:
    """The tile source a setting names: ``osm`` (default), ``none``, or a URL template.

    A URL template is a municipal or offline tile server, e.g.
    ``https://karta.example.se/tiles/{z}/{x}/{y}.png`` or a path on this app (``/tiles/{z}/{x}/{y}.png``).
    """
    value = (setting or "osm").strip()
    if value.lower() == "osm":
        return OSM
    if value.lower() == "none":
        return None
    if not all(p in value for p in ("{z}", "{x}", "{y}")):
        raise BadTileSetting(
            f"tiles: {value!r} is not osm, none or a URL template with {{z}}, {{x}} and {{y}}"
        )
    if not value.startswith(("https://", "http://", "/")):
        raise BadTileSetting(f"tiles: {value!r} must start with https://, http:// or /")
    return TileSource(value, attribution or "", name or "Kartunderlag", max_zoom)


def bounds_of(
    geometries: Iterable[dict], default: tuple[float, float, float, float] = MJOLBY_BOUNDS
) -> tuple:
    """``(min_lon, min_lat, max_lon, max_lat)`` of GeoJSON geometries (``default`` when none)."""
    boxes = [shape(g).bounds for g in geometries if g]
    if not boxes:
        return default
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def base_map(
    bounds: tuple[float, float, float, float] = MJOLBY_BOUNDS,
    *,
    tiles: TileSource | None = OSM,
    lang: str = "sv",
) -> folium.Map:
    """A map fitted to lon/lat ``bounds`` with a scale bar, full-screen button and ``tiles`` (or none)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    south_west = lonlat_to_latlon(min_lon, min_lat)
    north_east = lonlat_to_latlon(max_lon, max_lat)
    centre = lonlat_to_latlon((min_lon + max_lon) / 2, (min_lat + max_lat) / 2)
    # maxZoom on the map itself: without a tile layer Leaflet has none, and marker clusters need one.
    m = folium.Map(
        location=list(centre),
        zoom_start=13,
        tiles=None,
        control_scale=True,
        maxZoom=tiles.max_zoom if tiles else MAX_ZOOM,
        minZoom=4,
    )
    if tiles is not None:
        folium.TileLayer(
            tiles=tiles.url, attr=tiles.attribution, name=tiles.name, max_zoom=tiles.max_zoom, control=False
        ).add_to(m)
    m.fit_bounds([list(south_west), list(north_east)], padding=(12, 12))
    folium.map.CustomPane(OUTLINE_PANE, z_index=450, pointer_events=False).add_to(m)
    Fullscreen(
        position="topleft",
        title=text("fullscreen", lang),
        title_cancel=text("fullscreen_off", lang),
        force_separate_button=True,
    ).add_to(m)
    return m


def add_municipality(m: folium.Map, zones: Sequence[ZoneShape], *, lang: str = "sv") -> LegendSection | None:
    """Draw the municipal boundary (zones of kind ``MUNICIPALITY``) as a plain, non-clickable outline."""
    outlines = [z for z in zones if z.kind == "MUNICIPALITY"]
    if not outlines:
        return None
    group = folium.FeatureGroup(name=text("municipality", lang), show=True)
    data = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": z.geometry, "properties": {}} for z in outlines],
    }
    folium.GeoJson(
        data,
        style_function=lambda _f: {
            "color": MUNICIPALITY_COLOUR,
            "weight": 2.5,
            "dashArray": "8 4",
            "fill": False,
            "opacity": 0.9,
        },
        interactive=False,
        pane=OUTLINE_PANE,
    ).add_to(group)
    group.add_to(m)
    return LegendSection(
        text("municipality", lang), (LegendItem(text("municipality", lang), MUNICIPALITY_COLOUR, "dashed"),)
    )


def finish(
    m: folium.Map,
    *,
    title: str,
    lines: Sequence[str] = (),
    nav: Sequence[NavLink] = (),
    legend: Sequence[LegendSection | None] = (),
) -> folium.Map:
    """Add the title box, the legend and the layer control (last, so it lists every layer)."""
    add_title(m, title, lines, nav)
    add_legend(m, [s for s in legend if s is not None])
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    return m
