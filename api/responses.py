"""What the record routes answer, declared for the OpenAPI document.

The handlers build their bodies with :mod:`api.serialize` and return them as responses of
their own (with ETags, GeoJSON media types); the models here only document those bodies, so
clients and schemathesis can check every answer against the schema.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, Field, create_model

from api.serialize import READ_SCHEMAS
from traffic.queries import SPECS

GEOJSON = "application/geo+json"
GEOMETRY = Field(default=None, description="GeoJSON geometry (RFC 7946, WGS84 lon/lat, 6 decimals)")


class Link(BaseModel):
    """A link to this page, the next or the previous one."""

    href: str
    rel: str
    type: str


_FEATURE: dict[str, Any] = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": ["string", "integer"]},
        "geometry": {"type": ["object", "null"]},
        "properties": {"type": ["object", "null"], "description": "the record's fields, as in JSON"},
    },
}
FEATURE_COLLECTION: dict[str, Any] = {
    "type": "object",
    "required": ["type", "features", "numberMatched", "numberReturned", "links"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": _FEATURE},
        "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0},
        "links": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["href", "rel", "type"],
                "properties": {
                    "href": {"type": "string"},
                    "rel": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}


@cache
def record_model(kind: str) -> type[BaseModel]:
    """A record of ``kind`` as JSON: its read schema, plus ``geometry`` for spatial kinds."""
    read = READ_SCHEMAS[kind]
    name = read.__name__.removesuffix("Read") + "Out"
    if not hasattr(SPECS[kind].model, "geom"):
        return create_model(name, __base__=read, __doc__=read.__doc__)
    return create_model(name, __base__=read, __doc__=read.__doc__, geometry=(dict[str, Any] | None, GEOMETRY))


@cache
def page_model(kind: str) -> type[BaseModel]:
    """A page of records of ``kind`` as JSON."""
    record = record_model(kind)
    return create_model(
        f"{record.__name__.removesuffix('Out')}Page",
        __doc__=f"A page of {kind}, with a next link while more follow.",
        items=(list[record], ...),  # type: ignore[valid-type]
        numberMatched=(int, Field(ge=0, description="records matching the filters")),
        numberReturned=(int, Field(ge=0)),
        links=(list[Link], ...),
    )


def list_responses() -> dict[int | str, dict[str, Any]]:
    """The list routes also answer GeoJSON (``f=geojson`` or ``Accept: application/geo+json``)."""
    return {200: {"content": {GEOJSON: {"schema": FEATURE_COLLECTION}}}}
