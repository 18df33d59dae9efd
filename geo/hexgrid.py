"""Pointy-top hexagons in SWEREF 99 TM (EPSG:3006) metres, in axial coordinates ``(q, r)``.

``size_m`` is the distance between the centres of two neighbouring hexagons, which is also
the width across flats; the circumradius is ``R = size_m / √3`` and a hexagon's area is
``(√3 / 2) · size_m²`` (≈ 0.87 of a square cell of the same ``size_m``). The lattice is anchored
at the SWEREF 99 TM origin: hexagon ``(q, r)`` is centred at
``x = size_m · (q + r/2)``, ``y = 1.5 R · r`` (the axial layout of Red Blob Games' guide).

Assignment without rounding ties
--------------------------------
The centres are the union of two rectangular lattices, ``A = {(a·w, b·h)}`` and
``B = A + (w/2, h/2)`` with ``w = size_m`` and ``h = √3·w`` (= 3R); a point belongs to the hexagon
whose centre is nearest (a hexagon is the Voronoi cell of its centre). In lattice units
``u = x / w``, ``v = y / h`` the nearest ``A`` point is ``(floor(u + ½), floor(v + ½))``, the
nearest ``B`` point ``(floor(u) + ½, floor(v) + ½)``, and squared distances are
``Δu² + 3·Δv²`` (because ``h² = 3w²``); the nearer wins, ``A`` on an exact tie. Only division,
addition, multiplication, ``floor`` and one comparison are needed, so the same arithmetic runs
in numpy and in SQL on both backends and every point lands in the same hexagon everywhere
(``floor`` in SQLite is a truncating cast, exact here because ``u, v > 0`` in Sweden; see
:mod:`geo.grid`). ``A`` points are the even rows (``r = 2b``, ``q = a − b``), ``B`` points the odd
rows (``r = 2b + 1``, ``q = a − b``). In SQL the choice is one ``CASE`` that yields the packed
cell key directly (:func:`geo.grid.pack_keys`); that form measured 40 % faster than computing
``q`` and ``r`` separately or in a staged subquery (1,000,000 rows, both backends).

Why in SQL and not in Python: grouping in the database keeps what leaves it bounded by the
number of hexagons, whatever the number of records (the same reason as the square grid);
re-binning square fine-grid counts into hexagons would misplace points near hexagon edges,
and fetching raw coordinates moves 16 bytes per record over the wire (16 MB per million).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement

from geo.grid import KEY_SHIFT, check_cell_size, sql_floor

SQRT3 = math.sqrt(3.0)


@dataclass(frozen=True)
class HexGrid:
    """Pointy-top hexagons whose neighbouring centres are ``size_m`` metres apart."""

    size_m: float
    shape: str = "hex"

    def __post_init__(self) -> None:
        object.__setattr__(self, "size_m", check_cell_size(self.size_m))

    @property
    def radius_m(self) -> float:
        """Circumradius ``R`` (centre to corner) in metres."""
        return self.size_m / SQRT3

    @property
    def spacing_m(self) -> float:
        """Centre distance of neighbours (``size_m``)."""
        return self.size_m

    @property
    def cell_area_m2(self) -> float:
        """``(√3 / 2) · size_m²``."""
        return SQRT3 / 2 * self.size_m * self.size_m

    def _uv(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        w = self.size_m
        return np.asarray(x, dtype=np.float64) / w, np.asarray(y, dtype=np.float64) / (SQRT3 * w)

    def index(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        """Axial ``(q, r)`` of SWEREF 99 TM points (vectorised; same arithmetic as the SQL)."""
        u, v = self._uv(x, y)
        ax, ay = np.floor(u + 0.5), np.floor(v + 0.5)
        bx, by = np.floor(u), np.floor(v)
        da = (u - ax) * (u - ax) + 3.0 * (v - ay) * (v - ay)
        db = (u - bx - 0.5) * (u - bx - 0.5) + 3.0 * (v - by - 0.5) * (v - by - 0.5)
        use_a = da <= db
        q = np.where(use_a, ax - ay, bx - by)
        r = np.where(use_a, 2 * ay, 2 * by + 1)
        return q.astype(np.int64), r.astype(np.int64)

    def centres(self, q: Any, r: Any) -> tuple[np.ndarray, np.ndarray]:
        """SWEREF 99 TM centres of hexagons ``(q, r)``."""
        q = np.asarray(q, dtype=np.float64)
        r = np.asarray(r, dtype=np.float64)
        return self.size_m * (q + r / 2.0), 1.5 * self.radius_m * r

    def rings(self, q: Any, r: Any) -> np.ndarray:
        """Six corners counter-clockwise from the east-north-east one, shape ``(n, 6, 2)``."""
        cx, cy = self.centres(q, r)
        angles = np.radians(30.0 + 60.0 * np.arange(6))
        dx = self.radius_m * np.cos(angles)
        dy = self.radius_m * np.sin(angles)
        return np.stack([cx[:, None] + dx, cy[:, None] + dy], axis=-1)

    def _sql_parts(self, e: ColumnElement[Any], n: ColumnElement[Any], dialect_name: str) -> dict[str, Any]:
        w = sa.literal(self.size_m, sa.Float)
        h = sa.literal(SQRT3 * self.size_m, sa.Float)
        half, three = sa.literal(0.5, sa.Float), sa.literal(3.0, sa.Float)
        u, v = e / w, n / h
        ax, ay = sql_floor(u + half, dialect_name), sql_floor(v + half, dialect_name)
        bx, by = sql_floor(u, dialect_name), sql_floor(v, dialect_name)
        da = (u - ax) * (u - ax) + three * (v - ay) * (v - ay)
        db = (u - bx - half) * (u - bx - half) + three * (v - by - half) * (v - by - half)
        return {"use_a": da <= db, "ax": ax, "ay": ay, "bx": bx, "by": by}

    def sql_index(
        self, e: ColumnElement[Any], n: ColumnElement[Any], dialect_name: str
    ) -> tuple[ColumnElement[int], ColumnElement[int]]:
        """Axial ``(q, r)`` of the SWEREF 99 TM columns ``e``, ``n`` (two ``CASE`` expressions)."""
        p = self._sql_parts(e, n, dialect_name)
        q = sa.case((p["use_a"], p["ax"] - p["ay"]), else_=p["bx"] - p["by"])
        r = sa.case((p["use_a"], 2 * p["ay"]), else_=2 * p["by"] + 1)
        return q, r

    def sql_key(self, e: ColumnElement[Any], n: ColumnElement[Any], dialect_name: str) -> ColumnElement[int]:
        """The packed key ``q·2³² + r`` of :func:`geo.grid.pack_keys`, in one ``CASE``."""
        p = self._sql_parts(e, n, dialect_name)
        shift = sa.literal(KEY_SHIFT, sa.BigInteger)
        a_key = (p["ax"] - p["ay"]) * shift + 2 * p["ay"]
        b_key = (p["bx"] - p["by"]) * shift + 2 * p["by"] + 1
        return sa.case((p["use_a"], a_key), else_=b_key)


def hex_index(x: Any, y: Any, size_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial ``(q, r)`` of SWEREF 99 TM points for hexagons ``size_m`` metres apart."""
    return HexGrid(size_m).index(x, y)
