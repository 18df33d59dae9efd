"""The plain inputs the map layers draw (never ORM objects: ``api`` fills these from ``traffic``).

Geometries are GeoJSON geometry dicts in WGS84 lon/lat (RFC 7946); texts are already in the
page's language. Aggregated layers take :class:`geo.grid.Cell`, :class:`geo.hotspots.HotSpotMap`
and :class:`geo.gaps.GapCell` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ZoneShape:
    """A zone outline: ``kind`` is the zone vocabulary code (``RESECENTRUM``, ``MUNICIPALITY``, …)."""

    code: str
    name: str
    kind: str
    geometry: dict[str, Any]
    kind_label: str = ""
    highlight: bool = False  # the zone a page is about (drawn strongest)


@dataclass(frozen=True)
class OperationPin:
    """A control operation as a marker at ``lon``, ``lat`` (a point of its place)."""

    id: str
    title: str
    focus: str
    focus_label: str
    status_label: str
    lon: float
    lat: float
    start: str | None = None  # formatted local times
    end: str | None = None
    place: str | None = None
    vehicles: int | None = None  # vehicles checked (checks and tallies)
    results: tuple[tuple[str, int], ...] = ()  # (outcome label, vehicles)


@dataclass(frozen=True)
class MeasureShape:
    """A traffic-safety measure: point, line or polygon, styled by ``kind`` and ``status``."""

    id: str
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    geometry: dict[str, Any]
    owner: str | None = None
    dates: tuple[tuple[str, str], ...] = ()  # (label, date), e.g. ("Genomförd", "2025-04-01")
    cost: str | None = None
    description: str | None = None  # free text: left out for the public
