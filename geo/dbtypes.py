"""A geometry column type that is native on PostGIS and WKB on SQLite.

On PostgreSQL the column is ``geometry(Geometry, 4326)`` (GiST-indexed by the table
definitions); values travel as hex EWKB, which PostGIS reads and writes natively.
On SQLite the column is a BLOB of WKB, and the owning table carries indexed
bounding-box columns (see :func:`bbox_of`) that spatial filters prefilter on.
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

from geo.crs import WGS84_SRID


class PostgisGeometry(UserDefinedType[Any]):
    """The native PostGIS ``geometry`` type with a fixed SRID."""

    cache_ok = True

    def __init__(self, geometry_type: str = "Geometry", srid: int = WGS84_SRID) -> None:
        self.geometry_type = geometry_type
        self.srid = srid

    def get_col_spec(self, **kw: Any) -> str:
        """Render the DDL type."""
        return f"geometry({self.geometry_type},{self.srid})"


class Geometry(TypeDecorator[BaseGeometry]):
    """Shapely geometry stored in WGS84: native on PostGIS, WKB BLOB elsewhere."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Pick the storage type for the dialect."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PostgisGeometry())
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: BaseGeometry | None, dialect: Dialect) -> Any:
        """Shapely → hex EWKB (PostGIS) or WKB bytes (SQLite)."""
        if value is None:
            return None
        if dialect.name == "postgresql":
            return shapely.to_wkb(shapely.set_srid(value, WGS84_SRID), hex=True, include_srid=True)
        return shapely.to_wkb(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> BaseGeometry | None:
        """Hex EWKB or WKB bytes → shapely."""
        if value is None:
            return None
        if isinstance(value, memoryview):
            value = bytes(value)
        geom = shapely.from_wkb(value)
        return shapely.set_srid(geom, 0)


def bbox_of(geom: BaseGeometry) -> tuple[float, float, float, float]:
    """Return ``(minx, miny, maxx, maxy)`` in lon/lat degrees."""
    minx, miny, maxx, maxy = shapely.bounds(geom).tolist()
    return minx, miny, maxx, maxy


def _register_reflection() -> None:
    # Teach SQLAlchemy's PostgreSQL reflection the PostGIS type, so schema comparison
    # (Alembic autogenerate, the migration test) sees our type instead of warning.
    from sqlalchemy.dialects.postgresql.base import ischema_names

    ischema_names.setdefault("geometry", PostgisGeometry)


_register_reflection()
