"""Wire schemas for tallies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, field_validator

from traffic.schemas import ClientId, Count, Note, Output, Timestamp


class TallyCreate(ClientId):
    """Counts per outcome code, e.g. {"UTAN_ANMARKNING": 7, "ORDNINGSBOT": 2}."""

    operation_id: uuid.UUID
    counted_from: Timestamp
    counted_to: Timestamp
    counts: dict[str, Count] = Field(min_length=1)
    vehicle_type: str | None = None
    note: Note | None = None


class TallyRead(Output):
    """A tally as stored."""

    id: uuid.UUID
    operation_id: uuid.UUID
    org_id: uuid.UUID
    counted_from: datetime
    counted_to: datetime
    vehicle_type: str | None
    counts: dict[str, int]
    note: str | None = Field(default=None, description="police insiders only")
    version: int

    @field_validator("counts", mode="before")
    @classmethod
    def _as_dict(cls, value: Any) -> Any:
        """The ORM keeps counts as child rows; the wire shows them as code → count."""
        if isinstance(value, list):
            return {c.outcome: c.count for c in value}
        return value
