"""The gap rule on a synthetic town, and presence minutes per cell (the gap map's effort input)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString

from geo.coverage import Coverage
from geo.gaps import COVERED, GAP, NONE, GapRule, gap_analysis, standardise
from geo.grid import SquareGrid
from geo.hexgrid import HexGrid

GRID = SquareGrid(100)


def block(i0: int, j0: int, size: int = 3) -> list[tuple[int, int]]:
    return [(i, j) for i in range(i0, i0 + size) for j in range(j0, j0 + size)]


def synthetic_town() -> tuple[dict, dict]:
    """10 × 10 cells: background of 1 problem and 2 checks here and there; two problem blocks.

    Block A (rows 1–3, columns 1–3): 12 problems per cell and 15 checks (enforced).
    Block B (rows 6–8, columns 6–8): 12 problems per cell and no checks (the gap).
    """
    rng = np.random.default_rng(3)
    problems: dict[tuple[int, int], float] = {}
    checks: dict[tuple[int, int], float] = {}
    for i in range(10):
        for j in range(10):
            if rng.random() < 0.6:
                problems[(i, j)] = 1.0
            if rng.random() < 0.6:
                checks[(i, j)] = 2.0
    for key in block(1, 1):
        problems[key], checks[key] = 12.0, 15.0
    for key in block(6, 6):
        problems[key] = 12.0
        checks.pop(key, None)
    return problems, checks


def labels(cells) -> dict[tuple[int, int], str]:  # noqa: ANN001
    return {c.cell.key: c.label for c in cells}


def test_dense_problems_without_enforcement_are_gaps() -> None:
    problems, checks = synthetic_town()
    cells = gap_analysis(GRID, problems, checks)
    got = labels(cells)
    assert {got[k] for k in block(6, 6)} == {GAP}
    assert {got[k] for k in block(1, 1)} == {COVERED}
    assert all(v == NONE for k, v in got.items() if k not in block(6, 6) + block(1, 1))
    by_key = {c.cell.key: c for c in cells}
    assert by_key[(7, 7)].score > by_key[(2, 2)].score  # same problems, no enforcement
    assert by_key[(7, 7)].problem_bin >= 2  # the block is a Gi* hot spot of problems
    assert by_key[(7, 7)].label_text() == "Lucka: många problem, lite insatser"
    assert by_key[(7, 7)].cell.count == 12 and by_key[(7, 7)].cell.value == by_key[(7, 7)].score


def test_presence_closes_a_gap() -> None:
    problems, checks = synthetic_town()
    presence = dict.fromkeys(block(6, 6), 600.0)
    got = labels(gap_analysis(GRID, problems, checks, presence))
    assert {got[k] for k in block(6, 6)} == {COVERED}


def test_a_single_incident_is_never_a_gap() -> None:
    problems = {(0, 0): 1.0, (5, 5): 1.0, (9, 9): 1.0}
    checks = {(k, k): 5.0 for k in range(1, 9)}
    assert all(c.label == NONE for c in gap_analysis(GRID, problems, checks))
    loose = GapRule(min_problems=1)
    assert {c.cell.key for c in gap_analysis(GRID, problems, checks, rule=loose) if c.label == GAP} == {
        (0, 0),
        (5, 5),
        (9, 9),
    }


def test_scores_are_standardised_differences() -> None:
    problems = {(0, 0): 3.0, (0, 1): 0.0, (0, 2): 7.0}
    checks = {(0, 1): 4.0}
    cells = gap_analysis(GRID, problems, checks)
    pz = standardise(np.log1p([3.0, 0.0, 7.0]))
    ez = standardise(np.log1p([0.0, 4.0, 0.0]))
    assert [c.score for c in cells] == pytest.approx((pz - ez).tolist())
    assert standardise(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
    assert gap_analysis(GRID, {}, {}) == []


# --------------------------------------------------------------------------- presence coverage

ZONE = shapely.Point(507731.3, 6464677.2).buffer(300, quad_segs=32)  # resecentrum, SWEREF 99 TM


def test_point_stay_inside_puts_all_minutes_in_one_cell() -> None:
    cov = Coverage(GRID, ZONE)
    assert cov.add_point_stay(507750.0, 6464700.0, 30.0) == 30.0
    cells = cov.cells()
    assert [(c.key, c.value, c.count) for c in cells] == [((5077, 64647), 30.0, 1)]


def test_point_stay_outside_adds_nothing() -> None:
    cov = Coverage(GRID, ZONE)
    assert cov.add_point_stay(508500.0, 6464677.2, 30.0) == 0.0
    assert cov.cells() == [] and cov.total_minutes == 0.0


def test_officer_minutes_and_vectorised_stays() -> None:
    cov = Coverage(GRID, ZONE)
    added = cov.add_point_stays([507750.0, 507750.0, 509000.0], [6464700.0] * 3, [10.0, 20.0, 5.0], weight=2)
    assert added == 60.0
    (cell,) = cov.cells()
    assert cell.value == 60.0 and cell.count == 2


def test_zone_checkin_is_spread_by_area_and_sums_to_its_minutes() -> None:
    cov = Coverage(GRID, ZONE)
    assert cov.add_checkin(40.0) == pytest.approx(40.0)
    cells = cov.cells()
    assert sum(c.value for c in cells) == pytest.approx(40.0)
    full = max(c.value for c in cells)
    assert full == pytest.approx(40.0 * 10_000 / ZONE.area)  # an interior cell gets its area share
    assert all(c.count == 1 for c in cells)


def test_checkin_to_a_larger_zone_counts_only_the_overlap() -> None:
    cov = Coverage(GRID, ZONE)
    larger = shapely.Point(507731.3, 6464677.2).buffer(600, quad_segs=32)
    added = cov.add_checkin(60.0, larger, sessions=3)
    assert added == pytest.approx(60.0 * ZONE.area / larger.area, rel=1e-9)
    assert cov.total_minutes == pytest.approx(added)
    assert {c.count for c in cov.cells()} == {3}


def test_track_crossing_the_zone_counts_only_the_minutes_inside() -> None:
    # West to east through the centre at a steady speed: 1200 m in 20 minutes, 600 m of it
    # (the zone's diameter) inside -> 10 minutes inside.
    cov = Coverage(GRID, ZONE)
    line = LineString([(507131.3, 6464677.2), (508331.3, 6464677.2)])
    x, y = np.asarray(line.xy)
    added = cov.add_track(x, y, [0.0, 1200.0])
    assert added == pytest.approx(10.0, abs=0.25)  # 15 s sampling
    # the zone spans E 507 431–508 031: cells 5074 (31 m of it) … 5080 (31 m), 100 m in between
    cells = cov.cells()
    assert [c.key for c in cells] == [(i, 64646) for i in range(5074, 5081)]
    assert all(c.value == pytest.approx(100 / 60, abs=0.26) for c in cells[1:-1])  # 1 m/s
    assert all(c.count == 1 for c in cells)


def test_track_standing_still_inside_for_30_minutes() -> None:
    cov = Coverage(HexGrid(50), ZONE)
    assert cov.add_track([507740.0, 507740.0], [6464680.0, 6464680.0], [0.0, 1800.0]) == pytest.approx(30.0)
    (cell,) = cov.cells()
    assert cell.value == pytest.approx(30.0)


def test_degenerate_tracks_add_nothing() -> None:
    cov = Coverage(GRID, ZONE)
    assert cov.add_track([507740.0], [6464680.0], [0.0]) == 0.0
    assert cov.add_track([507740.0, 507741.0], [6464680.0, 6464680.0], [10.0, 10.0]) == 0.0
    assert cov.add_checkin(0.0) == 0.0
