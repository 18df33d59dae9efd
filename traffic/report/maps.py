"""Static maps for the report, drawn with matplotlib in SWEREF 99 TM metres, without map tiles.

A report must print and archive without a network, so the context comes from our own data:
the municipal boundary (simplified, ``geo/data``), the resecentrum zones and the station. Each
map has a scale bar and a north arrow. Maps are :class:`~traffic.report.model.Chart` objects,
drawn only when a format needs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from matplotlib.collections import PolyCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Patch
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.area import default_operating_area
from geo.crs import to_metric
from geo.grid import Cell
from geo.hotspots import HotSpotCell
from geo.tracks import metric_zone
from geo.zones import station_point
from traffic import vocab
from traffic.measures.models import SafetyMeasure
from traffic.report.model import Chart
from traffic.report.numbers import num
from traffic.report.texts import t
from traffic.zones.models import Zone

HEAT = LinearSegmentedColormap.from_list("heat", ["#fff5d6", "#fdae61", "#d7301f", "#7f0000"])
PRESENCE = LinearSegmentedColormap.from_list("presence", ["#e8f1fa", "#6baed6", "#08519c", "#08306b"])
STATUS_COLOURS = {
    "COMPLETED": "#2e7d32",
    "IN_PROGRESS": "#f39c12",
    "PLANNED": "#1f78b4",
    "PROPOSED": "#9e9e9e",
    "REJECTED": "#d3d3d3",
}
TOWN_HALF_WIDTH_M = 2200.0


class Context:
    """The outlines every map draws (read once per report)."""

    def __init__(self, session: Session) -> None:
        self.kommun = to_metric(default_operating_area().polygon)
        zones = session.scalars(select(Zone).where(Zone.deleted_at.is_(None), Zone.kind == "RESECENTRUM"))
        self.zones = [metric_zone(z.geom) for z in zones if z.geom is not None]
        station = to_metric(station_point())
        self.station = (station.x, station.y)


def _rings(geom: BaseGeometry) -> list[np.ndarray]:
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            out.append(np.asarray(part.exterior.coords))
            out += [np.asarray(r.coords) for r in part.interiors]
    return out


def _frame(ax: Any, extent: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#999999")
    width = x1 - x0
    bar = next(b for b in (50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000) if b >= width / 6)
    bx, by = x0 + width * 0.04, y0 + (y1 - y0) * 0.05
    ax.plot([bx, bx + bar], [by, by], color="black", linewidth=2, solid_capstyle="butt")
    label = f"{bar // 1000} km" if bar >= 1000 else f"{bar} m"
    ax.text(bx + bar / 2, by + (y1 - y0) * 0.015, label, ha="center", va="bottom", fontsize=6.5)
    ax.annotate(
        "N",
        xy=(x1 - width * 0.05, y1 - (y1 - y0) * 0.06),
        xytext=(x1 - width * 0.05, y1 - (y1 - y0) * 0.16),
        ha="center",
        fontsize=8,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1},
    )


def _context(ax: Any, ctx: Context, lang: str, *, zones: bool = True) -> list[Any]:
    handles = []
    for ring in _rings(ctx.kommun):
        ax.fill(ring[:, 0], ring[:, 1], color="#f4f4f0", zorder=0)
        ax.plot(ring[:, 0], ring[:, 1], color="#777777", linewidth=0.8, linestyle="--", zorder=1)
    handles.append(
        Patch(facecolor="#f4f4f0", edgecolor="#777777", linestyle="--", label=t("legend_kommun", lang))
    )
    if zones:
        for zone in ctx.zones:
            for ring in _rings(zone):
                ax.plot(ring[:, 0], ring[:, 1], color="#4a4a4a", linewidth=0.7, zorder=3)
        if ctx.zones:
            handles.append(Patch(facecolor="none", edgecolor="#4a4a4a", label=t("legend_zone", lang)))
    (st,) = ax.plot(
        *ctx.station,
        marker="s",
        color="black",
        markersize=4,
        linestyle="none",
        zorder=6,
        label=t("legend_station", lang),
    )
    handles.append(st)
    return handles


def _around(x: float, y: float, half: float) -> tuple[float, float, float, float]:
    return x - half, y - half * 0.75, x + half, y + half * 0.75


def _cells(ax: Any, cells: Sequence[Cell], values: np.ndarray, cmap: Any) -> Any:
    polys = [np.asarray(c.polygon_metric().exterior.coords) for c in cells]
    coll = PolyCollection(polys, array=values, cmap=cmap, edgecolors="none", zorder=2)
    ax.add_collection(coll)
    return coll


def presence_map(session: Session, caption: str, cells: Sequence[Cell], weeks: float, lang: str) -> Chart:
    """Presence minutes per week and cell around the station, with the zone outlines."""
    ctx = Context(session)

    def draw(fig: MplFigure) -> None:
        ax = fig.add_subplot()
        handles = _context(ax, ctx, lang)
        if cells:
            coll = _cells(ax, cells, np.array([c.value for c in cells]) / max(weeks, 1e-9), PRESENCE)
            bar = fig.colorbar(coll, ax=ax, shrink=0.7, pad=0.01)
            bar.set_label(t("legend_minutes", lang), fontsize=7)
            bar.ax.tick_params(labelsize=6.5)
        half = max((z.bounds[2] - z.bounds[0]) / 2 for z in ctx.zones) * 1.1 if ctx.zones else 600.0
        _frame(ax, _around(*ctx.station, half))
        ax.legend(handles=handles[1:], loc="upper left", fontsize=6.5, frameon=True)

    return Chart(caption, draw, height_mm=110, alt=caption)


def measures_map(session: Session, caption: str, measures: Sequence[SafetyMeasure], lang: str) -> Chart:
    """Measures coloured by status: the municipality beside a close-up of the town."""
    ctx = Context(session)
    labels = vocab.vocabulary("measure_status").labels(lang)
    items = [(to_metric(m.geom), m.status) for m in measures if m.geom is not None]

    def plot(ax: Any) -> None:
        for geom, status in items:
            colour = STATUS_COLOURS.get(status, "#555555")
            if geom.geom_type == "Point":
                ax.plot(
                    geom.x,
                    geom.y,
                    "o",
                    color=colour,
                    markersize=4.5,
                    markeredgecolor="white",
                    markeredgewidth=0.5,
                    zorder=5,
                )
            elif geom.geom_type in ("LineString", "MultiLineString"):
                for part in shapely.get_parts(geom):
                    xy = np.asarray(part.coords)
                    ax.plot(xy[:, 0], xy[:, 1], color=colour, linewidth=2, zorder=5)
            else:
                for ring in _rings(geom):
                    ax.fill(ring[:, 0], ring[:, 1], color=colour, alpha=0.45, zorder=4)

    def draw(fig: MplFigure) -> None:
        whole, town = fig.subplots(1, 2, width_ratios=(1, 1.35))
        handles = _context(whole, ctx, lang, zones=False)
        plot(whole)
        x0, y0, x1, y1 = ctx.kommun.bounds
        _frame(whole, (x0 - 1000, y0 - 1000, x1 + 1000, y1 + 1000))
        _context(town, ctx, lang)
        plot(town)
        _frame(town, _around(*ctx.station, TOWN_HALF_WIDTH_M))
        shown = sorted({s for _, s in items}, key=list(STATUS_COLOURS).index)
        handles += [Patch(color=STATUS_COLOURS[s], label=labels.get(s, s)) for s in shown]
        fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=6.5, frameon=False)

    return Chart(caption, draw, height_mm=88, alt=caption)


def incident_map(
    session: Session, caption: str, cells: Sequence[Cell], hot: Sequence[HotSpotCell], lang: str
) -> Chart:
    """Incidents per cell over the town, hot-spot cells outlined; the municipality as an overview."""
    ctx = Context(session)
    counts = np.array([c.count for c in cells], dtype=float)

    def draw(fig: MplFigure) -> None:
        whole, town = fig.subplots(1, 2, width_ratios=(1, 1.35))
        handles = _context(whole, ctx, lang, zones=False)
        _context(town, ctx, lang)
        coll = None
        for ax in (whole, town):
            if cells:
                coll = _cells(ax, cells, counts, HEAT)
                coll.set_clim(0, max(1.0, float(counts.max())))
            for h in hot:
                ring = np.asarray(h.cell.polygon_metric().exterior.coords)
                ax.plot(ring[:, 0], ring[:, 1], color="#3b0a45", linewidth=1.1, zorder=7)
        x0, y0, x1, y1 = ctx.kommun.bounds
        _frame(whole, (x0 - 1000, y0 - 1000, x1 + 1000, y1 + 1000))
        _frame(town, _around(*ctx.station, TOWN_HALF_WIDTH_M))
        if coll is not None:
            bar = fig.colorbar(coll, ax=town, shrink=0.7, pad=0.01)
            bar.set_label(t("legend_incidents", lang), fontsize=7)
            bar.ax.tick_params(labelsize=6.5)
            bar.ax.yaxis.set_major_formatter(lambda v, _p: num(v, lang))
        handles.append(
            Patch(facecolor="none", edgecolor="#3b0a45", linewidth=1.1, label=t("legend_hot", lang))
        )
        fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=6.5, frameon=False)

    return Chart(caption, draw, height_mm=88, alt=caption)
