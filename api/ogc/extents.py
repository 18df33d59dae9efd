"""Spatial and temporal extents of a collection, computed from the records the caller may see.

The visibility condition is the one every list uses (``traffic.visibility.CONDITIONS``), so an
extent never widens to cover a record the caller may not know of (a planned operation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from traffic.actors import Actor
from traffic.geometry import operating_area
from traffic.queries import spec
from traffic.timeutil import STOCKHOLM
from traffic.visibility import CONDITIONS

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Extent:
    """A WGS84 lon/lat bbox (the operating area's when nothing is visible) and a time interval."""

    bbox: BBox
    start: datetime | None
    end: datetime | None


def _bbox(session: Session, model: Any, visible: Any) -> BBox | None:
    row = session.execute(
        select(
            func.min(model.bbox_minx),
            func.min(model.bbox_miny),
            func.max(model.bbox_maxx),
            func.max(model.bbox_maxy),
        ).where(visible)
    ).one()
    return None if any(v is None for v in row) else (row[0], row[1], row[2], row[3])


def _instant(value: Any, *, end: bool) -> datetime | None:
    """A stored time (or a Stockholm calendar day, taken whole) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        day = datetime.combine(value, time(), tzinfo=STOCKHOLM)
        if end:
            day = day + timedelta(days=1) - timedelta(seconds=1)
        return day.astimezone(UTC)
    raise TypeError(f"not a time: {value!r}")


def extent_of(session: Session, kind: str, actor: Actor) -> Extent:
    """The extent of the records of ``kind`` that ``actor`` may see."""
    s = spec(kind)
    visible = CONDITIONS[kind](actor)
    bbox = _bbox(session, s.model, visible) or _area_bbox()
    start = end = None
    if s.time is not None:
        first, last = session.execute(select(func.min(s.time), func.max(s.time)).where(visible)).one()
        start, end = _instant(first, end=False), _instant(last, end=True)
    return Extent(bbox, start, end)


def _area_bbox() -> BBox:
    minx, miny, maxx, maxy = operating_area().polygon.bounds
    return (minx, miny, maxx, maxy)
