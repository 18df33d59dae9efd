"""Spatial statistics over what an actor may see: grid and hexagon counts, hot spots, gaps, presence.

The computing is :mod:`geo` (lattices, Gi*, the gap rule, presence coverage); this module runs
the aggregation queries with the need-to-know rules and returns geo's plain dataclasses
(:class:`geo.grid.Cell`, :class:`geo.hotspots.HotSpotMap`, :class:`geo.gaps.GapCell`), which
``maps`` draws without importing ``traffic``.

How a count is scoped
---------------------
Every aggregation starts from :func:`traffic.queries.matching_ids` for the same actor and
:class:`~traffic.queries.RecordFilter` as the lists: need-to-know rules (a planned or ongoing
operation's checks count only for the police of its organisation), equality, time,
finding/outcome and spatial filters. Its WHERE clause is applied to the point table directly
rather than as ``id IN (subquery)``: the same rows, without building a million-id set first.

The grouping runs in SQL on both backends over the stored SWEREF 99 TM metres (``sweref_e``,
``sweref_n``; :mod:`geo.grid` and :mod:`geo.hexgrid` explain the arithmetic), so only one row
per occupied cell leaves the database. PostGIS applies spatial filters exactly in SQL. SQLite
only prefilters them on the bbox columns; its grouped cells are then classified against the
exact filter region: cells surely inside are kept, cells surely outside dropped, and only the
points of cells that straddle the edge are fetched and tested one by one (vectorised), so a
"within the municipality" map does not move a million points either.

Tallies have no place and are not in any map (as in :mod:`traffic.aggregates` with a spatial
filter). Checks "with a remark" are checks with a finding or an outcome other than
``UTAN_ANMARKNING``. Since every check has an outcome and "utan anmärkning" cannot be combined
with findings or other outcomes (``traffic.checks.rules.clean_codes``), that is the checks
*without* the outcome ``UTAN_ANMARKNING``, stored per check as ``has_remark`` so a map reads it
from the row (or SQLite's covering grid index) instead of probing ``check_codes``.

The public
----------
As the published figures of :mod:`traffic.aggregates`: counts are computed as a reader outside
every police organisation would see them, checks only of completed operations and older than
``PublicRules.delay_days``, and every cell with fewer than ``PublicRules.min_cell_size`` records
is dropped (:func:`public_cells`). The public gets no presence and no gap map (where the
police are *not* is tactical information).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from sqlalchemy import ColumnElement, Float, Integer, and_, cast, func, literal, select, text
from sqlalchemy.orm import Session

from geo.area import SWEDEN_ENVELOPE
from geo.coverage import DEFAULT_STEP_S, Coverage
from geo.crs import metric_xy, to_metric, to_wgs84
from geo.gaps import GapCell, GapRule, gap_analysis
from geo.grid import (
    Cell,
    Lattice,
    SquareGrid,
    aggregate,
    base_factor,
    classify_cells,
    coarsen_keys,
    covering_cells,
    make_cells,
    pack_keys,
    unpack_keys,
)
from geo.hexgrid import HexGrid
from geo.hotspots import HotSpotMap, hot_spot_map
from geo.spatial_sql import POSTGRESQL, BBoxFilter, DWithinFilter, SpatialFilter, WithinGeometryFilter
from traffic.actors import Actor
from traffic.aggregates import PUBLISHED_READER, PublicRules
from traffic.checks.models import VehicleCheck
from traffic.errors import PermissionDenied, ValidationFailed
from traffic.incidents.models import Incident
from traffic.operations.models import Operation
from traffic.presence.models import GPS_TRACK, POINT_STAY, ZONE_CHECKIN, PresenceSession
from traffic.queries import SPECS, RecordFilter, matching_ids
from traffic.storage.base import utcnow
from traffic.visibility import INSIDERS
from traffic.zones.models import Zone
from traffic.zones.service import zone_by_code

Shape = Literal["square", "hex"]
POINT_KINDS: dict[str, Any] = {"checks": VehicleCheck, "incidents": Incident}
# Numeric fields a map may sum instead of counting records (``Cell.value``).
WEIGHTS: dict[str, tuple[str, ...]] = {"checks": ("fine_amount_sek", "measured_speed_kmh", "passengers")}
DEFAULT_CELL_M = 100.0
DEFAULT_PRESENCE_CELL_M = 50.0
DEFAULT_PRESENCE_ZONE = "resecentrum_300m"
KEY_CHUNK = 5000
SEGMENTIZE_DEG = 0.001  # ≈ 60–110 m: WGS84 edges are projected through intermediate vertices


def lattice(shape: Shape = "square", cell_m: float = DEFAULT_CELL_M) -> Lattice:
    """The square grid or hexagon lattice of ``cell_m`` metres (validated)."""
    if shape not in ("square", "hex"):
        raise ValidationFailed(f"shape must be square or hex, got {shape!r}", field="shape")
    try:
        return SquareGrid(cell_m) if shape == "square" else HexGrid(cell_m)
    except ValueError as exc:
        raise ValidationFailed(str(getattr(exc, "message", exc)), field="cell_m") from None


def public_cells(cells: Sequence[Any], min_count: int = PublicRules().min_cell_size) -> list[Any]:
    """The cells the public may see: those with at least ``min_count`` records.

    Works for :class:`~geo.grid.Cell` and for anything with a ``cell`` attribute holding one
    (hot-spot and gap cells).
    """
    return [c for c in cells if getattr(c, "cell", c).count >= min_count]


# --------------------------------------------------------------------------- scoping


@dataclass(frozen=True)
class _Scope:
    model: Any
    rules: ColumnElement[bool]  # visibility and filters, without "has metric coordinates"
    pending: list[SpatialFilter]  # spatial filters SQL only prefiltered (SQLite)
    public: bool

    @property
    def where(self) -> ColumnElement[bool]:
        """The records to count: ``rules``, located in SWEREF 99 TM."""
        return and_(self.rules, self.model.sweref_e.is_not(None), self.model.sweref_n.is_not(None))

    @property
    def where_keyed(self) -> ColumnElement[bool]:
        """The same records, told by their stored 100 m key (all an index on it needs to read)."""
        return and_(self.rules, self.model.grid_100m.is_not(None))


def _is_public(actor: Actor) -> bool:
    return actor.role == "public"


def _scope(
    session: Session,
    kind: str,
    actor: Actor,
    flt: RecordFilter,
    *,
    remarks_only: bool = False,
    rules: PublicRules | None = None,
    now: datetime | None = None,
) -> _Scope:
    if kind not in POINT_KINDS:
        raise ValidationFailed(f"maps exist for {', '.join(POINT_KINDS)}, not {kind!r}", field="kind")
    if remarks_only and kind != "checks":
        raise ValidationFailed("only checks have remarks", field="remarks_only")
    model = POINT_KINDS[kind]
    public = _is_public(actor)
    reader = PUBLISHED_READER if public else actor
    stmt = matching_ids(session, kind, reader, flt, None).order_by(None)
    froms = stmt.get_final_froms()
    if len(froms) == 1 and froms[0] is model.__table__ and stmt.whereclause is not None:
        where: ColumnElement[bool] = stmt.whereclause
    else:  # matching_ids grew a join: fall back to the always-correct subquery
        where = model.id.in_(stmt)
    extra: list[ColumnElement[bool]] = []
    if public and kind == "checks":
        before = (now or utcnow()) - timedelta(days=(rules or PublicRules()).delay_days)
        completed = select(Operation.id).where(Operation.status == "COMPLETED")
        extra += [VehicleCheck.operation_id.in_(completed), VehicleCheck.checked_at < before]
    if remarks_only:
        extra.append(VehicleCheck.has_remark.is_(True))
    dialect = session.get_bind().dialect.name
    pending = [f for f in flt.spatial() if f.needs_refine(dialect)]
    return _Scope(model, and_(where, *extra), pending, public)


def _weight_column(kind: str, weight: str | None) -> ColumnElement[Any] | None:
    if weight is None:
        return None
    allowed = WEIGHTS.get(kind, ())
    if weight not in allowed:
        valid = ", ".join(allowed) or "none"
        raise ValidationFailed(f"{kind} cannot be weighted by {weight!r}; valid: {valid}", field="weight")
    return func.coalesce(getattr(POINT_KINDS[kind], weight), 0)


# --------------------------------------------------------------------------- SQL grouping


def _without_jit(session: Session, run: Any) -> Any:
    """Run a query with PostgreSQL's JIT off (compiling costs more than a one-pass aggregate)."""
    if session.get_bind().dialect.name != POSTGRESQL:
        return run()
    before = session.execute(text("SELECT current_setting('jit')")).scalar()
    session.execute(text("SELECT set_config('jit', 'off', true)"))
    try:
        return run()
    finally:
        session.execute(text("SELECT set_config('jit', :value, true)"), {"value": before})


def _group(session: Session, lat: Lattice, scope: _Scope, value: ColumnElement[Any] | None) -> np.ndarray:
    """Rows ``(i, j, count, value)`` of the occupied cells, grouped in SQL.

    Squares of whole multiples of 100 m are grouped by the stored 100 m key (``grid_100m``)
    and, when bigger, merged here; other lattices by the packed key ``i·2³² + j`` computed per
    record (:func:`geo.grid.pack_keys`): SQLite groups by sorting, and one integer per record
    sorts about twice as fast as two (measured).
    """
    m = scope.model
    factor = base_factor(lat.size_m) if isinstance(lat, SquareGrid) else None
    if factor is not None:
        key: ColumnElement[Any] = m.grid_100m.label("k")
        where = scope.where_keyed
    else:
        key = lat.sql_key(m.sweref_e, m.sweref_n, session.get_bind().dialect.name).label("k")
        where = scope.where
    total = func.sum(value) if value is not None else func.count()
    stmt = select(key, func.count(), total).where(where).group_by(key)
    rows = _without_jit(session, lambda: session.execute(stmt).all())
    if not rows:
        return np.empty((0, 4))
    keys = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    counts = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
    values = np.fromiter((float(r[2] or 0.0) for r in rows), dtype=np.float64, count=len(rows))
    if factor is None:
        i, j = unpack_keys(keys)
        return np.column_stack([i, j, counts, values]).astype(np.float64)
    i, j = coarsen_keys(keys, factor)
    merged, where = np.unique(pack_keys(i, j), return_inverse=True)
    i, j = unpack_keys(merged)
    sums = [np.bincount(where, weights=w, minlength=len(merged)) for w in (counts, values)]
    return np.column_stack([i, j, *sums]).astype(np.float64)


def _filter_region(f: SpatialFilter) -> tuple[BaseGeometry | None, float]:
    """The exact region of a spatial filter in SWEREF 99 TM, and the margin its drawing needs."""
    if isinstance(f, BBoxFilter):
        geom: BaseGeometry = shapely.box(*f.envelope())
    elif isinstance(f, WithinGeometryFilter):
        geom = f.geom
    elif isinstance(f, DWithinFilter):
        quad = 64
        sagitta = f.metres * (1 - math.cos(math.pi / (4 * quad)))  # buffer chords lie inside
        return to_metric(f.geom).buffer(f.metres, quad_segs=quad), 1.0 + 2 * sagitta
    else:
        return None, 0.0
    return to_metric(shapely.segmentize(geom, SEGMENTIZE_DEG)), 1.0


def _refine_points(
    filters: Sequence[SpatialFilter], e: np.ndarray, n: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Per point, whether it passes every filter exactly (as :meth:`SpatialFilter.refine`)."""
    keep = np.ones(len(e), dtype=bool)
    for f in filters:
        if isinstance(f, BBoxFilter):
            keep &= shapely.intersects_xy(shapely.box(*f.envelope()), lon, lat)
        elif isinstance(f, WithinGeometryFilter):
            target = shapely.from_wkb(shapely.to_wkb(f.geom))
            shapely.prepare(target)
            keep &= shapely.intersects_xy(target, lon, lat)
        elif isinstance(f, DWithinFilter):
            keep &= shapely.distance(to_metric(f.geom), shapely.points(e, n)) <= f.metres
        else:
            keep &= np.array([f.refine(Point(a, b)) for a, b in zip(lon, lat, strict=True)], dtype=bool)
    return keep


def _exact_cells(
    session: Session, lat: Lattice, scope: _Scope, value: ColumnElement[Any] | None
) -> np.ndarray:
    """Cell rows ``(i, j, count, value)``, exact also where SQL only prefiltered (SQLite).

    Cells surely inside every filter region count whole, cells surely outside are dropped, and
    only the records of cells on an edge are fetched and tested. (Grouping by squares an
    eighth of a cell wide as well, to fetch fewer edge records, was measured: no faster for a
    300 m zone, 1.8× slower for the municipality, so the cell is the unit.)
    """
    rows = _group(session, lat, scope, value)
    if not scope.pending or len(rows) == 0:
        return rows
    i, j = rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)
    inside = np.ones(len(rows), dtype=bool)
    outside = np.zeros(len(rows), dtype=bool)
    for f in scope.pending:
        region, margin = _filter_region(f)
        if region is None:
            inside[:] = False
            continue
        f_in, f_out = classify_cells(lat, i, j, region, margin)
        inside &= f_in
        outside |= f_out
    edge = ~inside & ~outside
    if not edge.any():
        return rows[inside]
    return np.concatenate(
        [rows[inside], _edge_points(session, lat, scope, value, pack_keys(i[edge], j[edge]))]
    )


def _edge_points(
    session: Session, lat: Lattice, scope: _Scope, value: ColumnElement[Any] | None, keys: np.ndarray
) -> np.ndarray:
    """Fetch the records of the given cells, test them exactly, group what passes into cells."""
    m = scope.model
    key = lat.sql_key(m.sweref_e, m.sweref_n, session.get_bind().dialect.name)
    w = value if value is not None else literal(1.0, Float)
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = keys[start : start + KEY_CHUNK].tolist()
        stmt = select(m.sweref_e, m.sweref_n, m.bbox_minx, m.bbox_miny, w).where(scope.where, key.in_(chunk))
        rows.extend(tuple(r) for r in session.execute(stmt))
    pts = np.array(rows, dtype=np.float64).reshape(-1, 5)
    pts = pts[_refine_points(scope.pending, pts[:, 0], pts[:, 1], pts[:, 2], pts[:, 3])]
    i, j, count, total = aggregate(lat, pts[:, 0], pts[:, 1], pts[:, 4])
    return np.column_stack([i, j, count, total]).astype(np.float64).reshape(-1, 4)


def _cells(
    session: Session,
    kind: str,
    actor: Actor,
    flt: RecordFilter | None,
    lat: Lattice,
    *,
    weight: str | None = None,
    remarks_only: bool = False,
    rules: PublicRules | None = None,
    now: datetime | None = None,
) -> list[Cell]:
    flt = flt or RecordFilter()
    scope = _scope(session, kind, actor, flt, remarks_only=remarks_only, rules=rules, now=now)
    value = _weight_column(kind, weight)
    grouped = _exact_cells(session, lat, scope, value)
    cells = make_cells(
        lat,
        grouped[:, 0].astype(np.int64),
        grouped[:, 1].astype(np.int64),
        grouped[:, 2].astype(np.int64),
        grouped[:, 3],
    )
    if scope.public:
        cells = public_cells(cells, (rules or PublicRules()).min_cell_size)
    return cells


# --------------------------------------------------------------------------- public API


def checks_and_remarks(
    session: Session,
    actor: Actor,
    flt: RecordFilter | None = None,
    *,
    shape: Shape = "square",
    cell_m: float = DEFAULT_CELL_M,
    rules: PublicRules | None = None,
    now: datetime | None = None,
) -> tuple[list[Cell], list[Cell]]:
    """Cells of all checks and of checks with a remark, from one grouping pass.

    The same as ``grid_counts``/``hexbin_counts`` of ``checks`` without and with
    ``remarks_only`` (each suppressed on its own for the public), at the cost of one query.
    """
    lat = lattice(shape, cell_m)
    scope = _scope(session, "checks", actor, flt or RecordFilter(), rules=rules, now=now)
    grouped = _exact_cells(session, lat, scope, cast(VehicleCheck.has_remark, Integer))
    i, j = grouped[:, 0].astype(np.int64), grouped[:, 1].astype(np.int64)
    remarks = grouped[:, 3].astype(np.int64)
    checks = make_cells(lat, i, j, grouped[:, 2].astype(np.int64), grouped[:, 2])
    some = remarks > 0
    remarked = make_cells(lat, i[some], j[some], remarks[some], remarks[some].astype(np.float64))
    if scope.public:
        least = (rules or PublicRules()).min_cell_size
        return public_cells(checks, least), public_cells(remarked, least)
    return checks, remarked


def grid_counts(
    session: Session,
    kind: str,
    actor: Actor,
    flt: RecordFilter | None = None,
    *,
    cell_m: float = DEFAULT_CELL_M,
    weight: str | None = None,
    remarks_only: bool = False,
    rules: PublicRules | None = None,
    now: datetime | None = None,
) -> list[Cell]:
    """Visible ``checks`` or ``incidents`` matching ``flt`` per square SWEREF 99 TM cell.

    Parameters
    ----------
    cell_m : float
        Cell side in metres (1 m … 100 km).
    weight : str, optional
        A numeric field summed into ``Cell.value`` (e.g. ``fine_amount_sek``); ``count`` stays
        the number of records.
    remarks_only : bool
        Checks only: those with a finding or an outcome other than "utan anmärkning".

    Returns
    -------
    list of geo.grid.Cell
        Occupied cells sorted by ``(i, j)``; for the public only cells with at least
        ``rules.min_cell_size`` records.
    """
    return _cells(
        session,
        kind,
        actor,
        flt,
        lattice("square", cell_m),
        weight=weight,
        remarks_only=remarks_only,
        rules=rules,
        now=now,
    )


def hexbin_counts(
    session: Session,
    kind: str,
    actor: Actor,
    flt: RecordFilter | None = None,
    *,
    cell_m: float = DEFAULT_CELL_M,
    weight: str | None = None,
    remarks_only: bool = False,
    rules: PublicRules | None = None,
    now: datetime | None = None,
) -> list[Cell]:
    """As :func:`grid_counts` with pointy hexagons ``cell_m`` metres apart (see :mod:`geo.hexgrid`)."""
    return _cells(
        session,
        kind,
        actor,
        flt,
        lattice("hex", cell_m),
        weight=weight,
        remarks_only=remarks_only,
        rules=rules,
        now=now,
    )


def hotspots(
    session: Session,
    kind: str,
    actor: Actor,
    flt: RecordFilter | None = None,
    *,
    cell_m: float = DEFAULT_CELL_M,
    shape: Shape = "square",
    band_m: float | None = None,
    fdr: bool = True,
    study_area: BaseGeometry | None = None,
    remarks_only: bool = False,
    rules: PublicRules | None = None,
    now: datetime | None = None,
) -> HotSpotMap:
    """Getis-Ord Gi* hot and cold spots of visible records per cell (see :mod:`geo.hotspots`).

    Without ``study_area`` only occupied cells are analysed (ArcGIS's default); with a WGS84
    ``study_area`` every cell meeting it is analysed, empty ones as zeros, and records outside
    it are left out. For the public, Gi* runs on the published counts and only cells with at
    least ``rules.min_cell_size`` records are returned.
    """
    lat = lattice(shape, cell_m)
    public = _is_public(actor)
    # Gi* needs the small cells too; the public threshold is applied to the result below.
    reader_rules = replace(rules or PublicRules(), min_cell_size=0)
    cells = _cells(session, kind, actor, flt, lat, remarks_only=remarks_only, rules=reader_rules, now=now)
    if study_area is not None:
        cells = _fill_area(lat, cells, to_metric(study_area))
    result = hot_spot_map(cells, band_m=band_m, fdr=fdr)
    if public:
        result = replace(result, cells=public_cells(result.cells, (rules or PublicRules()).min_cell_size))
    return result


def _fill_area(lat: Lattice, cells: list[Cell], area_metric: BaseGeometry) -> list[Cell]:
    ai, aj = covering_cells(lat, area_metric)
    by_key = {c.key: c for c in cells}
    return [
        by_key.get((int(a), int(b)), Cell(lat, int(a), int(b), 0, 0.0)) for a, b in zip(ai, aj, strict=True)
    ]


def gaps(
    session: Session,
    actor: Actor,
    flt: RecordFilter | None = None,
    *,
    cell_m: float = DEFAULT_CELL_M,
    shape: Shape = "square",
    rule: GapRule | None = None,
    now: datetime | None = None,
) -> list[GapCell]:
    """Where problems (incidents, checks with a remark) are dense and enforcement thin.

    Enforcement is every visible check plus, for the police of the owning organisation,
    presence minutes (planners do not see presence: their effort index is checks alone).
    ``flt``'s equality, finding and outcome filters apply to the kinds that have them.
    """
    if _is_public(actor):
        raise PermissionDenied("the gap map is not published / luckkartan publiceras inte")
    flt = flt or RecordFilter()
    lat = lattice(shape, cell_m)
    incidents = _cells(session, "incidents", actor, _for_kind(flt, "incidents"), lat)
    checks_flt = _for_kind(flt, "checks")
    remarks = _cells(session, "checks", actor, checks_flt, lat, remarks_only=True)
    checks = _cells(session, "checks", actor, checks_flt, lat)
    problems: dict[tuple[int, int], float] = {}
    for c in [*incidents, *remarks]:
        problems[c.key] = problems.get(c.key, 0.0) + c.count
    presence = None
    if actor.role in INSIDERS and actor.org_id is not None:
        area = _area_of(flt)
        cover = _coverage(session, actor, flt, lat, area, per_officer=False, now=now)
        presence = {c.key: c.value for c in cover}
    return gap_analysis(lat, problems, {c.key: float(c.count) for c in checks}, presence, rule=rule)


def _for_kind(flt: RecordFilter, kind: str) -> RecordFilter:
    """``flt`` without the equality/code filters ``kind`` cannot take."""
    columns = SPECS[kind].columns
    equals = {k: v for k, v in flt.equals.items() if k in columns}
    if kind == "checks":
        return replace(flt, equals=equals)
    return replace(flt, equals=equals, finding=None, outcome=None)


def _area_of(flt: RecordFilter) -> BaseGeometry | None:
    """The WGS84 area a filter confines records to, if it names one."""
    if flt.within is not None:
        return flt.within
    if flt.near is not None:
        geom, metres = flt.near
        return to_wgs84(to_metric(geom).buffer(metres))
    if flt.bbox is not None:
        return shapely.box(*flt.bbox)
    return None


def presence_coverage(
    session: Session,
    actor: Actor,
    flt: RecordFilter | None = None,
    zone_code: str = DEFAULT_PRESENCE_ZONE,
    cell_m: float = DEFAULT_PRESENCE_CELL_M,
    *,
    shape: Shape = "square",
    per_officer: bool = False,
    now: datetime | None = None,
) -> list[Cell]:
    """Presence minutes per cell inside zone ``zone_code`` (rules in :mod:`geo.coverage`).

    Sessions are those the actor may see (police of the owning organisation) that match
    ``flt``'s time and equality filters; its spatial filters are not used (the zone is the
    place). An open check-in counts until ``now``. ``value`` is minutes (officer-minutes with
    ``per_officer``); ``count`` is the number of sessions with time in the cell.
    """
    zone = zone_by_code(session, zone_code)
    return _coverage(
        session,
        actor,
        flt or RecordFilter(),
        lattice(shape, cell_m),
        zone.geom,
        per_officer=per_officer,
        now=now,
    )


def _coverage(
    session: Session,
    actor: Actor,
    flt: RecordFilter,
    lat: Lattice,
    area: BaseGeometry | None,
    *,
    per_officer: bool,
    now: datetime | None,
) -> list[Cell]:
    if area is None:  # no place named: all of Sweden (its box; coarse vertices are enough)
        region = to_metric(shapely.segmentize(shapely.box(*SWEDEN_ENVELOPE), 0.5))
    else:
        region = to_metric(shapely.segmentize(area, SEGMENTIZE_DEG))
    cover = Coverage(lat, region)
    plain = replace(_for_kind(flt, "presence"), bbox=None, within=None, near=None)
    ids = matching_ids(session, "presence", actor, plain, None).order_by(None)
    p = PresenceSession
    rows = session.execute(
        select(p.kind, p.geom, p.start_at, p.end_at, p.track_times, p.zone_id, p.officers).where(
            p.id.in_(ids)
        )
    ).all()
    end_default = min(now or utcnow(), flt.end) if flt.end is not None else (now or utcnow())
    zones = _zone_geoms(session, {r.zone_id for r in rows if r.kind == ZONE_CHECKIN and r.zone_id})
    stays: list[tuple[float, float, float, float]] = []
    checkins: dict[Any, list[float]] = {}  # zone id → [minutes, sessions]
    for r in rows:
        weight = float(r.officers or 1) if per_officer else 1.0
        end = r.end_at or end_default
        minutes = max((end - r.start_at).total_seconds() / 60.0, 0.0)
        if r.kind == POINT_STAY and r.geom is not None:
            c = r.geom.centroid
            stays.append((c.x, c.y, minutes, weight))
        elif r.kind == ZONE_CHECKIN and r.zone_id in zones:
            entry = checkins.setdefault(r.zone_id, [0.0, 0])
            entry[0] += minutes * weight
            entry[1] += 1
        elif r.kind == GPS_TRACK and r.geom is not None and r.track_times:
            coords = np.asarray(r.geom.coords)
            x, y = metric_xy(coords[:, 0], coords[:, 1])
            t = np.array([_epoch(s) for s in r.track_times])
            cover.add_track(x, y, t, step_s=DEFAULT_STEP_S, weight=weight)
    for zone_id, (minutes, count) in checkins.items():
        cover.add_checkin(minutes, zones[zone_id], sessions=int(count))
    if stays:
        stay_lon, stay_lat, stay_minutes, stay_weights = np.array(stays).T
        x, y = metric_xy(stay_lon, stay_lat)
        cover.add_point_stays(x, y, stay_minutes, weight=stay_weights)
    return cover.cells()


def _zone_geoms(session: Session, ids: set[Any]) -> dict[Any, BaseGeometry]:
    if not ids:
        return {}
    rows = session.execute(select(Zone.id, Zone.geom).where(Zone.id.in_(ids))).all()
    return {r.id: to_metric(shapely.segmentize(r.geom, SEGMENTIZE_DEG)) for r in rows if r.geom is not None}


def _epoch(value: str) -> float:
    t = datetime.fromisoformat(value)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.timestamp()
