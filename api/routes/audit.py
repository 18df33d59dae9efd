"""/api/v1/audit — the append-only audit trail, for leads (own organisation) and admins.

Read-only by design: there is no route to change or delete an event, and the database refuses
both. Every read of the trail is itself logged (entity ``audit_events``, with the event ids).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import SessionDep
from api.errors import PROBLEM_RESPONSES
from api.params import parse_datetime
from api.permissions import Requires
from api.responses import Link
from traffic.actors import Actor
from traffic.audit.hook import log_read
from traffic.audit.service import EXPORT_ROWS, MAX_PAGE, AuditFilter, events_csv, list_events

router = APIRouter(prefix="/api/v1/audit", tags=["granskningslogg / audit"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(Requires("audit:read"))]
CSV = "text/csv; charset=utf-8"


class AuditEventOut(BaseModel):
    """One write or read: who, role, when, what, and the record before and after."""

    id: int
    at: datetime
    user_id: str | None
    username: str | None
    role: str | None
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    purpose: str | None


class AuditPageOut(BaseModel):
    """Events newest first, with a ``next`` link while older ones follow."""

    items: list[AuditEventOut]
    numberMatched: int  # noqa: N815 - OGC API spelling, as in the record lists
    numberReturned: int  # noqa: N815
    links: list[Link]


@router.get(
    "",
    response_model=AuditPageOut,
    summary="Granskningslogg / audit trail",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def read_audit(
    request: Request,
    session: SessionDep,
    actor: Reader,
    entity: Annotated[str | None, Query(max_length=48, description="table, e.g. operations")] = None,
    entity_id: Annotated[str | None, Query(max_length=36)] = None,
    user: Annotated[str | None, Query(max_length=64, description="username")] = None,
    action: Annotated[str | None, Query(max_length=16, description="create, update, delete, read, …")] = None,
    from_: Annotated[str | None, Query(alias="from", description="RFC 3339 time or date, inclusive")] = None,
    to: Annotated[str | None, Query(description="RFC 3339 time or date, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, description=f"page size; above {MAX_PAGE} is capped")] = 100,
    before: Annotated[int | None, Query(ge=1, description="cursor from the next link")] = None,
    f: Annotated[Literal["json", "csv"] | None, Query(description="json or csv")] = None,
) -> Any:
    """Events the caller may read, filtered; ``f=csv`` exports up to 10,000 per file (Link: next)."""
    flt = AuditFilter(
        entity=entity,
        entity_id=entity_id,
        username=user,
        action=action,
        start=parse_datetime(from_, field="from").start,
        end=parse_datetime(to, field="to").end,
    )
    as_csv = f == "csv"
    if as_csv:
        page = list_events(session, actor, flt, limit=EXPORT_ROWS, before=before, cap=EXPORT_ROWS)
    else:
        page = list_events(session, actor, flt, limit=limit, before=before)
    log_read(session, "audit_events", [str(e.id) for e in page.items])
    next_href = None
    if page.next_before is not None:
        size = EXPORT_ROWS if as_csv else min(limit, MAX_PAGE)
        next_href = str(request.url.include_query_params(before=page.next_before, limit=size))
    if as_csv:
        headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
        if next_href:
            headers["Link"] = f'<{next_href}>; rel="next"'
        return Response("\ufeff" + events_csv(page.items), media_type=CSV, headers=headers)
    links = [Link(href=str(request.url), rel="self", type="application/json")]
    if next_href:
        links.append(Link(href=next_href, rel="next", type="application/json"))
    return AuditPageOut(
        items=[AuditEventOut.model_validate(e, from_attributes=True) for e in page.items],
        numberMatched=page.number_matched,
        numberReturned=len(page.items),
        links=links,
    )
