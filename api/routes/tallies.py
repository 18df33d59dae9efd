"""/api/v1/tallies — counts per outcome for fast controls (they roll up with single checks)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from api.deps import SessionDep
from api.errors import PROBLEM_RESPONSES
from api.idempotency import run_idempotent
from api.listing import ListQueryDep
from api.permissions import Requires
from api.responses import list_responses, page_model, record_model
from api.routes.checks import writable_operation
from api.routes.common import delete_one, list_kind, read_one
from api.serialize import as_json
from traffic.actors import Actor
from traffic.tallies.schemas import TallyCreate
from traffic.tallies.service import create_tally

KIND = "tallies"
router = APIRouter(prefix="/api/v1/tallies", tags=["räkningar / tallies"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(Requires("tallies:read"))]
Writer = Annotated[Actor, Depends(Requires("tallies:write"))]


def new_tally(session: Session, actor: Actor, data: TallyCreate) -> dict[str, Any]:
    """Create a tally in an operation the caller may write to; the record as JSON."""
    _operation = writable_operation(session, actor, data.operation_id)  # held: see new_check
    return as_json(KIND, create_tally(session, actor=actor, data=data), actor)


@router.get(
    "", summary="Lista räkningar / list tallies", response_model=page_model(KIND), responses=list_responses()
)
def list_tallies(request: Request, session: SessionDep, actor: Reader, q: ListQueryDep) -> JSONResponse:
    """Tallies the caller may see (operation_id, vehicle_type, time), paginated."""
    return list_kind(request, session, KIND, actor, q)


@router.post(
    "", status_code=201, summary="Registrera räkning / log a tally", response_model=record_model(KIND)
)
def create(request: Request, session: SessionDep, actor: Writer, data: TallyCreate) -> Response:
    """Log counts per outcome for an operation; honours Idempotency-Key."""

    def produce() -> tuple[int, dict]:
        return 201, new_tally(session, actor, data)

    return run_idempotent(request, session, actor, data.model_dump(mode="json"), produce)


@router.get("/{tally_id}", summary="Hämta räkning / get a tally", response_model=record_model(KIND))
def read(session: SessionDep, actor: Reader, tally_id: uuid.UUID) -> JSONResponse:
    """One tally (404 if it does not exist or the caller may not know of it); the read is logged."""
    return read_one(session, KIND, actor, tally_id)


@router.delete("/{tally_id}", status_code=204, summary="Ta bort räkning / delete a tally")
def delete(request: Request, session: SessionDep, actor: Writer, tally_id: uuid.UUID) -> Response:
    """Soft delete."""
    return delete_one(session, KIND, actor, tally_id, request)
