"""Record layers: zones, control operations and safety measures (aggregated layers: :mod:`maps.cells`).

Each ``add_*`` function draws one overlay into the map's layer control and returns the legend
section describing it. Every value shown in a popup or tooltip goes through
:func:`maps.safe.safe_text` first (folium inserts them raw; see :mod:`maps.safe`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
from folium.plugins import MarkerCluster

from geo.crs import lonlat_to_latlon
from maps.base import OUTLINE_PANE
from maps.data import MeasureShape, OperationPin, ZoneShape
from maps.legend import LegendItem, LegendSection, text
from maps.safe import safe_text
from maps.style import (
    DEFAULT_MARKER,
    DEFAULT_MEASURE_COLOUR,
    FOCUS_MARKERS,
    MARKER_HEX,
    MEASURE_COLOURS,
    MEASURE_STATUS_STYLE,
    RESECENTRUM_COLOUR,
    ZONE_COLOUR,
)


def popup_html(title: str | None, rows: Sequence[tuple[str, Any]], text_block: str | None = None) -> str:
    """Popup content: a heading, label/value rows (empty values left out) and a free-text block."""
    parts = ['<div class="tt-popup">']
    if title:
        parts.append(f"<h3>{safe_text(title)}</h3>")
    cells = "".join(
        f"<dt>{safe_text(label)}</dt><dd>{safe_text(value)}</dd>"
        for label, value in rows
        if value not in (None, "")
    )
    parts.append(f"<dl>{cells}</dl>")
    if text_block:
        parts.append(f"<p>{safe_text(text_block)}</p>")
    parts.append("</div>")
    return "".join(parts)


def escaped_properties(props: dict[str, Any]) -> dict[str, str]:
    """GeoJSON properties for a popup or tooltip: every value through :func:`safe_text`."""
    return {key: safe_text(value) for key, value in props.items()}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- zones


def add_zones(m: folium.Map, zones: Sequence[ZoneShape], *, lang: str = "sv") -> LegendSection | None:
    """Zone outlines, resecentrum in red (the highlighted zone thickest); the municipality is left out."""
    shown = [z for z in zones if z.kind != "MUNICIPALITY"]
    if not shown:
        return None
    features = [
        {
            "type": "Feature",
            "id": n,
            "geometry": z.geometry,
            "properties": {
                **escaped_properties({"name": z.name, "kind": z.kind_label or z.kind}),
                "_resecentrum": z.kind == "RESECENTRUM",
                "_highlight": z.highlight,
            },
        }
        for n, z in enumerate(shown)
    ]

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        props = feature["properties"]
        colour = RESECENTRUM_COLOUR if props["_resecentrum"] else ZONE_COLOUR
        strong = props["_highlight"]
        return {
            "color": colour,
            "weight": 4 if strong else 1.8,
            "dashArray": None if strong else "5 4",
            "fill": False,
        }

    group = folium.FeatureGroup(name=text("zones", lang), show=True)
    folium.GeoJson(
        _collection(features),
        style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=["name", "kind"], aliases=_aliases(lang, "zone", "kind")),
        pane=OUTLINE_PANE,
    ).add_to(group)
    group.add_to(m)
    items = []
    if any(z.kind == "RESECENTRUM" for z in shown):
        items.append(LegendItem(text("resecentrum", lang), RESECENTRUM_COLOUR, "line"))
    if any(z.kind != "RESECENTRUM" for z in shown):
        items.append(LegendItem(text("zone", lang), ZONE_COLOUR, "dashed"))
    return LegendSection(text("zones", lang), tuple(items))


def _aliases(lang: str, *keys: str) -> list[str]:
    return [safe_text(text(k, lang)) for k in keys]


# --------------------------------------------------------------------------- operations


def operation_popup(op: OperationPin, lang: str = "sv") -> str:
    """Popup HTML of an operation: times, focus, status, place and results."""
    rows: list[tuple[str, Any]] = [
        (text("focus", lang), op.focus_label),
        (text("status", lang), op.status_label),
        (text("start", lang), op.start),
        (text("end", lang), op.end),
        (text("place", lang), op.place),
        (text("vehicles", lang), op.vehicles),
    ]
    rows += [(label, n) for label, n in op.results]
    return popup_html(op.title, rows)


def add_operations(
    m: folium.Map, operations: Sequence[OperationPin], *, lang: str = "sv", note: str | None = None
) -> LegendSection:
    """Operations as clustered markers coloured by focus, with a popup each."""
    cluster = MarkerCluster(
        name=text("operations", lang),
        show=True,
        showCoverageOnHover=False,
        maxClusterRadius=40,
    )
    for op in operations:
        colour, icon = FOCUS_MARKERS.get(op.focus, DEFAULT_MARKER)
        folium.Marker(
            location=list(lonlat_to_latlon(op.lon, op.lat)),
            icon=folium.Icon(color=colour, icon=icon, prefix="fa"),
            popup=folium.Popup(operation_popup(op, lang), max_width=320),
            tooltip=folium.Tooltip(safe_text(op.title)),
        ).add_to(cluster)
    cluster.add_to(m)
    seen: dict[str, str] = {}
    for op in operations:
        seen.setdefault(op.focus, op.focus_label)
    items = tuple(
        LegendItem(label, MARKER_HEX[FOCUS_MARKERS.get(code, DEFAULT_MARKER)[0]], "dot")
        for code, label in sorted(seen.items(), key=lambda kv: kv[1])
    )
    notes = (note,) if note else ((text("empty", lang),) if not operations else ())
    return LegendSection(text("operations", lang), items, notes)


# --------------------------------------------------------------------------- measures


def measure_style(kind: str, status: str, geometry_type: str) -> dict[str, Any]:
    """Leaflet path style of a measure: colour by kind, dash and fill by status."""
    colour = MEASURE_COLOURS.get(kind, DEFAULT_MEASURE_COLOUR)
    by_status = MEASURE_STATUS_STYLE.get(status, MEASURE_STATUS_STYLE["PROPOSED"])
    line = geometry_type in ("LineString", "MultiLineString")
    point = geometry_type in ("Point", "MultiPoint")
    return {
        "fill": not line,
        "color": "#222222" if point else colour,
        "fillColor": colour,
        "weight": 5 if line else (1.5 if point else 2.5),
        "dashArray": None if point else by_status["dashArray"],
        "opacity": by_status["opacity"],
        "fillOpacity": 0.9
        if point and status == "COMPLETED"
        else by_status["fillOpacity"] + (0.3 if point else 0),
    }


def add_measures(m: folium.Map, measures: Sequence[MeasureShape], *, lang: str = "sv") -> list[LegendSection]:
    """Measures (points, lines, polygons) styled by kind and status; popup with dates, owner and status."""
    fields = ["title", "kind", "status", "owner"]
    features: list[dict[str, Any]] = []
    for n, ms in enumerate(measures):
        props: dict[str, Any] = {
            "title": ms.title,
            "kind": ms.kind_label,
            "status": ms.status_label,
            "owner": ms.owner or "",
        }
        for k, (_label, value) in enumerate(ms.dates):
            props[f"date{k}"] = value
        props["cost"] = ms.cost or ""
        if ms.description:
            props["description"] = ms.description
        style = measure_style(ms.kind, ms.status, ms.geometry.get("type", ""))
        features.append(
            {
                "type": "Feature",
                "id": n,
                "geometry": ms.geometry,
                "properties": escaped_properties(props),
                "_style": style,
            }
        )
    date_labels = _date_labels(measures)
    popup_fields = fields + [f"date{k}" for k in range(len(date_labels))] + ["cost"]
    popup_aliases = _aliases(lang, "title", "kind", "status", "owner") + [safe_text(x) for x in date_labels]
    popup_aliases.append(safe_text(text("cost", lang)))
    if any(ms.description for ms in measures):
        popup_fields.append("description")
        popup_aliases.append(safe_text(text("description", lang)))
    for f in features:  # GeoJsonPopup needs every field on every feature
        for name in popup_fields:
            f["properties"].setdefault(name, "")
    styles = {f["id"]: f.pop("_style") for f in features}
    group = folium.FeatureGroup(name=text("measures", lang), show=True)
    if features:
        folium.GeoJson(
            _collection(features),
            style_function=lambda feature: styles[feature["id"]],
            marker=folium.CircleMarker(radius=7, fill=True),
            popup=folium.GeoJsonPopup(fields=popup_fields, aliases=popup_aliases, max_width=340),
            tooltip=folium.GeoJsonTooltip(fields=["title"], labels=False),
        ).add_to(group)
    group.add_to(m)
    return _measure_legend(measures, lang)


def _date_labels(measures: Sequence[MeasureShape]) -> list[str]:
    """The date labels (same order on every measure: the api gives each measure the same list)."""
    longest = max(measures, key=lambda ms: len(ms.dates), default=None)
    return [label for label, _ in longest.dates] if longest else []


def _measure_legend(measures: Sequence[MeasureShape], lang: str) -> list[LegendSection]:
    kinds: dict[str, str] = {}
    statuses: dict[str, str] = {}
    for ms in measures:
        kinds.setdefault(ms.kind, ms.kind_label)
        statuses.setdefault(ms.status, ms.status_label)
    kind_items = tuple(
        LegendItem(label, MEASURE_COLOURS.get(code, DEFAULT_MEASURE_COLOUR))
        for code, label in sorted(kinds.items(), key=lambda kv: kv[1])
    )
    order = list(MEASURE_STATUS_STYLE)
    shapes = {"COMPLETED": "line", "IN_PROGRESS": "dashed", "PLANNED": "dashed"}
    status_items = tuple(
        LegendItem(label, "#444444", shapes.get(code, "dotted"))
        for code, label in sorted(
            statuses.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99
        )
    )
    notes = () if measures else (text("empty", lang),)
    return [
        LegendSection(text("measures", lang), kind_items, notes),
        LegendSection(f"{text('measures', lang)}: {text('status', lang).lower()}", status_items),
    ]
