"""Wire schemas for control operations."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from traffic.schemas import ClientId, Count, GeoJSONGeometry, Input, Note, Output, Timestamp


class OperationCreate(ClientId):
    """A new operation, usually planned ahead."""

    title: str = Field(min_length=1, max_length=200)
    focus: str
    status: str = "PLANNED"
    place_name: str | None = Field(default=None, max_length=200)
    geometry: GeoJSONGeometry | None = None
    planned_start: Timestamp | None = None
    planned_end: Timestamp | None = None
    actual_start: Timestamp | None = None
    actual_end: Timestamp | None = None
    officer_count: Count | None = None
    officer_ids: list[uuid.UUID] = Field(default_factory=list)
    note: Note | None = None
    org_id: uuid.UUID | None = None


class OperationUpdate(Input):
    """Changes to an operation; only the fields given are changed."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    focus: str | None = None
    status: str | None = None
    place_name: str | None = Field(default=None, max_length=200)
    geometry: GeoJSONGeometry | None = None
    planned_start: Timestamp | None = None
    planned_end: Timestamp | None = None
    actual_start: Timestamp | None = None
    actual_end: Timestamp | None = None
    officer_count: Count | None = None
    officer_ids: list[uuid.UUID] | None = None
    note: Note | None = None


class OperationRead(Output):
    """An operation as stored."""

    id: uuid.UUID
    org_id: uuid.UUID
    title: str
    focus: str
    status: str
    place_name: str | None
    planned_start: datetime | None
    planned_end: datetime | None
    actual_start: datetime | None
    actual_end: datetime | None
    officer_count: int | None
    officer_ids: list[str] | None = Field(default=None, description="police insiders only")
    note: str | None = Field(default=None, description="police insiders only")
    version: int
