"""/api/v1/measures — municipal traffic-safety measures (trafiksäkerhetsåtgärder)."""

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
from traffic.measures.schemas import MeasureCreate, MeasureUpdate
from traffic.measures.service import create_measure, update_measure

KIND = "measures"
router = APIRouter(
    prefix="/api/v1/measures", tags=["trafiksäkerhetsåtgärder / measures"], responses=PROBLEM_RESPONSES
)
Reader = Annotated[Actor, Depends(Requires("measures:read"))]
Writer = Annotated[Actor, Depends(Requires("measures:write"))]


@router.get(
    "", summary="Lista åtgärder / list measures", response_model=page_model(KIND), responses=list_responses()
)
def list_measures(request: Request, session: SessionDep, actor: Reader, q: ListQueryDep) -> JSONResponse:
    """Measures the caller may see (the public: completed ones), filtered and paginated."""
    return list_kind(request, session, KIND, actor, q)


@router.post(
    "", status_code=201, summary="Registrera åtgärd / create a measure", response_model=record_model(KIND)
)
def create(request: Request, session: SessionDep, actor: Writer, data: MeasureCreate) -> Response:
    """Register a measure; honours Idempotency-Key."""

    def produce() -> tuple[int, dict]:
        return 201, as_json(KIND, create_measure(session, actor=actor, data=data), actor)

    return run_idempotent(request, session, actor, data.model_dump(mode="json"), produce)


@router.get("/{measure_id}", summary="Hämta åtgärd / get a measure", response_model=record_model(KIND))
def read(session: SessionDep, actor: Reader, measure_id: uuid.UUID) -> JSONResponse:
    """One measure (404 if it does not exist or the caller may not see it)."""
    return read_one(session, KIND, actor, measure_id)


@router.patch("/{measure_id}", summary="Ändra åtgärd / update a measure", response_model=record_model(KIND))
def update(
    request: Request, session: SessionDep, actor: Writer, measure_id: uuid.UUID, data: MeasureUpdate
) -> JSONResponse:
    """Change fields or move the status one permitted step; If-Match refuses stale updates (412)."""
    editable(session, KIND, actor, measure_id, request)
    measure = update_measure(session, actor=actor, measure_id=measure_id, data=data)
    return record_response(KIND, measure, actor)


@router.delete("/{measure_id}", status_code=204, summary="Ta bort åtgärd / delete a measure")
def delete(request: Request, session: SessionDep, actor: Writer, measure_id: uuid.UUID) -> Response:
    """Soft delete."""
    return delete_one(session, KIND, actor, measure_id, request)
