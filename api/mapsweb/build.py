"""One builder per map: visible data from ``traffic`` for the caller, drawn with ``maps``.

The same builders serve the pages under ``/maps/`` and ``trafiktrygg export map``. What a role
sees follows the API exactly (:mod:`traffic.visibility` through ``traffic.queries`` and
``traffic.spatial_stats``): the public gets completed measures, zones and published cell
counts (completed operations only, a delay, no cell under the minimum size), never an
operation, presence or a gap map, and no free text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import folium
from sqlalchemy.orm import Session

from api.mapsweb import records as rec
from api.mapsweb.query import MapQuery
from api.mapsweb.settings import MapSettings
from api.permissions import allowed
from api.settings import Settings
from geo.grid import Cell, centres_lonlat
from maps.base import add_municipality, base_map, bounds_of, finish
from maps.cells import add_count_cells, add_gaps, add_heat_points, add_hotspots, add_time_steps
from maps.data import OperationPin, ZoneShape
from maps.layers import add_measures, add_operations, add_zones
from maps.legend import LegendSection, NavLink, merge_sections, text
from maps.style import HEAT_COLOURS, INCIDENT_COLOURS, PRESENCE_COLOURS
from traffic import spatial_stats
from traffic.actors import Actor
from traffic.aggregates import PublicRules
from traffic.errors import PermissionDenied
from traffic.storage.base import utcnow
from traffic.timeutil import STOCKHOLM

MAX_STEPS = 60
# page → (permission of its route, Swedish title, English title)
PAGES: dict[str, tuple[str, str, str]] = {
    "overview": ("public", "Översikt", "Overview"),
    "heatmap": ("stats:read", "Täthet", "Heat map"),
    "measures": ("measures:read", "Åtgärder", "Measures"),
    "presence": ("presence:read", "Närvaro", "Presence"),
    "hotspots": ("stats:read", "Hot spots", "Hot spots"),
    "gaps": ("checks:read", "Luckor", "Gaps"),
}
RECORD_LAYERS = {"checks": ("checks", False), "remarks": ("checks", True), "incidents": ("incidents", False)}


@dataclass
class Context:
    """What every builder gets."""

    session: Session
    actor: Actor
    q: MapQuery
    settings: Settings
    maps: MapSettings
    now: datetime = field(default_factory=utcnow)

    @property
    def lang(self) -> str:
        """The page language."""
        return self.q.lang

    @property
    def public(self) -> bool:
        """True for the public's view."""
        return self.actor.role == "public"

    @property
    def rules(self) -> PublicRules:
        """The published-figures rules of this deployment."""
        return PublicRules(
            delay_days=self.settings.public_delay_days, min_cell_size=self.settings.min_cell_size
        )

    def cell_m(self, default: float | None = None) -> float:
        """The requested cell size, else ``default``, else the configured one."""
        return self.q.cell_m or default or self.maps.cell_m

    def cell_note(self, size: float) -> str:
        """What the cells are: squares of ``size`` m or hexagons ``size`` m apart."""
        key = "hex_note" if self.q.shape == "hex" else "cell_note"
        return text(key, self.lang, size=f"{size:g}")

    def public_notes(self) -> tuple[str, ...]:
        """The note on published figures (public only)."""
        if not self.public:
            return ()
        return (text("public_note", self.lang, min=self.rules.min_cell_size, days=self.rules.delay_days),)


@dataclass
class Built:
    """A finished map and the page title."""

    map: folium.Map
    title: str


def page_title(page: str, lang: str) -> str:
    """The title of a map page."""
    _perm, sv, en = PAGES[page]
    return f"Trafiktrygg – {en if lang == 'en' else sv}"


def nav_links(ctx: Context, current: str, base: str = "/maps/") -> list[NavLink]:
    """Links to the maps the caller may open, keeping the filters."""
    qs = ctx.q.query_string()
    return [
        NavLink(en if ctx.lang == "en" else sv, f"{base}{page}{qs}", page == current)
        for page, (perm, sv, en) in PAGES.items()
        if allowed(ctx.actor.role, perm) and not (page == "gaps" and ctx.public)
    ]


def _cells(
    ctx: Context, records: str, cell_m: float, start: datetime | None = None, end: datetime | None = None
) -> list[Cell]:
    kind, remarks = RECORD_LAYERS[records]
    flt = ctx.q.for_kind(kind)
    if start is not None or end is not None:
        flt = replace(flt, start=start, end=end)
    count = spatial_stats.hexbin_counts if ctx.q.shape == "hex" else spatial_stats.grid_counts
    return count(
        ctx.session, kind, ctx.actor, flt, cell_m=cell_m, remarks_only=remarks, rules=ctx.rules, now=ctx.now
    )


def _zones(ctx: Context, highlight: str | None = None) -> list[ZoneShape]:
    return rec.zones(
        ctx.session, ctx.actor, ctx.lang, highlight=highlight or ctx.q.raw.get("zone") or rec.DEFAULT_ZONE
    )


def _new_map(ctx: Context, zones: list[ZoneShape], focus: list[dict] | None = None) -> folium.Map:
    """A base map fitted to the ``zone`` asked for, else to ``focus``, else to the municipality."""
    wanted = ctx.q.raw.get("zone")
    geoms = [z.geometry for z in zones if z.code == wanted] if wanted else []
    geoms = (
        geoms or [g for g in (focus or []) if g] or [z.geometry for z in zones if z.kind == "MUNICIPALITY"]
    )
    return base_map(bounds_of(geoms), tiles=ctx.maps.tile_source(), lang=ctx.lang)


def _cell_geoms(cells: list[Cell]) -> list[dict]:
    if not cells:
        return []
    lons, lats = centres_lonlat(cells)
    corners = [[float(lons.min()), float(lats.min())], [float(lons.max()), float(lats.max())]]
    return [{"type": "MultiPoint", "coordinates": corners}]


def _finish(ctx: Context, m: folium.Map, page: str, legend: list, extra_lines: tuple[str, ...] = ()) -> Built:
    lines = [*ctx.q.lines(), *extra_lines]
    if ctx.maps.tile_source() is None:
        lines.append(text("no_tiles", ctx.lang))
    title = page_title(page, ctx.lang)
    finish(m, title=title, lines=lines, nav=nav_links(ctx, page), legend=legend)
    return Built(m, title)


def _zone_layers(ctx: Context, m: folium.Map, zones: list[ZoneShape]) -> list[LegendSection | None]:
    sections = [add_municipality(m, zones, lang=ctx.lang), add_zones(m, zones, lang=ctx.lang)]
    return [merge_sections(text("zones", ctx.lang), sections)]


def _data_extent(ctx: Context, zones: list[ZoneShape], *geometry_lists: list[dict]) -> list[dict]:
    """What a map of records is fitted to: the ``zone`` asked for, else the records and the zones."""
    if ctx.q.raw.get("zone"):
        return []  # _new_map fits the zone
    geoms = [g for geoms in geometry_lists for g in geoms]
    if not geoms:
        return []
    return geoms + [z.geometry for z in zones if z.kind == "RESECENTRUM"]


# --------------------------------------------------------------------------- the maps


def overview(ctx: Context) -> Built:
    """Zones, measures, operations (signed-in roles) and published heat of checks and incidents."""
    zones = _zones(ctx)
    shapes = rec.measures(ctx.session, ctx.actor, ctx.q.for_kind("measures"), ctx.lang)
    pins: list[OperationPin] = []
    total = 0
    if allowed(ctx.actor.role, "operations:read"):
        pins, total = rec.operations(ctx.session, ctx.actor, ctx.q.for_kind("operations"), ctx.lang)
    points = [{"type": "Point", "coordinates": [p.lon, p.lat]} for p in pins]
    m = _new_map(ctx, zones, _data_extent(ctx, zones, [ms.geometry for ms in shapes], points))
    legend = _zone_layers(ctx, m, zones)
    legend += add_measures(m, shapes, lang=ctx.lang)
    if allowed(ctx.actor.role, "operations:read"):
        note = text("shown_of", ctx.lang, shown=len(pins), total=total) if total > len(pins) else None
        legend.append(add_operations(m, pins, lang=ctx.lang, note=note))
    size = ctx.cell_m()
    for records, colours in (("checks", HEAT_COLOURS), ("incidents", INCIDENT_COLOURS)):
        cells = _cells(ctx, records, size)
        legend.append(
            add_count_cells(
                m, cells, name=text(records, ctx.lang), colours=colours, lang=ctx.lang, show=False
            )
        )
    return _finish(ctx, m, "overview", legend, (ctx.cell_note(size), *ctx.public_notes()))


def heatmap(ctx: Context) -> Built:
    """Cells of checks, checks with a remark and incidents; a time slider with ``step``."""
    if ctx.q.step is not None:
        return time_view(ctx)
    zones = _zones(ctx)
    size = ctx.cell_m()
    checks, remarks = spatial_stats.checks_and_remarks(
        ctx.session,
        ctx.actor,
        ctx.q.for_kind("checks"),
        shape=ctx.q.shape,
        cell_m=size,
        rules=ctx.rules,
        now=ctx.now,
    )
    layers = {"checks": checks, "remarks": remarks, "incidents": _cells(ctx, "incidents", size)}
    shown = ctx.q.records
    m = _new_map(ctx, zones, _cell_geoms(layers[shown]))
    legend = _zone_layers(ctx, m, zones)
    colours = {"checks": HEAT_COLOURS, "remarks": HEAT_COLOURS, "incidents": INCIDENT_COLOURS}
    for records, cells in layers.items():
        section = add_count_cells(
            m,
            cells,
            name=text(records, ctx.lang),
            colours=colours[records],
            lang=ctx.lang,
            show=records == shown,
        )
        if records == shown:
            legend.append(section)
    add_heat_points(m, layers[shown], name=f"{text(shown, ctx.lang)}: {text('heat', ctx.lang).lower()}")
    return _finish(ctx, m, "heatmap", legend, (ctx.cell_note(size), *ctx.public_notes()))


def steps(ctx: Context) -> list[tuple[datetime, datetime]]:
    """Weekly or monthly steps over the filter's interval (default: the last 12 months)."""
    end = ctx.q.flt.end or ctx.now
    start = ctx.q.flt.start or (end - timedelta(days=365))
    t = start.astimezone(STOCKHOLM)
    if ctx.q.step == "month":
        t = t.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    else:
        t = (t - timedelta(days=t.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    out: list[tuple[datetime, datetime]] = []
    while t.astimezone(UTC) < end and len(out) < MAX_STEPS:
        if ctx.q.step == "month":
            nxt = (t.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            nxt = t + timedelta(days=7)
        nxt = nxt.replace(tzinfo=STOCKHOLM)  # wall-clock step across daylight-saving changes
        out.append((max(t.astimezone(UTC), start), min(nxt.astimezone(UTC), end)))
        t = nxt
    return out


def time_view(ctx: Context) -> Built:
    """The heat of ``records`` step by step with a time slider."""
    zones = _zones(ctx)
    size = ctx.cell_m()
    series = [(a, _cells(ctx, ctx.q.records, size, a, b)) for a, b in steps(ctx)]
    extent = [g for _t, cells in series for g in _cell_geoms(cells)]  # each step has its own lattice object
    m = _new_map(ctx, zones, extent)
    legend = _zone_layers(ctx, m, zones)
    colours = INCIDENT_COLOURS if ctx.q.records == "incidents" else HEAT_COLOURS
    legend.append(
        add_time_steps(
            m,
            series,
            step=ctx.q.step or "month",
            colours=colours,
            lang=ctx.lang,
            name=text(ctx.q.records, ctx.lang),
        )
    )
    return _finish(ctx, m, "heatmap", legend, (ctx.cell_note(size), *ctx.public_notes()))


def measures(ctx: Context) -> Built:
    """Safety measures by kind and status over the zones."""
    zones = _zones(ctx)
    shapes = rec.measures(ctx.session, ctx.actor, ctx.q.for_kind("measures"), ctx.lang)
    m = _new_map(ctx, zones, _data_extent(ctx, zones, [ms.geometry for ms in shapes]))
    legend = _zone_layers(ctx, m, zones)
    legend += add_measures(m, shapes, lang=ctx.lang)
    return _finish(ctx, m, "measures", legend)


def presence(ctx: Context) -> Built:
    """Presence minutes per cell inside a zone (default resecentrum 300 m)."""
    zone = ctx.q.raw.get("zone") or rec.DEFAULT_ZONE
    zones = _zones(ctx, zone)
    size = ctx.cell_m(spatial_stats.DEFAULT_PRESENCE_CELL_M)
    plain = replace(ctx.q.for_kind("presence"), within=None, bbox=None)
    cells = spatial_stats.presence_coverage(
        ctx.session, ctx.actor, plain, zone, size, shape=ctx.q.shape, now=ctx.now
    )
    m = _new_map(ctx, zones, [z.geometry for z in zones if z.code == zone])
    legend = _zone_layers(ctx, m, zones)
    legend.append(
        add_count_cells(
            m,
            cells,
            name=text("presence", ctx.lang),
            colours=PRESENCE_COLOURS,
            lang=ctx.lang,
            value="minutes",
        )
    )
    return _finish(ctx, m, "presence", legend, (ctx.cell_note(size),))


def hotspots(ctx: Context) -> Built:
    """Getis-Ord Gi* hot and cold spots of checks, remarks or incidents."""
    zones = _zones(ctx)
    kind, remarks = RECORD_LAYERS[ctx.q.records]
    size = ctx.cell_m()
    result = spatial_stats.hotspots(
        ctx.session,
        kind,
        ctx.actor,
        ctx.q.for_kind(kind),
        cell_m=size,
        shape=ctx.q.shape,
        remarks_only=remarks,
        rules=ctx.rules,
        now=ctx.now,
    )
    m = _new_map(ctx, zones, _cell_geoms([h.cell for h in result.cells]))
    legend = _zone_layers(ctx, m, zones)
    legend.append(
        add_hotspots(m, result, name=f"{text('hotspots', ctx.lang)}: {text(ctx.q.records, ctx.lang).lower()}",
                     lang=ctx.lang, notes=ctx.public_notes())
    )  # fmt: skip
    return _finish(ctx, m, "hotspots", legend, (ctx.cell_note(size),))


def gaps(ctx: Context) -> Built:
    """Where problems are dense and enforcement (and, for the police, presence) thin."""
    if ctx.public:
        raise PermissionDenied("the gap map is not published / luckkartan publiceras inte")
    zones = _zones(ctx)
    size = ctx.cell_m()
    cells = spatial_stats.gaps(ctx.session, ctx.actor, ctx.q.flt, cell_m=size, shape=ctx.q.shape, now=ctx.now)
    m = _new_map(ctx, zones, _cell_geoms([g.cell for g in cells]))
    legend = _zone_layers(ctx, m, zones)
    police = ctx.actor.is_police or ctx.actor.role == "admin"
    legend.append(add_gaps(m, cells, lang=ctx.lang, presence=police))
    return _finish(ctx, m, "gaps", legend, (ctx.cell_note(size),))


BUILDERS: dict[str, Callable[[Context], Built]] = {
    "overview": overview,
    "heatmap": heatmap,
    "measures": measures,
    "presence": presence,
    "hotspots": hotspots,
    "gaps": gaps,
}


def build(page: str, ctx: Context) -> Built:
    """The map ``page`` for ``ctx`` (PermissionDenied when the role may not see it)."""
    permission = PAGES[page][0]
    if not allowed(ctx.actor.role, permission):
        raise PermissionDenied(f"the role {ctx.actor.role} may not see the {page} map ({permission})")
    return BUILDERS[page](ctx)
