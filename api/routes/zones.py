"""/api/v1/zones — named areas (resecentrum, the municipality, school areas); public to read."""

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
from api.routes.common import delete_one, list_kind, read_one
from api.serialize import as_json
from traffic.actors import Actor
from traffic.zones.schemas import ZoneCreate
from traffic.zones.service import create_zone

KIND = "zones"
router = APIRouter(prefix="/api/v1/zones", tags=["områden / zones"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(Requires("zones:read"))]
Writer = Annotated[Actor, Depends(Requires("zones:write"))]


@router.get(
    "", summary="Lista områden / list zones", response_model=page_model(KIND), responses=list_responses()
)
def list_zones(request: Request, session: SessionDep, actor: Reader, q: ListQueryDep) -> JSONResponse:
    """Zones, filtered and paginated (JSON or GeoJSON)."""
    return list_kind(request, session, KIND, actor, q)


@router.post("", status_code=201, summary="Skapa område / create a zone", response_model=record_model(KIND))
def create(request: Request, session: SessionDep, actor: Writer, data: ZoneCreate) -> Response:
    """Create a zone with a unique code (admin); honours Idempotency-Key."""

    def produce() -> tuple[int, dict]:
        return 201, as_json(KIND, create_zone(session, actor=actor, data=data), actor)

    return run_idempotent(request, session, actor, data.model_dump(mode="json"), produce)


@router.get("/{zone_id}", summary="Hämta område / get a zone", response_model=record_model(KIND))
def read(session: SessionDep, actor: Reader, zone_id: uuid.UUID) -> JSONResponse:
    """One zone (404 if it does not exist)."""
    return read_one(session, KIND, actor, zone_id)


@router.delete("/{zone_id}", status_code=204, summary="Ta bort område / delete a zone")
def delete(request: Request, session: SessionDep, actor: Writer, zone_id: uuid.UUID) -> Response:
    """Soft delete (admin of the owning organisation)."""
    return delete_one(session, KIND, actor, zone_id, request)
