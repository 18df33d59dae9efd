"""GeoPackage output through geopandas/pyogrio: typed columns, one layer per kind, EPSG:4326."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from traffic.io.cells import BOOL, DATE, DATETIME, FLOAT, INT, LIST, LIST_SEPARATOR
from traffic.io.kinds import KindSpec

GPKG_CRS = "EPSG:4326"


def _column(values: list[Any], kind: str) -> Any:
    import pandas as pd

    if kind == INT:
        return pd.array(values, dtype="Int64")
    if kind == FLOAT:
        return pd.array(values, dtype="Float64")
    if kind == BOOL:
        return pd.array(values, dtype="boolean")
    if kind == DATETIME:
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    if kind == LIST:
        return [LIST_SEPARATOR.join(v) if v is not None else None for v in values]
    if kind == DATE:
        return [v.isoformat() if v is not None else None for v in values]
    return [str(v) if v is not None else None for v in values]


def write_gpkg(path: Path, spec: KindSpec, rows: Iterable[tuple[Any, dict, dict]]) -> None:
    """Write the rows as the layer ``spec.name`` of a new GeoPackage at ``path``."""
    import geopandas as gpd
    from shapely.geometry import shape

    ids: list[str] = []
    columns: dict[str, list[Any]] = {c: [] for c in spec.columns}
    shapes = []
    for record, values, geometry in rows:
        ids.append(str(record.id))
        for name, value in values.items():
            columns[name].append(value)
        shapes.append(shape(geometry))
    data = {"id": ids, **{c: _column(v, spec.types[c]) for c, v in columns.items()}}
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(shapes, crs=GPKG_CRS))
    frame.to_file(path, layer=spec.name, driver="GPKG", engine="pyogrio")
