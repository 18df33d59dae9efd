"""The handler bodies every record kind shares: read one, list, delete, with read logging."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from api.listing import ListQuery, render_page
from api.serialize import as_feature, as_json, read_fields
from api.versions import check_if_match, etag
from traffic.actors import Actor
from traffic.audit.hook import log_read
from traffic.errors import PermissionDenied
from traffic.queries import get_visible, list_records
from traffic.records import soft_delete
from traffic.visibility import POLICE_RECORD_KINDS, can_edit


def record_response(
    kind: str, obj: Any, actor: Actor, *, status: int = 200, geojson: bool = False
) -> JSONResponse:
    """One record with its ETag."""
    body = as_feature(kind, obj, actor) if geojson else as_json(kind, obj, actor)
    media = "application/geo+json" if geojson else "application/json"
    return JSONResponse(body, status_code=status, media_type=media, headers={"ETag": etag(obj)})


def read_one(
    session: Session, kind: str, actor: Actor, record_id: uuid.UUID, *, geojson: bool = False
) -> JSONResponse:
    """A visible record (404 otherwise); reads of police records are logged."""
    obj = get_visible(session, kind, actor, record_id)
    if kind in POLICE_RECORD_KINDS:
        log_read(session, _entity(kind), [str(obj.id)])
    return record_response(kind, obj, actor, geojson=geojson)


def list_kind(request: Request, session: Session, kind: str, actor: Actor, q: ListQuery) -> JSONResponse:
    """A page of visible records; reads of police records are logged with their ids."""
    page = list_records(
        session,
        kind,
        actor,
        q.flt,
        limit=q.limit,
        offset=q.offset,
        sort=q.sort,
        rows=True,
        fields=read_fields(kind),
    )
    if kind in POLICE_RECORD_KINDS and page.items:
        log_read(session, _entity(kind), [str(o.id) for o in page.items])
    return render_page(request, kind, page, actor, q.geojson)


def editable(session: Session, kind: str, actor: Actor, record_id: uuid.UUID, request: Request) -> Any:
    """A record the actor may change, at the version named by If-Match."""
    obj = get_visible(session, kind, actor, record_id)
    if not can_edit(actor, obj):
        raise PermissionDenied(f"{actor.role} {actor.username} may not change this record")
    check_if_match(request, obj)
    return obj


def delete_one(session: Session, kind: str, actor: Actor, record_id: uuid.UUID, request: Request) -> Response:
    """Soft-delete (kept for the audit trail until retention removes it)."""
    obj = editable(session, kind, actor, record_id, request)
    soft_delete(obj)
    session.flush()
    return Response(status_code=204)


def _entity(kind: str) -> str:
    return {
        "operations": "operations",
        "checks": "vehicle_checks",
        "tallies": "tallies",
        "presence": "presence_sessions",
    }.get(kind, kind)
