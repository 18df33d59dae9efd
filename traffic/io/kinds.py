"""The four importable record kinds: schema, service, model and the columns of each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from traffic.actors import Actor
from traffic.checks.models import VehicleCheck
from traffic.checks.schemas import CheckCreate
from traffic.checks.service import create_check
from traffic.errors import ValidationFailed
from traffic.incidents.models import Incident
from traffic.incidents.schemas import IncidentCreate
from traffic.incidents.service import create_incident
from traffic.io.cells import TEXT, schema_types
from traffic.measures.models import SafetyMeasure
from traffic.measures.schemas import MeasureCreate
from traffic.measures.service import create_measure
from traffic.zones.models import Zone
from traffic.zones.schemas import ZoneCreate
from traffic.zones.service import create_zone

GEOMETRY_COLUMNS = ("lon", "lat", "wkt", "geometry")
ORG = "org"  # organisation code; the importer turns it into org_id
PSEUDONYM = "vehicle_pseudonym"  # exported for checks only; a keyed HMAC, never a plate

Create = Callable[[Session, Actor, Any, str | None], Any]


@dataclass(frozen=True)
class KindSpec:
    """How one record kind is read, created through its service and written."""

    name: str
    model: type[Any]
    schema: type[BaseModel]
    create: Create
    columns: tuple[str, ...]  # exported (and importable) columns besides id and geometry
    point: bool  # write geometry as lon/lat (True) or as wkt (False)
    default_org: str

    @cached_property
    def types(self) -> dict[str, str]:
        """Cell type of every readable column (schema fields plus org / pseudonym)."""
        types = schema_types(self.schema)
        types.pop("geometry", None)
        extra = {ORG: TEXT} if "org_id" in types else {}
        if self.name == "checks":
            extra[PSEUDONYM] = TEXT
        return {**types, **extra}

    @cached_property
    def required(self) -> tuple[str, ...]:
        """Schema fields that must be given (geometry apart)."""
        return tuple(
            n for n, f in self.schema.model_fields.items() if f.is_required() and n != "geometry"
        )

    def readable(self) -> tuple[str, ...]:
        """Every column the importer reads for this kind, geometry columns included."""
        return (*self.types, *GEOMETRY_COLUMNS)


def _measure(session: Session, actor: Actor, data: Any, _secret: str | None) -> Any:
    return create_measure(session, actor=actor, data=data)


def _incident(session: Session, actor: Actor, data: Any, _secret: str | None) -> Any:
    return create_incident(session, actor=actor, data=data)


def _zone(session: Session, actor: Actor, data: Any, _secret: str | None) -> Any:
    return create_zone(session, actor=actor, data=data)


def _check(session: Session, actor: Actor, data: Any, secret: str | None, pseudonym: Any = None) -> Any:
    return create_check(session, actor=actor, data=data, pseudonym_secret=secret, keyed_pseudonym=pseudonym)


SPECS: dict[str, KindSpec] = {
    "measures": KindSpec(
        "measures",
        SafetyMeasure,
        MeasureCreate,
        _measure,
        (
            "title",
            "kind",
            "status",
            "description",
            "proposed_on",
            "planned_on",
            "started_on",
            "completed_on",
            "cost_sek",
            ORG,
        ),
        point=False,
        default_org="mjolby_kommun",
    ),
    "incidents": KindSpec(
        "incidents",
        Incident,
        IncidentCreate,
        _incident,
        ("kind", "occurred_at", "source", "severity", "description", ORG),
        point=True,
        default_org="mjolby_kommun",
    ),
    "checks": KindSpec(
        "checks",
        VehicleCheck,
        CheckCreate,
        _check,
        (
            "operation_id",
            "checked_at",
            "vehicle_type",
            "findings",
            "outcomes",
            "fine_amount_sek",
            "limiter_tampered",
            "lgf_sign_ok",
            "rear_space_blocked",
            "passengers",
            "measured_speed_kmh",
            "speed_limit_kmh",
            "speed_method",
            "note",
            PSEUDONYM,
        ),
        point=True,
        default_org="polisen",
    ),
    "zones": KindSpec(
        "zones",
        Zone,
        ZoneCreate,
        _zone,
        ("code", "name", "kind", "weekly_target_hours", "description", ORG),
        point=False,
        default_org="mjolby_kommun",
    ),
}
KINDS = tuple(sorted(SPECS))


def spec_for(kind: str) -> KindSpec:
    """The spec of ``kind``, or a ValidationFailed listing the valid kinds."""
    try:
        return SPECS[kind]
    except KeyError:
        raise ValidationFailed(
            f"unknown kind {kind!r}; valid kinds are: {', '.join(KINDS)}", field="kind"
        ) from None
