"""Coordinate reference systems and the one place where axis order is swapped.

Storage and GeoJSON use WGS84 (EPSG:4326) in lon/lat order; metric work uses
SWEREF 99 TM (EPSG:3006) in easting/northing. Folium and humans speak lat/lon:
:func:`lonlat_to_latlon` and :func:`latlon_to_lonlat` are the only swaps in the codebase;
:func:`swap_xy` swaps a whole geometry (used only to *suggest* a fix for swapped input).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"
WGS84_SRID = 4326
SWEREF99TM_SRID = 3006


@lru_cache(maxsize=16)
def transformer(src: str, dst: str) -> Transformer:
    """Return a cached, always-x/y (lon/lat) transformer from ``src`` to ``dst``."""
    return Transformer.from_crs(src, dst, always_xy=True)


def _transform(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    tr = transformer(src, dst)

    def _apply(coords: np.ndarray) -> np.ndarray:
        x, y = tr.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, _apply)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    """Project a WGS84 lon/lat geometry to SWEREF 99 TM metres."""
    return _transform(geom, WGS84, SWEREF99TM)


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Project a SWEREF 99 TM geometry back to WGS84 lon/lat."""
    return _transform(geom, SWEREF99TM, WGS84)


def metric_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised lon/lat (degrees) to SWEREF 99 TM easting/northing (metres)."""
    x, y = transformer(WGS84, SWEREF99TM).transform(np.asarray(lon), np.asarray(lat))
    return np.asarray(x), np.asarray(y)


def wgs84_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised SWEREF 99 TM easting/northing to lon/lat degrees."""
    lon, lat = transformer(SWEREF99TM, WGS84).transform(np.asarray(x), np.asarray(y))
    return np.asarray(lon), np.asarray(lat)


def latlon_to_lonlat(lat: float, lon: float) -> tuple[float, float]:
    """Turn a human/GPS ``(lat, lon)`` pair into storage order ``(lon, lat)``."""
    return lon, lat


def lonlat_to_latlon(lon: float, lat: float) -> tuple[float, float]:
    """Turn storage order ``(lon, lat)`` into Leaflet/folium order ``(lat, lon)``."""
    return lat, lon


def swap_xy(geom: BaseGeometry) -> BaseGeometry:
    """Return ``geom`` with x and y exchanged (what a lat/lon mix-up would have meant)."""
    return shapely.transform(geom, lambda coords: coords[:, ::-1])
