"""Read a CSV file (UTF-8, ``,`` or ``;``, as Swedish Excel writes it) into source rows."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import shapely
from shapely.errors import GEOSException
from shapely.geometry import mapping

from traffic.io.cells import CellError, is_blank, parse_cell
from traffic.io.kinds import GEOMETRY_COLUMNS, KindSpec
from traffic.io.report import ImportFileError
from traffic.io.rows import SourceRow, check_columns

GEOMETRY_SOURCES = {"lon": "lon/lat", "lat": "lon/lat", "wkt": "wkt", "geometry": "geometry"}


def decode(data: bytes) -> str:
    """UTF-8 text with or without a byte-order mark, or a clear error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); in Excel "
            "choose 'CSV UTF-8 (kommaavgränsad)' when saving",
            field="file",
        ) from None


def sniff_delimiter(header: str) -> str:
    """``;`` when the header line has more semicolons than commas, else ``,``."""
    return ";" if header.count(";") > header.count(",") else ","


def _point(values: dict[str, Any]) -> dict[str, Any]:
    if "lon" not in values or "lat" not in values:
        given, other = ("lon", "lat") if "lon" in values else ("lat", "lon")
        raise CellError(other, f"missing ({given} is given)")
    lon = parse_cell(values["lon"], "float", field="lon")
    lat = parse_cell(values["lat"], "float", field="lat")
    return {"type": "Point", "coordinates": [lon, lat]}


def _geometry(values: dict[str, Any]) -> tuple[Any, str]:
    """The GeoJSON geometry of a CSV row and the column(s) it came from."""
    present = {GEOMETRY_SOURCES[c] for c in GEOMETRY_COLUMNS if c in values}
    if not present:
        raise CellError("geometry", "no geometry: fill lon and lat, wkt, or geometry")
    if len(present) > 1:
        both = " and ".join(sorted(present))
        raise CellError("geometry", f"give the geometry once, not as {both}")
    source = present.pop()
    if source == "lon/lat":
        return _point(values), source
    text = values[source].strip()
    if source == "wkt":
        try:
            return mapping(shapely.from_wkt(text)), source
        except GEOSException as exc:
            raise CellError("wkt", f"not valid WKT: {exc}") from None
    try:
        return json.loads(text), source
    except ValueError as exc:
        raise CellError("geometry", f"not valid GeoJSON: {exc}") from None


def _row(number: int, line: int, header: list[str], cells: list[str]) -> SourceRow:
    row = SourceRow(number=number, line=line, values={}, from_csv=True)
    if len(cells) > len(header) and any(not is_blank(c) for c in cells[len(header) :]):
        row.errors.append((None, f"{len(cells)} cells but the header has {len(header)} columns"))
    for name, cell in zip(header, cells, strict=False):
        if is_blank(cell):
            continue
        if not name:
            row.errors.append((None, f"a value {cell!r} under a column without a name"))
            continue
        row.values[name] = cell
    geo = {c: row.values.pop(c) for c in GEOMETRY_COLUMNS if c in row.values}
    try:
        row.geometry, row.geometry_field = _geometry(geo)
    except CellError as exc:
        row.errors.append((exc.field, exc.message))
    return row


def read_csv(data: bytes, spec: KindSpec) -> list[SourceRow]:
    """Parse CSV bytes; blank lines and rows of empty cells are skipped."""
    text = decode(data)
    if not text.strip():
        raise ImportFileError("the file is empty", field="file")
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
        check_columns(header, spec, geometry_columns=True)
        rows: list[SourceRow] = []
        last = reader.line_num
        for cells in reader:
            line, last = last + 1, reader.line_num
            if all(is_blank(c) for c in cells):
                continue
            rows.append(_row(len(rows) + 1, line, header, cells))
    except csv.Error as exc:
        raise ImportFileError(f"line {reader.line_num}: {exc}", field="file") from None
    return rows
