"""/api/v1/incidents — incidents and concerns (händelser och synpunkter); signed-in roles only."""

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
from traffic.incidents.schemas import IncidentCreate, IncidentUpdate
from traffic.incidents.service import create_incident, update_incident

KIND = "incidents"
router = APIRouter(prefix="/api/v1/incidents", tags=["händelser / incidents"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(Requires("incidents:read"))]
Writer = Annotated[Actor, Depends(Requires("incidents:write"))]


@router.get(
    "",
    summary="Lista händelser / list incidents",
    response_model=page_model(KIND),
    responses=list_responses(),
)
def list_incidents(request: Request, session: SessionDep, actor: Reader, q: ListQueryDep) -> JSONResponse:
    """Incidents and concerns, filtered and paginated (JSON or GeoJSON)."""
    return list_kind(request, session, KIND, actor, q)


@router.post(
    "", status_code=201, summary="Registrera händelse / create an incident", response_model=record_model(KIND)
)
def create(request: Request, session: SessionDep, actor: Writer, data: IncidentCreate) -> Response:
    """Record an incident or concern; honours Idempotency-Key."""

    def produce() -> tuple[int, dict]:
        return 201, as_json(KIND, create_incident(session, actor=actor, data=data), actor)

    return run_idempotent(request, session, actor, data.model_dump(mode="json"), produce)


@router.get("/{incident_id}", summary="Hämta händelse / get an incident", response_model=record_model(KIND))
def read(session: SessionDep, actor: Reader, incident_id: uuid.UUID) -> JSONResponse:
    """One incident (404 if it does not exist)."""
    return read_one(session, KIND, actor, incident_id)


@router.patch(
    "/{incident_id}", summary="Ändra händelse / update an incident", response_model=record_model(KIND)
)
def update(
    request: Request, session: SessionDep, actor: Writer, incident_id: uuid.UUID, data: IncidentUpdate
) -> JSONResponse:
    """Correct fields; If-Match with the ETag refuses stale updates (412)."""
    editable(session, KIND, actor, incident_id, request)
    incident = update_incident(session, actor=actor, incident_id=incident_id, data=data)
    return record_response(KIND, incident, actor)


@router.delete("/{incident_id}", status_code=204, summary="Ta bort händelse / delete an incident")
def delete(request: Request, session: SessionDep, actor: Writer, incident_id: uuid.UUID) -> Response:
    """Soft delete."""
    return delete_one(session, KIND, actor, incident_id, request)
