"""Square cells in SWEREF 99 TM (EPSG:3006) metres: indices, polygons and SQL grouping.

A grid of side ``s`` metres is anchored at the SWEREF 99 TM origin: cell ``(i, j)`` covers
``[i*s, (i+1)*s) × [j*s, (j+1)*s)`` (easting × northing). Every query, backend and page using
the same ``s`` shares one lattice, so cells from two requests line up and can be compared.

The index rule, in numpy and in SQL
-----------------------------------
``i = floor(E / s)``: one IEEE double division, then floor, the same on every side, so both
backends and numpy put a point on a cell boundary into the same cell.

* numpy: ``np.floor(x / s)``, deliberately not ``np.floor_divide(x, s)``, which is computed
  through ``fmod`` and can differ by one from ``floor(x / s)`` at exact multiples.
* PostgreSQL + PostGIS: ``CAST(floor(sweref_e / s) AS INTEGER)`` on the stored SWEREF 99 TM
  columns (``floor`` first: PostgreSQL's cast from double *rounds*). Considered and rejected:
  ``ST_SnapToGrid(ST_Transform(geom, 3006), s)`` snaps to the *nearest* multiple (cells centred
  on multiples of ``s``, so different cells from SQLite's) and re-projects every row, which on
  a million rows costs more than the whole aggregation; the stored metres were projected by the
  same PROJ pipeline (pyproj) when the row was written.
* SQLite: ``CAST(sweref_e / s AS INTEGER)``. ``CAST`` truncates toward zero, which equals
  ``floor`` for non-negative numbers, and SWEREF 99 TM coordinates are positive everywhere in
  Sweden (false easting 500 000 m: E ≈ 260 000–930 000, N ≈ 6 130 000–7 700 000), and stored
  records are validated to lie in Sweden. (SQLite has ``floor()`` only when built with its math
  functions, 3.35+, so it is not relied on.)

Both backends therefore group the same stored numbers with the same arithmetic and give the
same cells and counts (tests/geo/test_grid.py checks it on real databases).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy.sql import ColumnElement

from geo.crs import wgs84_lonlat
from geo.errors import GeoError

POSTGRESQL = "postgresql"
MIN_CELL_M = 1.0
MAX_CELL_M = 100_000.0
# Polygon edges longer than this get intermediate vertices before projecting to WGS84, so a
# large cell's curved image is followed (a 100 m edge bends by far less than a millimetre).
DENSIFY_M = 1000.0
MAX_COVER_CELLS = 500_000
# Two cell indices packed in one integer, ``i·2³² + j`` (|j| < 2³¹): one sort key instead of
# two halves SQLite's GROUP BY time; |i| < 2³⁰ keeps it inside a signed 64-bit integer.
KEY_SHIFT = 1 << 32


# Records keep the packed key of their 100 m square as a generated column (database-computed,
# so no writer can forget it): a map grouped by that column needs no per-row arithmetic, and an
# index on it lets SQLite group in index order instead of sorting a million keys.
BASE_CELL_M = 100.0
BASE_KEY_SQL = (
    "CAST(floor(sweref_e / 100.0) AS BIGINT) * 4294967296 + CAST(floor(sweref_n / 100.0) AS BIGINT)"
)


def base_factor(size_m: float) -> int | None:
    """How many 100 m base cells span one side of a ``size_m`` square, if a whole number."""
    factor = size_m / BASE_CELL_M
    return int(factor) if factor >= 1 and factor == int(factor) else None


def coarsen_keys(base_keys: Any, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell indices ``(i, j)`` of squares ``factor`` base cells wide, from packed base keys.

    ``floor(floor(x) / f) == floor(x / f)`` for a whole ``f``: base cells nest in bigger squares.
    """
    i, j = unpack_keys(base_keys)
    return i // factor, j // factor


class InvalidGrid(GeoError):
    """A grid parameter (cell size, cell count) is out of range."""

    code = "invalid_grid"


def check_cell_size(size_m: float, field: str = "cell_m") -> float:
    """Return ``size_m`` as a float, or raise :class:`InvalidGrid` naming ``field``."""
    try:
        size = float(size_m)
    except (TypeError, ValueError):
        raise InvalidGrid(field, f"cell size must be a number of metres, got {size_m!r}") from None
    if not (math.isfinite(size) and MIN_CELL_M <= size <= MAX_CELL_M):
        raise InvalidGrid(field, f"cell size must be {MIN_CELL_M:g}–{MAX_CELL_M:g} m, got {size_m!r}")
    return size


class Lattice(Protocol):
    """A tiling of SWEREF 99 TM into cells addressed by two integers (square grid, hexagons)."""

    @property
    def shape(self) -> str:
        """``"square"`` or ``"hex"``."""
        ...

    @property
    def size_m(self) -> float:
        """The size parameter in metres (side of a square, centre spacing of hexagons)."""
        ...

    @property
    def spacing_m(self) -> float:
        """Distance between the centres of two cells sharing an edge, in metres."""
        ...

    @property
    def cell_area_m2(self) -> float:
        """Area of one cell in square metres."""
        ...

    def index(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Cell indices of SWEREF 99 TM points (vectorised)."""
        ...

    def centres(self, i: Any, j: Any) -> tuple[np.ndarray, np.ndarray]:
        """SWEREF 99 TM centres of cells."""
        ...

    def rings(self, i: Any, j: Any) -> np.ndarray:
        """Vertices of cells, shape ``(n, k, 2)`` in SWEREF 99 TM, not closed."""
        ...

    def sql_index(
        self, e: ColumnElement[Any], n: ColumnElement[Any], dialect_name: str
    ) -> tuple[ColumnElement[int], ColumnElement[int]]:
        """SQL expressions for the cell indices of the metric columns ``e``, ``n``."""
        ...

    def sql_key(self, e: ColumnElement[Any], n: ColumnElement[Any], dialect_name: str) -> ColumnElement[int]:
        """SQL for the packed cell key (:func:`pack_keys`) of the metric columns ``e``, ``n``."""
        ...


def pack_keys(i: Any, j: Any) -> np.ndarray:
    """Pack cell indices into one int64 key ``i·2³² + j`` (the SQL ``sql_key`` computes the same)."""
    return np.asarray(i, dtype=np.int64) * KEY_SHIFT + np.asarray(j, dtype=np.int64)


def unpack_keys(key: Any) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`pack_keys`."""
    k = np.asarray(key, dtype=np.int64)
    i = (k + KEY_SHIFT // 2) >> 32
    return i, k - i * KEY_SHIFT


def cell_index(x: Any, y: Any, size_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Square-cell indices of SWEREF 99 TM points.

    Parameters
    ----------
    x, y : array_like
        Easting and northing in metres (EPSG:3006).
    size_m : float
        Cell side in metres.

    Returns
    -------
    i, j : numpy.ndarray of int64
        ``floor(x / size_m)`` and ``floor(y / size_m)``, as the SQL of :func:`sql_cell_index`.
    """
    s = check_cell_size(size_m)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return np.floor(x / s).astype(np.int64), np.floor(y / s).astype(np.int64)


def sql_cell_index(
    e: ColumnElement[Any], n: ColumnElement[Any], size_m: float, dialect_name: str
) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """SQL for :func:`cell_index` on SWEREF 99 TM columns ``e``, ``n`` (see the module notes)."""
    s = sa.literal(check_cell_size(size_m), sa.Float)
    return sql_floor(e / s, dialect_name), sql_floor(n / s, dialect_name)


def sql_floor(value: ColumnElement[Any], dialect_name: str) -> ColumnElement[int]:
    """``floor(value)`` as an integer; on SQLite a truncating cast, exact for ``value >= 0``."""
    if dialect_name == POSTGRESQL:
        return sa.cast(sa.func.floor(value), sa.BigInteger)
    return sa.cast(value, sa.Integer)


@dataclass(frozen=True)
class SquareGrid:
    """Square cells of ``size_m`` metres anchored at the SWEREF 99 TM origin."""

    size_m: float
    shape: str = "square"

    def __post_init__(self) -> None:
        object.__setattr__(self, "size_m", check_cell_size(self.size_m))

    @property
    def spacing_m(self) -> float:
        """Centre distance of edge neighbours (the side)."""
        return self.size_m

    @property
    def cell_area_m2(self) -> float:
        """``size_m²``."""
        return self.size_m * self.size_m

    def index(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """See :func:`cell_index`."""
        return cell_index(x, y, self.size_m)

    def centres(self, i: Any, j: Any) -> tuple[np.ndarray, np.ndarray]:
        """Cell centres ``((i + ½)s, (j + ½)s)`` in metres."""
        s = self.size_m
        return (np.asarray(i, dtype=np.float64) + 0.5) * s, (np.asarray(j, dtype=np.float64) + 0.5) * s

    def rings(self, i: Any, j: Any) -> np.ndarray:
        """Corners counter-clockwise from the south-west, shape ``(n, 4, 2)``."""
        s = self.size_m
        x0 = np.asarray(i, dtype=np.float64) * s
        y0 = np.asarray(j, dtype=np.float64) * s
        dx = np.array([0.0, s, s, 0.0])
        dy = np.array([0.0, 0.0, s, s])
        return np.stack([x0[:, None] + dx, y0[:, None] + dy], axis=-1)

    def sql_index(
        self, e: ColumnElement[Any], n: ColumnElement[Any], dialect_name: str
    ) -> tuple[ColumnElement[int], ColumnElement[int]]:
        """See :func:`sql_cell_index`."""
        return sql_cell_index(e, n, self.size_m, dialect_name)

    def sql_key(self, e: ColumnElement[Any], n: ColumnElement[Any], dialect_name: str) -> ColumnElement[int]:
        """``i·2³² + j`` in SQL (see :func:`pack_keys`)."""
        i, j = self.sql_index(e, n, dialect_name)
        return i * sa.literal(KEY_SHIFT, sa.BigInteger) + j


@dataclass(frozen=True)
class Cell:
    """One cell of a lattice and what was counted in it.

    ``count`` is the number of records (what the public small-cell rule looks at); ``value``
    is the measured quantity: the count again, a sum of weights, or presence minutes.
    """

    lattice: Lattice
    i: int
    j: int
    count: int
    value: float

    @property
    def key(self) -> tuple[int, int]:
        """``(i, j)``."""
        return self.i, self.j

    @property
    def centre_xy(self) -> tuple[float, float]:
        """Centre in SWEREF 99 TM metres."""
        x, y = self.lattice.centres([self.i], [self.j])
        return float(x[0]), float(y[0])

    @property
    def centre_lonlat(self) -> tuple[float, float]:
        """Centre in WGS84 ``(lon, lat)``."""
        lon, lat = centres_lonlat([self])
        return float(lon[0]), float(lat[0])

    def polygon(self) -> Polygon:
        """The cell as a WGS84 lon/lat polygon."""
        return polygons([self])[0]

    def polygon_metric(self) -> Polygon:
        """The cell as a SWEREF 99 TM polygon."""
        return Polygon(self.lattice.rings([self.i], [self.j])[0])


def cell_arrays(cells: Sequence[Cell]) -> tuple[np.ndarray, np.ndarray]:
    """The ``i`` and ``j`` of ``cells`` as int64 arrays."""
    i = np.fromiter((c.i for c in cells), dtype=np.int64, count=len(cells))
    j = np.fromiter((c.j for c in cells), dtype=np.int64, count=len(cells))
    return i, j


def _lattice_of(cells: Sequence[Cell]) -> Lattice:
    lattices = {id(c.lattice): c.lattice for c in cells}
    if len(lattices) != 1:
        raise InvalidGrid("cells", "cells of different grids cannot be handled together")
    return next(iter(lattices.values()))


def centres_lonlat(cells: Sequence[Cell]) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon and lat of the centres of ``cells`` (one projection call)."""
    if not cells:
        return np.empty(0), np.empty(0)
    x, y = _lattice_of(cells).centres(*cell_arrays(cells))
    return wgs84_lonlat(x, y)


def _densify(rings: np.ndarray, max_edge_m: float) -> np.ndarray:
    """Insert evenly spaced vertices on every edge so none is longer than ``max_edge_m``."""
    edge = float(np.max(np.hypot(*(np.roll(rings[0], -1, axis=0) - rings[0]).T))) if len(rings) else 0.0
    steps = max(1, math.ceil(edge / max_edge_m))
    if steps == 1:
        return rings
    nxt = np.roll(rings, -1, axis=1)
    t = (np.arange(steps) / steps)[None, None, :, None]
    pts = rings[:, :, None, :] + (nxt - rings)[:, :, None, :] * t
    return pts.reshape(len(rings), -1, 2)


def metric_polygons(lattice: Lattice, i: Any, j: Any) -> np.ndarray:
    """SWEREF 99 TM polygons of cells ``(i, j)`` as a numpy array of shapely Polygons."""
    rings = lattice.rings(np.asarray(i), np.asarray(j))
    return shapely.polygons(rings)


def polygons(cells: Sequence[Cell]) -> list[Polygon]:
    """WGS84 lon/lat polygons of ``cells``: all vertices projected in one pyproj call."""
    if not cells:
        return []
    lattice = _lattice_of(cells)
    rings = _densify(lattice.rings(*cell_arrays(cells)), DENSIFY_M)
    n, k, _ = rings.shape
    lon, lat = wgs84_lonlat(rings[..., 0].ravel(), rings[..., 1].ravel())
    coords = np.stack([lon, lat], axis=-1).reshape(n, k, 2)
    return list(shapely.polygons(coords))


def aggregate(
    lattice: Lattice, x: Any, y: Any, weights: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Group SWEREF 99 TM points into cells in numpy.

    Returns
    -------
    i, j : numpy.ndarray of int64
        The occupied cells, sorted by ``(i, j)``.
    count : numpy.ndarray of int64
        Points per cell.
    value : numpy.ndarray of float64
        Sum of ``weights`` per cell (the count when ``weights`` is None).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.size == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty, np.empty(0)
    i, j = lattice.index(x, y)
    keys, inverse, count = np.unique(
        np.stack([i, j], axis=1), axis=0, return_inverse=True, return_counts=True
    )
    inverse = inverse.ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    value = np.bincount(inverse, weights=w, minlength=len(keys))
    return keys[:, 0], keys[:, 1], count.astype(np.int64), value


def make_cells(
    lattice: Lattice, i: Iterable[int], j: Iterable[int], count: Iterable[int], value: Iterable[float]
) -> list[Cell]:
    """Zip arrays into :class:`Cell` objects sorted by ``(i, j)``."""
    rows = sorted(zip(i, j, count, value, strict=True))
    return [Cell(lattice, int(a), int(b), int(c), float(v)) for a, b, c, v in rows]


def covering_cells(lattice: Lattice, region_metric: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Every cell whose interior meets the SWEREF 99 TM ``region_metric`` (for zero-filled areas)."""
    if region_metric.is_empty:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    minx, miny, maxx, maxy = region_metric.bounds
    pad = 2 * lattice.size_m
    xs = np.arange(minx - pad, maxx + pad, lattice.spacing_m / 2)
    ys = np.arange(miny - pad, maxy + pad, lattice.spacing_m / 2)
    if xs.size * ys.size > 4 * MAX_COVER_CELLS:
        raise InvalidGrid("cell_m", f"the area needs more than {MAX_COVER_CELLS} cells; use larger cells")
    gx, gy = np.meshgrid(xs, ys)
    ci, cj = lattice.index(gx.ravel(), gy.ravel())
    keys = np.unique(np.stack([ci, cj], axis=1), axis=0)
    polys = metric_polygons(lattice, keys[:, 0], keys[:, 1])
    shapely.prepare(region_metric)
    hit = shapely.intersects(region_metric, polys) & ~shapely.touches(region_metric, polys)
    return keys[hit, 0], keys[hit, 1]


def classify_cells(
    lattice: Lattice, i: Any, j: Any, region_metric: BaseGeometry, margin_m: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Which cells lie surely inside / surely outside a SWEREF 99 TM region.

    A cell is *inside* when the cell grown by ``margin_m`` lies within the region, *outside*
    when the grown cell does not touch it; the rest straddle the edge and need a per-point test.
    The margin absorbs the difference between an edge that is straight in WGS84 and the same
    edge projected to metres (centimetres for edges segmentized to 100 m).
    """
    polys = shapely.buffer(metric_polygons(lattice, i, j), margin_m, join_style="mitre")
    shapely.prepare(region_metric)
    inside = shapely.within(polys, region_metric)
    outside = ~shapely.intersects(polys, region_metric)
    return inside, outside
