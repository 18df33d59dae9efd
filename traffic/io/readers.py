"""Pick the reader for a file: GeoJSON, CSV or GeoPackage, by option, suffix or content."""

from __future__ import annotations

from pathlib import Path

from traffic.errors import ValidationFailed
from traffic.io.kinds import spec_for
from traffic.io.read_csv import read_csv
from traffic.io.read_geo import read_geojson, read_gpkg
from traffic.io.rows import SourceRow

IMPORT_FORMATS = ("auto", "geojson", "csv", "gpkg")
SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
}
SQLITE_MAGIC = b"SQLite format 3\x00"


def detect_format(path: Path) -> str:
    """The format of ``path`` from its suffix, else from its first bytes."""
    by_suffix = SUFFIXES.get(path.suffix.lower())
    if by_suffix:
        return by_suffix
    with path.open("rb") as fh:
        head = fh.read(64)
    if head.startswith(SQLITE_MAGIC):
        return "gpkg"
    return "geojson" if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def read_file(path: str | Path, kind: str, fmt: str = "auto") -> list[SourceRow]:
    """Read every row of ``path`` for ``kind``; file-level problems raise ImportFileError."""
    spec = spec_for(kind)
    if fmt not in IMPORT_FORMATS:
        raise ValidationFailed(
            f"unknown format {fmt!r}; valid formats are: {', '.join(IMPORT_FORMATS)}",
            field="format",
        )
    path = Path(path)
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "gpkg":
        return read_gpkg(path, spec)
    data = path.read_bytes()
    return read_geojson(data, spec) if fmt == "geojson" else read_csv(data, spec)
