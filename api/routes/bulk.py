"""/api/v1/bulk — the field app's offline outbox: many creates, all-or-nothing per record.

Each entry is the body of a single-record POST (``data``) with the record kind and an
idempotency key. Entries run one after another, each in its own SAVEPOINT: a failing entry
leaves nothing behind and does not stop the others. An entry's key works exactly like the
``Idempotency-Key`` header of the single-record POST of its kind (same key space, same
fingerprint), so an entry sent again after a lost response, in a bulk request or alone,
answers with the original record instead of creating a second one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from api.deps import SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES, STATUS_TABLE, Problem
from api.idempotency import MAX_KEY_LENGTH, run_keyed
from api.permissions import Requires, allowed
from api.routes.checks import new_check
from api.routes.presence import new_presence
from api.routes.tallies import new_tally
from api.serialize import as_json
from api.settings import Settings
from geo.errors import GeoError
from traffic.actors import Actor
from traffic.checks.schemas import CheckCreate
from traffic.errors import DomainError
from traffic.incidents.schemas import IncidentCreate
from traffic.incidents.service import create_incident
from traffic.operations.schemas import OperationCreate
from traffic.operations.service import create_operation
from traffic.presence.schemas import PresenceCreate
from traffic.schemas import Input
from traffic.tallies.schemas import TallyCreate

MAX_ENTRIES = 500
BulkKind = Literal["operations", "checks", "tallies", "presence", "incidents"]
router = APIRouter(prefix="/api/v1/bulk", tags=["utkorg / bulk"], responses=PROBLEM_RESPONSES)
Account = Annotated[Actor, Depends(Requires("account"))]
Key = Annotated[str, Field(min_length=1, max_length=MAX_KEY_LENGTH, description="idempotency key")]


class BulkEntry(Input):
    """One queued create: the kind, its idempotency key, and the body its single-record POST takes."""

    kind: BulkKind
    idempotency_key: Key
    data: dict[str, Any] = Field(
        description="the request body of POST /api/v1/{kind}; it is checked per entry, so a bad "
        "record gets its own 422 result and does not refuse the others"
    )


class BulkRequest(Input):
    """Up to 500 queued creates, handled in order."""

    entries: list[BulkEntry] = Field(max_length=MAX_ENTRIES)


class _Typed(Input):
    idempotency_key: Key


class OperationEntry(_Typed):
    """A queued operation."""

    kind: Literal["operations"]
    data: OperationCreate


class CheckEntry(_Typed):
    """A queued vehicle check."""

    kind: Literal["checks"]
    data: CheckCreate


class TallyEntry(_Typed):
    """A queued tally."""

    kind: Literal["tallies"]
    data: TallyCreate


class PresenceEntry(_Typed):
    """A queued presence session."""

    kind: Literal["presence"]
    data: PresenceCreate


class IncidentEntry(_Typed):
    """A queued incident."""

    kind: Literal["incidents"]
    data: IncidentCreate


TypedEntry = Annotated[
    OperationEntry | CheckEntry | TallyEntry | PresenceEntry | IncidentEntry, Field(discriminator="kind")
]
TYPED_ENTRY: TypeAdapter[Any] = TypeAdapter(TypedEntry)


class BulkResult(BaseModel):
    """What became of one entry: 201 created, 200 replayed (the original record), or 4xx."""

    index: int = Field(description="position of the entry in the request")
    status: int = Field(description="201 created, 200 replayed, or the 4xx a single POST would get")
    id: uuid.UUID | None = Field(default=None, description="the record's id (201 and 200)")
    replayed: bool = Field(default=False, description="true when the key had already been used")
    problem: Problem | None = Field(default=None, description="problem+json body of a refused entry")


class BulkResponse(BaseModel):
    """One result per entry, in request order."""

    results: list[BulkResult]


Writer = Callable[[Session, Actor, Any, Settings], dict[str, Any]]


def _operation(session: Session, actor: Actor, data: OperationCreate, _s: Settings) -> dict[str, Any]:
    return as_json("operations", create_operation(session, actor=actor, data=data), actor)


def _incident(session: Session, actor: Actor, data: IncidentCreate, _s: Settings) -> dict[str, Any]:
    return as_json("incidents", create_incident(session, actor=actor, data=data), actor)


WRITERS: dict[str, Writer] = {
    "operations": _operation,
    "checks": lambda session, actor, data, s: new_check(session, actor, data, s.pseudonym_secret),
    "tallies": lambda session, actor, data, _s: new_tally(session, actor, data),
    "presence": lambda session, actor, data, _s: new_presence(session, actor, data),
    "incidents": _incident,
}


def _refused(index: int, status: int, title: str, detail: str, errors: list[dict] | None) -> BulkResult:
    problem = Problem(title=title, status=status, detail=detail, errors=errors or None)  # type: ignore[arg-type]
    return BulkResult(index=index, status=status, problem=problem)


def _invalid(index: int, exc: ValidationError) -> BulkResult:
    # Field names as the single-record POST reports them: relative to the record's body.
    errors = []
    for e in exc.errors():
        loc = list(e["loc"])[2:] if e["loc"][1:2] == ("data",) else list(e["loc"])
        errors.append({"field": ".".join(str(p) for p in loc), "message": e["msg"]})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return _refused(index, 422, "Ogiltiga uppgifter / invalid input", detail, errors)


def _domain(index: int, exc: DomainError | GeoError) -> BulkResult:
    # The same table the exception handlers use, so a result says what a single POST would.
    status, title = next((s, t) for kind, s, t in STATUS_TABLE if isinstance(exc, kind))
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return _refused(index, status, title, str(exc), errors)


def _handle(session: Session, actor: Actor, settings: Settings, index: int, raw: BulkEntry) -> BulkResult:
    permission = f"{raw.kind}:write"
    if not allowed(actor.role, permission):
        detail = f"the role {actor.role} may not do this ({permission})"
        return _refused(index, 403, "Ej behörig / forbidden", detail, None)
    try:
        entry = TYPED_ENTRY.validate_python(raw.model_dump())
    except ValidationError as exc:
        return _invalid(index, exc)

    def produce() -> tuple[int, dict[str, Any]]:
        return 201, WRITERS[raw.kind](session, actor, entry.data, settings)

    try:
        with session.begin_nested():
            result = run_keyed(
                session,
                actor,
                key=entry.idempotency_key,
                method="POST",
                path=f"/api/v1/{raw.kind}",
                payload=entry.data.model_dump(mode="json"),
                produce=produce,
                field="idempotency_key",
            )
    except (DomainError, GeoError) as exc:
        return _domain(index, exc)
    status = 200 if result.replayed else result.status
    return BulkResult(index=index, status=status, id=result.body["id"], replayed=result.replayed)


@router.post(
    "",
    summary="Skicka utkorg / create many records (offline outbox)",
    response_model=BulkResponse,
    response_model_exclude_none=True,
)
def bulk_create(
    session: SessionDep, settings: SettingsDep, actor: Account, body: BulkRequest
) -> BulkResponse:
    """Create up to 500 records, each on its own: always 200 with one result per entry.

    Like 207 Multi-Status, but as 200: each result carries the status the single-record POST
    would have answered (201 created; 200 when the key was used before, with the original id;
    403 when the role may not write that kind; 404, 409, 422 with its problem+json body).
    A refused entry stores nothing and does not affect the others.
    """
    return BulkResponse(
        results=[_handle(session, actor, settings, i, entry) for i, entry in enumerate(body.entries)]
    )
