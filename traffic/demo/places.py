"""Named places in Mjölby used by the demo, and helpers to scatter points around them.

Only the station is sourced (Resrobot stop 740000180). Every other coordinate below is an
APPROXIMATE placement chosen for the demo (a design choice, not surveyed): Kungsvägen runs
east–west through the centre just north-west of the station, Järnvägsgatan and Magasinsgatan
lie beside the railway near resecentrum, and the E4 passes west of town around 15.08–15.10 E.
Mantorp and Skänninge are other towns in the municipality (rural background only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString

from geo.area import default_operating_area
from geo.crs import metric_xy, wgs84_lonlat

STATION = (15.131987, 58.322982)
TOWN_RADIUS_M = 3000.0


@dataclass(frozen=True)
class Place:
    """A named spot: Swedish label, a phrase for titles ("på Kungsvägen"), lon/lat, limit."""

    code: str
    name: str
    where: str
    lon: float
    lat: float
    speed_limit: int = 50

    @property
    def metric(self) -> tuple[float, float]:
        """SWEREF 99 TM easting/northing."""
        e, n = metric_xy(np.array([self.lon]), np.array([self.lat]))
        return float(e[0]), float(n[0])


_PLACES = (
    Place("resecentrum", "Resecentrum", "vid resecentrum", *STATION, speed_limit=30),
    Place("jarnvagsgatan", "Järnvägsgatan", "på Järnvägsgatan", 15.13350, 58.32390, 40),
    Place("magasinsgatan", "Magasinsgatan", "på Magasinsgatan", 15.12880, 58.32280, 40),
    Place("kungsvagen_centrum", "Kungsvägen (centrum)", "på Kungsvägen", 15.12620, 58.32550, 40),
    Place(
        "kungsvagen_burenskold",
        "Kungsvägen/Burensköldsvägen",
        "i korsningen Kungsvägen/Burensköldsvägen",
        15.12200,
        58.32620,
        40,
    ),
    Place("kungsvagen_vast", "Kungsvägen (väst)", "på Kungsvägen väst", 15.11200, 58.32750, 50),
    Place("skolomradet", "Skolområdet", "vid skolområdet", 15.11800, 58.33100, 30),
    Place(
        "handelsomradet", "Handelsområdet", "vid handelsområdet", 15.10100, 58.33650, 50
    ),
    Place("e4_norra", "E4 trafikplats norra", "vid E4 trafikplats norra", 15.09500, 58.33900, 70),
    Place("e4_sodra", "E4 trafikplats södra", "vid E4 trafikplats södra", 15.09850, 58.30900, 70),
    Place("mantorp", "Mantorp", "i Mantorp", 15.28900, 58.35100, 50),
    Place("skanninge", "Skänninge", "i Skänninge", 15.08600, 58.39500, 50),
)
PLACES: dict[str, Place] = {p.code: p for p in _PLACES}

# Kungsvägen from the west end towards Magasinsgatan (approximate): the A-traktor cruising
# route used for mobile controls and the cycle-path measure.
KUNGSVAGEN_LINE = LineString(
    [(15.10850, 58.32820), (15.11600, 58.32720), (15.12250, 58.32620), (15.12800, 58.32520)]
)

# Incident hot spots and their share of the clustered incidents.
HOT_SPOTS = {
    "resecentrum": 0.28,
    "kungsvagen_burenskold": 0.22,
    "skolomradet": 0.15,
    "e4_norra": 0.15,
    "handelsomradet": 0.20,
}


def lonlat(e: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SWEREF 99 TM metres to lon/lat degrees rounded to 6 decimals (about 0.1 m)."""
    lon, lat = wgs84_lonlat(np.asarray(e, dtype=float), np.asarray(n, dtype=float))
    return np.round(lon, 6), np.round(lat, 6)


def annulus(
    rng: np.random.Generator, e0: np.ndarray, n0: np.ndarray, min_m: float, max_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Move each metric point a random distance in ``[min_m, max_m]`` in a random direction."""
    size = np.shape(e0)
    angle = rng.uniform(0.0, 2 * np.pi, size)
    dist = rng.uniform(min_m, max_m, size)
    return e0 + dist * np.cos(angle), n0 + dist * np.sin(angle)


def gaussian(
    rng: np.random.Generator, e0: float, n0: float, sigma_m: float, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Points normally scattered around one metric point, cut off at three sigma."""
    d = np.clip(np.abs(rng.normal(0.0, sigma_m, size)), 0.0, 3 * sigma_m)
    angle = rng.uniform(0.0, 2 * np.pi, size)
    return e0 + d * np.cos(angle), n0 + d * np.sin(angle)


def inside_area(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Element-wise: does the point lie in the operating area (the municipality + buffer)?"""
    region = default_operating_area().region
    return shapely.covers(region, shapely.points(np.column_stack([lon, lat])))


def distance_from_station_m(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Metres from Mjölby station, element-wise."""
    e, n = metric_xy(np.asarray(lon), np.asarray(lat))
    se, sn = PLACES["resecentrum"].metric
    return np.hypot(e - se, n - sn)


def require_inside(lon: np.ndarray, lat: np.ndarray, what: str) -> None:
    """Fail loudly if the generator produced a point outside the operating area (a bug)."""
    ok = inside_area(lon, lat)
    if not ok.all():
        i = int(np.argmin(ok))
        raise RuntimeError(f"demo {what} at ({lon[i]}, {lat[i]}) lies outside the operating area")
