"""Aggregated layers drawn from cells: heat (counts per cell), presence, hot spots, gaps, time steps.

Nothing here sees a single record. The cells (:class:`geo.grid.Cell` of a SWEREF 99 TM grid or
hexagon lattice) are counted in the database by ``traffic.spatial_stats``; a page's size is
bounded by the number of occupied cells, however many records there are. Polygons are
projected in one call (:func:`geo.grid.polygons`) and written with 6 decimals (≈ 0.1 m).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

import folium
import numpy as np
from folium.plugins import HeatMap, TimestampedGeoJson

from geo.crs import lonlat_to_latlon
from geo.gaps import LABELS as GAP_LABELS
from geo.gaps import GapCell
from geo.grid import Cell, centres_lonlat, polygons
from geo.hotspots import LEVELS, HotSpotMap, bin_label
from maps.layers import escaped_properties
from maps.legend import LegendItem, LegendSection, text
from maps.safe import safe_text
from maps.style import GAP_COLOURS, HEAT_COLOURS, HOTSPOT_COLOURS

DECIMALS = 6
CLASSES = 5


def _ring(coords: Any) -> list[list[float]]:
    return [[round(float(x), DECIMALS), round(float(y), DECIMALS)] for x, y in coords]


def cell_features(
    cells: Sequence[Cell], props: Callable[[int, Cell], dict[str, Any]]
) -> list[dict[str, Any]]:
    """GeoJSON polygon features of ``cells`` (feature ``id`` = index) with escaped ``props``."""
    return [
        {
            "type": "Feature",
            "id": n,
            "geometry": {"type": "Polygon", "coordinates": [_ring(poly.exterior.coords)]},
            "properties": escaped_properties(props(n, cell)),
        }
        for n, (cell, poly) in enumerate(zip(cells, polygons(cells), strict=True))
    ]


def class_breaks(values: Sequence[float], k: int = CLASSES, *, integer: bool = True) -> list[float]:
    """Upper bounds of up to ``k`` classes (quantiles of ``values``; the last is the maximum)."""
    v = np.asarray([x for x in values if x > 0], dtype=np.float64)
    if v.size == 0:
        return []
    qs = np.quantile(v, np.linspace(0, 1, k + 1)[1:])
    if integer:
        qs = np.ceil(qs)
    return sorted({float(q) for q in qs})


def class_of(value: float, breaks: Sequence[float]) -> int:
    """Index of the class ``value`` falls into (0 … len(breaks) − 1)."""
    for n, upper in enumerate(breaks):
        if value <= upper:
            return n
    return len(breaks) - 1


def _fmt(x: float, integer: bool) -> str:
    return f"{int(x)}" if integer else f"{x:.0f}"


def break_labels(breaks: Sequence[float], *, integer: bool = True, lowest: float = 1) -> list[str]:
    """``1–3``, ``4–8``, … for integer classes; ``≤ 30``, ``31–90`` style otherwise."""
    out = []
    lower = lowest
    for upper in breaks:
        lo, hi = _fmt(lower, integer), _fmt(upper, integer)
        out.append(hi if lo == hi else f"{lo}–{hi}")
        lower = upper + 1 if integer else upper
    return out


def _palette(colours: Sequence[str], n: int) -> list[str]:
    """``n`` colours spread over a light → dark scheme (the darkest always last)."""
    if n <= 0:
        return []
    idx = (
        np.round(np.linspace(len(colours) - n, len(colours) - 1, n)).astype(int) if n < len(colours) else None
    )
    return [colours[i] for i in idx] if idx is not None else list(colours[-n:])


def add_count_cells(
    m: folium.Map,
    cells: Sequence[Cell],
    *,
    name: str,
    colours: Sequence[str] = HEAT_COLOURS,
    lang: str = "sv",
    show: bool = True,
    value: str = "count",
    notes: Sequence[str] = (),
) -> LegendSection:
    """A choropleth of cells classed by ``count`` (records) or ``value`` (e.g. minutes)."""
    integer = value == "count"
    values = [float(c.count if integer else c.value) for c in cells]
    breaks = class_breaks(values, integer=integer)
    palette = _palette(colours, len(breaks))
    lowest = min(values) if values and not integer else 1
    label = text("count", lang) if integer else text("minutes", lang)

    def props(_n: int, cell: Cell) -> dict[str, Any]:
        return {"n": cell.count} if integer else {"v": f"{cell.value:.0f}", "n": cell.count}

    features = cell_features(cells, props)
    fill = {n: palette[class_of(values[n], breaks)] for n in range(len(cells))}
    group = folium.FeatureGroup(name=name, show=show)
    if features:
        fields, aliases = (["n"], [label]) if integer else (["v", "n"], [label, text("sessions", lang)])
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=lambda f: {
                "color": "#555555",
                "weight": 0.4,
                "fillColor": fill[f["id"]],
                "fillOpacity": 0.72,
            },
            tooltip=folium.GeoJsonTooltip(fields=fields, aliases=[safe_text(a) for a in aliases]),
        ).add_to(group)
    group.add_to(m)
    items = tuple(
        LegendItem(lab, colour)
        for lab, colour in zip(break_labels(breaks, integer=integer, lowest=lowest), palette, strict=True)
    )
    extra = () if cells else (text("empty", lang),)
    return LegendSection(f"{name} ({label.lower()} {text('per_cell', lang)})", items, (*notes, *extra))


def add_heat_points(m: folium.Map, cells: Sequence[Cell], *, name: str, show: bool = False) -> None:
    """A smoothed heat layer (leaflet.heat) fed cell centres weighted by their counts, never raw points."""
    if not cells:
        return
    lon, lat = centres_lonlat(cells)
    top = max(c.count for c in cells)
    data = [
        [*lonlat_to_latlon(round(float(x), DECIMALS), round(float(y), DECIMALS)), round(c.count / top, 4)]
        for x, y, c in zip(lon, lat, cells, strict=True)
    ]
    HeatMap(data, name=name, show=show, radius=22, blur=18, min_opacity=0.35, max_zoom=16, max=1.0).add_to(m)


def add_hotspots(
    m: folium.Map, result: HotSpotMap, *, name: str, lang: str = "sv", notes: Sequence[str] = ()
) -> LegendSection:
    """Gi* bins: hot spots in three reds, cold spots in three blues, not significant transparent."""
    cells = [h.cell for h in result.cells]

    def props(n: int, _cell: Cell) -> dict[str, Any]:
        h = result.cells[n]
        return {
            "bin": bin_label(h.gi_bin, lang),
            "n": h.cell.count,
            "z": f"{h.z:.2f}",
            "p": _p(h.p_judged),
        }

    features = cell_features(cells, props)
    bins = {n: h.gi_bin for n, h in enumerate(result.cells)}

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        colour = HOTSPOT_COLOURS[bins[feature["id"]]]
        if colour is None:
            return {"color": "#8c8c8c", "weight": 0.5, "opacity": 0.5, "fillOpacity": 0.0, "dashArray": "2 3"}
        return {"color": "#555555", "weight": 0.5, "fillColor": colour, "fillOpacity": 0.78}

    group = folium.FeatureGroup(name=name, show=True)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=style,
            tooltip=folium.GeoJsonTooltip(
                fields=["bin", "n", "z", "p"],
                aliases=[safe_text(text(k, lang)) for k in ("label", "count", "z", "p")],
            ),
        ).add_to(group)
    group.add_to(m)
    order = [size for _lvl, _a, size in LEVELS] + [0] + [-size for _lvl, _a, size in reversed(LEVELS)]
    items = tuple(
        LegendItem(bin_label(b, lang), HOTSPOT_COLOURS[b], "box" if b else "empty", 0.85) for b in order
    )
    note = text("hotspot_note", lang, band=f"{result.band_m:.0f}", n=result.n_cells)
    more = () if result.reliable else (text("unreliable", lang),)
    return LegendSection(text("hotspots", lang), items, (note, *notes, *more))


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def add_gaps(
    m: folium.Map,
    gaps: Sequence[GapCell],
    *,
    lang: str = "sv",
    presence: bool = False,
    notes: Sequence[str] = (),
) -> LegendSection:
    """Gap cells: many problems and little enforcement in red, problems met by enforcement in blue."""
    cells = [g.cell for g in gaps]

    def props(n: int, _cell: Cell) -> dict[str, Any]:
        g = gaps[n]
        out = {"label": g.label_text(lang), "problems": f"{g.problems:.0f}", "checks": f"{g.checks:.0f}"}
        if presence:
            out["presence"] = f"{g.presence_min:.0f}"
        out["score"] = f"{g.score:.2f}"
        return out

    features = cell_features(cells, props)
    labels = {n: g.label for n, g in enumerate(gaps)}

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        colour = GAP_COLOURS[labels[feature["id"]]]
        if colour is None:
            return {"color": "#8c8c8c", "weight": 0.4, "opacity": 0.45, "fillOpacity": 0.0}
        return {"color": "#444444", "weight": 0.6, "fillColor": colour, "fillOpacity": 0.75}

    fields = ["label", "problems", "checks", *(["presence"] if presence else []), "score"]
    keys = ["label", "problems", "checks_short", *(["presence_short"] if presence else []), "score"]
    group = folium.FeatureGroup(name=text("gaps", lang), show=True)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=style,
            tooltip=folium.GeoJsonTooltip(fields=fields, aliases=[safe_text(text(k, lang)) for k in keys]),
        ).add_to(group)
    group.add_to(m)
    items = tuple(
        LegendItem(
            GAP_LABELS[code]["en" if lang == "en" else "sv"],
            GAP_COLOURS[code],
            "box" if GAP_COLOURS[code] else "empty",
        )
        for code in ("gap", "covered", "none")
    )
    note = text("gap_note", lang, presence=text("gap_presence", lang) if presence else "")
    extra = () if gaps else (text("empty", lang),)
    return LegendSection(text("gaps", lang), items, (note, *notes, *extra))


def add_time_steps(
    m: folium.Map,
    steps: Sequence[tuple[datetime, Sequence[Cell]]],
    *,
    step: str = "month",
    colours: Sequence[str] = HEAT_COLOURS,
    lang: str = "sv",
    name: str = "",
) -> LegendSection:
    """A time slider over weekly or monthly cells (TimestampedGeoJson), one class scale for all steps."""
    all_counts = [float(c.count) for _t, cells in steps for c in cells]
    breaks = class_breaks(all_counts)
    palette = _palette(colours, len(breaks))
    features: list[dict[str, Any]] = []
    label = text("count", lang)
    for start, cells in steps:
        # Noon of the step's first day: the slider shows the right month or week in any time zone.
        stamp = (start + timedelta(hours=12)).isoformat()
        for cell, poly in zip(cells, polygons(list(cells)), strict=True):
            colour = palette[class_of(cell.count, breaks)]
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [_ring(poly.exterior.coords)]},
                    "properties": {
                        "times": [stamp],
                        "style": {
                            "color": "#555555",
                            "weight": 0.4,
                            "fillColor": colour,
                            "fillOpacity": 0.72,
                        },
                        "tooltip": f"{safe_text(label)}: {safe_text(cell.count)}",
                    },
                }
            )
    monthly = step == "month"
    layer = TimestampedGeoJson(
        {"type": "FeatureCollection", "features": features},
        period="P1M" if monthly else "P1W",
        duration="P27D" if monthly else "P6D",  # only the step shown, not the one before it
        add_last_point=False,
        auto_play=False,
        loop=False,
        date_options="YYYY-MM" if monthly else "GGGG-[v]WW",
        transition_time=400,
        speed_slider=False,
    )
    layer.data = _script_json(layer.data)
    layer.add_to(m)
    items = tuple(LegendItem(lab, colour) for lab, colour in zip(break_labels(breaks), palette, strict=True))
    extra = () if features else (text("empty", lang),)
    return LegendSection(f"{name} ({label.lower()} {text('per_cell', lang)})", items, extra)


def _script_json(data: str) -> str:
    """TimestampedGeoJson writes its JSON into a script as is: make ``</script>`` impossible."""
    return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
