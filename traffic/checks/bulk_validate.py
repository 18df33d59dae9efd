"""The service path's rules for vehicle checks, applied to a batch of plain rows at once.

Every rule is the service's own (:func:`traffic.checks.service.create_check`): the row is read
by the same pydantic schema (:class:`CheckRow` only adds ``lon``/``lat`` as an alternative to
``geometry``, and an already keyed ``vehicle_pseudonym`` as the file import may carry one),
codes and cross-field rules go through :func:`clean_codes` and
:func:`check_fields`, and the operation must exist and not be cancelled. What is batched:

* operations and already-taken ids are looked up with one query per batch;
* :func:`clean_codes` is memoised on the code lists (few distinct combinations);
* the location test is vectorised: Sweden's envelope plus ``shapely.intersects_xy`` against the
  operating area's prepared region (for a point that is exactly ``region.covers(point)``, the
  service's test). A point that fails is handed to :func:`clean_geometry`, so the message is
  the service's message word for word.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from pydantic import Field, StrictFloat, ValidationError
from shapely.geometry import Point
from sqlalchemy import Uuid, any_, bindparam, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from geo.area import in_sweden_envelope
from geo.crs import metric_xy
from geo.errors import GeoError
from geo.geojson import parse_geometry
from traffic.checks.models import VehicleCheck
from traffic.checks.rules import check_fields, clean_codes
from traffic.checks.schemas import CheckCreate, GeoJSONGeometry
from traffic.errors import Conflict, DomainError, NotFound, ValidationFailed
from traffic.geometry import POINT, clean_geometry, operating_area
from traffic.operations.models import Operation
from traffic.operations.service import start_if_planned
from traffic.pseudonym import vehicle_pseudonym

# The fields create_check passes to check_fields and stores as they are.
VALUE_FIELDS = tuple(
    f for f in CheckCreate.model_fields if f not in {"id", "plate", "findings", "outcomes", "geometry"}
)
LONLAT_FIELD = "lon/lat"
_LOOKUP_CHUNK = 5000  # bind parameters per IN (...) query; SQLite allows 32766


class CheckRow(CheckCreate):
    """A bulk row: :class:`CheckCreate` plus ``lon``/``lat`` and an already keyed pseudonym.

    ``lon``/``lat`` (WGS84 degrees) replace ``geometry``; ``vehicle_pseudonym`` is what
    ``create_check`` takes as ``keyed_pseudonym`` from a trusted import.
    """

    geometry: GeoJSONGeometry | None = None
    lon: StrictFloat | None = None  # a number, as in GeoJSON: never true or "15.13"
    lat: StrictFloat | None = None
    vehicle_pseudonym: str | None = Field(default=None, max_length=64, description="already keyed (import)")


@dataclass(frozen=True)
class RowError:
    """Why one input row was refused; ``row`` counts from 1 (the first row of the input)."""

    row: int
    field: str | None
    message: str


@dataclass
class ValidCheck:
    """A row that passed every rule, with what the service would have derived from it."""

    row: int
    data: CheckRow
    id: uuid.UUID
    org_id: uuid.UUID
    findings: list[str]
    outcomes: list[str]
    pseudonym: str | None
    lon: float = 0.0
    lat: float = 0.0
    sweref_e: float = 0.0
    sweref_n: float = 0.0

    def values(self) -> dict[str, Any]:
        """The stored-as-given fields, as ``create_check`` passes them to ``check_fields``."""
        d = self.data.__dict__
        return {f: d[f] for f in VALUE_FIELDS}


@dataclass(frozen=True)
class _Op:
    org_id: uuid.UUID
    status: str
    deleted: bool


class CheckValidator:
    """Validates batches of check rows for one bulk call (caches operations and codes)."""

    def __init__(self, session: Session, *, pseudonym_secret: str | None = None) -> None:
        self.session = session
        self.secret = pseudonym_secret
        self.area = operating_area()
        self._ops: dict[uuid.UUID, _Op | None] = {}
        self._codes: dict[tuple[tuple[str, ...], tuple[str, ...]], Any] = {}
        self._taken: set[uuid.UUID] = set()  # ids accepted earlier in this call

    def validate(
        self, rows: Sequence[Mapping[str, Any]], first_row: int
    ) -> tuple[list[ValidCheck], list[RowError]]:
        """Check ``rows`` (numbered from ``first_row``); return the good ones and every error."""
        errors: list[RowError] = []
        parsed: list[tuple[int, CheckRow]] = []
        for n, raw in enumerate(rows, start=first_row):
            try:
                parsed.append((n, CheckRow.model_validate(raw)))
            except ValidationError as exc:
                errors += [
                    RowError(n, ".".join(str(p) for p in e["loc"]) or None, e["msg"])
                    for e in exc.errors(include_url=False)
                ]
        self._load_operations({m.operation_id for _, m in parsed})
        existing = self._existing_ids([m.id for _, m in parsed if m.id is not None])
        good: list[ValidCheck] = []
        for n, m in parsed:
            try:
                good.append(self._rules(n, m, existing))
            except (DomainError, GeoError) as exc:
                errors.append(RowError(n, exc.field, exc.message))
        good = self._locate(good, errors)
        good = self._unique(good, errors)
        errors.sort(key=lambda e: e.row)
        return good, errors

    def start_planned(self, checks: Sequence[ValidCheck]) -> None:
        """Start each PLANNED operation at its first stored check, as ``create_check`` does."""
        for c in checks:
            op = self._ops[c.data.operation_id]
            if op is not None and op.status == "PLANNED":
                orm_op = self.session.get_one(Operation, c.data.operation_id)
                start_if_planned(self.session, orm_op, c.data.checked_at)
                self._ops[c.data.operation_id] = _Op(op.org_id, orm_op.status, op.deleted)

    # -- the per-row rules, in the service's order --------------------------------------------

    def _rules(self, n: int, m: CheckRow, existing: set[uuid.UUID]) -> ValidCheck:
        if m.id is not None and m.id in existing:
            raise Conflict(f"vehicle_checks {m.id} already exists", field="id")
        op = self._ops.get(m.operation_id)
        if op is None or op.deleted:
            raise NotFound(f"operations {m.operation_id} not found", field="operation_id")
        if op.status == "CANCELLED":
            raise ValidationFailed("the operation is cancelled", field="operation_id")
        findings, outcomes = self._clean_codes(m.findings, m.outcomes)
        check = ValidCheck(n, m, m.id or uuid.uuid4(), op.org_id, findings, outcomes, None)
        check_fields(check.values(), outcomes)
        check.pseudonym = m.vehicle_pseudonym
        if m.plate and m.vehicle_pseudonym:
            raise ValidationFailed("give plate or vehicle_pseudonym, not both", field="plate")
        if m.plate:
            if not self.secret:
                raise ValidationFailed("no pseudonym secret is configured", field="plate")
            check.pseudonym = vehicle_pseudonym(m.plate, self.secret)
        has_lonlat = m.lon is not None or m.lat is not None
        if m.geometry is None and not has_lonlat:
            raise ValidationFailed("give geometry (GeoJSON) or lon and lat", field="geometry")
        if m.geometry is not None and has_lonlat:
            raise ValidationFailed("give geometry or lon/lat, not both", field="geometry")
        if m.geometry is None:
            if m.lon is None or m.lat is None:
                raise ValidationFailed("give both lon and lat", field=LONLAT_FIELD)
            check.lon, check.lat = m.lon, m.lat
        else:
            geom = parse_geometry(m.geometry, field="geometry")
            if geom.geom_type != "Point" or geom.is_empty:
                clean_geometry(geom, field="geometry", allowed=POINT)  # raises the service's error
            check.lon, check.lat = geom.x, geom.y
        return check

    def _clean_codes(self, findings: list[str], outcomes: list[str]) -> tuple[list[str], list[str]]:
        key = (tuple(findings), tuple(outcomes))
        hit = self._codes.get(key)
        if hit is None:
            try:
                hit = clean_codes(findings, outcomes)
            except ValidationFailed as exc:
                hit = exc
            self._codes[key] = hit
        if isinstance(hit, ValidationFailed):
            raise ValidationFailed(hit.message, field=hit.field)
        return list(hit[0]), list(hit[1])

    def _locate(self, checks: list[ValidCheck], errors: list[RowError]) -> list[ValidCheck]:
        """Vectorised location test; SWEREF 99 TM metres for the rows that pass."""
        if not checks:
            return checks
        x = np.fromiter((c.lon for c in checks), float, len(checks))
        y = np.fromiter((c.lat for c in checks), float, len(checks))
        inside = in_sweden_envelope(x, y)
        inside[inside] = shapely.intersects_xy(self.area.region, x[inside], y[inside])
        for i in np.flatnonzero(~inside):
            c = checks[i]
            field = "geometry" if c.data.geometry is not None else LONLAT_FIELD
            try:
                clean_geometry(Point(c.lon, c.lat), field=field, allowed=POINT)
            except GeoError as exc:
                errors.append(RowError(c.row, exc.field, exc.message))
            else:  # cannot happen while both tests agree; the service's verdict wins
                inside[i] = True
        keep = [c for c, ok in zip(checks, inside.tolist(), strict=True) if ok]
        e, n = metric_xy(x[inside], y[inside])
        for c, ce, cn in zip(keep, e.tolist(), n.tolist(), strict=True):
            c.sweref_e, c.sweref_n = ce, cn
        return keep

    def _unique(self, checks: list[ValidCheck], errors: list[RowError]) -> list[ValidCheck]:
        """Refuse an id already used by an earlier accepted row of this call."""
        keep = []
        for c in checks:
            if c.id in self._taken:
                errors.append(RowError(c.row, "id", f"vehicle_checks {c.id} already exists"))
                continue
            if c.data.id is not None:
                self._taken.add(c.id)
            keep.append(c)
        return keep

    # -- batch lookups -----------------------------------------------------------------------

    def _load_operations(self, ids: set[uuid.UUID]) -> None:
        missing = [i for i in ids if i not in self._ops]
        for chunk in _chunks(missing):
            stmt = select(Operation.id, Operation.org_id, Operation.status, Operation.deleted_at)
            for op_id, org_id, status, deleted_at in self.session.execute(
                stmt.where(Operation.id.in_(chunk))
            ):
                self._ops[op_id] = _Op(org_id, status, deleted_at is not None)
        for i in missing:
            self._ops.setdefault(i, None)

    def _existing_ids(self, ids: list[uuid.UUID]) -> set[uuid.UUID]:
        if not ids:
            return set()
        stmt = select(VehicleCheck.id)
        if self.session.get_bind().dialect.name == "postgresql":  # one array parameter
            return set(self.session.scalars(stmt.where(VehicleCheck.id == any_(_uuid_array(ids)))))
        found: set[uuid.UUID] = set()
        for chunk in _chunks(ids):
            found.update(self.session.scalars(stmt.where(VehicleCheck.id.in_(chunk))))
        return found


def _uuid_array(ids: list[uuid.UUID]) -> Any:
    return bindparam("ids", ids, type_=postgresql.ARRAY(Uuid))


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + _LOOKUP_CHUNK] for i in range(0, len(items), _LOOKUP_CHUNK)]
