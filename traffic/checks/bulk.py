"""Bulk path for many vehicle checks: the service's validation, batched writes, one audit event.

Used by the CLI import of large files and by the demo generator. Rows are plain mappings with
:class:`~traffic.checks.schemas.CheckCreate`'s field names (``lon``/``lat`` may replace
``geometry``); they are validated exactly as :func:`~traffic.checks.service.create_check`
would (see :mod:`traffic.checks.bulk_validate`), then written a batch at a time:

* SQLite: SQLAlchemy Core ``insert()`` executemany on the session's connection;
* PostgreSQL: psycopg 3 ``COPY ... FROM STDIN`` on the session's own DB-API connection
  (geometry as hex EWKB with SRID 4326, which PostGIS reads in COPY).

Everything happens inside the caller's transaction, under a SAVEPOINT: by default any invalid
row means nothing is stored (the report still lists every bad row); ``partial=True`` stores the
good rows. One audit event (action ``import``) is written per stored batch, not one per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

import shapely
from sqlalchemy import column as sa_column
from sqlalchemy import insert
from sqlalchemy import table as sa_table
from sqlalchemy.orm import Session

from geo.crs import WGS84_SRID
from traffic.actors import Actor
from traffic.audit.models import AuditEvent
from traffic.checks.bulk_validate import VALUE_FIELDS, CheckValidator, RowError, ValidCheck
from traffic.checks.models import FINDING, OUTCOME, CheckCode, VehicleCheck, has_remark
from traffic.storage.base import utcnow

__all__ = ["BulkReport", "RowError", "bulk_insert_checks"]

CODE_COLUMNS = ("check_id", "kind", "code", "position")

Columns = dict[str, list[Any]]


@dataclass
class BulkReport:
    """What a bulk call did: rows read, rows stored, and every refused row with the reason."""

    rows: int = 0
    inserted: int = 0
    batches: int = 0
    errors: list[RowError] = field(default_factory=list)
    first_id: uuid.UUID | None = None
    last_id: uuid.UUID | None = None

    @property
    def ok(self) -> bool:
        """True when no row was refused."""
        return not self.errors

    @property
    def rejected_rows(self) -> list[int]:
        """The numbers (from 1) of the refused rows."""
        return sorted({e.row for e in self.errors})


def bulk_insert_checks(
    session: Session,
    rows: Iterable[Mapping[str, Any]],
    *,
    actor: Actor,
    pseudonym_secret: str | None = None,
    batch_size: int = 20_000,
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
) -> BulkReport:
    """Validate and store many checks in the caller's transaction; never commits.

    ``progress`` is called after each batch with the number of rows it read. Without
    ``partial`` a single bad row means nothing is stored; the report lists every bad row.
    """
    report = BulkReport()
    validator = CheckValidator(session, pseudonym_secret=pseudonym_secret)
    write = _copy_postgres if session.connection().dialect.name == "postgresql" else _insert_core
    savepoint = session.begin_nested()  # on SQLite, make_engine opens real transactions
    try:
        for batch in _batched(rows, batch_size):
            good, errors = validator.validate(batch, report.rows + 1)
            report.rows += len(batch)
            report.errors += errors
            if good and (partial or not report.errors):
                validator.start_planned(good)
                _store(session, write, good, actor, report)
            if progress is not None:
                progress(len(batch))
    except BaseException:
        savepoint.rollback()
        raise
    if report.errors and not partial:
        savepoint.rollback()
        report.inserted, report.batches, report.first_id, report.last_id = 0, 0, None, None
    else:
        savepoint.commit()
    return report


def _store(
    session: Session,
    write: Callable[[Session, Columns, Columns], None],
    good: list[ValidCheck],
    actor: Actor,
    report: BulkReport,
) -> None:
    checks = _columns(good, actor=actor, now=utcnow(), postgres=write is _copy_postgres)
    write(session, checks, _code_columns(good))
    first, last = good[0].id, good[-1].id
    report.inserted += len(good)
    report.batches += 1
    report.first_id = report.first_id or first
    report.last_id = last
    session.add(_audit_event(session, actor, len(good), first, last))
    session.flush()


def _columns(good: Sequence[ValidCheck], *, actor: Actor, now: datetime, postgres: bool) -> Columns:
    """Column-major values of ``vehicle_checks``, as ``create_check`` would set them."""
    n = len(good)
    lon, lat = [c.lon for c in good], [c.lat for c in good]
    points = shapely.points(lon, lat)
    if postgres:  # hex EWKB text with SRID, as geo.dbtypes.Geometry binds it on PostGIS
        geoms = shapely.to_wkb(shapely.set_srid(points, WGS84_SRID), hex=True, include_srid=True)
    else:  # WKB, as geo.dbtypes.Geometry binds it elsewhere
        geoms = shapely.to_wkb(points)
    given = [c.data.__dict__ for c in good]
    columns = {
        "id": [c.id for c in good],
        **{f: [d[f] for d in given] for f in VALUE_FIELDS},
        "vehicle_pseudonym": [c.pseudonym for c in good],
        "has_remark": [has_remark(c.outcomes) for c in good],
        "created_at": [now] * n,
        "updated_at": [now] * n,
        "deleted_at": [None] * n,
        "version": [1] * n,
        "org_id": [c.org_id for c in good],
        "created_by": [actor.user_id] * n,
        "sweref_e": [c.sweref_e for c in good],
        "sweref_n": [c.sweref_n for c in good],
        "geom": geoms.tolist(),
        "bbox_minx": lon,
        "bbox_miny": lat,
        "bbox_maxx": lon,
        "bbox_maxy": lat,
    }
    written = {
        c.key for c in VehicleCheck.__table__.c if c.computed is None
    }  # the database computes the rest
    if set(columns) != written:  # a new model column must not go unseen
        raise RuntimeError(f"bulk columns differ from vehicle_checks: {sorted(columns)}")
    return columns


def _code_columns(good: Sequence[ValidCheck]) -> Columns:
    """Column-major values of ``check_codes``: findings, then outcomes, each in the order given."""
    rows = [
        (c.id, kind, code, i)
        for c in good
        for kind, listed in ((FINDING, c.findings), (OUTCOME, c.outcomes))
        for i, code in enumerate(listed)
    ]
    return dict(zip(CODE_COLUMNS, map(list, zip(*rows, strict=True)), strict=True))


def _insert_core(session: Session, checks: Columns, codes: Columns) -> None:
    """Core ``insert()`` executemany on the session's connection.

    Each value passes its column type's own bind processor (once per distinct object), then the
    compiled statement runs as one DB-API ``executemany``: SQLAlchemy's per-row parameter
    handling would add about a tenth to the whole import's CPU time.
    """
    conn = session.connection()
    dialect = conn.dialect
    for table, columns in ((VehicleCheck.__table__, checks), (CheckCode.__table__, codes)):
        if not columns:
            continue
        for name, values in columns.items():
            if name != "geom":  # already WKB
                process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                columns[name] = values if process is None else _processed(process, values)
        untyped = sa_table(table.name, *(sa_column(c) for c in columns))  # values are DB-API ready
        sql = str(insert(untyped).compile(dialect=dialect))  # INSERT INTO … (…) VALUES (?, …)
        conn.exec_driver_sql(sql, list(zip(*columns.values(), strict=True)))


def _processed(process: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``process`` applied once per distinct object: a batch shares one timestamp, organisation, …"""
    done: dict[int, Any] = {}
    out = []
    for v in values:
        key = id(v)  # the objects stay alive in ``values``, so ids are not reused meanwhile
        if key not in done:
            done[key] = process(v)
        out.append(done[key])
    return out


def _copy_postgres(session: Session, checks: Columns, codes: Columns) -> None:
    """``COPY ... FROM STDIN`` on the session's own psycopg connection (same transaction)."""
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur:  # type: ignore[union-attr]
        for table, columns in (("vehicle_checks", checks), ("check_codes", codes)):
            if not columns:
                continue
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in zip(*columns.values(), strict=True):
                    copy.write_row(row)


def _audit_event(session: Session, actor: Actor, count: int, first: uuid.UUID, last: uuid.UUID) -> AuditEvent:
    return AuditEvent(
        user_id=str(actor.user_id) if actor.user_id else None,
        username=actor.username,
        role=actor.role,
        action="import",
        entity=VehicleCheck.__tablename__,
        after={"count": count, "first_id": str(first), "last_id": str(last)},
        purpose=session.info.get("purpose"),
    )


def _batched(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    if size < 1:
        raise ValueError("batch_size must be at least 1")
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch
