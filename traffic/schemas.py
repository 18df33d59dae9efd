"""Shared pydantic building blocks for input and output schemas."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
)
from pydantic_core import PydanticCustomError

from traffic.timeutil import YEARS

GeoJSONGeometry = Annotated[
    dict[str, Any],
    Field(
        description="GeoJSON geometry (RFC 7946, WGS84 lon/lat)",
        examples=[{"type": "Point", "coordinates": [15.131987, 58.322982]}],
    ),
]


def _not_a_number(value: Any) -> Any:
    """Refuse a number where a time or date is expected (pydantic's lax mode reads it as Unix time)."""
    if isinstance(value, bool | int | float):
        raise PydanticCustomError("time_type", "Input should be an RFC 3339 text, not a number")
    return value


def _in_years(value: date) -> date:
    """Refuse a year outside :data:`traffic.timeutil.YEARS` (year 1 or 9999 cannot even be stored)."""
    if value.year not in YEARS:
        years = {"first": YEARS.start, "last": YEARS.stop - 1}
        raise PydanticCustomError("time_range", "the year must be from {first} to {last}", years)
    return value


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_not_a_number),
    AfterValidator(_in_years),
    Field(description="RFC 3339 time with offset"),
]
Day = Annotated[
    date,
    BeforeValidator(_not_a_number),
    AfterValidator(_in_years),
    Field(description="a date, e.g. 2025-05-16"),
]


def _json_number(value: Any) -> Any:
    """Refuse booleans and text where a number is expected (pydantic's lax mode takes both)."""
    if isinstance(value, bool | str | bytes):
        kind = "a boolean" if isinstance(value, bool) else "text"
        raise PydanticCustomError("number_type", "Input should be a number, not {kind}", {"kind": kind})
    return value


# A JSON number without a fraction (85 or 85.0, as JSON Schema's "integer"); never true or "85".
Integer = Annotated[int, BeforeValidator(_json_number)]
# A JSON number (85 or 85.5); never true or "85.5".
Number = Annotated[float, BeforeValidator(_json_number)]
Count = Annotated[Integer, Field(ge=0)]
Flag = StrictBool
Note = Annotated[str, Field(max_length=4000)]


class Input(BaseModel):
    """Input: unknown fields refused, text trimmed, no NUL characters (PostgreSQL text refuses them)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("must not contain NUL characters (U+0000)")
        return value


class ClientId(Input):
    """A client-generated UUID, so a retried field write never creates a duplicate."""

    id: uuid.UUID | None = Field(default=None, description="client-generated UUID")


class Output(BaseModel):
    """Output schemas read attributes of ORM objects."""

    model_config = ConfigDict(from_attributes=True)
