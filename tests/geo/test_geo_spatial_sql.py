"""The same spatial question gets the same answer on SQLite, on PostGIS and in pure shapely."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import shapely
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from geo.crs import to_metric, wgs84_lonlat
from geo.dbtypes import Geometry
from geo.spatial_sql import (
    BBoxFilter,
    DWithinFilter,
    SpatialColumns,
    SpatialFilter,
    WithinGeometryFilter,
    apply_filters,
    bbox_params,
    gist_index,
    refine_rows,
)
from geo.zones import resecentrum_zone, station_point

SEED = 20240601
RADIUS_M = 300.0


def station_xy() -> tuple[float, float]:
    p = to_metric(station_point())
    return p.x, p.y


def query_bbox() -> BBoxFilter:
    """An API-style bbox (6 decimals), 500 m x 500 m around the station: corners beyond 300 m."""
    sx, sy = station_xy()
    lon, lat = wgs84_lonlat(np.array([sx - 250, sx + 250]), np.array([sy - 250, sy + 250]))
    return BBoxFilter(*(round(float(v), 6) for v in (lon[0], lat[0], lon[1], lat[1])))


def make_geometries() -> list[shapely.Geometry]:
    """~2,000 deterministic points near the station, many right at 300 m, plus lines/polygons."""
    rng = np.random.default_rng(SEED)
    sx, sy = station_xy()
    # Uniform cloud over ±700 m.
    ex = sx + rng.uniform(-700, 700, 1450)
    ny = sy + rng.uniform(-700, 700, 1450)
    # A ring at 300 ± 1.5 m: the DWithin boundary, and between the zone polygon's chords.
    angle = rng.uniform(0, 2 * np.pi, 450)
    dist = RADIUS_M + rng.uniform(-1.5, 1.5, 450)
    ex = np.concatenate([ex, sx + dist * np.cos(angle)])
    ny = np.concatenate([ny, sy + dist * np.sin(angle)])
    lon, lat = wgs84_lonlat(ex, ny)
    geoms = list(shapely.points(lon, lat))
    # Points exactly on the bbox edges and exactly on zone vertices: boundaries count as hits.
    box = query_bbox()
    for t in np.linspace(0, 1, 20):
        lat_t = box.miny + t * (box.maxy - box.miny)
        geoms += [shapely.Point(box.minx, lat_t), shapely.Point(box.maxx, lat_t)]
    geoms += [shapely.Point(c) for c in resecentrum_zone(300).geometry.exterior.coords[:-1:4]]
    # Short lines and small squares straddling the 300 m circle: bbox prefilter + refine.
    for _ in range(40):
        a, d, turn = rng.uniform(0, 2 * np.pi), RADIUS_M + rng.uniform(-15, 15), rng.uniform(0, 3)
        x0, y0 = sx + d * np.cos(a), sy + d * np.sin(a)
        xs, ys = wgs84_lonlat(np.array([x0, x0 + 12 * np.cos(turn)]), np.array([y0, y0 + 12 * np.sin(turn)]))
        geoms.append(shapely.LineString(np.column_stack([xs, ys])))
    for _ in range(20):
        a, d = rng.uniform(0, 2 * np.pi), RADIUS_M + rng.uniform(-8, 8)
        x0, y0 = sx + d * np.cos(a), sy + d * np.sin(a)
        xs, ys = wgs84_lonlat(np.array([x0, x0 + 6, x0 + 6, x0]), np.array([y0, y0, y0 + 6, y0 + 6]))
        geoms.append(shapely.Polygon(np.column_stack([xs, ys])))
    return geoms


GEOMS = make_geometries()


def filters() -> dict[str, list[SpatialFilter]]:
    zone = resecentrum_zone(300).geometry
    near = DWithinFilter(station_point(), RADIUS_M)
    return {
        "bbox": [query_bbox()],
        "zone": [WithinGeometryFilter(zone)],
        "dwithin": [near],
        "bbox+dwithin": [query_bbox(), near],
    }


def shapely_answer(name: str) -> set[int]:
    """The reference: exact predicates written out with shapely, no geo.spatial_sql involved."""
    box = shapely.box(*query_bbox().envelope())
    zone = resecentrum_zone(300).geometry
    centre = to_metric(station_point())
    tests = {
        "bbox": lambda g: box.intersects(g),
        "zone": lambda g: zone.intersects(g),
        "dwithin": lambda g: to_metric(g).distance(centre) <= RADIUS_M,
    }
    tests["bbox+dwithin"] = lambda g: tests["bbox"](g) and tests["dwithin"](g)
    return {i for i, g in enumerate(GEOMS) if tests[name](g)}


def make_table(metadata: sa.MetaData) -> sa.Table:
    table = sa.Table(
        "geo_probe_features",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("geom", Geometry(), nullable=False),
        *(
            sa.Column(f"bbox_{k}", sa.Float, nullable=False, index=True)
            for k in ("minx", "miny", "maxx", "maxy")
        ),
    )
    gist_index(table)
    return table


def loaded_engine(url: str) -> Iterator[tuple[sa.Engine, sa.Table]]:
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    table = make_table(metadata)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    rows = [{"id": i, "geom": g, **bbox_params(g)} for i, g in enumerate(GEOMS)]
    with engine.begin() as conn:
        conn.execute(table.insert(), rows)
    try:
        yield engine, table
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def ask(engine: sa.Engine, table: sa.Table, fs: list[SpatialFilter]) -> set[int]:
    dialect = engine.dialect.name
    stmt = apply_filters(sa.select(table.c.id, table.c.geom), SpatialColumns.of(table), fs, dialect)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return {row.id for row in refine_rows(rows, lambda r: r.geom, fs, dialect)}


@pytest.fixture
def probe(db_url: str) -> Iterator[tuple[sa.Engine, sa.Table]]:
    yield from loaded_engine(db_url)


def test_dataset_is_well_posed():
    assert len(GEOMS) >= 2000
    centre = to_metric(station_point())
    gaps = [abs(to_metric(g).distance(centre) - RADIUS_M) for g in GEOMS if g.geom_type == "Point"]
    # No point sits so close to 300 m that PROJ rounding could decide it.
    assert min(gaps) > 1e-6
    answers = {name: shapely_answer(name) for name in filters()}
    assert all(len(ids) > 50 for ids in answers.values())
    # The 72-gon zone and the true circle differ on the ring: the test can tell them apart.
    assert answers["zone"] != answers["dwithin"]
    assert answers["bbox+dwithin"] < answers["bbox"]  # box corners lie beyond 300 m


@pytest.mark.parametrize("name", list(filters()))
def test_backend_matches_shapely(probe, name):
    engine, table = probe
    assert ask(engine, table, filters()[name]) == shapely_answer(name)


def test_sqlite_and_postgis_agree(sqlite_url, postgis_url):
    answers: dict[str, dict[str, set[int]]] = {}
    for url in (sqlite_url, postgis_url):
        for engine, table in loaded_engine(url):
            answers[engine.dialect.name] = {n: ask(engine, table, fs) for n, fs in filters().items()}
    assert answers["sqlite"] == answers["postgresql"]


def test_postgis_sql_is_exact_indexed_and_parameterised():
    table = make_table(sa.MetaData())
    cols = SpatialColumns.of(table)
    target = DWithinFilter(station_point(), RADIUS_M)
    sql = str(target.sql(cols, "postgresql").compile(dialect=postgresql.dialect()))
    assert "&&" in sql and "ST_MakeEnvelope" in sql
    assert "ST_DWithin(ST_Transform(" in sql and "3006" not in sql  # SRIDs are bound too
    assert "15.131987" not in sql  # coordinates travel as parameters, never as SQL text
    assert target.needs_refine("sqlite") and not target.needs_refine("postgresql")
    lite = str(target.sql(cols, "sqlite").compile(dialect=sqlite.dialect()))
    assert "bbox_minx" in lite and "ST_" not in lite


def test_dwithin_envelope_contains_the_whole_search_circle():
    target = DWithinFilter(station_point(), RADIUS_M)
    circle = shapely.buffer(to_metric(station_point()), RADIUS_M, quad_segs=64)
    lon, lat = wgs84_lonlat(*np.asarray(circle.exterior.coords).T)
    minx, miny, maxx, maxy = target.envelope()
    assert minx < lon.min() and maxx > lon.max() and miny < lat.min() and maxy > lat.max()
    # ... and is not absurdly wide (≈ 600 m plus a centimetre-scale margin).
    assert (maxy - miny) * 111_000 == pytest.approx(600, abs=1)


def test_bad_filter_arguments_are_geo_errors():
    from geo.errors import GeoError

    with pytest.raises(GeoError, match="minx,miny,maxx,maxy"):
        BBoxFilter(15.2, 58.3, 15.1, 58.4)
    with pytest.raises(GeoError, match="finite"):
        DWithinFilter(station_point(), float("nan"))
