"""Wire schemas for zones."""

from __future__ import annotations

import uuid

from pydantic import Field

from traffic.schemas import ClientId, GeoJSONGeometry, Note, Number, Output


class ZoneCreate(ClientId):
    """A named polygon, optionally with a weekly presence target in hours."""

    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: str
    geometry: GeoJSONGeometry
    weekly_target_hours: Number | None = Field(default=None, ge=0, le=168)
    description: Note | None = None
    org_id: uuid.UUID | None = None


class ZoneRead(Output):
    """A zone as stored."""

    id: uuid.UUID
    code: str
    name: str
    kind: str
    weekly_target_hours: float | None
    description: str | None
    version: int
