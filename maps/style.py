"""Colours, icons and the page's own stylesheet: one place for how things look.

Palettes are ColorBrewer schemes (colour-blind safe where a scheme exists); hot-spot colours
are ArcGIS's *Hot Spot Analysis* renderer, so people who know that tool read the map at once.
"""

from __future__ import annotations

from typing import Any

# Operation focus → (awesome-markers colour, Font Awesome 6 solid icon).
FOCUS_MARKERS: dict[str, tuple[str, str]] = {
    "A_TRAKTOR": ("orange", "tractor"),
    "DEFECTIVE_VEHICLES": ("darkred", "wrench"),
    "DANGEROUS_BEHAVIOUR": ("red", "triangle-exclamation"),
    "SPEED": ("blue", "gauge-high"),
    "SOBRIETY": ("purple", "wine-bottle"),
    "OTHER": ("cadetblue", "car"),
}
DEFAULT_MARKER = ("gray", "car")
# awesome-markers colour names → the hex a legend swatch shows for them.
MARKER_HEX = {
    "orange": "#f69730",
    "darkred": "#a23336",
    "red": "#d63e2a",
    "blue": "#38aadd",
    "purple": "#d252b9",
    "cadetblue": "#436978",
    "gray": "#575757",
}

# Safety measure kind → colour (ColorBrewer Paired, 11 classes).
MEASURE_COLOURS: dict[str, str] = {
    "SPEED_HUMP": "#e31a1c",
    "RAISED_CROSSING": "#fb9a99",
    "NARROWING": "#ff7f00",
    "LIGHTING": "#fdbf6f",
    "SIGNAGE": "#6a3d9a",
    "SPEED_DISPLAY": "#cab2d6",
    "CAMERA": "#1f78b4",
    "CROSSING": "#a6cee3",
    "CYCLE_PATH": "#33a02c",
    "LOCAL_REGULATION": "#b2df8a",
    "OTHER": "#b15928",
}
DEFAULT_MEASURE_COLOUR = "#666666"
# Safety measure status → line dash and fill opacity: done is solid, plans are dashed.
MEASURE_STATUS_STYLE: dict[str, dict[str, Any]] = {
    "COMPLETED": {"dashArray": None, "fillOpacity": 0.55, "opacity": 1.0},
    "IN_PROGRESS": {"dashArray": "8 4", "fillOpacity": 0.4, "opacity": 0.95},
    "PLANNED": {"dashArray": "4 4", "fillOpacity": 0.25, "opacity": 0.85},
    "PROPOSED": {"dashArray": "1 5", "fillOpacity": 0.15, "opacity": 0.8},
    "REJECTED": {"dashArray": "1 5", "fillOpacity": 0.05, "opacity": 0.45},
}

# Zones.
RESECENTRUM_COLOUR = "#d7301f"
ZONE_COLOUR = "#225ea8"
MUNICIPALITY_COLOUR = "#252525"

# Sequential schemes for counts and minutes (ColorBrewer, 5 classes, light → dark).
HEAT_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")  # YlOrRd
INCIDENT_COLOURS = ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f")  # Purples
PRESENCE_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # Blues

# Getis-Ord Gi* bins as ArcGIS draws them; not significant is left transparent.
HOTSPOT_COLOURS: dict[int, str | None] = {
    3: "#d62f27",
    2: "#ed7551",
    1: "#fab984",
    0: None,
    -1: "#c0ccbe",
    -2: "#849eba",
    -3: "#4575b5",
}
GAP_COLOURS: dict[str, str | None] = {"gap": "#b2182b", "covered": "#2166ac", "none": None}

PAGE_CSS = """
html, body { margin: 0; padding: 0; height: 100%; }
.leaflet-container { background: #f4f3ef; font: 13px/1.4 system-ui, "Segoe UI", Roboto, Arial, sans-serif; }
.tt-box { background: rgba(255,255,255,0.94); padding: 8px 10px; border-radius: 5px;
  box-shadow: 0 1px 5px rgba(0,0,0,0.35); color: #222; max-width: 340px; }
.tt-title h1 { font-size: 15px; margin: 0 0 2px 0; font-weight: 600; }
.tt-title p { margin: 2px 0 0 0; font-size: 12px; color: #444; }
.tt-title nav { margin-top: 4px; font-size: 12px; }
.tt-title nav a { margin-right: 6px; color: #0b5394; text-decoration: none; white-space: nowrap; }
.tt-title nav a[aria-current="page"] { font-weight: 600; color: #222; }
.tt-legend { max-height: 55vh; overflow-y: auto; }
.tt-legend h2 { font-size: 13px; margin: 6px 0 3px 0; font-weight: 600; }
.tt-legend h2:first-child { margin-top: 0; }
.tt-legend ul { list-style: none; margin: 0; padding: 0; }
.tt-legend li { display: flex; align-items: center; margin: 2px 0; font-size: 12px; }
.tt-swatch { display: inline-block; width: 16px; height: 12px; margin-right: 6px; flex: none;
  border: 1px solid rgba(0,0,0,0.45); box-sizing: border-box; }
.tt-swatch.line { height: 0; border-width: 3px 0 0 0; border-style: solid; }
.tt-swatch.dashed { border-top-style: dashed; }
.tt-swatch.dotted { border-top-style: dotted; }
.tt-swatch.dot { width: 12px; border-radius: 50%; margin-right: 10px; }
.tt-swatch.empty { background: transparent; border-style: dashed; }
.tt-legend .tt-note { font-size: 11px; color: #555; margin-top: 5px; max-width: 300px; }
.tt-popup dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 1px 8px; }
.tt-popup dt { font-weight: 600; color: #333; }
.tt-popup dd { margin: 0; }
.tt-popup h3 { font-size: 14px; margin: 0 0 4px 0; }
.tt-popup p { margin: 4px 0 0 0; white-space: pre-wrap; }
.geojsondetail table th { padding-right: 6px; text-align: left; vertical-align: top; }
.leaflet-popup-content tr:has(> td:empty) { display: none; }
/* folium's awesome-marker rotation classes (leaflet.awesome.rotate.css), rotation 0 only */
.fa-rotate-0 { transform: none; }
/* leaflet-timedimension's buttons drew Bootstrap 3 glyphicons from a CDN: Font Awesome here */
.leaflet-bar-timecontrol .leaflet-control-timecontrol:before {
  font-family: "Font Awesome 6 Free"; font-weight: 900; font-size: 11px; }
.timecontrol-play:before { content: "\\f04b"; }
.timecontrol-play.pause:before { content: "\\f04c"; }
.timecontrol-play.reverse:before { content: "\\f04b"; }
a.timecontrol-play.loading:before, .timecontrol-date.loading:before { content: "\\f110"; }
.timecontrol-speed:before { content: "\\f625"; }
.timecontrol-stop:before { content: "\\f04d"; }
.timecontrol-forward:before { content: "\\f051"; }
.timecontrol-backward:before { content: "\\f048"; }
.timecontrol-loop:before { content: "\\f363"; }
"""
