"""Presence session: a unit's stay, as a zone check-in, a point stay or a GPS track."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from traffic.storage.base import Base, OwnedMixin, RecordMixin, SpatialMixin
from traffic.storage.types import UTCDateTime

ZONE_CHECKIN = "ZONE_CHECKIN"
POINT_STAY = "POINT"
GPS_TRACK = "TRACK"
PRESENCE_KINDS = (ZONE_CHECKIN, POINT_STAY, GPS_TRACK)


class PresenceSession(RecordMixin, OwnedMixin, SpatialMixin, Base):
    """Who (a unit, how many officers), when, how and where police were present."""

    __tablename__ = "presence_sessions"

    unit: Mapped[str] = mapped_column(String(64))
    officers: Mapped[int] = mapped_column(Integer, default=1)
    mode: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    zone_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("zones.id"), default=None, index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # For GPS tracks: one ISO-8601 UTC timestamp per track vertex.
    track_times: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
