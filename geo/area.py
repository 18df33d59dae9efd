"""Where coordinates may lie: Sweden's envelope and the municipality we operate in."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import to_metric, to_wgs84
from geo.zones import DATA_DIR, load_zones

# (min lon, min lat, max lon, max lat): a coarse box around Sweden, not its border.
SWEDEN_ENVELOPE: tuple[float, float, float, float] = (10.5, 55.3, 24.2, 69.1)
KOMMUN_PATH = DATA_DIR / "mjolby_kommun.geojson"
# The shipped boundary is simplified to ~2 % (see geo/data/SOURCES.md); 2 km absorbs that error.
DEFAULT_BUFFER_M = 2000.0


def in_sweden_envelope(lon: np.ndarray | float, lat: np.ndarray | float) -> np.ndarray:
    """Return, element-wise, whether lon/lat degrees fall inside :data:`SWEDEN_ENVELOPE`."""
    minx, miny, maxx, maxy = SWEDEN_ENVELOPE
    lon, lat = np.asarray(lon), np.asarray(lat)
    return (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)


@dataclass(frozen=True)
class OperatingArea:
    """A named WGS84 polygon plus a safety buffer in metres; input must lie inside it."""

    name: str
    polygon: BaseGeometry
    buffer_m: float = DEFAULT_BUFFER_M

    @cached_property
    def metric_region(self) -> BaseGeometry:
        """The buffered polygon in SWEREF 99 TM metres."""
        region = to_metric(self.polygon).buffer(self.buffer_m)
        shapely.prepare(region)
        return region

    @cached_property
    def region(self) -> BaseGeometry:
        """The buffered polygon in WGS84 lon/lat."""
        region = to_wgs84(self.metric_region)
        shapely.prepare(region)
        return region

    @property
    def label(self) -> str:
        """Human description, e.g. ``Mjölby kommun (boundary + 2 km)``."""
        if not self.buffer_m:
            return self.name
        return f"{self.name} (boundary + {self.buffer_m / 1000:g} km)"

    def covers(self, geom: BaseGeometry) -> bool:
        """Return True when every part of the WGS84 ``geom`` lies inside the buffered area."""
        return bool(self.region.covers(geom))

    def intersects(self, geom: BaseGeometry) -> bool:
        """Return True when some part of the WGS84 ``geom`` lies inside the buffered area."""
        return bool(self.region.intersects(geom))

    def distance_m(self, geom: BaseGeometry) -> float:
        """Metric distance (SWEREF 99 TM) from ``geom`` to the buffered area; 0 when touching."""
        return float(self.metric_region.distance(to_metric(geom)))


def load_operating_area(
    path: str | Path = KOMMUN_PATH, *, name: str | None = None, buffer_m: float = DEFAULT_BUFFER_M
) -> OperatingArea:
    """Build an operating area from the first polygon in a GeoJSON file."""
    zone = load_zones(path)[0]
    label = name or f"{zone.properties.get('kom_namn', zone.name)} kommun"
    return OperatingArea(name=label, polygon=zone.geometry, buffer_m=buffer_m)


@lru_cache(maxsize=1)
def default_operating_area() -> OperatingArea:
    """Mjölby kommun (simplified boundary) buffered by 2 km."""
    return load_operating_area(KOMMUN_PATH, name="Mjölby kommun")
