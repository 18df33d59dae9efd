"""The bare baseline of ``bench/api.py``: one FastAPI endpoint doing one durable insert.

Not run by ``make bench`` (a helper: its name starts with ``_``). ``bench/api.py`` creates the
table with :func:`create_bare_table` and serves this module as its own uvicorn process::

    TRAFIKTRYGG_BENCH_BARE_URL=sqlite:///... uvicorn --app-dir bench _server:app

``POST /bare/checks`` takes the same JSON body as ``POST /api/v1/checks`` (no validation, no
account, no audit, no idempotency) and inserts ONE row into ``bench_bare_checks``, a table with
the columns, types and indexes of ``vehicle_checks`` (no foreign keys), in its own transaction,
through the project's own engine (:func:`traffic.storage.db.make_engine`: the same driver and,
on SQLite, the same pragmas: WAL, ``synchronous=FULL``, ``BEGIN`` per transaction). It answers
201 only after COMMIT returned, so every answer is as durable as the app's. The handler is a
plain ``def`` like the app's routes, so it runs in the same thread pool.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Body, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Column, Engine, Index, MetaData, Table, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.types import NullType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shapely.geometry import Point  # noqa: E402

import traffic.models  # noqa: E402, F401 - every table, so foreign-key column types resolve
from traffic.checks.models import VehicleCheck, has_remark  # noqa: E402
from traffic.storage.db import make_engine  # noqa: E402
from traffic.storage.indexes import spatial_indexes  # noqa: E402

URL_ENV = "TRAFIKTRYGG_BENCH_BARE_URL"
TABLE = "bench_bare_checks"
PATH = "/bare/checks"
_SPATIAL_PREFIXES = ("geom", "bbox", "sweref")


def bare_table(metadata: MetaData | None = None) -> Table:
    """``bench_bare_checks``: the columns and indexes of ``vehicle_checks``, without foreign keys."""
    metadata = metadata or MetaData()
    source = VehicleCheck.__table__
    table = Table(
        TABLE,
        metadata,
        *(Column(c.name, _type_of(c), primary_key=c.primary_key, nullable=c.nullable) for c in source.c),
    )
    for ix in source.indexes:
        tail = ix.name.removeprefix(f"ix_{source.name}_") if ix.name else ""
        if tail.startswith(_SPATIAL_PREFIXES):
            continue  # re-made per dialect below, as the migrations do
        Index(f"ix_{TABLE}_{tail}", *(table.c[c.name] for c in ix.columns))
    spatial_indexes(table)
    return table


def _type_of(column: Column[Any]) -> Any:
    # A foreign-key column declared without a type takes the type of the column it refers to.
    if isinstance(column.type, NullType) and column.foreign_keys:
        return next(iter(column.foreign_keys)).column.type
    return column.type


def create_bare_table(engine: Engine) -> None:
    """(Re)create the empty baseline table."""
    metadata = MetaData()
    table = bare_table(metadata)
    table.drop(engine, checkfirst=True)
    metadata.create_all(engine)


def row_from(payload: dict[str, Any]) -> dict[str, Any]:
    """The row for one check body (same fields the app stores, without validation)."""
    lon, lat = payload["geometry"]["coordinates"][:2]
    now = datetime.now(UTC)
    return {
        "id": uuid.UUID(payload["id"]) if payload.get("id") else uuid.uuid4(),
        "operation_id": uuid.UUID(payload["operation_id"]),
        "org_id": uuid.UUID(int=0),
        "created_by": None,
        "checked_at": datetime.fromisoformat(payload["checked_at"]),
        "vehicle_type": payload["vehicle_type"],
        "fine_amount_sek": payload.get("fine_amount_sek"),
        "passengers": payload.get("passengers"),
        "measured_speed_kmh": payload.get("measured_speed_kmh"),
        "speed_limit_kmh": payload.get("speed_limit_kmh"),
        "speed_method": payload.get("speed_method"),
        "note": payload.get("note"),
        "has_remark": has_remark(payload.get("outcomes") or []),
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "geom": Point(lon, lat),
        "bbox_minx": lon,
        "bbox_miny": lat,
        "bbox_maxx": lon,
        "bbox_maxy": lat,
    }


def make_app(url: str) -> FastAPI:
    """The baseline app for ``url``."""
    engine = make_engine(url)
    table = bare_table()
    stmt = insert(table)
    app = FastAPI(title="trafiktrygg bench baseline", openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return JSONResponse({"status": "ok", "database": make_url(url).get_backend_name()})

    @app.post(PATH, status_code=201)
    def create(payload: dict[str, Any] = Body(...)) -> JSONResponse:  # noqa: B008 - FastAPI idiom
        row = row_from(payload)
        with engine.begin() as conn:  # BEGIN … INSERT … COMMIT, answered after COMMIT
            conn.execute(stmt, row)
        return JSONResponse({"id": str(row["id"])}, status_code=201)

    return app


app = make_app(os.environ[URL_ENV]) if URL_ENV in os.environ else None
