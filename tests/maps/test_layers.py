"""Each layer with small inputs: what is drawn, how it is styled, and that every text is escaped."""

from __future__ import annotations

import html
import json

import folium
import pytest
from folium.plugins import HeatMap, MarkerCluster, TimestampedGeoJson

from geo.gaps import gap_analysis
from geo.hotspots import hot_spot_map
from maps.base import OUTLINE_PANE, add_municipality, base_map, finish
from maps.cells import (
    add_count_cells,
    add_gaps,
    add_heat_points,
    add_hotspots,
    add_time_steps,
    break_labels,
    class_breaks,
)
from maps.layers import add_measures, add_operations, add_zones, measure_style
from maps.legend import LegendItem, LegendSection, legend_html
from maps.render import _elements, render_page
from maps.safe import safe_text
from maps.style import HOTSPOT_COLOURS, MEASURE_COLOURS, RESECENTRUM_COLOUR
from tests.maps.conftest import (
    JAN,
    NASTY,
    STATION,
    make_cells,
    make_measure,
    make_operation,
    make_zones,
    square,
)


def new_map() -> folium.Map:
    return base_map(tiles=None)


def of_type(m: folium.Map, cls: type) -> list:
    return [el for el in _elements(m.get_root()) if isinstance(el, cls)]


def geojson_layers(m: folium.Map) -> list[folium.GeoJson]:
    return [g for g in of_type(m, folium.GeoJson) if g.data.get("features")]


def all_property_values(layer: folium.GeoJson) -> list[str]:
    return [v for f in layer.data["features"] for k, v in f["properties"].items() if not k.startswith("_")]


def assert_escaped(values: list) -> None:
    for value in values:
        text = str(value)
        assert not set("<>`$\\\"'") & set(text), text


# --------------------------------------------------------------------------- zones and outlines


def test_zones_highlight_resecentrum_and_leave_the_municipality_to_the_outline():
    m = new_map()
    zones = make_zones()
    section = add_zones(m, zones)
    (layer,) = geojson_layers(m)
    names = [f["properties"]["name"] for f in layer.data["features"]]
    assert names == ["Resecentrum 300 m", "Skolområde"]
    styles = [layer.style_function(f) for f in layer.data["features"]]
    assert styles[0]["color"] == RESECENTRUM_COLOUR and styles[0]["weight"] > styles[1]["weight"]
    assert styles[1]["dashArray"] and all(s["fill"] is False for s in styles)
    assert layer.options["pane"] == OUTLINE_PANE
    assert [i.label for i in section.items] == ["Resecentrum", "Område"]


def test_zone_names_are_escaped():
    m = new_map()
    add_zones(m, [*make_zones()[:1], make_zones()[1].__class__("x", NASTY, "SCHOOL", square(*STATION))])
    (layer,) = geojson_layers(m)
    assert_escaped(all_property_values(layer))
    assert html.unescape(layer.data["features"][0]["properties"]["name"]) == NASTY


def test_municipality_outline_is_plain_and_not_clickable():
    m = new_map()
    assert add_municipality(m, make_zones()[1:]) is None
    section = add_municipality(m, make_zones())
    (layer,) = geojson_layers(m)
    assert layer.options["interactive"] is False
    style = layer.style_function(layer.data["features"][0])
    assert style["fill"] is False and style["dashArray"]
    assert section.items[0].label == "Kommungräns"


# --------------------------------------------------------------------------- operations


def test_operations_are_clustered_markers_by_focus_with_popups():
    m = new_map()
    ops = [make_operation(), make_operation(id="op-2", focus="SPEED", focus_label="hastighet", lon=15.14)]
    section = add_operations(m, ops)
    (cluster,) = of_type(m, MarkerCluster)
    markers = [c for c in cluster._children.values() if isinstance(c, folium.Marker)]
    assert len(markers) == 2
    icons = [next(c for c in mk._children.values() if isinstance(c, folium.Icon)) for mk in markers]
    assert [i.options["marker_color"] for i in icons] == ["orange", "blue"]
    assert [i.options["icon"] for i in icons] == ["tractor", "gauge-high"]
    assert [i.label for i in section.items] == ["A-traktorer", "hastighet"]
    page = render_page(m)
    for text in ("A-traktorkontroll Stationsgatan", "2025-05-16 20:00", "varning", "ordningsbot", "12"):
        assert text in page
    # the marker's location is lat, lon
    assert markers[0].location == [STATION[1], STATION[0]]


def test_operation_texts_are_escaped_in_popup_and_tooltip():
    m = new_map()
    add_operations(m, [make_operation(title=NASTY, place=NASTY, results=((NASTY, 1),))])
    page = render_page(m)
    script = page[page.index("<script>\n") :]
    assert "<img" not in script and "${document" not in script and "onerror=window.__pwned=1>" not in script
    assert script.count(safe_text(NASTY)) >= 4  # title in popup and tooltip, place, outcome label


def test_no_operations_says_so():
    m = new_map()
    section = add_operations(m, [])
    assert section.notes == ("Inga data för urvalet.",)


# --------------------------------------------------------------------------- measures


def test_measures_points_lines_polygons_styled_by_kind_and_status():
    m = new_map()
    shapes = [
        make_measure({"type": "Point", "coordinates": list(STATION)}),
        make_measure(
            {"type": "LineString", "coordinates": [[15.12, 58.32], [15.13, 58.33]]},
            id="m-2",
            kind="CYCLE_PATH",
            kind_label="gång- och cykelväg",
            status="PLANNED",
            status_label="planerad",
        ),
        make_measure(
            square(15.14, 58.33), id="m-3", kind="NARROWING", kind_label="avsmalning", status="PROPOSED"
        ),
    ]
    sections = add_measures(m, shapes)
    (layer,) = geojson_layers(m)
    styles = [layer.style_function(f) for f in layer.data["features"]]
    assert styles[1]["color"] == MEASURE_COLOURS["CYCLE_PATH"] and styles[1]["dashArray"] == "4 4"
    assert styles[1]["weight"] > styles[2]["weight"]
    assert styles[2]["dashArray"] == "1 5"
    assert styles[0]["fillColor"] == MEASURE_COLOURS["SPEED_HUMP"] and styles[0]["dashArray"] is None
    assert isinstance(layer.marker, folium.CircleMarker)
    kinds, statuses = sections
    assert {i.label for i in kinds.items} == {"farthinder (gupp)", "gång- och cykelväg", "avsmalning"}
    assert [i.label for i in statuses.items][0] == "genomförd"
    popup = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonPopup))
    assert popup.fields == ["title", "kind", "status", "owner", "date0", "date1", "cost"]


def test_measure_description_only_when_given_and_always_escaped():
    m = new_map()
    add_measures(
        m, [make_measure({"type": "Point", "coordinates": list(STATION)}, title=NASTY, description=NASTY)]
    )
    (layer,) = geojson_layers(m)
    popup = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonPopup))
    assert popup.fields[-1] == "description"
    assert_escaped(all_property_values(layer))
    assert_escaped(popup.aliases)
    assert html.unescape(layer.data["features"][0]["properties"]["description"]) == NASTY


def test_measure_style_of_unknown_codes_falls_back():
    style = measure_style("NEW_KIND", "NEW_STATUS", "Polygon")
    assert style["color"] == "#666666" and style["dashArray"] == "1 5"


# --------------------------------------------------------------------------- cells


def test_class_breaks_and_labels():
    assert class_breaks([]) == []
    assert class_breaks([3, 3, 3]) == [3.0]
    breaks = class_breaks(list(range(1, 101)))
    assert len(breaks) == 5 and breaks[-1] == 100
    assert break_labels([1, 3, 10]) == ["1", "2–3", "4–10"]


def test_count_cells_choropleth():
    m = new_map()
    cells = make_cells([[1, 2, 3, 4, 5], [6, 7, 8, 9, 40]])
    section = add_count_cells(m, cells, name="Kontrollerade fordon", show=False)
    (layer,) = geojson_layers(m)
    assert len(layer.data["features"]) == len(cells)
    fills = [layer.style_function(f)["fillColor"] for f in layer.data["features"]]
    assert fills[0] != fills[-1]
    ring = layer.data["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and all(len(str(c).split(".")[1]) <= 6 for pt in ring for c in pt)
    group = next(g for g in of_type(m, folium.FeatureGroup) if g.layer_name == "Kontrollerade fordon")
    assert group.show is False
    assert section.title == "Kontrollerade fordon (antal per cell)"
    assert section.items[-1].label.endswith("40")


def test_minutes_cells_show_minutes_and_sessions():
    m = new_map()
    cells = make_cells([[1, 2]])
    cells = [c.__class__(c.lattice, c.i, c.j, c.count, 90.0 * c.count) for c in cells]
    section = add_count_cells(m, cells, name="Närvaro", value="minutes")
    (layer,) = geojson_layers(m)
    assert layer.data["features"][1]["properties"] == {"v": "180", "n": "2"}
    assert "minuter" in section.title


def test_empty_cells_say_so():
    m = new_map()
    section = add_count_cells(m, [], name="Händelser")
    assert not geojson_layers(m) and section.notes == ("Inga data för urvalet.",)


def test_heat_points_are_cell_centres_weighted_by_count():
    m = new_map()
    cells = make_cells([[1, 2], [4, 8]])
    add_heat_points(m, cells, name="Täthet")
    (heat,) = of_type(m, HeatMap)
    assert len(heat.data) == len(cells)
    assert max(w for _lat, _lon, w in heat.data) == 1.0
    assert all(58 < lat < 59 and 15 < lon < 16 for lat, lon, _w in heat.data)


def hot_cells():
    counts = [[0] * 9 for _ in range(9)]
    for i in range(3):
        for j in range(3):
            counts[j][i] = 40
    return make_cells([[n or 1 for n in row] for row in counts])


def test_hotspots_in_arcgis_colours_with_a_swedish_legend():
    m = new_map()
    result = hot_spot_map(hot_cells())
    section = add_hotspots(m, result, name="Hot spots")
    (layer,) = geojson_layers(m)
    by_bin = {h.gi_bin for h in result.cells}
    assert 3 in by_bin and 0 in by_bin
    for f, h in zip(layer.data["features"], result.cells, strict=True):
        style = layer.style_function(f)
        if h.gi_bin == 0:
            assert style["fillOpacity"] == 0
        else:
            assert style["fillColor"] == HOTSPOT_COLOURS[h.gi_bin]
    labels = [i.label for i in section.items]
    assert labels == [
        "Hot spot, 99 % konfidens",
        "Hot spot, 95 % konfidens",
        "Hot spot, 90 % konfidens",
        "Ej signifikant",
        "Cold spot, 90 % konfidens",
        "Cold spot, 95 % konfidens",
        "Cold spot, 99 % konfidens",
    ]
    assert section.items[3].shape == "empty"
    assert any("FDR" in n for n in section.notes)


def test_hotspot_legend_in_english_and_unreliable_note():
    m = new_map()
    section = add_hotspots(m, hot_spot_map(make_cells([[1, 5, 9]])), name="Hot spots", lang="en")
    assert (
        section.items[0].label == "Hot spot, 99% confidence" and section.items[3].label == "Not significant"
    )
    assert any("unreliable" in n for n in section.notes)


def test_gap_cells_coloured_by_label():
    m = new_map()
    cells = hot_cells()
    problems = {c.key: float(c.count) for c in cells}
    checks = {c.key: 1.0 for c in cells[::3]}
    gaps = gap_analysis(cells[0].lattice, problems, checks)
    section = add_gaps(m, gaps, presence=True)
    (layer,) = geojson_layers(m)
    for f, g in zip(layer.data["features"], gaps, strict=True):
        style = layer.style_function(f)
        assert (style["fillOpacity"] == 0) == (g.label == "none")
    assert "presence" in layer.data["features"][0]["properties"]
    assert [i.label for i in section.items][0].startswith("Lucka")


def test_time_steps_have_times_styles_and_no_markup_in_the_script_json():
    m = new_map()
    a, b = make_cells([[1, 2]]), make_cells([[5, 9, 2]])
    section = add_time_steps(m, [(JAN, a), (JAN.replace(month=2), b)], step="month", name="Kontroller")
    (layer,) = of_type(m, TimestampedGeoJson)
    data = json.loads(layer.data)
    assert len(data["features"]) == 5
    assert data["features"][0]["properties"]["times"] == ["2025-01-01T12:00:00+00:00"]
    assert "<" not in layer.data and ">" not in layer.data
    assert layer.options["auto_play"] is False and layer.duration == '"P27D"'
    assert section.items


# --------------------------------------------------------------------------- legend and title


def test_legend_html_escapes_everything():
    out = legend_html([LegendSection(NASTY, (LegendItem(NASTY, '#fff"><script>'),), (NASTY,))])
    assert "<script" not in out and "<img" not in out and "${" not in out


def test_title_box_and_layer_control_come_last():
    m = new_map()
    add_zones(m, make_zones())
    finish(m, title="Översikt", lines=[NASTY], legend=[None])
    page = render_page(m)
    assert page.index("L.control.layers") > page.index("tt-title")
    assert "<img" not in page.split("<body>")[1]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_legend_language(lang):
    m = new_map()
    section = add_zones(m, make_zones(), lang=lang)
    assert section.title == ("Områden" if lang == "sv" else "Zones")
