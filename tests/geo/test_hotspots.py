"""Getis-Ord Gi* with FDR: against esda, against a case computed by hand, and the band rule."""

from __future__ import annotations

import math
import warnings

import esda
import libpysal
import numpy as np
import pytest
from scipy import stats

from geo.grid import Cell, SquareGrid
from geo.hexgrid import HexGrid
from geo.hotspots import (
    BIN_LABELS,
    bin_label,
    binary_weights,
    distance_band,
    gi_bins,
    gi_star,
    hot_spot_map,
    hot_spots,
    hot_spots_xy,
)


def grid_xy(rows: int, cols: int, size: float = 100.0) -> np.ndarray:
    """Centres of a rows × cols block of square cells, row-major (row = i, column = j)."""
    return np.array([((i + 0.5) * size, (j + 0.5) * size) for i in range(rows) for j in range(cols)])


def esda_gi_star(xy: np.ndarray, y: np.ndarray, band: float):  # noqa: ANN201
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "not fully connected" for sparse layouts
        w = libpysal.weights.DistanceBand(xy, threshold=band, binary=True, silence_warnings=True)
        return esda.G_Local(y, w, transform="B", star=True, permutations=0)


# --------------------------------------------------------------------------- against esda


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_z_and_p_equal_esda_on_a_grid(seed: int) -> None:
    rng = np.random.default_rng(seed)
    xy = grid_xy(9, 9)
    y = rng.poisson(4, len(xy)).astype(float)
    y[:6] += rng.integers(10, 20, 6)
    ours = hot_spots_xy(xy, y, 100.0)
    ref = esda_gi_star(xy, y, ours.band_m)
    np.testing.assert_allclose(ours.z, ref.Zs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.p, 2 * ref.p_norm, rtol=1e-12, atol=1e-15)  # esda's p is one-sided


def test_z_equals_esda_on_hexagons_with_a_wider_band() -> None:
    rng = np.random.default_rng(7)
    hexes = HexGrid(80)
    q, r = np.meshgrid(np.arange(-6, 6), np.arange(0, 12))
    x, y = hexes.centres(q.ravel(), r.ravel())
    xy = np.column_stack([x, y])
    values = rng.gamma(2.0, 3.0, len(xy))
    ours = hot_spots_xy(xy, values, hexes.spacing_m, band_m=170.0)
    ref = esda_gi_star(xy, values, 170.0)
    np.testing.assert_allclose(ours.z, ref.Zs, rtol=1e-12, atol=1e-12)


def test_weights_hold_self_and_neighbours_within_the_band() -> None:
    w = binary_weights(grid_xy(3, 3), 150.0)
    assert w.diagonal().tolist() == [1.0] * 9
    assert np.asarray(w.sum(axis=1)).ravel().tolist() == [4, 6, 4, 6, 9, 6, 4, 6, 4]


# --------------------------------------------------------------------------- computed by hand


def five_by_five_cluster() -> np.ndarray:
    """1 everywhere, 10 in the central 3 × 3 block."""
    y = np.ones((5, 5))
    y[1:4, 1:4] = 10
    return y.ravel()


def test_single_cluster_by_hand() -> None:
    # n = 25, Σx = 16·1 + 9·10 = 106, x̄ = 4.24, Σx²/n = (16 + 900)/25 = 36.64,
    # S = sqrt(36.64 − 4.24²) = sqrt(18.6624) = 4.32. Queen band (1.5 × 100 m): the centre
    # cell's 9 neighbours (itself included) are the cluster: Σw·x = 90, Σw = Σw² = 9, so
    # z = (90 − 4.24·9) / (4.32·sqrt((25·9 − 81)/24)) = 51.84 / (4.32·√6) = 12/√6 = 2√6 ≈ 4.899.
    # Edge-middle cell of the cluster (row 1, column 2): 3 cells of 1 and 6 of 10 → Σw·x = 63,
    # z = (63 − 38.16) / (4.32·√6) = 24.84 / 10.5818 ≈ 2.347 (p ≈ 0.019).
    # Corner of the cluster (row 1, column 1): 5 of 1 and 4 of 10 → 45, z ≈ 0.646.
    res = hot_spots_xy(grid_xy(5, 5), five_by_five_cluster(), 100.0)
    assert res.band_m == 150.0
    z = res.z.reshape(5, 5)
    assert z[2, 2] == pytest.approx(2 * math.sqrt(6), rel=1e-12)
    assert z[1, 2] == pytest.approx(24.84 / (4.32 * math.sqrt(6)), rel=1e-12)
    assert z[1, 1] == pytest.approx(6.84 / (4.32 * math.sqrt(6)), rel=1e-12)
    assert res.p.reshape(5, 5)[2, 2] == pytest.approx(2 * stats.norm.sf(2 * math.sqrt(6)))
    bins = res.bins.reshape(5, 5)
    assert bins[2, 2] == 3  # hot spot, 99 % confidence, even after FDR
    # The four edge-middle cells are significant at 95 % alone, only at 90 % after FDR:
    assert [bins[1, 2], bins[2, 1], bins[2, 3], bins[3, 2]] == [1, 1, 1, 1]
    raw = hot_spots_xy(grid_xy(5, 5), five_by_five_cluster(), 100.0, fdr=False).bins.reshape(5, 5)
    assert [raw[1, 2], raw[2, 1], raw[2, 3], raw[3, 2]] == [2, 2, 2, 2]
    assert bins[1, 1] == 0 and bins[0, 0] == 0


def test_cold_spot_is_the_mirror_image() -> None:
    y = 11 - five_by_five_cluster()  # 10 everywhere, 1 in the centre block
    res = hot_spots_xy(grid_xy(5, 5), y, 100.0)
    assert res.z.reshape(5, 5)[2, 2] == pytest.approx(-2 * math.sqrt(6))
    assert res.bins.reshape(5, 5)[2, 2] == -3


def test_cells_api_and_labels() -> None:
    grid = SquareGrid(100)
    y = five_by_five_cluster()
    cells = [Cell(grid, i, j, int(y[i * 5 + j]), float(y[i * 5 + j])) for i in range(5) for j in range(5)]
    result = hot_spot_map(cells)
    centre = next(c for c in result.cells if c.cell.key == (2, 2))
    assert centre.gi_bin == 3 and centre.neighbours == 8
    assert centre.label() == "Hot spot, 99 % konfidens" and centre.label("en") == "Hot spot, 99% confidence"
    assert result.n_cells == 25 and not result.reliable  # fewer than 30 cells
    assert hot_spots(cells).bins.tolist() == [c.gi_bin for c in result.cells]
    assert set(BIN_LABELS) == set(range(-3, 4)) and bin_label(0) == "Ej signifikant"


# --------------------------------------------------------------------------- FDR


def test_fdr_reduces_the_significant_cells_of_a_random_field() -> None:
    rng = np.random.default_rng(42)
    xy = grid_xy(30, 30)
    y = rng.poisson(5, len(xy)).astype(float)
    with_fdr = hot_spots_xy(xy, y, 100.0, fdr=True)
    without = hot_spots_xy(xy, y, 100.0, fdr=False)
    assert np.array_equal(with_fdr.z, without.z)
    n_fdr, n_raw = int((with_fdr.bins != 0).sum()), int((without.bins != 0).sum())
    assert n_raw > 20  # ~10 % of 900 cells pass p ≤ 0.10 by chance alone
    assert n_fdr < n_raw
    assert (np.abs(with_fdr.bins) <= np.abs(without.bins)).all()


def test_fdr_equals_arcgis_critical_value_rule() -> None:
    rng = np.random.default_rng(5)
    p = rng.uniform(0, 0.2, 200) ** 2
    z = np.ones_like(p)
    bins, judged = gi_bins(z, p, fdr=True)
    for alpha, size in ((0.10, 1), (0.05, 2), (0.01, 3)):
        ranked = np.sort(p)
        ok = ranked <= alpha * np.arange(1, p.size + 1) / p.size
        critical = ranked[ok].max() if ok.any() else -1.0
        assert ((p <= critical) == (bins >= size)).all()
    assert (judged >= p).all()


# --------------------------------------------------------------------------- the band and edge cases


def test_band_of_a_full_grid_is_one_and_a_half_cells() -> None:
    assert distance_band(grid_xy(10, 10), 100.0) == 150.0
    assert distance_band(grid_xy(10, 10, 50.0), 50.0) == 75.0


def test_band_grows_until_every_regular_cell_has_a_neighbour() -> None:
    xy = grid_xy(6, 6, 300.0)  # cells 300 m apart, 100 m cells
    assert distance_band(xy, 100.0) == pytest.approx(300.0)


def test_a_remote_cell_does_not_widen_the_band_and_stays_not_significant() -> None:
    xy = np.vstack([grid_xy(6, 6), [[50_000.0, 50_000.0]]])
    y = np.ones(len(xy))
    y[-1] = 500.0
    res = hot_spots_xy(xy, y, 100.0)
    assert res.band_m == 150.0
    assert res.neighbours[-1] == 0 and res.bins[-1] == 0 and res.p[-1] == 1.0


def test_band_is_capped() -> None:
    xy = grid_xy(5, 5, 2000.0)
    assert distance_band(xy, 100.0) == 500.0


def test_no_variation_means_nothing_is_significant() -> None:
    res = hot_spots_xy(grid_xy(6, 6), np.full(36, 3.0), 100.0)
    assert (res.z == 0).all() and (res.p == 1).all() and (res.bins == 0).all()


def test_empty_and_tiny_inputs() -> None:
    assert hot_spots([]).n == 0
    z, p = gi_star([5.0], binary_weights(np.array([[0.0, 0.0]]), 150.0))
    assert z.tolist() == [0.0] and p.tolist() == [1.0]


def test_bad_band_is_refused() -> None:
    from geo.grid import InvalidGrid

    with pytest.raises(InvalidGrid):
        hot_spots_xy(grid_xy(3, 3), np.ones(9), 100.0, band_m=-1)
