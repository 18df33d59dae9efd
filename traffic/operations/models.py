"""Control operation: planned or carried out; confidential while planned or ongoing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from traffic.storage.base import Base, OwnedMixin, RecordMixin, SpatialMixin
from traffic.storage.types import UTCDateTime


class Operation(RecordMixin, OwnedMixin, SpatialMixin, Base):
    """A traffic control operation (trafikinsats) with a focus, a place and times."""

    __tablename__ = "operations"

    title: Mapped[str] = mapped_column(String(200))
    focus: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="PLANNED")
    place_name: Mapped[str | None] = mapped_column(String(200), default=None)
    planned_start: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    planned_end: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    actual_start: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    actual_end: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    officer_count: Mapped[int | None] = mapped_column(Integer, default=None)
    # User ids of the officers taking part (accounts, not names).
    officer_ids: Mapped[list[str]] = mapped_column(JSON(none_as_null=True), default=list)
    note: Mapped[str | None] = mapped_column(Text, default=None)
