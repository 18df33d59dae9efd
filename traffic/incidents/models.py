"""Incident or concern: crash, near miss, complaint, A-traktor disturbance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from traffic.storage.base import Base, MetricPointMixin, OwnedMixin, RecordMixin
from traffic.storage.types import UTCDateTime


class Incident(RecordMixin, OwnedMixin, MetricPointMixin, Base):
    """Part of the lägesbild (situation picture), together with vehicle checks."""

    __tablename__ = "incidents"

    kind: Mapped[str] = mapped_column(String(32), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    source: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str | None] = mapped_column(String(16), default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
