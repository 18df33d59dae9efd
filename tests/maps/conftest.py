"""Builders for map tests: small inputs in Mjölby, around the station (58.322982 N, 15.131987 E)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from geo.crs import metric_xy
from geo.grid import Cell, SquareGrid
from maps.assets import assets_installed
from maps.data import MeasureShape, OperationPin, ZoneShape
from tests.conftest import missing_service

STATION = (15.131987, 58.322982)
NASTY = "<img src=x onerror=window.__pwned=1> ${document.title='x'} `tick` back\\slash \\` $ & \"q\" 'a'"


def square(lon: float, lat: float, d: float = 0.002) -> dict:
    """A small square polygon around a lon/lat point."""
    ring = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def make_zones() -> list[ZoneShape]:
    """The municipality, a highlighted resecentrum zone and a school zone."""
    return [
        ZoneShape("mjolby_kommun", "Mjölby kommun", "MUNICIPALITY", square(15.13, 58.32, 0.1), "kommun"),
        ZoneShape(
            "resecentrum_300m", "Resecentrum 300 m", "RESECENTRUM", square(*STATION), "resecentrum", True
        ),
        ZoneShape("skola", "Skolområde", "SCHOOL", square(15.14, 58.33, 0.001), "skolområde"),
    ]


def make_operation(**overrides: object) -> OperationPin:
    """A completed A-traktor operation near the station."""
    base: dict = {
        "id": "op-1",
        "title": "A-traktorkontroll Stationsgatan",
        "focus": "A_TRAKTOR",
        "focus_label": "A-traktorer",
        "status_label": "genomförd",
        "lon": STATION[0],
        "lat": STATION[1],
        "start": "2025-05-16 20:00",
        "end": "2025-05-16 23:00",
        "place": "Stationsgatan",
        "vehicles": 12,
        "results": (("varning", 3), ("ordningsbot", 2)),
    }
    return OperationPin(**{**base, **overrides})


def make_measure(geometry: dict, **overrides: object) -> MeasureShape:
    """A completed speed hump owned by the municipality."""
    base: dict = {
        "id": "m-1",
        "title": "Gupp Kungsgatan",
        "kind": "SPEED_HUMP",
        "kind_label": "farthinder (gupp)",
        "status": "COMPLETED",
        "status_label": "genomförd",
        "geometry": geometry,
        "owner": "Mjölby kommun",
        "dates": (("Föreslagen", "2024-03-01"), ("Genomförd", "2025-04-01")),
        "cost": "45 000 kr",
        "description": None,
    }
    return MeasureShape(**{**base, **overrides})


def make_cells(counts: list[list[int]], size: float = 100.0) -> list[Cell]:
    """Cells of a square grid around the station with the given counts (rows south → north)."""
    grid = SquareGrid(size)
    x, y = metric_xy(np.array([STATION[0]]), np.array([STATION[1]]))
    i0, j0 = int(x[0] // size), int(y[0] // size)
    return [
        Cell(grid, i0 + i, j0 + j, n, float(n))
        for j, row in enumerate(counts)
        for i, n in enumerate(row)
        if n > 0
    ]


JAN = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def vendored() -> None:
    """The vendored assets (``make venv`` copies them): skip locally, fail in CI when missing."""
    if not assets_installed():
        missing_service("map assets not installed in maps/static/vendor: run `make venv`")
