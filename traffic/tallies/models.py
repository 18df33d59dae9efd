"""Tally: counts per outcome for an operation instead of one row per vehicle."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from traffic.storage.base import Base, OwnedMixin, RecordMixin
from traffic.storage.types import UTCDateTime


class TallyCount(Base):
    """How many vehicles got one outcome in a tally."""

    __tablename__ = "tally_counts"

    tally_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tallies.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(48), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class Tally(RecordMixin, OwnedMixin, Base):
    """Counts per outcome for one operation over a time span; rolls up with checks."""

    __tablename__ = "tallies"

    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operations.id"), index=True)
    counted_from: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    counted_to: Mapped[datetime] = mapped_column(UTCDateTime)
    vehicle_type: Mapped[str | None] = mapped_column(String(16), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)

    counts: Mapped[list[TallyCount]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=TallyCount.outcome
    )

    def audit_extra(self) -> dict[str, dict[str, int]]:
        """Counts belong in the audit snapshot although they live in a child table."""
        return {"counts": self.as_dict()}

    def as_dict(self) -> dict[str, int]:
        """Outcome code → count."""
        return {c.outcome: c.count for c in self.counts}
