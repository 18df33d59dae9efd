"""Gap analysis (DDACTS style): cells where problems are dense but enforcement and presence thin.

Inputs per cell of one lattice: *problems* (incidents plus checks with a remark), *checks*
(enforcement: every check, with or without remark) and, optionally, *presence* minutes.

Rule
----
Cells analysed: every cell with any problem, check or presence (the places where something was
recorded), optionally plus zero cells of a study area.

* **Score.** ``gap_score = z(log1p(problems)) − effort`` with
  ``effort = (1 − p)·z(log1p(checks)) + p·z(log1p(presence))`` (``p = presence_weight``, 0.5;
  ``effort = z(log1p(checks))`` without presence data), where ``z`` standardises over the analysed
  cells (mean 0, standard deviation 1; all zeros when a quantity does not vary). Cells have equal
  area, so counts are densities; ``log1p`` keeps one very busy cell from flattening the rest
  (counts are heavy-tailed). Positive: more problems than effort, relative to the area.
* **Label.** ``gap`` when problems are high **and** effort is low; ``covered`` when problems are
  high and effort is not low; ``none`` otherwise.

  - problems high: at least ``min_problems`` (2: one incident is not a pattern), and either in
    the top quartile of the cells that have problems or a Gi* hot spot of problems at 95 % or
    more (FDR-corrected, see :mod:`geo.hotspots`);
  - effort low: the effort index at or below its bottom quartile over the analysed cells (cells
    with neither checks nor presence always are when they make up a quarter or more).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from geo.grid import Cell, Lattice
from geo.hotspots import hot_spots_xy

Key = tuple[int, int]
GAP = "gap"
COVERED = "covered"
NONE = "none"
LABELS: dict[str, dict[str, str]] = {
    GAP: {"sv": "Lucka: många problem, lite insatser", "en": "Gap: many problems, little enforcement"},
    COVERED: {"sv": "Problem som möts av insatser", "en": "Problems met by enforcement"},
    NONE: {"sv": "Inga framträdande problem", "en": "No prominent problems"},
}


@dataclass(frozen=True)
class GapRule:
    """Thresholds of the gap rule (defaults as in the module notes)."""

    problem_quantile: float = 0.75
    effort_quantile: float = 0.25
    hot_min_bin: int = 2
    min_problems: float = 2.0
    presence_weight: float = 0.5


@dataclass(frozen=True)
class GapCell:
    """One analysed cell: inputs, standardised scores and the label."""

    cell: Cell  # count: records in the cell (problems + checks); value: gap score
    problems: float
    checks: float
    presence_min: float
    problem_z: float
    effort_z: float
    score: float
    problem_bin: int  # Gi* bin of problems, −3 … 3
    label: str

    def label_text(self, lang: str = "sv") -> str:
        """Legend text of the label."""
        return LABELS[self.label]["en" if lang == "en" else "sv"]


def standardise(values: np.ndarray) -> np.ndarray:
    """``(v − mean) / std`` (population std); zeros when ``values`` does not vary."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == 0:
        return v
    sd = v.std()
    return (v - v.mean()) / sd if sd > 0 else np.zeros_like(v)


def gap_analysis(
    lattice: Lattice,
    problems: Mapping[Key, float],
    checks: Mapping[Key, float],
    presence: Mapping[Key, float] | None = None,
    *,
    extra_cells: list[Key] | None = None,
    rule: GapRule | None = None,
    band_m: float | None = None,
) -> list[GapCell]:
    """Score and label every cell that has problems, checks or presence (see the module notes)."""
    rule = rule or GapRule()
    keys = sorted(set(problems) | set(checks) | set(presence or {}) | set(extra_cells or ()))
    if not keys:
        return []
    prob = np.array([float(problems.get(k, 0.0)) for k in keys])
    chk = np.array([float(checks.get(k, 0.0)) for k in keys])
    pres = np.array([float((presence or {}).get(k, 0.0)) for k in keys])
    problem_z = standardise(np.log1p(prob))
    effort = standardise(np.log1p(chk))
    if presence is not None:
        w = rule.presence_weight
        effort = (1 - w) * effort + w * standardise(np.log1p(pres))
    score = problem_z - effort

    ij = np.array(keys, dtype=np.int64)
    x, y = lattice.centres(ij[:, 0], ij[:, 1])
    bins = hot_spots_xy(np.column_stack([x, y]), prob, lattice.spacing_m, band_m=band_m).bins
    positive = prob[prob > 0]
    top = np.quantile(positive, rule.problem_quantile) if positive.size else np.inf
    high = (prob >= rule.min_problems) & ((prob >= top) | (bins >= rule.hot_min_bin))
    low = effort <= np.quantile(effort, rule.effort_quantile)
    labels = np.where(high & low, GAP, np.where(high, COVERED, NONE))
    return [
        GapCell(
            cell=Cell(lattice, int(k[0]), int(k[1]), int(round(prob[n] + chk[n])), float(score[n])),
            problems=float(prob[n]),
            checks=float(chk[n]),
            presence_min=float(pres[n]),
            problem_z=float(problem_z[n]),
            effort_z=float(effort[n]),
            score=float(score[n]),
            problem_bin=int(bins[n]),
            label=str(labels[n]),
        )
        for n, k in enumerate(keys)
    ]
