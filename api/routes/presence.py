"""/api/v1/presence — presence sessions (närvaro): zone check-ins, point stays, GPS tracks."""

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
from api.routes.common import delete_one, editable, list_kind, read_one, record_response
from api.serialize import as_json
from traffic.actors import Actor
from traffic.presence.schemas import PresenceCreate
from traffic.presence.service import check_out, create_presence

KIND = "presence"
router = APIRouter(prefix="/api/v1/presence", tags=["närvaro / presence"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(Requires("presence:read"))]
Writer = Annotated[Actor, Depends(Requires("presence:write"))]


def new_presence(session: Session, actor: Actor, data: PresenceCreate) -> dict[str, Any]:
    """Create a presence session of the caller's organisation; the record as JSON."""
    return as_json(KIND, create_presence(session, actor=actor, data=data), actor)


@router.get(
    "",
    summary="Lista närvaro / list presence sessions",
    response_model=page_model(KIND),
    responses=list_responses(),
)
def list_presence(request: Request, session: SessionDep, actor: Reader, q: ListQueryDep) -> JSONResponse:
    """Presence sessions of the caller's organisation (bbox, time, zone, kind), paginated."""
    return list_kind(request, session, KIND, actor, q)


@router.post(
    "", status_code=201, summary="Registrera närvaro / log presence", response_model=record_model(KIND)
)
def create(request: Request, session: SessionDep, actor: Writer, data: PresenceCreate) -> Response:
    """Check in at a zone (leave end_at empty), or log a point stay or GPS track; honours Idempotency-Key."""

    def produce() -> tuple[int, dict]:
        return 201, new_presence(session, actor, data)

    return run_idempotent(request, session, actor, data.model_dump(mode="json"), produce)


@router.get(
    "/{presence_id}", summary="Hämta närvaro / get a presence session", response_model=record_model(KIND)
)
def read(session: SessionDep, actor: Reader, presence_id: uuid.UUID) -> JSONResponse:
    """One presence session (404 if it does not exist or the caller may not know of it)."""
    return read_one(session, KIND, actor, presence_id)


@router.post("/{presence_id}/checkout", summary="Checka ut / check out", response_model=record_model(KIND))
def checkout(request: Request, session: SessionDep, actor: Writer, presence_id: uuid.UUID) -> JSONResponse:
    """End an open session now (422 if it already has an end); If-Match is honoured."""
    editable(session, KIND, actor, presence_id, request)
    return record_response(KIND, check_out(session, actor=actor, presence_id=presence_id), actor)


@router.delete("/{presence_id}", status_code=204, summary="Ta bort närvaro / delete a presence session")
def delete(request: Request, session: SessionDep, actor: Writer, presence_id: uuid.UUID) -> Response:
    """Soft delete."""
    return delete_one(session, KIND, actor, presence_id, request)
