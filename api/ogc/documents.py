"""The JSON documents of OGC API – Features: links, landing page, conformance, collections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from api.ogc.catalog import CRS84, GREGORIAN, Collection
from api.ogc.extents import Extent

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
HTML = "text/html"

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)


def link(href: str, rel: str, type_: str, title: str | None = None) -> dict[str, str]:
    """One OGC link object."""
    out = {"href": href, "rel": rel, "type": type_}
    if title:
        out["title"] = title
    return out


def url(request: Request, name: str, **params: str) -> str:
    """The absolute URL of the named route (honours the proxy's root path)."""
    return str(request.url_for(name, **params))


def app_url(request: Request, path: str) -> str:
    """The absolute URL of an app path such as ``/openapi.json``."""
    return str(request.base_url).rstrip("/") + path


def rfc3339(value: datetime | None) -> str | None:
    """An aware datetime as RFC 3339 in UTC with ``Z`` (None stays None)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def now() -> str:
    """The current time, RFC 3339, for ``timeStamp``."""
    return rfc3339(datetime.now(UTC).replace(microsecond=0)) or ""


def landing_page(request: Request) -> dict[str, Any]:
    """The landing page ``/ogc``."""
    app = request.app
    # service-doc only while /docs is on (TRAFIKTRYGG_DOCS); service-desc (/openapi.json) always.
    docs = (
        [link(app_url(request, app.docs_url), "service-doc", HTML, "API-dokumentation")]
        if app.docs_url
        else []
    )
    return {
        "title": "Trafiktrygg – geodata",
        "description": (
            "Geodata från medborgarlöftet i Mjölby: polisens trafikkontroller, kontrollerade fordon, "
            "närvaro vid resecentrum, kommunens trafiksäkerhetsåtgärder, händelser och områden. "
            "Vad som syns beror på inloggningen (Authorization: Bearer …); utan inloggning visas "
            "genomförda åtgärder och områden."
        ),
        "links": [
            link(url(request, "ogc_landing"), "self", JSON, "Den här sidan / this document"),
            link(app_url(request, app.openapi_url), "service-desc", OPENAPI_JSON, "API-definition (OpenAPI)"),
            *docs,
            link(url(request, "ogc_conformance"), "conformance", JSON, "Uppfyllda standarder"),
            link(url(request, "ogc_collections"), "data", JSON, "Samlingar / collections"),
        ],
    }


def conformance() -> dict[str, Any]:
    """The conformance classes ``/ogc/conformance``."""
    return {"conformsTo": list(CONFORMANCE)}


def collection_document(request: Request, coll: Collection, extent: Extent) -> dict[str, Any]:
    """One collection's metadata with links and the extent of what the caller may see."""
    self_url = url(request, "ogc_collection", collectionId=coll.id)
    return {
        "id": coll.id,
        "title": coll.title,
        "description": coll.description,
        "links": [
            link(self_url, "self", JSON, coll.title),
            link(
                url(request, "ogc_items", collectionId=coll.id), "items", GEOJSON, f"{coll.title} (GeoJSON)"
            ),
        ],
        "extent": {
            "spatial": {"bbox": [list(extent.bbox)], "crs": CRS84},
            "temporal": {"interval": [[rfc3339(extent.start), rfc3339(extent.end)]], "trs": GREGORIAN},
        },
        "itemType": "feature",
        "crs": [CRS84],
    }


def collections_document(request: Request, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The collection list ``/ogc/collections``."""
    return {
        "links": [link(url(request, "ogc_collections"), "self", JSON, "Samlingar / collections")],
        "collections": docs,
    }
