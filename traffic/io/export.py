"""Write live records of a kind as GeoJSON, GeoPackage or CSV, in the importer's own columns.

GeoJSON is RFC 7946 (WGS84, counter-clockwise outer rings, 6 decimals, the record id as the
feature id). The GeoPackage layer is named after the kind, in EPSG:4326. CSV is what Swedish
Excel opens directly: UTF-8 with BOM, ``;``, CRLF, and text that could run as a formula is
prefixed with ``'``. Soft-deleted records are left out; no kind has a plate to leak.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import shapely
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.geojson import geometry_to_geojson
from traffic.audit.hook import log_read
from traffic.errors import ValidationFailed
from traffic.io.cells import UUID, csv_cell, plain
from traffic.io.kinds import ORG, KindSpec, spec_for
from traffic.orgs.models import Organisation

EXPORT_FORMATS = ("geojson", "gpkg", "csv")
PRECISION = 6
POLICE_DETAIL = frozenset({"checks"})  # reads of these are logged (Brottsdatalagen)


def csv_header(spec: KindSpec) -> list[str]:
    """The CSV columns of a kind, in order: id, fields, then lon/lat or wkt."""
    return ["id", *spec.columns, *(("lon", "lat") if spec.point else ("wkt",))]


def _records(session: Session, spec: KindSpec) -> Iterator[Any]:
    model = spec.model
    stmt = (
        select(model)
        .where(model.deleted_at.is_(None))
        .order_by(model.created_at, model.id)
        .execution_options(yield_per=1000)
    )
    yield from session.scalars(stmt)


def _values(spec: KindSpec, record: Any, org_codes: dict[Any, str]) -> dict[str, Any]:
    return {
        c: org_codes.get(record.org_id) if c == ORG else getattr(record, c) for c in spec.columns
    }


def _write_geojson(fh: TextIO, spec: KindSpec, rows: Iterator[tuple[Any, dict, dict]]) -> None:
    fh.write(f'{{"type": "FeatureCollection", "name": "{spec.name}", "features": [')
    for i, (record, values, geometry) in enumerate(rows):
        feature = {
            "type": "Feature",
            "id": str(record.id),
            "geometry": geometry,
            "properties": {k: plain(v) for k, v in values.items()},
        }
        fh.write(("," if i else "") + "\n" + json.dumps(feature, ensure_ascii=False))
    fh.write("\n]}\n")


def _write_csv(fh: TextIO, spec: KindSpec, rows: Iterator[tuple[Any, dict, dict]]) -> None:
    writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_header(spec))
    for record, values, geometry in rows:
        cells = [csv_cell(record.id, UUID)]
        cells += [csv_cell(v, spec.types[k]) for k, v in values.items()]
        if spec.point:
            cells += [repr(float(c)) for c in geometry["coordinates"][:2]]
        else:
            cells.append(shapely.to_wkt(shape(geometry), rounding_precision=PRECISION, trim=True))
        writer.writerow(cells)


def _write_gpkg(path: Path, spec: KindSpec, rows: Iterator[tuple[Any, dict, dict]]) -> None:
    from traffic.io.gpkg import write_gpkg

    write_gpkg(path, spec, rows)


@contextmanager
def _replacing(out: Path) -> Iterator[Path]:
    """Write to a temporary sibling and move it over ``out`` only when complete."""
    tmp = out.with_name(f".{out.stem}.partial{out.suffix}")
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)


def export(session: Session, kind: str, fmt: str, out_path: str | Path) -> int:
    """Write every live record of ``kind`` to ``out_path`` as ``fmt``; return how many.

    Exporting vehicle checks logs the read in ``session`` (the caller commits).
    """
    spec = spec_for(kind)
    if fmt not in EXPORT_FORMATS:
        raise ValidationFailed(
            f"unknown format {fmt!r}; valid formats are: {', '.join(EXPORT_FORMATS)}",
            field="format",
        )
    out = Path(out_path)
    org_codes = dict(session.execute(select(Organisation.id, Organisation.code)).all())
    ids: list[str] = []

    def rows() -> Iterator[tuple[Any, dict, dict]]:
        for record in _records(session, spec):
            ids.append(str(record.id))
            geometry = geometry_to_geojson(record.geom, precision=PRECISION)
            yield record, _values(spec, record, org_codes), geometry

    with _replacing(out) as tmp:
        if fmt == "gpkg":
            _write_gpkg(tmp, spec, rows())
        else:
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with tmp.open("w", encoding=encoding, newline="") as fh:
                (_write_csv if fmt == "csv" else _write_geojson)(fh, spec, rows())
    if spec.name in POLICE_DETAIL and ids:
        log_read(session, spec.model.__tablename__, ids, purpose="export")
    return len(ids)
