"""Declarative base and the mixins every record kind shares."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shapely.geometry.base import BaseGeometry
from sqlalchemy import BigInteger, Computed, Float, ForeignKey, Integer, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, validates

from geo.crs import metric_xy
from geo.dbtypes import Geometry, bbox_of
from geo.grid import BASE_KEY_SQL
from traffic.storage.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention (for Alembic)."""

    metadata = MetaData(naming_convention=NAMING)


class RecordMixin:
    """Client-generatable UUID key, timestamps, optimistic version and soft delete."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4, sort_order=-100)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, object]:  # noqa: N805 - declared_attr classmethod
        return {"version_id_col": cls.version}  # type: ignore[attr-defined]


class OwnedMixin:
    """Owning organisation and creating user (for need-to-know and "edit own")."""

    @declared_attr
    def org_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805
        """The organisation that owns the record."""
        return mapped_column(ForeignKey("organisations.id"), index=True)

    @declared_attr
    def created_by(cls) -> Mapped[uuid.UUID | None]:  # noqa: N805
        """The account that created the record."""
        return mapped_column(ForeignKey("users.id"), default=None)


class SpatialMixin:
    """WGS84 geometry plus bounding-box columns kept in step (SQLite's spatial index)."""

    geom: Mapped[BaseGeometry | None] = mapped_column(Geometry, default=None)
    bbox_minx: Mapped[float | None] = mapped_column(Float, default=None)
    bbox_miny: Mapped[float | None] = mapped_column(Float, default=None)
    bbox_maxx: Mapped[float | None] = mapped_column(Float, default=None)
    bbox_maxy: Mapped[float | None] = mapped_column(Float, default=None)

    @validates("geom")
    def _sync_bbox(self, _key: str, value: BaseGeometry | None) -> BaseGeometry | None:
        box = bbox_of(value) if value is not None else (None, None, None, None)
        self.bbox_minx, self.bbox_miny, self.bbox_maxx, self.bbox_maxy = box
        return value


class MetricPointMixin(SpatialMixin):
    """A point geometry that also keeps SWEREF 99 TM metres, for grid aggregation in SQL."""

    sweref_e: Mapped[float | None] = mapped_column(Float, default=None)
    sweref_n: Mapped[float | None] = mapped_column(Float, default=None)
    # The packed key of the record's 100 m square (geo.grid.BASE_KEY_SQL), computed by the
    # database. Stored; migration 0006 adds it VIRTUAL (and indexed) on SQLite, where ALTER
    # TABLE cannot add a stored column.
    grid_100m: Mapped[int | None] = mapped_column(BigInteger, Computed(BASE_KEY_SQL, persisted=True))

    @validates("geom")
    def _sync_bbox(self, _key: str, value: BaseGeometry | None) -> BaseGeometry | None:
        value = SpatialMixin._sync_bbox(self, _key, value)
        if value is None:
            self.sweref_e = self.sweref_n = None
        else:
            c = value.centroid
            e, n = metric_xy(c.x, c.y)
            self.sweref_e, self.sweref_n = float(e), float(n)
        return value
