"""Spatial indexes added to every table that has a geometry, per dialect.

PostGIS gets a GiST index on ``geom``; SQLite gets a b-tree on the bounding-box columns,
and point tables a b-tree on their SWEREF 99 TM metres (grid aggregation, distance prefilter).
"""

from __future__ import annotations

from sqlalchemy import Index, MetaData, Table


def spatial_indexes(table: Table) -> list[Index]:
    """The spatial indexes a table with geometry columns should have."""
    out: list[Index] = []
    if "geom" not in table.c:
        return out
    name = table.name
    out.append(
        Index(f"ix_{name}_geom", table.c.geom, postgresql_using="gist").ddl_if(dialect="postgresql")
    )
    bbox = [table.c[f"bbox_{k}"] for k in ("minx", "maxx", "miny", "maxy")]
    out.append(Index(f"ix_{name}_bbox", *bbox).ddl_if(dialect="sqlite"))
    if "sweref_e" in table.c:
        out.append(Index(f"ix_{name}_sweref", table.c.sweref_e, table.c.sweref_n))
    return out


def install_spatial_indexes(metadata: MetaData) -> None:
    """Attach :func:`spatial_indexes` to every table of ``metadata`` (idempotent)."""
    for table in metadata.tables.values():
        if not any(ix.name == f"ix_{table.name}_geom" for ix in table.indexes):
            # An Index built on a table's columns attaches itself to that table.
            spatial_indexes(table)
