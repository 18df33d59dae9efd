"""Safety measure: a point, line or polygon with a status workflow."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from traffic.storage.base import Base, OwnedMixin, RecordMixin, SpatialMixin


class SafetyMeasure(RecordMixin, OwnedMixin, SpatialMixin, Base):
    """A traffic-safety measure: proposed → planned → in progress → completed (or rejected)."""

    __tablename__ = "safety_measures"

    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="PROPOSED")
    description: Mapped[str | None] = mapped_column(Text, default=None)
    proposed_on: Mapped[date | None] = mapped_column(Date, default=None)
    planned_on: Mapped[date | None] = mapped_column(Date, default=None)
    started_on: Mapped[date | None] = mapped_column(Date, default=None)
    completed_on: Mapped[date | None] = mapped_column(Date, default=None, index=True)
    cost_sek: Mapped[int | None] = mapped_column(Integer, default=None)
