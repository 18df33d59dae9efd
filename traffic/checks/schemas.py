"""Wire schemas for vehicle checks."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from traffic.schemas import ClientId, Count, Flag, GeoJSONGeometry, Input, Note, Number, Output, Timestamp


class CheckCreate(ClientId):
    """One checked vehicle. A plate, if given, is turned into a keyed pseudonym and dropped."""

    operation_id: uuid.UUID
    checked_at: Timestamp
    geometry: GeoJSONGeometry
    vehicle_type: str
    findings: list[str] = Field(default_factory=list, max_length=20)
    outcomes: list[str] = Field(default_factory=list, max_length=20)
    fine_amount_sek: Count | None = None
    limiter_tampered: Flag | None = None
    lgf_sign_ok: Flag | None = None
    rear_space_blocked: Flag | None = None
    passengers: Count | None = None
    measured_speed_kmh: Number | None = Field(default=None, ge=0, le=400)
    speed_limit_kmh: Count | None = Field(default=None, le=130)
    speed_method: str | None = None
    plate: str | None = Field(
        default=None, max_length=12, description="write-only: stored as a keyed pseudonym"
    )
    note: Note | None = None


class CheckUpdate(Input):
    """Corrections to a check; only the fields given are changed."""

    checked_at: Timestamp | None = None
    geometry: GeoJSONGeometry | None = None
    vehicle_type: str | None = None
    findings: list[str] | None = Field(default=None, max_length=20)
    outcomes: list[str] | None = Field(default=None, max_length=20)
    fine_amount_sek: Count | None = None
    limiter_tampered: Flag | None = None
    lgf_sign_ok: Flag | None = None
    rear_space_blocked: Flag | None = None
    passengers: Count | None = None
    measured_speed_kmh: Number | None = Field(default=None, ge=0, le=400)
    speed_limit_kmh: Count | None = Field(default=None, le=130)
    speed_method: str | None = None
    note: Note | None = None


class CheckRead(Output):
    """A check as stored (never a plate)."""

    id: uuid.UUID
    operation_id: uuid.UUID
    org_id: uuid.UUID
    checked_at: datetime
    vehicle_type: str
    findings: list[str]
    outcomes: list[str]
    fine_amount_sek: int | None
    limiter_tampered: bool | None
    lgf_sign_ok: bool | None
    rear_space_blocked: bool | None
    passengers: int | None
    measured_speed_kmh: float | None
    speed_limit_kmh: int | None
    speed_method: str | None
    vehicle_pseudonym: str | None = Field(default=None, description="police insiders only")
    note: str | None = Field(default=None, description="police insiders only")
    version: int
