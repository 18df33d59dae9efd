"""``/ogc/collections`` and ``/ogc/collections/{collectionId}`` with extents of what the caller sees."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import SessionDep
from api.ogc.catalog import readable
from api.ogc.deps import CollectionDep, ReaderDep
from api.ogc.documents import JSON, collection_document, collections_document
from api.ogc.extents import extent_of
from api.ogc.params import OgcRoute, PlainQuery
from api.ogc.responses import OGC_PROBLEMS

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"], route_class=OgcRoute, responses=OGC_PROBLEMS)


@router.get(
    "/collections", name="ogc_collections", summary="Samlingar / collections", dependencies=[PlainQuery]
)
def collections(request: Request, session: SessionDep, actor: ReaderDep) -> JSONResponse:
    """The collections the caller's role may read, each with the extent of its visible records."""
    docs = [collection_document(request, c, extent_of(session, c.kind, actor)) for c in readable(actor)]
    return JSONResponse(collections_document(request, docs), media_type=JSON)


@router.get(
    "/collections/{collectionId}",
    name="ogc_collection",
    summary="En samling / one collection",
    dependencies=[PlainQuery],
)
def collection(request: Request, session: SessionDep, actor: ReaderDep, coll: CollectionDep) -> JSONResponse:
    """One collection (404 if it does not exist or the caller's role may not read it)."""
    return JSONResponse(
        collection_document(request, coll, extent_of(session, coll.kind, actor)), media_type=JSON
    )
