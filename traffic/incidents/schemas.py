"""Wire schemas for incidents and concerns."""

from __future__ import annotations

import uuid
from datetime import datetime

from traffic.schemas import ClientId, GeoJSONGeometry, Input, Note, Output, Timestamp


class IncidentCreate(ClientId):
    """A crash, near miss, complaint or disturbance at a point."""

    kind: str
    occurred_at: Timestamp
    geometry: GeoJSONGeometry
    source: str
    severity: str | None = None
    description: Note | None = None
    org_id: uuid.UUID | None = None


class IncidentUpdate(Input):
    """Corrections to an incident; only the fields sent are changed."""

    kind: str | None = None
    occurred_at: Timestamp | None = None
    geometry: GeoJSONGeometry | None = None
    source: str | None = None
    severity: str | None = None
    description: Note | None = None


class IncidentRead(Output):
    """An incident as stored."""

    id: uuid.UUID
    org_id: uuid.UUID
    kind: str
    occurred_at: datetime
    source: str
    severity: str | None
    description: str | None
    version: int
