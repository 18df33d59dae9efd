"""``/ogc`` landing page and ``/ogc/conformance``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.ogc.deps import ReaderDep
from api.ogc.documents import JSON, conformance, landing_page
from api.ogc.params import OgcRoute, PlainQuery
from api.ogc.responses import OGC_PROBLEMS

router = APIRouter(prefix="/ogc", tags=["OGC API – Features"], route_class=OgcRoute, responses=OGC_PROBLEMS)


@router.get("", name="ogc_landing", summary="Startsida / landing page", dependencies=[PlainQuery])
def landing(request: Request, _actor: ReaderDep) -> JSONResponse:
    """Links to the API definition, its documentation, the conformance classes and the collections."""
    return JSONResponse(landing_page(request), media_type=JSON)


# OWSLib (and many hand-typed URLs) ask for the landing page with a trailing slash.
@router.get("/", include_in_schema=False, dependencies=[PlainQuery])
def landing_slash(request: Request, _actor: ReaderDep) -> JSONResponse:
    """The landing page at ``/ogc/``."""
    return JSONResponse(landing_page(request), media_type=JSON)


@router.get(
    "/conformance",
    name="ogc_conformance",
    summary="Uppfyllda standarder / conformance",
    dependencies=[PlainQuery],
)
def conformance_classes(_actor: ReaderDep) -> JSONResponse:
    """The OGC API – Features conformance classes this API implements (Core, OpenAPI 3.0, GeoJSON)."""
    return JSONResponse(conformance(), media_type=JSON)
