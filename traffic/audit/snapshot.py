"""JSON-safe snapshots of records for the audit trail."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import inspect

# Derived or bookkeeping columns that say nothing new about a change.
SKIP = frozenset(
    {
        "bbox_minx",
        "bbox_miny",
        "bbox_maxx",
        "bbox_maxy",
        "sweref_e",
        "sweref_n",
        "grid_100m",
        "updated_at",
        "password_hash",
    }
)


def jsonable(value: Any) -> Any:
    """Turn a column value into something JSON can carry."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, BaseGeometry):
        return shapely.to_wkt(value, rounding_precision=6)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: Any, *, previous: bool = False) -> dict[str, Any]:
    """Column values of ``obj``; with ``previous`` the values before unflushed changes."""
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIP:
            continue
        value = getattr(obj, attr.key)
        if previous:
            hist = state.attrs[attr.key].history
            if hist.deleted:
                value = hist.deleted[0]
        out[attr.key] = jsonable(value)
    extra = getattr(obj, "audit_extra", None)
    if callable(extra):
        out.update(jsonable(extra()))
    return out
