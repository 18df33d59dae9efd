"""Grid, hexagon, hot-spot, gap and presence maps over visible records, on SQLite and PostGIS."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geo.crs import metric_xy, to_metric
from geo.grid import Cell, SquareGrid, aggregate
from geo.hexgrid import HexGrid
from geo.spatial_sql import DWithinFilter, WithinGeometryFilter
from geo.zones import station_point
from tests.builders import make_actor, make_check, make_operation, point
from tests.conftest import DEFAULT_PG_URL, PG_URL_ENV, create_postgis_database, missing_service
from traffic import spatial_stats as ss
from traffic.actors import Actor
from traffic.checks.models import CheckCode, VehicleCheck
from traffic.demo import build_demo
from traffic.errors import PermissionDenied, ValidationFailed
from traffic.incidents.models import Incident
from traffic.orgs.service import ensure_organisations
from traffic.presence.schemas import PresenceCreate
from traffic.presence.service import create_presence
from traffic.queries import RecordFilter, count_records, matching_ids
from traffic.storage.db import make_engine
from traffic.storage.migrate import upgrade
from traffic.timeutil import parse_period
from traffic.vocab import NO_REMARK
from traffic.zones.service import ensure_default_zones, zone_by_code

DEMO_SEED = 11
DEMO_CHECKS = 2500
DEMO_INCIDENTS = 600
_DEMO_URLS: dict[str, str] = {}


def _demo_url(name: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database per backend holding the demo data (built once per test process)."""
    if name not in _DEMO_URLS:
        if name == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('spatial') / 'demo.sqlite'}"
        else:
            base = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
            try:
                url = create_postgis_database(base, suffix="_spatial")
            except Exception as exc:  # noqa: BLE001 - any connection failure means "no service"
                missing_service(f"PostgreSQL + PostGIS not reachable at {base}: {exc}")
        upgrade(url)
        engine = make_engine(url)
        try:
            build_demo(engine, seed=DEMO_SEED, checks=DEMO_CHECKS, incidents=DEMO_INCIDENTS)
        finally:
            engine.dispose()
        _DEMO_URLS[name] = url
    return _DEMO_URLS[name]


def _open(url: str) -> Iterator[Session]:
    engine = make_engine(url)
    sess = Session(engine)
    try:
        yield sess
    finally:
        sess.rollback()
        sess.close()
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgis"])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A session on the demo database of one backend (read only: rolled back)."""
    yield from _open(_demo_url(request.param, tmp_path_factory))


def actors(session: Session) -> dict[str, Actor]:
    orgs = ensure_organisations(session)
    return {
        "lead": Actor("test-lead", "lead", orgs["polisen"].id),
        "planner": Actor("test-planner", "planner", orgs["mjolby_kommun"].id),
        "public": Actor("anonymous", "public"),
    }


def visible_xy(session: Session, kind: str, actor: Actor, flt: RecordFilter | None = None) -> tuple:
    """The stored metres of what ``actor`` may list, refined exactly (the numpy reference)."""
    model = {"checks": VehicleCheck, "incidents": Incident}[kind]
    flt = flt or RecordFilter()
    ids = matching_ids(session, kind, actor, flt, None).order_by(None)
    rows = session.execute(select(model.sweref_e, model.sweref_n, model.geom).where(model.id.in_(ids))).all()
    rows = [r for r in rows if all(f.refine(r.geom) for f in flt.spatial())]
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


def as_dict(cells: list[Cell]) -> dict[tuple[int, int], int]:
    return {c.key: c.count for c in cells}


def numpy_cells(lattice, x, y) -> dict[tuple[int, int], int]:  # noqa: ANN001
    i, j, count, _ = aggregate(lattice, x, y)
    return {(int(a), int(b)): int(c) for a, b, c in zip(i, j, count, strict=True)}


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize("kind", ["checks", "incidents"])
@pytest.mark.parametrize("cell_m", [100, 250])
def test_grid_counts_equal_numpy(demo: Session, kind: str, cell_m: int) -> None:
    lead = actors(demo)["lead"]
    cells = ss.grid_counts(demo, kind, lead, cell_m=cell_m)
    x, y = visible_xy(demo, kind, lead)
    assert as_dict(cells) == numpy_cells(SquareGrid(cell_m), x, y)
    assert sum(c.count for c in cells) == len(x) > 0
    assert [c.key for c in cells] == sorted(c.key for c in cells)
    assert all(c.value == c.count for c in cells)


def test_hexbin_counts_equal_numpy(demo: Session) -> None:
    lead = actors(demo)["lead"]
    cells = ss.hexbin_counts(demo, "checks", lead, cell_m=120)
    x, y = visible_xy(demo, "checks", lead)
    assert as_dict(cells) == numpy_cells(HexGrid(120), x, y)


def test_identical_cells_on_both_backends(tmp_path_factory: pytest.TempPathFactory) -> None:
    results = {}
    for name in ("sqlite", "postgis"):
        for session in _open(_demo_url(name, tmp_path_factory)):
            who = actors(session)
            period = parse_period("2025H1")
            flt = RecordFilter(start=period.start, end=period.end)
            zone = RecordFilter(within=zone_by_code(session, "resecentrum_300m").geom)
            results[name] = {
                "grid": as_dict(ss.grid_counts(session, "checks", who["lead"], cell_m=100)),
                "zone": as_dict(ss.hexbin_counts(session, "checks", who["lead"], zone, cell_m=50)),
                "hex": as_dict(ss.hexbin_counts(session, "checks", who["planner"], cell_m=80)),
                "period": as_dict(ss.grid_counts(session, "checks", who["lead"], flt, cell_m=50)),
                "incidents": as_dict(ss.grid_counts(session, "incidents", who["planner"], cell_m=200)),
                "public": as_dict(ss.grid_counts(session, "checks", who["public"], cell_m=100)),
            }
    assert results["sqlite"] == results["postgis"]
    assert all(results["sqlite"].values())


@pytest.mark.parametrize("near", [False, True])
def test_spatial_filters_are_exact(demo: Session, near: bool) -> None:
    lead = actors(demo)["lead"]
    if near:
        flt = RecordFilter(near=(station_point(), 250.0))
    else:
        flt = RecordFilter(within=zone_by_code(demo, "resecentrum_300m").geom)
    for lattice, fn in ((SquareGrid(100), ss.grid_counts), (HexGrid(100), ss.hexbin_counts)):
        cells = fn(demo, "checks", lead, flt, cell_m=100)
        x, y = visible_xy(demo, "checks", lead, flt)
        assert as_dict(cells) == numpy_cells(lattice, x, y)
        assert sum(c.count for c in cells) == count_records(demo, "checks", lead, flt) > 0


def test_municipality_filter_keeps_every_cell_inside(demo: Session) -> None:
    lead = actors(demo)["lead"]
    kommun = zone_by_code(demo, "mjolby_kommun").geom
    assert as_dict(ss.grid_counts(demo, "checks", lead, RecordFilter(within=kommun))) == as_dict(
        ss.grid_counts(demo, "checks", lead)
    )


def test_remarks_only_and_weights(demo: Session) -> None:
    lead = actors(demo)["lead"]
    visible = matching_ids(demo, "checks", lead, RecordFilter(), None).order_by(None)
    remark_ids = select(CheckCode.check_id).where(
        (CheckCode.kind == "finding") | ((CheckCode.kind == "outcome") & (CheckCode.code != NO_REMARK))
    )
    expected = demo.scalar(
        select(func.count()).where(VehicleCheck.id.in_(visible), VehicleCheck.id.in_(remark_ids))
    )
    remarks = ss.grid_counts(demo, "checks", lead, remarks_only=True)
    assert sum(c.count for c in remarks) == expected > 0
    assert sum(c.count for c in remarks) < sum(c.count for c in ss.grid_counts(demo, "checks", lead))
    fines = ss.grid_counts(demo, "checks", lead, weight="fine_amount_sek")
    stored = demo.scalar(select(func.sum(VehicleCheck.fine_amount_sek)).where(VehicleCheck.id.in_(visible)))
    assert stored and sum(c.value for c in fines) == pytest.approx(float(stored))
    assert sum(c.count for c in fines) == sum(c.count for c in ss.grid_counts(demo, "checks", lead))
    with pytest.raises(ValidationFailed) as info:
        ss.grid_counts(demo, "checks", lead, weight="note")
    assert info.value.field == "weight"
    with pytest.raises(ValidationFailed):
        ss.grid_counts(demo, "incidents", lead, remarks_only=True)


@pytest.mark.parametrize("who", ["lead", "public"])
@pytest.mark.parametrize("shape", ["square", "hex"])
def test_checks_and_remarks_in_one_pass_equal_two_queries(demo: Session, who: str, shape: str) -> None:
    actor = actors(demo)[who]
    count = ss.grid_counts if shape == "square" else ss.hexbin_counts
    checks, remarks = ss.checks_and_remarks(demo, actor, shape=shape, cell_m=250)
    assert checks == count(demo, "checks", actor, cell_m=250)
    assert remarks == count(demo, "checks", actor, cell_m=250, remarks_only=True)
    assert 0 < sum(c.count for c in remarks) < sum(c.count for c in checks)


@pytest.mark.parametrize("who", ["lead", "public"])
@pytest.mark.parametrize("kind", ["checks", "incidents"])
def test_stored_100m_keys_group_as_the_per_record_keys(
    demo: Session, who: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Squares of 100 m multiples come from ``grid_100m``; the result is the computed keys'."""
    actor = actors(demo)[who]
    zone = RecordFilter(within=zone_by_code(demo, "resecentrum_300m").geom)  # edge cells refined
    cases = [(size, flt) for size in (100, 200, 500) for flt in (None, zone)]
    stored = [ss.grid_counts(demo, kind, actor, flt, cell_m=size) for size, flt in cases]
    monkeypatch.setattr(ss, "base_factor", lambda size_m: None)  # every record's key computed
    computed = [ss.grid_counts(demo, kind, actor, flt, cell_m=size) for size, flt in cases]
    assert stored == computed
    assert all(stored[::2]), "each size must have occupied cells"
    if who == "lead":  # merged, not lost (the public's small cells drop out at each size)
        assert sum(c.count for c in stored[0]) == sum(c.count for c in stored[4])


def test_the_stored_100m_key_is_the_cell_of_the_point(demo: Session) -> None:
    rows = demo.execute(
        select(VehicleCheck.sweref_e, VehicleCheck.sweref_n, VehicleCheck.grid_100m).limit(200)
    )
    e, n, key = np.array([tuple(r) for r in rows], dtype=object).T
    i, j = np.floor(e.astype(float) / 100).astype(np.int64), np.floor(n.astype(float) / 100).astype(np.int64)
    assert key.astype(np.int64).tolist() == (i * 2**32 + j).tolist()


def test_bad_parameters_name_the_field(demo: Session) -> None:
    lead = actors(demo)["lead"]
    for kwargs, field in (({"cell_m": 0}, "cell_m"), ({"cell_m": "x"}, "cell_m")):
        with pytest.raises(ValidationFailed) as info:
            ss.grid_counts(demo, "checks", lead, **kwargs)
        assert info.value.field == field
    with pytest.raises(ValidationFailed) as info:
        ss.grid_counts(demo, "measures", lead)
    assert info.value.field == "kind"
    with pytest.raises(ValidationFailed) as info:
        ss.lattice("triangle", 100)  # type: ignore[arg-type]
    assert info.value.field == "shape"


# --------------------------------------------------------------------------- visibility and the public


def test_planned_operation_checks_count_for_its_police_only(session: Session) -> None:
    officer = make_actor(session)
    planned = make_operation(session, officer)  # PLANNED; the check starts it (ONGOING)
    make_check(session, planned, officer)
    planner = make_actor(session, role="planner", org="mjolby_kommun")
    assert ss.grid_counts(session, "checks", planner) == []
    assert ss.hexbin_counts(session, "checks", planner) == []
    assert [c.count for c in ss.grid_counts(session, "checks", officer)] == [1]
    other_police = Actor("other", "lead", ensure_organisations(session)["mjolby_kommun"].id)
    assert ss.grid_counts(session, "checks", other_police) == []


def _completed_operation(session: Session, officer: Actor):  # noqa: ANN202
    start = datetime(2025, 5, 16, 18, 0, tzinfo=UTC)
    return make_operation(
        session, officer, status="COMPLETED", actual_start=start, actual_end=start + timedelta(hours=3)
    )


def test_public_sees_only_cells_of_five_or_more(session: Session) -> None:
    officer = make_actor(session)
    op = _completed_operation(session, officer)
    for _ in range(6):
        make_check(session, op, officer)  # at the station
    for _ in range(3):
        make_check(session, op, officer, geometry=point(15.1500, 58.3300))  # ~1.2 km away
    planner = make_actor(session, role="planner", org="mjolby_kommun")
    assert sorted(c.count for c in ss.grid_counts(session, "checks", planner)) == [3, 6]
    public = Actor("anonymous", "public")
    assert [c.count for c in ss.grid_counts(session, "checks", public)] == [6]
    assert [c.count for c in ss.public_cells(ss.grid_counts(session, "checks", planner))] == [6]
    assert ss.public_cells(ss.grid_counts(session, "checks", planner), 3) != []
    # newer than the publication delay: not published at all
    recent = datetime.now(UTC) - timedelta(days=1)
    op2 = make_operation(
        session, officer, status="COMPLETED", actual_start=recent - timedelta(hours=1), actual_end=recent
    )
    for _ in range(5):
        make_check(session, op2, officer, checked_at=recent, geometry=point(15.1200, 58.3100))
    assert [c.count for c in ss.grid_counts(session, "checks", public)] == [6]


def test_public_results_never_hold_small_cells(demo: Session) -> None:
    who = actors(demo)
    public = ss.grid_counts(demo, "checks", who["public"], cell_m=50)
    assert public and min(c.count for c in public) >= 5
    planner = as_dict(ss.grid_counts(demo, "checks", who["planner"], cell_m=50))
    assert all(c.count <= planner[c.key] for c in public)
    hot = ss.hotspots(demo, "checks", who["public"], cell_m=50)
    assert min(h.cell.count for h in hot.cells) >= 5
    with pytest.raises(PermissionDenied):
        ss.gaps(demo, who["public"])
    assert ss.grid_counts(demo, "incidents", who["public"]) != []


# --------------------------------------------------------------------------- hot spots, gaps, presence


def test_hotspots_on_the_demo_data(demo: Session) -> None:
    lead = actors(demo)["lead"]
    result = ss.hotspots(demo, "checks", lead, cell_m=100)
    assert result.reliable and result.band_m >= 150.0 and result.fdr
    assert {h.gi_bin for h in result.cells} <= set(range(-3, 4))
    hottest = max(result.cells, key=lambda h: h.z)
    assert hottest.gi_bin == 3 and hottest.p_judged <= 0.01
    counts = as_dict(ss.grid_counts(demo, "checks", lead, cell_m=100))
    assert {h.cell.key: h.cell.count for h in result.cells} == counts
    hexes = ss.hotspots(demo, "incidents", lead, cell_m=150, shape="hex")
    assert any(h.gi_bin > 0 for h in hexes.cells)


def test_hotspots_over_a_study_area_include_empty_cells(demo: Session) -> None:
    lead = actors(demo)["lead"]
    zone = zone_by_code(demo, "resecentrum_500m").geom
    result = ss.hotspots(demo, "checks", lead, cell_m=100, study_area=zone)
    assert any(h.cell.count == 0 for h in result.cells)
    area = to_metric(zone)
    assert all(area.intersects(h.cell.polygon_metric()) for h in result.cells)


def test_gaps_for_police_and_planners(demo: Session) -> None:
    who = actors(demo)
    police = ss.gaps(demo, who["lead"], cell_m=100)
    planner = ss.gaps(demo, who["planner"], cell_m=100)
    assert {g.label for g in police} <= {"gap", "covered", "none"}
    assert any(g.presence_min > 0 for g in police)
    assert all(g.presence_min == 0 for g in planner)
    assert any(g.label != "none" for g in police)
    incidents = sum(c.count for c in ss.grid_counts(demo, "incidents", who["lead"], cell_m=100))
    remarks = sum(c.count for c in ss.grid_counts(demo, "checks", who["lead"], cell_m=100, remarks_only=True))
    assert sum(g.problems for g in police) == incidents + remarks


def test_presence_coverage_on_the_demo_data(demo: Session) -> None:
    who = actors(demo)
    cells = ss.presence_coverage(demo, who["lead"], zone_code="resecentrum_300m", cell_m=50)
    zone = to_metric(zone_by_code(demo, "resecentrum_300m").geom)
    assert cells and all(zone.intersects(c.polygon_metric()) for c in cells)
    hours = sum(c.value for c in cells) / 60
    assert 1000 < hours < 4000  # 15–25 hours a week over the demo's two years, minus stays outside
    assert ss.presence_coverage(demo, who["planner"]) == []
    assert ss.presence_coverage(demo, who["public"]) == []


def test_point_stay_of_30_minutes(session: Session) -> None:
    officer = make_actor(session)
    ensure_default_zones(session, org_id=officer.org_id)
    start = datetime(2025, 5, 16, 19, 0, tzinfo=UTC)
    stay = {"unit": "2310", "mode": "FOOT", "kind": "POINT", "start_at": start}
    inside = point(15.1322, 58.3231)
    create_presence(
        session,
        actor=officer,
        data=PresenceCreate(**stay, geometry=inside, end_at=start + timedelta(minutes=30)),
    )
    far = point(15.1500, 58.3300)
    create_presence(
        session,
        actor=officer,
        data=PresenceCreate(**stay, geometry=far, end_at=start + timedelta(minutes=45)),
    )
    cells = ss.presence_coverage(session, officer, zone_code="resecentrum_300m", cell_m=50)
    x, y = metric_xy(15.1322, 58.3231)
    assert [(c.key, c.value, c.count) for c in cells] == [
        ((int(x // 50), int(y // 50)), pytest.approx(30.0), 1)
    ]
    planner = make_actor(session, role="planner", org="mjolby_kommun")
    assert ss.presence_coverage(session, planner) == []


def test_filters_helpers() -> None:
    flt = RecordFilter(equals={"focus": "A_TRAKTOR", "kind": "CRASH"}, finding="X")
    assert ss._for_kind(flt, "incidents").equals == {"kind": "CRASH"}
    assert ss._for_kind(flt, "checks").equals == {}
    assert ss._for_kind(flt, "incidents").finding is None
    area = ss._area_of(RecordFilter(near=(station_point(), 100.0)))
    assert area is not None and shapely.within(station_point(), area)
    assert isinstance(RecordFilter(within=area).spatial()[0], WithinGeometryFilter)
    assert isinstance(RecordFilter(near=(station_point(), 1.0)).spatial()[0], DWithinFilter)
