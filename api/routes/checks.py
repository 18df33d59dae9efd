"""/api/v1/checks — vehicle checks (kontrollerade fordon)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from api.deps import SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.idempotency import run_idempotent
from api.listing import ListQueryDep
from api.permissions import Requires
from api.responses import list_responses, page_model, record_model
from api.routes.common import delete_one, editable, list_kind, read_one, record_response
from api.serialize import as_json
from traffic.actors import Actor
from traffic.checks.schemas import CheckCreate, CheckUpdate
from traffic.checks.service import create_check, update_check
from traffic.errors import NotFound, PermissionDenied
from traffic.operations.models import Operation
from traffic.queries import get_visible

KIND = "checks"
router = APIRouter(prefix="/api/v1/checks", tags=["kontroller / vehicle checks"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(Requires("checks:read"))]
Writer = Annotated[Actor, Depends(Requires("checks:write"))]


def writable_operation(session: Session, actor: Actor, operation_id: uuid.UUID) -> Operation:
    """The operation a new check or tally goes into: known to the caller and of their organisation.

    An operation the caller may not know of is "not found" (never "forbidden", which leaks).
    """
    try:
        op = get_visible(session, "operations", actor, operation_id)
    except NotFound as exc:
        raise NotFound(exc.message, field="operation_id") from exc
    if op.org_id != actor.org_id:
        raise PermissionDenied("only the owning organisation logs in this operation", field="operation_id")
    return op


def new_check(session: Session, actor: Actor, data: CheckCreate, pseudonym_secret: str) -> dict[str, Any]:
    """Create a check in an operation the caller may write to; the record as JSON."""
    # Held, not discarded: the session keeps loaded objects only while referenced, and
    # create_check reads the same operation (from the identity map, not a second query).
    _operation = writable_operation(session, actor, data.operation_id)
    check = create_check(session, actor=actor, data=data, pseudonym_secret=pseudonym_secret)
    return as_json(KIND, check, actor)


@router.get(
    "",
    summary="Lista kontroller / list vehicle checks",
    response_model=page_model(KIND),
    responses=list_responses(),
)
def list_checks(request: Request, session: SessionDep, actor: Reader, q: ListQueryDep) -> JSONResponse:
    """Checks the caller may see (finding, outcome, vehicle_type, operation_id, bbox, time, zone)."""
    return list_kind(request, session, KIND, actor, q)


@router.post(
    "",
    status_code=201,
    summary="Registrera kontroll / log a vehicle check",
    response_model=record_model(KIND),
)
def create(
    request: Request, session: SessionDep, settings: SettingsDep, actor: Writer, data: CheckCreate
) -> Response:
    """Log one checked vehicle (a plate becomes a keyed pseudonym); honours Idempotency-Key."""

    def produce() -> tuple[int, dict]:
        return 201, new_check(session, actor, data, settings.pseudonym_secret)

    return run_idempotent(request, session, actor, data.model_dump(mode="json"), produce)


@router.get("/{check_id}", summary="Hämta kontroll / get a vehicle check", response_model=record_model(KIND))
def read(session: SessionDep, actor: Reader, check_id: uuid.UUID) -> JSONResponse:
    """One check (404 if it does not exist or the caller may not know of it); the read is logged."""
    return read_one(session, KIND, actor, check_id)


@router.patch(
    "/{check_id}", summary="Rätta kontroll / correct a vehicle check", response_model=record_model(KIND)
)
def update(
    request: Request, session: SessionDep, actor: Writer, check_id: uuid.UUID, data: CheckUpdate
) -> JSONResponse:
    """Correct fields; send If-Match with the ETag to refuse stale updates (412)."""
    editable(session, KIND, actor, check_id, request)
    check = update_check(session, actor=actor, check_id=check_id, data=data)
    return record_response(KIND, check, actor)


@router.delete("/{check_id}", status_code=204, summary="Ta bort kontroll / delete a vehicle check")
def delete(request: Request, session: SessionDep, actor: Writer, check_id: uuid.UUID) -> Response:
    """Soft delete."""
    return delete_one(session, KIND, actor, check_id, request)
