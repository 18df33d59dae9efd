"""Commitment → indicators → half-year targets and hand-entered values."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from traffic.storage.base import Base, RecordMixin, utcnow
from traffic.storage.types import UTCDateTime

COMPUTED = "computed"
MANUAL = "manual"


class Commitment(RecordMixin, Base):
    """A promise item, e.g. "Hög närvaro i och omkring resecentrum"."""

    __tablename__ = "commitments"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    strand: Mapped[str] = mapped_column(String(32))
    title_sv: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    first_period: Mapped[str] = mapped_column(String(8))
    last_period: Mapped[str] = mapped_column(String(8))

    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="commitment", lazy="selectin", order_by="Indicator.code"
    )


class Indicator(Base):
    """A measurable indicator; ``metric`` names the computation when ``source`` is computed."""

    __tablename__ = "indicators"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    commitment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("commitments.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title_sv: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    metric: Mapped[str | None] = mapped_column(String(128), default=None)

    commitment: Mapped[Commitment] = relationship(back_populates="indicators")
    targets: Mapped[list[IndicatorTarget]] = relationship(lazy="selectin")


class IndicatorTarget(Base):
    """Target for one half-year, e.g. ≥ 6 operations in 2025H1."""

    __tablename__ = "indicator_targets"
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    indicator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("indicators.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    target: Mapped[float] = mapped_column(Float)
    comparison: Mapped[str] = mapped_column(String(2), default=">=")


class IndicatorValue(Base):
    """A hand-entered result (activities the system does not record)."""

    __tablename__ = "indicator_values"
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    indicator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("indicators.id"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    entered_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
