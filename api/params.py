"""Query parameters shared by lists, counts, maps and OGC items: parsed and validated once."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request

from traffic.errors import DomainError
from traffic.timeutil import STOCKHOLM, YEARS, parse_period

_EPSILON = timedelta(microseconds=1)


class BadParameter(DomainError):
    """A query parameter that cannot be understood (HTTP 400, naming the parameter)."""


def parse_bbox(text: str | None, *, field: str = "bbox") -> tuple[float, float, float, float] | None:
    """``minx,miny,maxx,maxy`` in WGS84 lon/lat (OGC order); 6 numbers (with heights) allowed."""
    if text is None or text == "":
        return None
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise BadParameter("give 4 numbers: minLon,minLat,maxLon,maxLat", field=field)
    try:
        nums = [float(p) for p in parts]
    except ValueError as exc:
        raise BadParameter(f"not a number in {text!r}", field=field) from exc
    if not all(math.isfinite(n) for n in nums):
        raise BadParameter("numbers must be finite", field=field)
    minx, miny, maxx, maxy = (nums[0], nums[1], nums[3], nums[4]) if len(nums) == 6 else nums
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise BadParameter("longitude must be within ±180 and latitude within ±90", field=field)
    if minx > maxx or miny > maxy:
        raise BadParameter("min must not exceed max (minLon,minLat,maxLon,maxLat)", field=field)
    return minx, miny, maxx, maxy


def _instant(text: str, field: str) -> datetime:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadParameter(f"{text!r} is not an RFC 3339 time", field=field) from exc
    if parsed.tzinfo is None:
        if "T" in value or " " in value:
            raise BadParameter(f"{text!r} needs a time zone offset (e.g. Z)", field=field)
        parsed = parsed.replace(tzinfo=STOCKHOLM)  # a bare date is a Stockholm calendar day
    if parsed.year not in YEARS:  # also keeps the interval arithmetic below from overflowing
        raise BadParameter(f"{text!r}: the year must be from {YEARS.start} to {YEARS.stop - 1}", field=field)
    return parsed


@dataclass(frozen=True)
class Interval:
    """A half-open time interval; None means open."""

    start: datetime | None
    end: datetime | None


def parse_datetime(text: str | None, *, field: str = "datetime") -> Interval:
    """RFC 3339 instant or interval ``a/b`` with open ends ``..`` or empty (OGC API Features)."""
    if text is None or text.strip() == "":
        return Interval(None, None)
    if "/" not in text:
        instant = _instant(text, field)
        if "T" not in text and " " not in text:  # a date: the whole day
            return Interval(instant, instant + timedelta(days=1))
        return Interval(instant, instant + _EPSILON)
    a, _, b = text.partition("/")
    start = None if a.strip() in ("", "..") else _instant(a, field)
    end = None if b.strip() in ("", "..") else _instant(b, field)
    if start is None and end is None and "/" in text and a.strip() == b.strip() == "":
        raise BadParameter("an interval needs at least one end", field=field)
    if start is not None and end is not None and end < start:
        raise BadParameter("the interval ends before it starts", field=field)
    if end is not None and "T" in b:
        end = end + _EPSILON  # RFC 3339 interval ends are inclusive
    return Interval(start, end)


def parse_period_param(text: str | None, *, field: str = "period") -> Interval:
    """A half-year like ``2025H1``, a year, or ``2025-01-01..2025-03-31``."""
    if not text:
        return Interval(None, None)
    try:
        p = parse_period(text)
    except DomainError as exc:
        raise BadParameter(exc.message, field=field) from exc
    return Interval(p.start, p.end)


async def no_nul_characters(request: Request) -> None:
    """Refuse U+0000 in the path or any query parameter (PostgreSQL text cannot hold it)."""
    if "\x00" in request.url.path:
        raise BadParameter(NUL_MESSAGE, field="path")
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            raise BadParameter(NUL_MESSAGE, field=name.replace("\x00", "") or "query")


NUL_MESSAGE = "must not contain NUL characters (U+0000)"
