"""``/ogc/collections/{collectionId}/items`` and ``/items/{featureId}``: GeoJSON through the REST reads.

The same ``traffic.queries`` functions and the same ``as_feature`` as ``/api/v1``: a role sees
exactly the records and fields it sees there, and reads of police records are logged alike.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api.deps import SessionDep
from api.fastjson import FastJSONResponse
from api.listing import page_links
from api.ogc.catalog import Collection
from api.ogc.deps import CollectionDep, ReaderDep
from api.ogc.documents import GEOJSON, JSON, link, now, url
from api.ogc.params import ItemsQueryDep, OgcRoute, PlainQuery
from api.ogc.responses import OGC_PROBLEMS
from api.serialize import as_feature, as_feature_page, read_fields
from api.versions import etag
from traffic.audit.hook import log_read
from traffic.errors import NotFound
from traffic.queries import get_visible, list_records, spec
from traffic.visibility import POLICE_RECORD_KINDS

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"], route_class=OgcRoute, responses=OGC_PROBLEMS)
GEOJSON_200: dict[int | str, dict[str, Any]] = {
    200: {"content": {GEOJSON: {}}, "description": "GeoJSON (RFC 7946), WGS84 lon/lat"}
}


def _log_reads(session: Session, kind: str, records: list[Any]) -> None:
    """Log reads of detailed police records exactly as the REST reads do (see ``api.deps.get_db``)."""
    if kind in POLICE_RECORD_KINDS and records:
        log_read(session, spec(kind).model.__tablename__, [str(r.id) for r in records])


@router.get(
    "/collections/{collectionId}/items",
    name="ogc_items",
    summary="Objekt i en samling / features",
    responses=GEOJSON_200,
)
def items(
    request: Request,
    session: SessionDep,
    actor: ReaderDep,
    coll: CollectionDep,
    q: ItemsQueryDep,
) -> JSONResponse:
    """A page of the features the caller may see, filtered by bbox and datetime, with a next link."""
    page = list_records(
        session,
        coll.kind,
        actor,
        q.flt,
        limit=q.limit,
        offset=q.offset,
        rows=True,
        fields=read_fields(coll.kind),
    )
    links = page_links(request, page, GEOJSON)
    links.append(_collection_link(request, coll))
    body = {
        "type": "FeatureCollection",
        "features": as_feature_page(coll.kind, page.items, actor),
        "numberMatched": page.number_matched,
        "numberReturned": len(page.items),
        "timeStamp": now(),
        "links": links,
    }
    _log_reads(session, coll.kind, page.items)
    return FastJSONResponse(body, media_type=GEOJSON)


@router.get(
    "/collections/{collectionId}/items/{featureId}",
    name="ogc_item",
    summary="Ett objekt / one feature",
    responses=GEOJSON_200,
    dependencies=[PlainQuery],
)
def item(
    request: Request,
    session: SessionDep,
    actor: ReaderDep,
    coll: CollectionDep,
    feature_id: Annotated[str, Path(alias="featureId", description="the record's id (a UUID)")],
) -> JSONResponse:
    """One feature (404 if it does not exist or the caller may not know of it)."""
    try:
        record_id = uuid.UUID(feature_id)
    except ValueError:
        raise NotFound(f"no feature {feature_id!r} in {coll.id}", field="featureId") from None
    obj = get_visible(session, coll.kind, actor, record_id)
    body = as_feature(coll.kind, obj, actor)
    body["links"] = [
        link(url(request, "ogc_item", collectionId=coll.id, featureId=str(obj.id)), "self", GEOJSON),
        _collection_link(request, coll),
    ]
    headers = {"ETag": etag(obj)}
    _log_reads(session, coll.kind, [obj])
    return JSONResponse(body, media_type=GEOJSON, headers=headers)


def _collection_link(request: Request, coll: Collection) -> dict[str, str]:
    return link(url(request, "ogc_collection", collectionId=coll.id), "collection", JSON, coll.title)
