"""Zone: a named polygon (resecentrum, the municipality, a school area, custom)."""

from __future__ import annotations

from sqlalchemy import Float, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from traffic.storage.base import Base, OwnedMixin, RecordMixin, SpatialMixin


class Zone(RecordMixin, OwnedMixin, SpatialMixin, Base):
    """A named area; presence is measured inside it against a weekly target."""

    __tablename__ = "zones"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    weekly_target_hours: Mapped[float | None] = mapped_column(Float, default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
