"""Read-only rows for list pages: a record's columns without ORM instances.

A GeoJSON page of 1,000 checks spent most of its time building ORM objects (identity map,
instance state, the selectin load of codes) that are only read once and serialised. A row
carries the same attribute names as the model, so the read schemas validate it unchanged.
A page is one query: only the columns the read schema needs, the codes of a check folded
into one string by a correlated subquery, geometries decoded for the whole page at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import shapely
from sqlalchemy import ColumnElement, Select, String, cast, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from traffic.checks.models import FINDING, OUTCOME, CheckCode, VehicleCheck
from traffic.tallies.models import Tally

Row = SimpleNamespace
_CODES = "codes_packed"


def _packed_codes(check_id: ColumnElement[Any]) -> ColumnElement[Any]:
    # "kind position code" per code, comma-separated (codes are vocabulary keys: no spaces or
    # commas). Order is restored in Python: SQLite before 3.44 cannot order an aggregate.
    entry = CheckCode.kind + " " + cast(CheckCode.position, String) + " " + CheckCode.code
    return (
        select(func.aggregate_strings(entry, ","))
        .where(CheckCode.check_id == check_id)
        .scalar_subquery()
        .label(_CODES)
    )


def _unpack_codes(rows: list[Row]) -> None:
    for row in rows:
        found: dict[str, list[tuple[int, str]]] = {FINDING: [], OUTCOME: []}
        packed = row.__dict__.pop(_CODES)
        if packed:
            for entry in packed.split(","):
                kind, position, code = entry.split(" ")
                found[kind].append((int(position), code))
        row.findings = [code for _, code in sorted(found[FINDING])]
        row.outcomes = [code for _, code in sorted(found[OUTCOME])]


# Extra columns a read schema needs besides the model's own (given the record's id column),
# and how to finish the rows with them.
ChildColumn = Callable[[ColumnElement[Any]], ColumnElement[Any]]
CHILDREN: dict[Any, tuple[ChildColumn, Callable[[list[Row]], None]]] = {
    VehicleCheck: (_packed_codes, _unpack_codes)
}
ORM_ONLY = frozenset({Tally})  # its read schema converts child rows: not worth a second path


def supports_rows(model: Any) -> bool:
    """True if pages of ``model`` can be loaded as rows."""
    return model not in ORM_ONLY


def _columns(
    model: Any, fields: Collection[str] | None, extra: Collection[str] = ()
) -> list[ColumnElement[Any]]:
    keys = [a.key for a in model.__mapper__.column_attrs]
    if fields is not None:  # what the schema reads, and what visibility decides on
        keys = [k for k in keys if k in fields or k in extra or k in ("id", "org_id", "geom")]
    return [
        # Raw WKB (bytes, or hex text from PostGIS): decoded for the whole page in one call.
        type_coerce(getattr(model, k), NullType()).label(k) if k == "geom" else getattr(model, k)
        for k in keys
    ]


def _finish(model: Any, rows: list[Row]) -> list[Row]:
    if rows and "geom" in rows[0].__dict__:
        raw = np.array([r.geom for r in rows], dtype=object)
        for row, geom in zip(rows, shapely.set_srid(shapely.from_wkb(raw), 0), strict=True):
            row.geom = geom
    if model in CHILDREN:
        CHILDREN[model][1](rows)
    return rows


def _execute(session: Session, model: Any, stmt: Select[Any]) -> list[Row]:
    result = session.connection().execute(stmt)  # Core: plain tuples, no ORM loading
    names = list(result.keys())
    # all(): one fetchall; iterating fetched row by row (psycopg: 12 ms per 1,000 rows).
    return _finish(model, [Row(**dict(zip(names, values, strict=True))) for values in result.all()])


def page_rows(
    session: Session,
    model: Any,
    ids: Select[Any],
    order: Callable[[Any], list[ColumnElement[Any]]],
    *,
    limit: int,
    offset: int,
    fields: Collection[str] | None = None,
    sort_keys: Collection[str] = (),
) -> list[Row]:
    """The page ``ids`` selects (its filters and order), as rows, in one query.

    The page is cut first and children are looked up for its rows only: SQLite computes a
    select list before it sorts, so a child subquery beside the filter would run for every
    match (8,700 instead of 1,000). ``order(columns)`` gives the ORDER BY over the page's
    columns, which hold ``sort_keys``.
    """
    page = (
        ids.with_only_columns(*_columns(model, fields, sort_keys))
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    children = [CHILDREN[model][0](page.c.id)] if model in CHILDREN else []
    stmt = select(page, *children).order_by(*order(page.c))
    return _execute(session, model, stmt)


def load_rows(
    session: Session, model: Any, ids: Sequence[uuid.UUID], fields: Collection[str] | None = None
) -> list[Row]:
    """The records ``ids`` (in that order) as rows."""
    if not ids:
        return []
    children = [CHILDREN[model][0](model.id)] if model in CHILDREN else []
    stmt = select(*_columns(model, fields), *children).where(model.id.in_(list(ids)))
    by_id = {r.id: r for r in _execute(session, model, stmt)}
    return [by_id[i] for i in ids if i in by_id]
