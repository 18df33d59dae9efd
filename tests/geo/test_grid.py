"""Square grid and hexagons in SWEREF 99 TM: numpy and SQL put every point in the same cell."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import Point

from geo.crs import metric_xy, to_metric, wgs84_lonlat
from geo.grid import (
    Cell,
    InvalidGrid,
    SquareGrid,
    aggregate,
    cell_index,
    centres_lonlat,
    classify_cells,
    covering_cells,
    make_cells,
    metric_polygons,
    pack_keys,
    polygons,
    unpack_keys,
)
from geo.hexgrid import SQRT3, HexGrid, hex_index
from geo.zones import station_point

SEED = 20250101
STATION_E, STATION_N = 507731.3, 6464677.2


def mjolby_points(n: int = 4000, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Clustered SWEREF 99 TM points around Mjölby, plus points exactly on 100 m / 50 m lines."""
    rng = np.random.default_rng(seed)
    centres = np.array([[STATION_E, STATION_N], [507306.0, 6465141.6], [506200.0, 6463900.0]])
    pick = rng.integers(0, len(centres), n)
    xy = centres[pick] + rng.normal(0, 120, (n, 2))
    on_lines = np.array([[507700.0, 6464600.0], [507750.0, 6464650.0], [507800.0, 6464700.0]])
    xy = np.concatenate([xy, on_lines, on_lines + [0.0, 100.0], on_lines + [100.0, 0.0]])
    return xy[:, 0], xy[:, 1]


# --------------------------------------------------------------------------- square grid


def test_cell_index_is_floor_of_metres_over_size() -> None:
    i, j = cell_index([507700.0, 507799.999, 507800.0, 0.5], [6464600.0, 6464699.9, 6464700.0, 99.9], 100)
    assert i.tolist() == [5077, 5077, 5078, 0]
    assert j.tolist() == [64646, 64646, 64647, 0]
    assert i.dtype == np.int64


def test_cell_index_agrees_with_floor_division_semantics_not_floor_divide() -> None:
    # floor(x / s) is what SQL computes; np.floor_divide(x, s) differs at these values.
    x = np.array([0.3, 0.7, 1.1, 2.3])
    i, _ = cell_index(x * 1000, x * 1000, 100)
    assert i.tolist() == np.floor(x * 1000 / 100).astype(int).tolist()


@pytest.mark.parametrize("size", [0, -5, 0.5, math.nan, math.inf, 1e7, "a"])
def test_bad_cell_sizes_are_refused_with_the_field(size: object) -> None:
    with pytest.raises(InvalidGrid) as info:
        SquareGrid(size)  # type: ignore[arg-type]
    assert info.value.field == "cell_m"


def test_square_cells_cover_their_points_in_metres_and_in_wgs84() -> None:
    x, y = mjolby_points(500)
    grid = SquareGrid(100)
    i, j = grid.index(x, y)
    assert shapely.covers(metric_polygons(grid, i, j), shapely.points(x, y)).all()
    cells = [Cell(grid, int(a), int(b), 1, 1.0) for a, b in zip(i, j, strict=True)]
    lon, lat = wgs84_lonlat(x, y)
    wgs = polygons(cells)
    assert all(p.buffer(1e-9).covers(Point(a, b)) for p, a, b in zip(wgs, lon, lat, strict=True))
    cx, cy = grid.centres(i, j)
    assert np.all(np.abs(x - cx) <= 50) and np.all(np.abs(y - cy) <= 50)


def test_cell_centre_and_polygon_in_wgs84() -> None:
    grid = SquareGrid(100)
    i, j = grid.index([STATION_E], [STATION_N])
    cell = Cell(grid, int(i[0]), int(j[0]), 3, 3.0)
    lon, lat = cell.centre_lonlat
    assert abs(lon - 15.13) < 0.01 and abs(lat - 58.32) < 0.01
    poly = cell.polygon()
    assert poly.is_valid and len(poly.exterior.coords) == 5
    assert to_metric(poly).area == pytest.approx(10_000, rel=1e-6)
    assert cell.polygon_metric().area == pytest.approx(10_000)
    lon2, lat2 = centres_lonlat([cell])
    assert (float(lon2[0]), float(lat2[0])) == (lon, lat)


def test_large_cells_are_densified_before_projection() -> None:
    grid = SquareGrid(10_000)
    i, j = grid.index([STATION_E], [STATION_N])
    poly = Cell(grid, int(i[0]), int(j[0]), 1, 1.0).polygon()
    assert len(poly.exterior.coords) > 5
    assert to_metric(poly).area == pytest.approx(1e8, rel=1e-6)


def test_aggregate_counts_and_sums_per_cell() -> None:
    grid = SquareGrid(100)
    i, j, count, value = aggregate(grid, [10, 20, 150, 150], [10, 30, 10, 10], [1.0, 2.0, 5.0, 5.0])
    assert list(zip(i.tolist(), j.tolist(), count.tolist(), value.tolist(), strict=True)) == [
        (0, 0, 2, 3.0),
        (1, 0, 2, 10.0),
    ]
    empty = aggregate(grid, [], [])
    assert all(len(a) == 0 for a in empty)


def test_make_cells_sorts_by_key() -> None:
    cells = make_cells(SquareGrid(100), [2, 1], [0, 5], [1, 2], [1.0, 2.0])
    assert [c.key for c in cells] == [(1, 5), (2, 0)]


def test_pack_and_unpack_round_trip_with_negative_indices() -> None:
    i = np.array([0, 5077, -32000, 1_000_000, -1])
    j = np.array([0, 64646, 74000, -5, 2**31 - 1])
    a, b = unpack_keys(pack_keys(i, j))
    assert a.tolist() == i.tolist() and b.tolist() == j.tolist()


def test_covering_cells_of_a_zone() -> None:
    zone = to_metric(station_point()).buffer(300, quad_segs=32)
    for lattice in (SquareGrid(50), HexGrid(50)):
        i, j = covering_cells(lattice, zone)
        polys = metric_polygons(lattice, i, j)
        assert shapely.area(shapely.intersection(polys, zone)).sum() == pytest.approx(zone.area, rel=1e-9)
        assert (shapely.area(shapely.intersection(polys, zone)) > 0).all()


def test_classify_cells_inside_outside_and_edge() -> None:
    grid = SquareGrid(100)
    zone = shapely.box(0, 0, 1000, 1000)
    inside, outside = classify_cells(grid, [5, 20, 9], [5, 20, 5], zone, 1.0)
    assert inside.tolist() == [True, False, False]
    assert outside.tolist() == [False, True, False]  # cell 9 touches the edge at 1000 m


# --------------------------------------------------------------------------- hexagons


def test_hexagons_are_the_nearest_centre_cells() -> None:
    x, y = mjolby_points(3000)
    hexes = HexGrid(100)
    q, r = hexes.index(x, y)
    cx, cy = hexes.centres(q, r)
    d_own = np.hypot(x - cx, y - cy)
    assert d_own.max() <= hexes.radius_m + 1e-6
    # no neighbouring centre is nearer than the chosen one
    for dq, dr in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)):
        nx, ny = hexes.centres(q + dq, r + dr)
        assert (np.hypot(x - nx, y - ny) >= d_own - 1e-9).all()
    assert shapely.covers(metric_polygons(hexes, q, r), shapely.points(x, y)).all()


def test_hexagon_geometry() -> None:
    hexes = HexGrid(100)
    poly = metric_polygons(hexes, [0], [0])[0]
    assert poly.area == pytest.approx(SQRT3 / 2 * 100 * 100) == pytest.approx(hexes.cell_area_m2)
    minx, miny, maxx, maxy = poly.bounds
    assert maxx - minx == pytest.approx(100)  # across flats, east-west
    assert maxy - miny == pytest.approx(2 * 100 / SQRT3)  # corner to corner, north-south: pointy top
    for dq, dr in ((1, 0), (0, 1), (-1, 1)):
        x, y = hexes.centres([dq], [dr])
        assert math.hypot(x[0], y[0]) == pytest.approx(100)
    assert hex_index([0.0], [0.0], 100)[0].tolist() == [0]


# --------------------------------------------------------------------------- SQL on both backends


@pytest.fixture
def probe_table(session):  # noqa: ANN001, ANN201
    """A scratch table of deterministic SWEREF 99 TM points, rolled back with the session."""
    table = sa.Table(
        "grid_probe_points",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("e", sa.Float, nullable=False),
        sa.Column("n", sa.Float, nullable=False),
    )
    conn = session.connection()
    table.create(conn)
    x, y = mjolby_points()
    conn.execute(
        sa.insert(table),
        [{"id": k, "e": float(a), "n": float(b)} for k, (a, b) in enumerate(zip(x, y, strict=True))],
    )
    return table, x, y


def _sql_counts(session, table, lattice) -> dict[tuple[int, int], int]:  # noqa: ANN001
    dialect = session.get_bind().dialect.name
    key = lattice.sql_key(table.c.e, table.c.n, dialect).label("k")
    rows = session.execute(sa.select(key, sa.func.count()).group_by(key)).all()
    i, j = unpack_keys(np.array([r[0] for r in rows], dtype=np.int64))
    return {(int(a), int(b)): int(r[1]) for a, b, r in zip(i, j, rows, strict=True)}


def _numpy_counts(lattice, x, y) -> dict[tuple[int, int], int]:  # noqa: ANN001
    i, j, count, _ = aggregate(lattice, x, y)
    return {(int(a), int(b)): int(c) for a, b, c in zip(i, j, count, strict=True)}


LATTICES = [SquareGrid(100), SquareGrid(50), SquareGrid(250), HexGrid(100), HexGrid(60)]


@pytest.mark.parametrize("lattice", LATTICES, ids=lambda lat: f"{lat.shape}{lat.size_m:g}")
def test_sql_groups_exactly_as_numpy(session, probe_table, lattice) -> None:  # noqa: ANN001
    table, x, y = probe_table
    expected = _numpy_counts(lattice, x, y)
    assert _sql_counts(session, table, lattice) == expected
    assert sum(expected.values()) == len(x)


@pytest.mark.parametrize("lattice", [SquareGrid(100), HexGrid(100)], ids=["square", "hex"])
def test_sql_index_per_row_matches_numpy(session, probe_table, lattice) -> None:  # noqa: ANN001
    table, x, y = probe_table
    dialect = session.get_bind().dialect.name
    i, j = lattice.sql_index(table.c.e, table.c.n, dialect)
    rows = session.execute(sa.select(table.c.id, i, j).order_by(table.c.id)).all()
    ei, ej = lattice.index(x, y)
    assert [r[1] for r in rows] == ei.tolist()
    assert [r[2] for r in rows] == ej.tolist()


def test_points_on_cell_lines_go_to_the_upper_cell_in_sql(session, probe_table) -> None:  # noqa: ANN001
    table, _, _ = probe_table
    dialect = session.get_bind().dialect.name
    i, j = SquareGrid(100).sql_index(table.c.e, table.c.n, dialect)
    row = session.execute(sa.select(i, j).where(table.c.e == 507800.0, table.c.n == 6464700.0)).one()
    assert tuple(row) == (5078, 64647)


def test_metric_xy_of_the_station_is_in_the_documented_cell() -> None:
    x, y = metric_xy(15.131987, 58.322982)
    i, j = cell_index([x], [y], 100)
    assert (i.tolist(), j.tolist()) == ([5077], [64646])
