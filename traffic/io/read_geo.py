"""Read a GeoJSON FeatureCollection or a GeoPackage layer into source rows."""

from __future__ import annotations

import bisect
import json
import math
import re
from pathlib import Path
from typing import Any

from traffic.io.cells import is_blank
from traffic.io.kinds import KindSpec
from traffic.io.read_csv import decode
from traffic.io.report import ImportFileError
from traffic.io.rows import SourceRow, check_columns

WGS84_SUFFIXES = ("CRS84", ":4326")  # urn:ogc:def:crs:OGC:1.3:CRS84, EPSG:4326, …
_WS = re.compile(r"[ \t\n\r]*")


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a valid JSON number")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _skip(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def feature_offsets(text: str) -> list[int] | None:
    """Character offsets where each member of the top-level ``features`` array starts."""
    try:
        i = _skip(text, 0)
        if text[i] != "{":
            return None
        i = _skip(text, i + 1)
        while text[i] != "}":
            key, i = _DECODER.raw_decode(text, i)
            i = _skip(text, _skip(text, i) + 1)  # past the ':'
            if key == "features" and text[i] == "[":
                offsets: list[int] = []
                i = _skip(text, i + 1)
                while text[i] != "]":
                    offsets.append(i)
                    i = _skip(text, _DECODER.raw_decode(text, i)[1])
                    i = _skip(text, i + 1) if text[i] == "," else i
                return offsets
            i = _skip(text, _DECODER.raw_decode(text, i)[1])
            i = _skip(text, i + 1) if text[i] == "," else i
    except (ValueError, IndexError):
        pass
    return None


def _line_numbers(text: str, count: int) -> list[int | None]:
    offsets = feature_offsets(text)
    if offsets is None or len(offsets) != count:
        return [None] * count
    newlines = [m.start() for m in re.finditer("\n", text)]
    return [bisect.bisect_left(newlines, o) + 1 for o in offsets]


def _check_crs(crs: Any) -> None:
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else crs
    if not str(name).upper().endswith(WGS84_SUFFIXES):
        raise ImportFileError(
            f"coordinates must be WGS84 lon/lat (EPSG:4326, RFC 7946); the file declares {name!r}",
            field="crs",
        )


def _feature_row(number: int, line: int | None, feature: Any) -> SourceRow:
    row = SourceRow(number=number, line=line, values={})
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        row.errors.append((None, "not a GeoJSON Feature"))
        return row
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        row.errors.append(("properties", "expected an object"))
        return row
    row.values = {k: v for k, v in props.items() if not is_blank(v)}
    fid = feature.get("id")
    if not is_blank(fid):
        if "id" in row.values and str(row.values["id"]) != str(fid):
            row.errors.append(("id", f"feature id {fid!r} differs from property id"))
        row.values["id"] = fid
    row.geometry = feature.get("geometry")
    if row.geometry is None:
        row.errors.append(("geometry", "the feature has no geometry (null)"))
    return row


def read_geojson(data: bytes, spec: KindSpec) -> list[SourceRow]:
    """Parse a GeoJSON FeatureCollection: properties are fields, the feature id is ``id``."""
    text = decode(data)
    try:
        doc = _DECODER.decode(text)
    except ValueError as exc:
        raise ImportFileError(f"not valid JSON: {exc}", field="file") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise ImportFileError(f"expected a GeoJSON FeatureCollection, got {got!r}", field="file")
    _check_crs(doc.get("crs"))
    features = doc.get("features")
    if not isinstance(features, list):
        raise ImportFileError("'features' must be an array", field="features")
    lines = _line_numbers(text, len(features))
    return [_feature_row(i + 1, lines[i], f) for i, f in enumerate(features)]


def _python(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def read_gpkg(path: Path, spec: KindSpec) -> list[SourceRow]:
    """Read the layer named after the kind (or the only layer) of a GeoPackage."""
    import pyogrio
    from pyproj import CRS
    from shapely.geometry import mapping

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except pyogrio.errors.DataSourceError as exc:
        raise ImportFileError(f"not a readable GeoPackage: {exc}", field="file") from None
    layer = spec.name if spec.name in layers else (layers[0] if len(layers) == 1 else None)
    if layer is None:
        raise ImportFileError(
            f"no layer named {spec.name!r}; layers: {', '.join(layers) or 'none'}", field="layer"
        )
    crs = pyogrio.read_info(path, layer=layer).get("crs")
    if crs and not CRS.from_user_input(crs).equals("EPSG:4326", ignore_axis_order=True):
        raise ImportFileError(
            f"layer {layer!r} is in {crs}; save it in WGS84 (EPSG:4326) first", field="crs"
        )
    frame = pyogrio.read_dataframe(path, layer=layer, datetime_as_string=True, fid_as_index=True)
    geometry_name = frame.geometry.name
    check_columns([c for c in frame.columns if c != geometry_name], spec, geometry_columns=False)
    rows: list[SourceRow] = []
    for number, record in enumerate(frame.to_dict("records"), start=1):
        geom = record.pop(geometry_name)
        values = {k: v for k, v in ((k, _python(v)) for k, v in record.items()) if v is not None}
        row = SourceRow(number=number, line=None, values=values)
        row.geometry = mapping(geom) if geom is not None else None
        if geom is None:
            row.errors.append(("geometry", "the feature has no geometry (null)"))
        rows.append(row)
    return rows
