"""Wire schemas for safety measures."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from traffic.schemas import ClientId, Count, Day, GeoJSONGeometry, Input, Note, Output


class MeasureCreate(ClientId):
    """A new measure; an already completed one may be registered with its dates."""

    title: str = Field(min_length=1, max_length=200)
    kind: str
    status: str = "PROPOSED"
    geometry: GeoJSONGeometry
    description: Note | None = None
    proposed_on: Day | None = None
    planned_on: Day | None = None
    started_on: Day | None = None
    completed_on: Day | None = None
    cost_sek: Count | None = None
    org_id: uuid.UUID | None = None


class MeasureUpdate(Input):
    """Changes to a measure; a status change must follow the workflow."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    kind: str | None = None
    status: str | None = None
    geometry: GeoJSONGeometry | None = None
    description: Note | None = None
    proposed_on: Day | None = None
    planned_on: Day | None = None
    started_on: Day | None = None
    completed_on: Day | None = None
    cost_sek: Count | None = None


class MeasureRead(Output):
    """A measure as stored."""

    id: uuid.UUID
    org_id: uuid.UUID
    title: str
    kind: str
    status: str
    description: str | None
    proposed_on: date | None
    planned_on: date | None
    started_on: date | None
    completed_on: date | None
    cost_sek: int | None
    version: int
