"""Getis-Ord Gi* hot and cold spots on cell counts, with false-discovery-rate correction.

What ArcGIS's *Optimized Hot Spot Analysis* gives, computed openly:

1. **Cells.** Counts (or sums) per grid or hexagon cell. As in ArcGIS when no polygon bounds
   where incidents are possible, only cells with at least one record are analysed; pass zero
   cells of a study area along (``geo.grid.covering_cells``) to analyse a bounded area.
2. **Neighbourhood: a fixed distance band, binary weights, the cell itself included ("star").**
   Unless given, the band is ``max(1.5 × spacing, d₁)`` capped at ``5 × spacing``, where
   ``spacing`` is the centre distance of cells sharing an edge (the side of a square) and ``d₁``
   is the distance at which every cell that is not a locational outlier has at least one
   neighbour (ArcGIS's default band for Hot Spot Analysis). ``1.5 × spacing`` is the smallest
   band that holds the 8 surrounding squares (or the 6 surrounding hexagons): below it a cell
   is compared with nothing but itself. Locational outliers are cells whose nearest-neighbour
   distance is above Tukey's far fence (Q3 + 3·IQR) of all nearest-neighbour distances, so one
   remote cell cannot widen everyone's neighbourhood; the cap does the same for sparse data.
   A cell with no neighbour inside the band is never significant (a lone cell is an outlier,
   not a cluster); ``neighbours`` reports the count, as ArcGIS's ``NNeighbors``.
3. **Gi\\*** (Getis & Ord 1992; Ord & Getis 1995), the z-score ArcGIS reports::

       z_i = (Σ_j w_ij x_j − x̄ Σ_j w_ij) / (S · sqrt((n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)))

   with ``x̄`` and ``S`` the mean and (population) standard deviation of all ``n`` cells and
   ``w_ii = 1``. Identical to ``esda.G_Local(y, w, transform="B", star=True).Zs`` (tested);
   computed here with a KD-tree and a sparse matrix because esda needs seconds to import and
   to build its weights for a few thousand cells, this takes milliseconds.
   Two-sided p-values from the normal distribution (esda's ``p_norm`` is one-sided: × 2).
4. **FDR.** Benjamini–Hochberg over all analysed cells (``scipy.stats.false_discovery_control``).
   A cell is significant at level α when its BH-adjusted p-value is ≤ α, which is the same as
   ArcGIS's FDR rule (rank the p-values, the critical value is the largest ``p_(k) ≤ α·k/m``),
   applied at α = 0.01, 0.05 and 0.10.
5. **Bins** as ArcGIS's ``Gi_Bin``: ±3 hot/cold spot with 99 % confidence, ±2 with 95 %, ±1
   with 90 %, 0 not significant; the sign is the sign of ``z``.

ArcGIS finds results with fewer than 30 cells unreliable; :attr:`HotSpots.reliable` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse, stats
from scipy.spatial import cKDTree

from geo.grid import Cell, InvalidGrid, Lattice, cell_arrays

MIN_FACTOR = 1.5
MAX_FACTOR = 5.0
MIN_RELIABLE_CELLS = 30
# (confidence level, two-sided alpha, bin magnitude), strictest first.
LEVELS = ((99, 0.01, 3), (95, 0.05, 2), (90, 0.10, 1))
BIN_LABELS: dict[int, dict[str, str]] = {
    3: {"sv": "Hot spot, 99 % konfidens", "en": "Hot spot, 99% confidence"},
    2: {"sv": "Hot spot, 95 % konfidens", "en": "Hot spot, 95% confidence"},
    1: {"sv": "Hot spot, 90 % konfidens", "en": "Hot spot, 90% confidence"},
    0: {"sv": "Ej signifikant", "en": "Not significant"},
    -1: {"sv": "Cold spot, 90 % konfidens", "en": "Cold spot, 90% confidence"},
    -2: {"sv": "Cold spot, 95 % konfidens", "en": "Cold spot, 95% confidence"},
    -3: {"sv": "Cold spot, 99 % konfidens", "en": "Cold spot, 99% confidence"},
}
# Relative tolerance on the band, so a neighbour at exactly the band distance is kept.
BAND_TOLERANCE = 1e-9


def bin_label(gi_bin: int, lang: str = "sv") -> str:
    """The legend text of a ``Gi_Bin`` value (Swedish by default)."""
    return BIN_LABELS[int(gi_bin)]["en" if lang == "en" else "sv"]


def nearest_neighbour_distances(xy: np.ndarray) -> np.ndarray:
    """Distance from each point to its nearest other point (``inf`` for a single point)."""
    if len(xy) < 2:
        return np.full(len(xy), np.inf)
    d, _ = cKDTree(xy).query(xy, k=2)
    return d[:, 1]


def distance_band(
    xy: np.ndarray, spacing_m: float, *, min_factor: float = MIN_FACTOR, max_factor: float = MAX_FACTOR
) -> float:
    """The default distance band in metres (rule in the module notes).

    Parameters
    ----------
    xy : numpy.ndarray, shape (n, 2)
        Cell centres in SWEREF 99 TM metres.
    spacing_m : float
        Centre distance of cells sharing an edge.
    """
    low, high = min_factor * spacing_m, max_factor * spacing_m
    nn = nearest_neighbour_distances(np.asarray(xy, dtype=np.float64))
    nn = nn[np.isfinite(nn)]
    if nn.size == 0:
        return low
    q1, q3 = np.percentile(nn, [25, 75])
    regular = nn[nn <= q3 + 3.0 * (q3 - q1)]
    d1 = float(regular.max()) if regular.size else low
    return float(min(max(low, d1), high))


def binary_weights(xy: np.ndarray, band_m: float) -> sparse.csr_matrix:
    """Binary distance-band weights with ones on the diagonal (Gi*), as a CSR matrix."""
    n = len(xy)
    tree = cKDTree(xy)
    pairs = tree.query_pairs(band_m * (1 + BAND_TOLERANCE), output_type="ndarray")
    rows = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(n)])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(n)])
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(n, n))


def gi_star(values: Any, weights: sparse.spmatrix) -> tuple[np.ndarray, np.ndarray]:
    """Gi* z-scores and two-sided normal p-values for ``values`` under ``weights``.

    ``weights`` must already hold the self-weights (diagonal). With no variation in
    ``values`` every z is 0 and every p is 1.
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.size
    if n < 2:
        return np.zeros(n), np.ones(n)
    w = sparse.csr_matrix(weights)
    mean = x.mean()
    s = np.sqrt(max((x * x).mean() - mean * mean, 0.0))
    wsum = np.asarray(w.sum(axis=1)).ravel()
    w2sum = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    lag = w @ x
    spread = (n * w2sum - wsum * wsum) / (n - 1)
    denom = s * np.sqrt(np.clip(spread, 0.0, None))
    ok = denom > 1e-12 * max(1.0, abs(mean))
    z = np.zeros(n)
    z[ok] = (lag[ok] - mean * wsum[ok]) / denom[ok]
    p = np.ones(n)
    p[ok] = 2.0 * stats.norm.sf(np.abs(z[ok]))
    return z, p


def gi_bins(z: np.ndarray, p: np.ndarray, *, fdr: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """ArcGIS-style ``Gi_Bin`` (−3…3) and the p-values the bins were judged on.

    With ``fdr`` the judged p-values are Benjamini–Hochberg adjusted over all cells.
    """
    p = np.asarray(p, dtype=np.float64)
    judged = stats.false_discovery_control(p, method="bh") if (fdr and p.size) else p.copy()
    magnitude = np.zeros(p.size, dtype=np.int64)
    for _level, alpha, size in reversed(LEVELS):  # loosest first, stricter levels overwrite
        magnitude[judged <= alpha] = size
    return np.sign(z).astype(np.int64) * magnitude, judged


@dataclass(frozen=True)
class HotSpots:
    """Gi* results aligned with the input cells."""

    z: np.ndarray
    p: np.ndarray  # two-sided, uncorrected
    p_judged: np.ndarray  # BH-adjusted when ``fdr``, else equal to ``p``
    bins: np.ndarray  # −3 … 3
    neighbours: np.ndarray  # neighbours within the band, the cell itself not counted
    band_m: float
    fdr: bool

    @property
    def n(self) -> int:
        """Number of analysed cells."""
        return int(self.z.size)

    @property
    def reliable(self) -> bool:
        """At least 30 cells (ArcGIS's minimum for a trustworthy result)."""
        return self.n >= MIN_RELIABLE_CELLS


def hot_spots_xy(
    xy: Any, values: Any, spacing_m: float, *, band_m: float | None = None, fdr: bool = True
) -> HotSpots:
    """Gi* hot spots for values at SWEREF 99 TM points ``xy`` (cell centres), ``spacing_m`` apart."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    values = np.asarray(values, dtype=np.float64)
    if len(values) != len(xy):
        raise InvalidGrid("values", f"{len(values)} values for {len(xy)} cells")
    if band_m is not None and not (np.isfinite(band_m) and band_m > 0):
        raise InvalidGrid("band_m", f"the distance band must be a positive number of metres, got {band_m!r}")
    band = float(band_m) if band_m is not None else distance_band(xy, spacing_m)
    if len(xy) == 0:
        empty = np.empty(0)
        return HotSpots(
            empty, empty, empty, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), band, fdr
        )
    w = binary_weights(xy, band)
    neighbours = np.diff(w.indptr) - 1
    z, p = gi_star(values, w)
    p = np.where(neighbours > 0, p, 1.0)
    bins, judged = gi_bins(z, p, fdr=fdr)
    return HotSpots(z, p, judged, bins, neighbours.astype(np.int64), band, fdr)


def hot_spots(
    cells: list[Cell], *, band_m: float | None = None, fdr: bool = True, use_value: bool = True
) -> HotSpots:
    """Gi* hot spots of ``cells`` (all of one lattice) on their ``value`` (or ``count``)."""
    if not cells:
        return hot_spots_xy(np.empty((0, 2)), np.empty(0), 1.0, band_m=band_m, fdr=fdr)
    lattice: Lattice = cells[0].lattice
    x, y = lattice.centres(*cell_arrays(cells))
    values = [c.value if use_value else c.count for c in cells]
    return hot_spots_xy(np.column_stack([x, y]), values, lattice.spacing_m, band_m=band_m, fdr=fdr)


@dataclass(frozen=True)
class HotSpotCell:
    """One analysed cell with its Gi* result."""

    cell: Cell
    z: float
    p: float
    p_judged: float
    gi_bin: int
    neighbours: int

    def label(self, lang: str = "sv") -> str:
        """Legend text of :attr:`gi_bin`."""
        return bin_label(self.gi_bin, lang)


@dataclass(frozen=True)
class HotSpotMap:
    """Gi* results per cell plus the settings a legend or report should state."""

    cells: list[HotSpotCell]
    band_m: float
    fdr: bool
    n_cells: int

    @property
    def reliable(self) -> bool:
        """At least 30 cells were analysed."""
        return self.n_cells >= MIN_RELIABLE_CELLS


def hot_spot_map(
    cells: list[Cell], *, band_m: float | None = None, fdr: bool = True, use_value: bool = True
) -> HotSpotMap:
    """Run :func:`hot_spots` and pair every cell with its result."""
    res = hot_spots(cells, band_m=band_m, fdr=fdr, use_value=use_value)
    out = [
        HotSpotCell(
            c,
            float(res.z[k]),
            float(res.p[k]),
            float(res.p_judged[k]),
            int(res.bins[k]),
            int(res.neighbours[k]),
        )
        for k, c in enumerate(cells)
    ]
    return HotSpotMap(out, res.band_m, fdr, res.n)
