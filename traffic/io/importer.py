"""Import rows through each kind's service: all-or-nothing by default, a report either way.

Every row is validated by the kind's pydantic Create schema and created by the kind's
service, so vocabularies, geometry checks and cross-field rules are exactly the API's. Each
row runs in its own SAVEPOINT, so a failing row leaves the others intact; without ``partial``
the whole import is rolled back as soon as any row was rejected (every row is still tried, so
the report lists all of them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from geo.errors import GeoError
from traffic.actors import Actor
from traffic.errors import DomainError
from traffic.io.cells import CellError, parse_cell
from traffic.io.kinds import ORG, PSEUDONYM, KindSpec, spec_for
from traffic.io.readers import read_file
from traffic.io.report import ImportReport, Rejection
from traffic.io.rows import SourceRow
from traffic.orgs.service import organisation_by_code

Problem = tuple[str | None, str]
PSEUDONYM_FORMAT = re.compile(r"^[0-9a-f]{64}$")


def _field(loc: Sequence[Any]) -> str:
    head, *rest = loc
    return str(head) + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)


def pydantic_problems(exc: ValidationError) -> list[Problem]:
    """Turn pydantic errors into (field, message) pairs the report can print."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        message = err["msg"]
        if err["type"] == "missing":
            message = "required, but missing or empty"
        elif isinstance(err.get("input"), str | int | float) and err["type"] != "extra_forbidden":
            message = f"{message} (got {str(err['input'])[:60]!r})"
        out.append((_field(err["loc"]) if err["loc"] else None, message))
    return out


class _Orgs:
    """Organisation codes looked up once per import."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, Any] = {}

    def id_of(self, code: str) -> Any:
        if code not in self.cache:
            try:
                self.cache[code] = organisation_by_code(self.session, code).id
            except DomainError as exc:
                self.cache[code] = exc
        found = self.cache[code]
        if isinstance(found, DomainError):
            raise found
        return found


def _values(spec: KindSpec, row: SourceRow, problems: list[Problem]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, raw in row.values.items():
        kind = spec.types.get(name)
        if kind is None:
            problems.append((name, f"unknown property; known: {', '.join(spec.types)}"))
            continue
        try:
            data[name] = parse_cell(raw, kind, field=name, from_csv=row.from_csv)
        except CellError as exc:
            problems.append((exc.field, exc.message))
    return data


def _prepare(
    spec: KindSpec, row: SourceRow, orgs: _Orgs
) -> tuple[BaseModel | None, str | None, list[Problem]]:
    """The validated Create schema of a row (and a pseudonym to keep), or its problems."""
    problems = list(row.errors)
    data = _values(spec, row, problems)
    pseudonym = data.pop(PSEUDONYM, None)
    if pseudonym is not None and not PSEUDONYM_FORMAT.match(str(pseudonym)):
        problems.append((PSEUDONYM, "expected 64 lowercase hex digits (an exported pseudonym)"))
    if pseudonym is not None and data.get("plate"):
        problems.append((PSEUDONYM, "give plate or vehicle_pseudonym, not both"))
    code = data.pop(ORG, None)
    if code is not None:
        try:
            org_id = orgs.id_of(str(code))
        except DomainError as exc:
            problems.append((ORG, exc.message))
        else:
            if "org_id" in data and str(data["org_id"]) != str(org_id):
                problems.append((ORG, "org and org_id name different organisations"))
            data["org_id"] = org_id
    if row.geometry is not None:
        data["geometry"] = row.geometry
    reported = {(f or "").split("[")[0] for f, _ in problems}
    try:
        model = spec.schema.model_validate(data)
    except ValidationError as exc:
        problems += [
            p for p in pydantic_problems(exc) if (p[0] or "").split("[")[0] not in reported
        ]
        model = None
    return (None if problems else model), pseudonym, problems


def _create(
    session: Session, spec: KindSpec, actor: Actor, model: BaseModel, pseudonym: Any, secret: Any
) -> None:
    with session.begin_nested():
        if pseudonym is not None:  # only checks carry an exported (already keyed) pseudonym
            spec.create(session, actor, model, secret, pseudonym)
        else:
            spec.create(session, actor, model, secret)


def _run(
    session: Session, spec: KindSpec, actor: Actor, model: BaseModel, pseudonym: Any, secret: Any
) -> list[Problem]:
    try:
        _create(session, spec, actor, model, pseudonym, secret)
    except (DomainError, GeoError) as exc:
        return [(exc.field, exc.message)]
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return [(None, f"the database refused the row: {reason}")]
    return []


@contextmanager
def _outer_savepoint(session: Session) -> Iterator[Any]:
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        # pysqlite does not BEGIN before a SAVEPOINT, so releasing the first savepoint would
        # commit on the spot and a later rollback could not undo it: begin for real first.
        dbapi = conn.connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            conn.exec_driver_sql("BEGIN")
    outer = session.begin_nested()
    try:
        yield outer
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise


def _rename(problems: list[Problem], row: SourceRow) -> list[Problem]:
    """Call the geometry by the column(s) it came from (``lon/lat``, ``wkt``)."""
    if row.geometry_field == "geometry":
        return problems
    return [(row.geometry_field if f == "geometry" else f, m) for f, m in problems]


def import_rows(
    session: Session,
    kind: str,
    rows: Sequence[SourceRow],
    *,
    actor: Actor,
    partial: bool = False,
    pseudonym_secret: str | None = None,
    on_row: Callable[[int], None] | None = None,
) -> ImportReport:
    """Create every row through the kind's service; without ``partial`` store all or nothing."""
    spec = spec_for(kind)
    session.info.setdefault("actor", actor)
    report = ImportReport(kind=spec.name, total=len(rows), partial=partial)
    orgs = _Orgs(session)
    stored = 0
    with _outer_savepoint(session) as outer:
        for row in rows:
            model, pseudonym, problems = _prepare(spec, row, orgs)
            if model is not None:
                problems = _run(session, spec, actor, model, pseudonym, pseudonym_secret)
            if problems:
                report.rejected += [
                    Rejection(row.number, row.line, f, m) for f, m in _rename(problems, row)
                ]
            else:
                stored += 1
            if on_row:
                on_row(1)
        if report.rejected and not partial:
            outer.rollback()
        else:
            outer.commit()
            report.accepted = stored
    return report


def import_file(
    session: Session,
    kind: str,
    path: str | Path,
    *,
    actor: Actor,
    fmt: str = "auto",
    partial: bool = False,
    pseudonym_secret: str | None = None,
) -> ImportReport:
    """Read ``path`` and import its rows (see :func:`import_rows`)."""
    rows = read_file(path, kind, fmt)
    return import_rows(
        session, kind, rows, actor=actor, partial=partial, pseudonym_secret=pseudonym_secret
    )
