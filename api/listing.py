"""List endpoints: filters from the query string, pagination links, JSON or GeoJSON."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import JSONResponse

from api.deps import SessionDep
from api.fastjson import FastJSONResponse
from api.params import BadParameter, parse_bbox, parse_datetime, parse_period_param
from api.serialize import as_feature_page, as_json_page
from geo.geojson import feature_collection
from traffic.actors import Actor
from traffic.errors import NotFound
from traffic.orgs.service import organisation_by_code
from traffic.queries import MAX_LIMIT, Page, RecordFilter
from traffic.zones.service import zone_by_code

GEOJSON = "application/geo+json"


@dataclass(frozen=True)
class ListQuery:
    """Parsed list parameters."""

    flt: RecordFilter
    limit: int
    offset: int
    sort: str | None
    geojson: bool


def list_query(
    request: Request,
    session: SessionDep,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat (WGS84)")] = None,
    datetime: Annotated[str | None, Query(description="RFC 3339 instant or interval a/b, .. = open")] = None,
    period: Annotated[str | None, Query(description="2025H1, 2025 or 2025-01-01..2025-03-31")] = None,
    zone: Annotated[str | None, Query(description="zone code, e.g. resecentrum_300m")] = None,
    organisation: Annotated[str | None, Query(description="organisation code, e.g. polisen")] = None,
    focus: str | None = None,
    vehicle_type: str | None = None,
    finding: str | None = None,
    outcome: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    operation_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, description=f"page size; above {MAX_LIMIT} is capped")] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    sort: Annotated[str | None, Query(description="field, '-' prefix for descending")] = None,
    f: Annotated[Literal["json", "geojson"] | None, Query(description="json or geojson")] = None,
) -> ListQuery:
    """Parse and validate the shared list parameters."""
    interval = parse_datetime(datetime)
    if period:
        if datetime:
            raise BadParameter("give either datetime or period, not both", field="period")
        interval = parse_period_param(period)
    within = None
    if zone:
        try:
            within = zone_by_code(session, zone).geom
        except NotFound as exc:
            raise BadParameter(exc.message, field="zone") from exc
    org_id = None
    if organisation:
        try:
            org_id = organisation_by_code(session, organisation).id
        except NotFound as exc:
            raise BadParameter(exc.message, field="organisation") from exc
    equals: dict[str, Any] = {
        "focus": focus,
        "vehicle_type": vehicle_type,
        "status": status,
        "kind": kind,
        "org_id": org_id,
        "operation_id": operation_id,
    }
    flt = RecordFilter(
        bbox=parse_bbox(bbox),
        start=interval.start,
        end=interval.end,
        within=within,
        equals={k: v for k, v in equals.items() if v is not None},
        finding=finding,
        outcome=outcome,
    )
    wants_geojson = f == "geojson" or (f is None and GEOJSON in request.headers.get("accept", ""))
    return ListQuery(flt, min(limit, MAX_LIMIT), offset, sort, wants_geojson)


ListQueryDep = Annotated[ListQuery, Depends(list_query)]


def page_links(request: Request, page: Page, media_type: str) -> list[dict[str, str]]:
    """``self`` and, when more follow, ``next`` (and ``prev``) links keeping every filter."""

    def at(offset: int) -> str:
        return str(request.url.include_query_params(offset=offset, limit=page.limit))

    links = [{"href": str(request.url), "rel": "self", "type": media_type}]
    if page.has_next:
        links.append({"href": at(page.offset + page.limit), "rel": "next", "type": media_type})
    if page.offset > 0:
        links.append({"href": at(max(0, page.offset - page.limit)), "rel": "prev", "type": media_type})
    return links


def render_page(request: Request, kind: str, page: Page, actor: Actor, geojson: bool) -> JSONResponse:
    """The page as JSON ``{items, numberMatched, numberReturned, links}`` or a FeatureCollection."""
    if geojson:
        body = feature_collection(as_feature_page(kind, page.items, actor))
        media = GEOJSON
    else:
        body = {"items": as_json_page(kind, page.items, actor)}
        media = "application/json"
    body["numberMatched"] = page.number_matched
    body["numberReturned"] = len(page.items)
    body["links"] = page_links(request, page, media)
    return FastJSONResponse(body, media_type=media)
