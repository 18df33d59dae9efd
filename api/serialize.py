"""Records → JSON properties and GeoJSON features, with fields the caller may not see removed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from geo.geojson import feature, geometry_to_geojson
from traffic.actors import Actor
from traffic.checks.schemas import CheckRead
from traffic.incidents.schemas import IncidentRead
from traffic.measures.schemas import MeasureRead
from traffic.operations.schemas import OperationRead
from traffic.presence.schemas import PresenceRead
from traffic.tallies.schemas import TallyRead
from traffic.visibility import hidden_fields
from traffic.zones.schemas import ZoneRead

READ_SCHEMAS: dict[str, type[BaseModel]] = {
    "operations": OperationRead,
    "checks": CheckRead,
    "tallies": TallyRead,
    "presence": PresenceRead,
    "measures": MeasureRead,
    "incidents": IncidentRead,
    "zones": ZoneRead,
}


def properties(kind: str, obj: Any, actor: Actor) -> dict[str, Any]:
    """The record's fields as JSON values, minus what ``actor`` may not receive."""
    data = READ_SCHEMAS[kind].model_validate(obj).model_dump(mode="json")
    for name in hidden_fields(kind, actor, getattr(obj, "org_id", None)):
        data.pop(name, None)
    return data


def as_json(kind: str, obj: Any, actor: Actor) -> dict[str, Any]:
    """A record as plain JSON, geometry (if any) as a GeoJSON geometry."""
    data = properties(kind, obj, actor)
    if hasattr(obj, "geom"):
        data["geometry"] = geometry_to_geojson(obj.geom) if obj.geom is not None else None
    return data


def as_feature(kind: str, obj: Any, actor: Actor) -> dict[str, Any]:
    """A record as a GeoJSON Feature (RFC 7946, 6 decimals)."""
    props = properties(kind, obj, actor)
    record_id = props.pop("id")
    return feature(getattr(obj, "geom", None), props, id=record_id)
