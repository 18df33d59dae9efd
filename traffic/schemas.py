"""Shared pydantic building blocks for input and output schemas."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt

GeoJSONGeometry = Annotated[
    dict[str, Any],
    Field(
        description="GeoJSON geometry (RFC 7946, WGS84 lon/lat)",
        examples=[{"type": "Point", "coordinates": [15.131987, 58.322982]}],
    ),
]
Timestamp = Annotated[AwareDatetime, Field(description="RFC 3339 time with offset")]
Count = Annotated[StrictInt, Field(ge=0)]
Flag = StrictBool
Note = Annotated[str, Field(max_length=4000)]


class Input(BaseModel):
    """Input: unknown fields refused, text trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ClientId(Input):
    """A client-generated UUID, so a retried field write never creates a duplicate."""

    id: uuid.UUID | None = Field(default=None, description="client-generated UUID")


class Output(BaseModel):
    """Output schemas read attributes of ORM objects."""

    model_config = ConfigDict(from_attributes=True)
