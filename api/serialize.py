"""Records → JSON properties and GeoJSON features, with fields the caller may not see removed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, TypeAdapter

from geo.geojson import geometries_to_geojson
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


# One validator per kind for a whole page: one call into pydantic-core instead of one per record.
_PAGE_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {
    kind: TypeAdapter(list[schema])
    for kind, schema in READ_SCHEMAS.items()  # type: ignore[valid-type]
}


def read_fields(kind: str) -> frozenset[str]:
    """The names the read schema of ``kind`` takes from a record."""
    return frozenset(READ_SCHEMAS[kind].model_fields)


def properties(kind: str, obj: Any, actor: Actor) -> dict[str, Any]:
    """The record's fields as JSON values, minus what ``actor`` may not receive."""
    return _many_properties(kind, [obj], actor)[0]


def as_json(kind: str, obj: Any, actor: Actor) -> dict[str, Any]:
    """A record as plain JSON, geometry (if any) as a GeoJSON geometry."""
    return as_json_page(kind, [obj], actor)[0]


def as_feature(kind: str, obj: Any, actor: Actor) -> dict[str, Any]:
    """A record as a GeoJSON Feature (RFC 7946, 6 decimals)."""
    return as_feature_page(kind, [obj], actor)[0]


def _many_properties(kind: str, objs: Sequence[Any], actor: Actor) -> list[dict[str, Any]]:
    """Each record's fields as JSON values, minus what ``actor`` may not receive."""
    adapter = _PAGE_ADAPTERS[kind]
    data = adapter.dump_python(adapter.validate_python(objs, from_attributes=True), mode="json")
    hidden: dict[Any, frozenset[str]] = {}
    for obj, props in zip(objs, data, strict=True):
        org_id = getattr(obj, "org_id", None)
        if org_id not in hidden:
            hidden[org_id] = hidden_fields(kind, actor, org_id)
        for name in hidden[org_id]:
            props.pop(name, None)
    return data


def _many_geometries(objs: Sequence[Any]) -> list[dict[str, Any] | None]:
    return geometries_to_geojson([getattr(o, "geom", None) for o in objs])


def as_json_page(kind: str, objs: Sequence[Any], actor: Actor) -> list[dict[str, Any]]:
    """:func:`as_json` of every record of a page, in one pass."""
    items = _many_properties(kind, objs, actor)
    if objs and hasattr(objs[0], "geom"):
        for props, geometry in zip(items, _many_geometries(objs), strict=True):
            props["geometry"] = geometry
    return items


def as_feature_page(kind: str, objs: Sequence[Any], actor: Actor) -> list[dict[str, Any]]:
    """:func:`as_feature` of every record of a page, in one pass."""
    out = []
    for props, geometry in zip(_many_properties(kind, objs, actor), _many_geometries(objs), strict=True):
        record_id = props.pop("id")
        out.append({"type": "Feature", "id": record_id, "geometry": geometry, "properties": props})
    return out
