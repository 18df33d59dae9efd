"""Presence minutes per cell inside a zone (a simple first version; detailed analysis comes later).

Everything is in SWEREF 99 TM metres and minutes. Three kinds of presence:

* **point stay** — all its minutes go to the cell of the point, if the point lies in the zone
  (boundary included); none otherwise.
* **zone check-in** — the unit was somewhere in its zone, we do not know where: the minutes are
  spread uniformly over the check-in zone by area, so each cell gets
  ``minutes × area(cell ∩ check-in zone ∩ zone) / area(check-in zone)``. Checked in to the zone
  itself, the cells sum to the minutes; to a larger zone, only the part that overlaps counts.
  (Uniform by area rather than "all to the centroid cell", which would paint one cell with time
  spent anywhere in the zone; rather than equal per cell, which would over-weight slivers.)
* **GPS track** with a timestamp per vertex — positions are interpolated linearly in time at the
  midpoint of every ``step_s`` interval (15 s), and each interval's time goes to the cell of that
  position when it lies in the zone.

``weight`` multiplies the minutes (the number of officers gives officer-minutes). ``count`` of a
resulting cell is the number of sessions that put time there.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.grid import Cell, Lattice, covering_cells, make_cells, metric_polygons

DEFAULT_STEP_S = 15.0
Key = tuple[int, int]


@dataclass
class Coverage:
    """Accumulates presence minutes per cell of ``lattice`` inside the SWEREF 99 TM ``zone``."""

    lattice: Lattice
    zone: BaseGeometry
    _minutes: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    _sessions: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    # check-ins are summed per check-in zone and spread once: {wkb: [zone, minutes, sessions]}
    _checkins: dict[bytes, list[Any]] = field(default_factory=dict)
    _shares: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        shapely.prepare(self.zone)

    def _add(self, i: np.ndarray, j: np.ndarray, minutes: np.ndarray, sessions: np.ndarray) -> float:
        """Add minutes (and session counts) to cells; ``i, j`` may repeat."""
        keep = minutes > 0
        if not keep.any():
            return 0.0
        keys, inverse = np.unique(np.stack([i[keep], j[keep]], axis=1), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        per_cell = np.bincount(inverse, weights=minutes[keep], minlength=len(keys))
        per_count = np.bincount(inverse, weights=sessions[keep], minlength=len(keys))
        for (a, b), m, c in zip(keys.tolist(), per_cell.tolist(), per_count.tolist(), strict=True):
            self._minutes[(a, b)] += m
            self._sessions[(a, b)] += int(c)
        return float(per_cell.sum())

    def add_point_stays(self, x: Any, y: Any, minutes: Any, *, weight: Any = 1.0) -> float:
        """Point stays (vectorised): each one's minutes to its cell if inside the zone."""
        x = np.atleast_1d(np.asarray(x, dtype=np.float64))
        y = np.atleast_1d(np.asarray(y, dtype=np.float64))
        m = np.broadcast_to(np.asarray(minutes, dtype=np.float64) * weight, x.shape)
        if x.size == 0:
            return 0.0
        inside = shapely.intersects_xy(self.zone, x, y) & (m > 0)
        i, j = self.lattice.index(x[inside], y[inside])
        return self._add(i, j, m[inside], np.ones(int(inside.sum())))

    def add_point_stay(self, x: float, y: float, minutes: float, *, weight: float = 1.0) -> float:
        """All ``minutes`` to the cell of ``(x, y)`` if it lies in the zone; return minutes added."""
        return self.add_point_stays([x], [y], [minutes], weight=weight)

    def _zone_shares(
        self, key: bytes, checkin_zone: BaseGeometry
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if key not in self._shares:
            area = checkin_zone.area
            region = shapely.intersection(checkin_zone, self.zone)
            i, j = covering_cells(self.lattice, region)
            parts = shapely.area(shapely.intersection(metric_polygons(self.lattice, i, j), region))
            share = parts / area if area > 0 else np.zeros_like(parts)
            self._shares[key] = (i, j, share)
        return self._shares[key]

    def add_checkin(
        self,
        minutes: float,
        checkin_zone: BaseGeometry | None = None,
        *,
        weight: float = 1.0,
        sessions: int = 1,
    ) -> float:
        """Spread ``minutes`` over the check-in zone (default: this zone) by area; return those inside.

        ``sessions`` > 1 adds several check-ins to the same zone at once (``minutes`` is their sum).
        """
        if minutes <= 0:
            return 0.0
        geom = self.zone if checkin_zone is None else checkin_zone
        key = shapely.to_wkb(geom)
        entry = self._checkins.setdefault(key, [geom, 0.0, 0])
        entry[1] += minutes * weight
        entry[2] += sessions
        return float(self._zone_shares(key, geom)[2].sum() * minutes * weight)

    def add_track(
        self, x: Any, y: Any, t_s: Any, *, step_s: float = DEFAULT_STEP_S, weight: float = 1.0
    ) -> float:
        """Time along a track (vertex times in seconds, non-decreasing) spent in the zone, per cell."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        t = np.asarray(t_s, dtype=np.float64)
        if not (len(x) == len(y) == len(t)) or len(t) < 2 or t[-1] <= t[0]:
            return 0.0
        n = math.ceil((t[-1] - t[0]) / step_s)
        starts = t[0] + step_s * np.arange(n)
        seconds = np.minimum(step_s, t[-1] - starts)
        mid = starts + seconds / 2
        px, py = np.interp(mid, t, x), np.interp(mid, t, y)
        inside = shapely.intersects_xy(self.zone, px, py)
        if not inside.any():
            return 0.0
        i, j = self.lattice.index(px[inside], py[inside])
        minutes = seconds[inside] / 60.0 * weight
        # one session per cell: count it on the first sample of each cell only
        _, first = np.unique(np.stack([i, j], axis=1), axis=0, return_index=True)
        sessions = np.zeros(len(i))
        sessions[first] = 1
        return self._add(i, j, minutes, sessions)

    def _totals(self) -> tuple[dict[Key, float], dict[Key, int]]:
        minutes = defaultdict(float, self._minutes)
        sessions = defaultdict(int, self._sessions)
        for key, (geom, total, count) in self._checkins.items():
            i, j, share = self._zone_shares(key, geom)
            for a, b, s in zip(i.tolist(), j.tolist(), share.tolist(), strict=True):
                if s > 0:
                    minutes[(a, b)] += s * total
                    sessions[(a, b)] += count
        return minutes, sessions

    @property
    def total_minutes(self) -> float:
        """Minutes over all cells."""
        return float(sum(self._totals()[0].values()))

    def cells(self) -> list[Cell]:
        """Cells with time in them: ``value`` minutes, ``count`` sessions."""
        minutes, sessions = self._totals()
        keys = sorted(k for k, m in minutes.items() if m > 0)
        return make_cells(
            self.lattice,
            [k[0] for k in keys],
            [k[1] for k in keys],
            [sessions[k] for k in keys],
            [minutes[k] for k in keys],
        )
