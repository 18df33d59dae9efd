"""/api/v1/operations — control operations (trafikinsatser)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from api.deps import SessionDep
from api.errors import PROBLEM_RESPONSES
from api.idempotency import run_idempotent
from api.listing import ListQueryDep
from api.permissions import Requires
from api.responses import list_responses, page_model, record_model
from api.routes.common import delete_one, editable, list_kind, read_one, record_response
from api.serialize import as_json
from traffic.actors import Actor
from traffic.operations.schemas import OperationCreate, OperationUpdate
from traffic.operations.service import create_operation, update_operation

KIND = "operations"
router = APIRouter(
    prefix="/api/v1/operations", tags=["trafikinsatser / operations"], responses=PROBLEM_RESPONSES
)
Reader = Annotated[Actor, Depends(Requires("operations:read"))]
Writer = Annotated[Actor, Depends(Requires("operations:write"))]


@router.get(
    "",
    summary="Lista insatser / list operations",
    response_model=page_model(KIND),
    responses=list_responses(),
)
def list_operations(request: Request, session: SessionDep, actor: Reader, q: ListQueryDep) -> JSONResponse:
    """Operations the caller may know of, filtered and paginated (JSON or GeoJSON)."""
    return list_kind(request, session, KIND, actor, q)


@router.post(
    "", status_code=201, summary="Skapa insats / create an operation", response_model=record_model(KIND)
)
def create(request: Request, session: SessionDep, actor: Writer, data: OperationCreate) -> Response:
    """Create an operation; honours Idempotency-Key."""

    def produce() -> tuple[int, dict]:
        return 201, as_json(KIND, create_operation(session, actor=actor, data=data), actor)

    return run_idempotent(request, session, actor, data.model_dump(mode="json"), produce)


@router.get("/{operation_id}", summary="Hämta insats / get an operation", response_model=record_model(KIND))
def read(session: SessionDep, actor: Reader, operation_id: uuid.UUID) -> JSONResponse:
    """One operation (404 if it does not exist or the caller may not know of it)."""
    return read_one(session, KIND, actor, operation_id)


@router.patch(
    "/{operation_id}", summary="Ändra insats / update an operation", response_model=record_model(KIND)
)
def update(
    request: Request, session: SessionDep, actor: Writer, operation_id: uuid.UUID, data: OperationUpdate
) -> JSONResponse:
    """Change fields or status; send If-Match with the ETag to refuse stale updates (412)."""
    editable(session, KIND, actor, operation_id, request)
    op = update_operation(session, actor=actor, operation_id=operation_id, data=data)
    return record_response(KIND, op, actor)


@router.delete("/{operation_id}", status_code=204, summary="Ta bort insats / delete an operation")
def delete(request: Request, session: SessionDep, actor: Writer, operation_id: uuid.UUID) -> Response:
    """Soft delete."""
    return delete_one(session, KIND, actor, operation_id, request)
