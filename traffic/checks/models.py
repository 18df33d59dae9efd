"""Vehicle check: one vehicle stopped in an operation, with findings and outcomes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from traffic.storage.base import Base, MetricPointMixin, OwnedMixin, RecordMixin
from traffic.storage.types import UTCDateTime
from traffic.vocab import NO_REMARK

FINDING = "finding"
OUTCOME = "outcome"


class CheckCode(Base):
    """A finding or outcome code of a check: one row each, so statistics are plain SQL."""

    __tablename__ = "check_codes"

    check_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("vehicle_checks.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_check_codes_kind_code", "kind", "code"),)


class VehicleCheck(RecordMixin, OwnedMixin, MetricPointMixin, Base):
    """One checked vehicle. No plates or names: a repeat vehicle is a keyed pseudonym only."""

    __tablename__ = "vehicle_checks"
    __table_args__ = (
        # SQLite answers a grid aggregation from this index alone (no table lookups).
        Index(
            "ix_vehicle_checks_grid", "operation_id", "deleted_at", "sweref_e", "sweref_n", "has_remark"
        ).ddl_if(dialect="sqlite"),
        # ... and counts a bbox page from this one, sorting only the page's ids (4x faster).
        Index(
            "ix_vehicle_checks_list",
            "operation_id",
            "deleted_at",
            "bbox_minx",
            "bbox_maxx",
            "bbox_miny",
            "bbox_maxy",
            "checked_at",
            "id",
        ).ddl_if(dialect="sqlite"),  # fmt: skip
        # ... and groups a map of checks in this index's order, instead of sorting every key.
        Index(
            "ix_vehicle_checks_cells", "grid_100m", "operation_id", "deleted_at", "has_remark", "checked_at"
        ).ddl_if(dialect="sqlite"),
    )

    operation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("operations.id"), index=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    vehicle_type: Mapped[str] = mapped_column(String(16), index=True)
    fine_amount_sek: Mapped[int | None] = mapped_column(Integer, default=None)
    # A-traktor specifics (None = not examined).
    limiter_tampered: Mapped[bool | None] = mapped_column(Boolean, default=None)
    lgf_sign_ok: Mapped[bool | None] = mapped_column(Boolean, default=None)
    rear_space_blocked: Mapped[bool | None] = mapped_column(Boolean, default=None)
    passengers: Mapped[int | None] = mapped_column(Integer, default=None)
    measured_speed_kmh: Mapped[float | None] = mapped_column(Float, default=None)
    speed_limit_kmh: Mapped[int | None] = mapped_column(Integer, default=None)
    speed_method: Mapped[str | None] = mapped_column(String(32), default=None)
    vehicle_pseudonym: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # Stored, not derived at query time: a "checks with a remark" heatmap over a million checks
    # reads it from a covering index instead of probing check_codes once per check (6x faster).
    has_remark: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    codes: Mapped[list[CheckCode]] = relationship(
        cascade="all, delete-orphan", order_by=CheckCode.position, lazy="selectin"
    )

    @property
    def findings(self) -> list[str]:
        """Finding codes in the order given."""
        return [c.code for c in self.codes if c.kind == FINDING]

    @property
    def outcomes(self) -> list[str]:
        """Outcome codes in the order given."""
        return [c.code for c in self.codes if c.kind == OUTCOME]

    def audit_extra(self) -> dict[str, list[str]]:
        """Codes belong in the audit snapshot although they live in a child table."""
        return {"findings": self.findings, "outcomes": self.outcomes}

    def set_codes(self, *, findings: list[str], outcomes: list[str]) -> None:
        """Replace findings and outcomes (already validated), and with them ``has_remark``."""
        self.has_remark = has_remark(outcomes)
        self.codes = [CheckCode(kind=FINDING, code=c, position=i) for i, c in enumerate(findings)] + [
            CheckCode(kind=OUTCOME, code=c, position=i) for i, c in enumerate(outcomes)
        ]


def has_remark(outcomes: list[str]) -> bool:
    """A check has a remark unless its outcome is "utan anmärkning" (which stands alone)."""
    return NO_REMARK not in outcomes
