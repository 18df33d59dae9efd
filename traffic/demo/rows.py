"""Turn generated records into table rows and insert them with Core ``executemany``.

The ORM would compute the bounding box and SWEREF 99 TM columns in its ``@validates`` hooks
(see ``traffic.storage.base``) and write one audit event per row; here the same values are
computed directly so that large volumes load fast, with one audit event per demo build.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shapely.geometry.base import BaseGeometry
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from geo.crs import metric_xy
from geo.dbtypes import bbox_of

BATCH = 5000


def record_columns(record_id: uuid.UUID, org_id: uuid.UUID | None, created_at: datetime) -> dict:
    """The RecordMixin/OwnedMixin columns of a new record (no account: created_by is empty)."""
    row: dict[str, Any] = {
        "id": record_id,
        "created_at": created_at,
        "updated_at": created_at,
        "deleted_at": None,
        "version": 1,
    }
    if org_id is not None:
        row["org_id"] = org_id
        row["created_by"] = None
    return row


def spatial_columns(geom: BaseGeometry | None) -> dict:
    """``geom`` and its bounding box, as SpatialMixin keeps them."""
    minx, miny, maxx, maxy = bbox_of(geom) if geom is not None else (None, None, None, None)
    return {"geom": geom, "bbox_minx": minx, "bbox_miny": miny, "bbox_maxx": maxx, "bbox_maxy": maxy}


def point_columns(geom: BaseGeometry) -> dict:
    """Spatial columns plus the SWEREF 99 TM metres of the centroid (MetricPointMixin)."""
    c = geom.centroid
    e, n = metric_xy(c.x, c.y)
    return {**spatial_columns(geom), "sweref_e": float(e), "sweref_n": float(n)}


def insert_rows(session: Session, table: Table, rows: Iterable[dict], batch: int = BATCH) -> int:
    """Insert ``rows`` in batches through the session's connection; return how many."""
    total = 0
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            session.execute(insert(table), chunk)
            total += len(chunk)
            chunk = []
    if chunk:
        session.execute(insert(table), chunk)
        total += len(chunk)
    return total
