"""Wire schemas for presence sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from traffic.schemas import ClientId, GeoJSONGeometry, Integer, Note, Output, Timestamp


class PresenceCreate(ClientId):
    """A zone check-in/out, a point stay, or a GPS track with one timestamp per vertex."""

    unit: str = Field(min_length=1, max_length=64, description="call sign of the unit")
    officers: Integer = Field(default=1, ge=1, le=50)
    mode: str
    kind: str
    zone_id: uuid.UUID | None = None
    geometry: GeoJSONGeometry | None = None
    track_times: list[Timestamp] | None = None
    start_at: Timestamp | None = None
    end_at: Timestamp | None = None
    note: Note | None = None


class PresenceRead(Output):
    """A presence session as stored."""

    id: uuid.UUID
    org_id: uuid.UUID
    unit: str
    officers: int
    mode: str
    kind: str
    zone_id: uuid.UUID | None
    start_at: datetime
    end_at: datetime | None
    note: str | None
    version: int
