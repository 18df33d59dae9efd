"""Spatial questions about vehicle checks: "which checks lie within N m of this, in this period?".

A check is a point, and next to its WGS84 ``geom`` it stores its SWEREF 99 TM metres
(``sweref_e``, ``sweref_n``, projected by pyproj when the row is written). Two methods:

* ``method="metric"`` (default) measures the distance from those stored metres.
  PostGIS: the GiST index on ``geom`` (``geom && envelope`` from
  :class:`geo.spatial_sql.DWithinFilter`), then ``ST_DWithin`` on ``ST_Point(sweref_e, sweref_n)``
  in SQL. SQLite: the metric square ``sweref_e BETWEEN x-r AND x+r AND sweref_n BETWEEN ...``
  (b-tree on both columns; with a period SQLite prefers the ``checked_at`` index), then one
  vectorised shapely distance. Both backends compare the same stored numbers with the same
  point-to-geometry distance, so they give the same answer, and neither re-projects each row.
* ``method="generic"`` is :mod:`geo.spatial_sql` unchanged: PostGIS ``ST_Transform(geom)`` per
  candidate, SQLite bbox index then :func:`~geo.spatial_sql.refine_rows`. Same answer, slower;
  it is kept for comparison (see tests/traffic/test_check_query.py).
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Boolean, LargeBinary, Select, func, literal, literal_column, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from geo.crs import SWEREF99TM_SRID, WGS84_SRID, to_metric
from geo.spatial_sql import POSTGRESQL, DWithinFilter, SpatialColumns, apply_filters, refine_rows
from traffic.checks.models import VehicleCheck
from traffic.timeutil import Period

Method = Literal["metric", "generic"]
C = VehicleCheck


def checks_within(
    session: Session,
    *,
    geom: BaseGeometry,
    metres: float,
    period: Period | None = None,
    method: Method = "metric",
) -> list[uuid.UUID]:
    """Ids of the (not deleted) checks within ``metres`` of the WGS84 ``geom``, in ``period``.

    Distances are planar in SWEREF 99 TM; ``period`` is half-open ``[start, end)``. The ids
    come back ordered by check time, then id.
    """
    flt = DWithinFilter(geom, float(metres))
    dialect = session.get_bind().dialect.name
    if dialect == POSTGRESQL:
        # One array instead of a row per check: tens of thousands of Row objects cost more than
        # the query itself.
        ids = func.array_agg(aggregate_order_by(C.id, C.checked_at, C.id))
        stmt = _postgis(flt, _base([ids], period), method)
        return _without_jit(session, lambda: session.execute(stmt).scalar_one() or [])
    # ORDER BY also leads SQLite to the checked_at index when a period is given: in a table that
    # grows in time order, the period's rows lie together, while the metric square around a busy
    # place gathers rows from all of the table.
    if method == "generic":
        stmt = apply_filters(_base([C.id, C.geom], period), SpatialColumns.of(C), [flt], dialect)
        rows = session.connection().execute(stmt.order_by(C.checked_at, C.id))
        return [r.id for r in refine_rows(rows, lambda r: r.geom, [flt], dialect)]
    return _sqlite_metric(session, flt, period, C.id)


def count_checks_within(
    session: Session,
    *,
    geom: BaseGeometry,
    metres: float,
    period: Period | None = None,
    method: Method = "metric",
) -> int:
    """How many checks :func:`checks_within` would return (counted in SQL on PostGIS)."""
    flt = DWithinFilter(geom, float(metres))
    if session.get_bind().dialect.name != POSTGRESQL:
        if method == "generic":
            return len(checks_within(session, geom=geom, metres=metres, period=period, method=method))
        return len(_sqlite_metric(session, flt, period, literal_column("0")))  # no ids to build
    stmt = _postgis(flt, _base([func.count()], period), method)
    return int(_without_jit(session, lambda: session.scalar(stmt)) or 0)


def _base(columns: list[Any], period: Period | None) -> Select[Any]:
    stmt = select(*columns).select_from(C).where(C.deleted_at.is_(None))
    if period is not None:
        stmt = stmt.where(C.checked_at >= period.start, C.checked_at < period.end)
    return stmt


def _postgis(flt: DWithinFilter, stmt: Select[Any], method: Method) -> Select[Any]:
    if method == "generic":
        return apply_filters(stmt, SpatialColumns.of(C), [flt], POSTGRESQL)
    box = func.ST_MakeEnvelope(*flt.envelope(), WGS84_SRID)
    index_hit = C.geom.op("&&", return_type=Boolean)(box)  # the GiST index
    point = func.ST_Point(C.sweref_e, C.sweref_n, SWEREF99TM_SRID)
    return stmt.where(index_hit, func.ST_DWithin(point, _metric_literal(flt.geom), flt.metres, type_=Boolean))


def _metric_literal(geom: BaseGeometry) -> ColumnElement[Any]:
    """``geom`` projected to SWEREF 99 TM once, as a bound EWKB parameter."""
    ewkb = shapely.to_wkb(shapely.set_srid(to_metric(geom), SWEREF99TM_SRID), include_srid=True)
    return func.ST_GeomFromEWKB(literal(ewkb, LargeBinary))


def _without_jit(session: Session, run: Any) -> Any:
    """Run one query with PostgreSQL's JIT off, then restore the setting.

    PostGIS declares ``ST_DWithin``/``ST_Transform`` with cost 10000, so a few thousand candidate
    rows push any spatial plan past ``jit_above_cost``, and PostgreSQL then spends 0.3-0.8 s
    compiling a query that runs in tens of milliseconds. (If the query fails, the transaction
    is aborted and its rollback discards the local setting anyway.)
    """
    before = session.execute(text("SELECT current_setting('jit')")).scalar()
    session.execute(text("SELECT set_config('jit', 'off', true)"))
    result = run()
    session.execute(text("SELECT set_config('jit', :value, true)"), {"value": before})
    return result


def _sqlite_metric(session: Session, flt: DWithinFilter, period: Period | None, column: Any) -> list[Any]:
    """``column`` of the matching checks: the indexed SWEREF 99 TM square, then one distance test."""
    target = to_metric(flt.geom)
    minx, miny, maxx, maxy = target.bounds
    r = flt.metres
    stmt = _base([column, C.sweref_e, C.sweref_n], period).where(
        C.sweref_e.between(minx - r, maxx + r), C.sweref_n.between(miny - r, maxy + r)
    )
    rows = session.connection().execute(stmt.order_by(C.checked_at, C.id)).all()
    if not rows:
        return []
    e = np.fromiter((row.sweref_e for row in rows), float, len(rows))
    n = np.fromiter((row.sweref_n for row in rows), float, len(rows))
    near = shapely.distance(shapely.points(e, n), target) <= r
    return [row[0] for row, ok in zip(rows, near.tolist(), strict=True) if ok]
