"""One input row, whatever the file format, and the column checks every format shares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from traffic.io.kinds import GEOMETRY_COLUMNS, KindSpec
from traffic.io.report import ImportFileError

COLUMNS_DOC = "traffic/io/COLUMNS.md"


@dataclass
class SourceRow:
    """A row as read: raw values by column, a GeoJSON geometry, and problems found so far."""

    number: int
    line: int | None
    values: dict[str, Any]
    geometry: Any = None
    geometry_field: str = "geometry"  # what the report calls the geometry (lon/lat, wkt, …)
    from_csv: bool = False
    errors: list[tuple[str | None, str]] = field(default_factory=list)


def check_columns(names: Iterable[str], spec: KindSpec, *, geometry_columns: bool) -> None:
    """Refuse unknown, duplicate or missing columns for the whole file, naming them."""
    names = [n for n in names if n]
    seen = set(names)
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ImportFileError(f"duplicate column(s): {', '.join(dupes)}", field="columns")
    allowed = spec.readable() if geometry_columns else tuple(spec.types)
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise ImportFileError(
            f"unknown column(s) {', '.join(map(repr, unknown))} for {spec.name}; valid columns: "
            f"{', '.join(allowed)} (see {COLUMNS_DOC})",
            field="columns",
        )
    missing = [n for n in spec.required if n not in seen]
    if missing:
        raise ImportFileError(
            f"missing required column(s) {', '.join(missing)} for {spec.name} (see {COLUMNS_DOC})",
            field="columns",
        )
    if not geometry_columns:
        return
    if ("lon" in seen) != ("lat" in seen):
        raise ImportFileError("lon and lat come as a pair; one of them is missing", field="columns")
    if not seen & set(GEOMETRY_COLUMNS):
        raise ImportFileError(
            "no geometry column: give lon and lat, wkt, or geometry (GeoJSON)", field="columns"
        )
