"""Bulk check path on SQLite and PostGIS: same rows as the service, same refusals, one audit event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import shapely
from sqlalchemy import Uuid, bindparam, func, select, text
from sqlalchemy.orm import Session

from geo.crs import metric_xy, to_metric, wgs84_lonlat
from geo.errors import GeoError
from tests.builders import SECRET, STATION, make_actor, make_check, make_operation, point
from traffic.audit.models import AuditEvent
from traffic.checks.bulk import BulkReport, bulk_insert_checks
from traffic.checks.models import CheckCode, VehicleCheck
from traffic.errors import DomainError
from traffic.geometry import POINT, clean_geometry, operating_area
from traffic.operations.models import Operation
from traffic.storage.db import make_engine
from traffic.storage.migrate import upgrade

T0 = datetime(2025, 5, 16, 19, 30, tzinfo=UTC)
BOOKKEEPING = {"id", "created_at", "updated_at"}


def _rows(op_id: uuid.UUID, n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` valid rows within ~1 km of the station, as lon/lat."""
    rng = np.random.default_rng(seed)
    (sx,), (sy,) = metric_xy(np.array([STATION[0]]), np.array([STATION[1]]))
    lon, lat = wgs84_lonlat(sx + rng.uniform(-1000, 1000, n), sy + rng.uniform(-1000, 1000, n))
    rows = []
    for i in range(n):
        row: dict[str, Any] = {
            "operation_id": op_id,
            "checked_at": T0 + timedelta(minutes=i),
            "lon": float(lon[i]),
            "lat": float(lat[i]),
            "vehicle_type": "CAR",
        }
        if i % 3 == 1:
            row.update(findings=["LIGHTS"], outcomes=["TILLSAGELSE"])
        if i % 3 == 2:
            row.update(
                vehicle_type="A_TRAKTOR",
                findings=["SPEED_LIMITER_TAMPERING", "LGF"],
                outcomes=["ORDNINGSBOT", "BESLAG"],
                fine_amount_sek=1500,
                limiter_tampered=True,
            )
        rows.append(row)
    return rows


def _count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _stored(session: Session, check_id: uuid.UUID) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    """The row and its codes as the database holds them (no column types applied on the way out)."""
    by_id = bindparam("id", check_id, type_=Uuid)
    row = session.execute(text("SELECT * FROM vehicle_checks WHERE id = :id").bindparams(by_id)).one()
    codes = session.execute(
        text(
            "SELECT kind, code, position FROM check_codes WHERE check_id = :id ORDER BY kind, position"
        ).bindparams(by_id)
    ).all()
    return row._asdict(), [tuple(c) for c in codes]


def _imports(session: Session) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == "import").order_by(AuditEvent.id)
    return list(session.scalars(stmt))


def test_bulk_stores_exactly_what_the_service_stores(session):
    actor = make_actor(session)
    op = make_operation(session, actor)
    fields: dict[str, Any] = {
        "checked_at": "2025-05-16T21:30:00+02:00",
        "vehicle_type": "A_TRAKTOR",
        "findings": ["LGF", "SPEED_LIMITER_TAMPERING", "LGF"],
        "outcomes": ["ORDNINGSBOT", "BESLAG"],
        "fine_amount_sek": 1500,
        "lgf_sign_ok": False,
        "limiter_tampered": True,
        "rear_space_blocked": True,
        "passengers": 2,
        "measured_speed_kmh": 52.5,
        "speed_limit_kmh": 30,
        "speed_method": "EFTERFOLJANDE",
        "plate": "abc 123",
        "note": "  stoppad vid resecentrum  ",
    }
    lon, lat = 15.1335, 58.3235
    by_service = make_check(session, op, actor, geometry=point(lon, lat), **fields)
    rows = [
        {"operation_id": op.id, "lon": lon, "lat": lat, **fields},
        {"operation_id": op.id, "geometry": point(lon, lat), **fields},
    ]
    report = bulk_insert_checks(session, rows, actor=actor, pseudonym_secret=SECRET)
    assert report.ok and report.inserted == 2
    expected, expected_codes = _stored(session, by_service.id)
    for check_id in (report.first_id, report.last_id):
        got, got_codes = _stored(session, check_id)
        assert {k: v for k, v in got.items() if k not in BOOKKEEPING} == {
            k: v for k, v in expected.items() if k not in BOOKKEEPING
        }
        assert got_codes == expected_codes
    assert expected["note"] == "stoppad vid resecentrum"
    assert expected_codes[0] == ("finding", "LGF", 0) and len(expected_codes) == 4


def test_bulk_inserts_a_few_hundred_rows_with_one_audit_event(session):
    actor = make_actor(session)
    op = make_operation(session, actor)
    rows = _rows(op.id, 300)
    before = _count(session, VehicleCheck)
    report = bulk_insert_checks(session, rows, actor=actor, batch_size=1000)
    assert report == BulkReport(
        rows=300, inserted=300, batches=1, errors=[], first_id=report.first_id, last_id=report.last_id
    )
    assert _count(session, VehicleCheck) == before + 300
    stored_codes = session.scalar(
        select(func.count())
        .select_from(CheckCode)
        .join(VehicleCheck)
        .where(VehicleCheck.operation_id == op.id)
    )
    assert stored_codes == 100 * 1 + 100 * 2 + 100 * 4  # no remark; 1 + 1 codes; 2 + 2 codes
    (event,) = _imports(session)
    assert (event.entity, event.username, event.role) == ("vehicle_checks", "test-officer", "officer")
    assert event.after == {"count": 300, "first_id": str(report.first_id), "last_id": str(report.last_id)}
    # The PLANNED operation was started by its first check, as the service does.
    session.refresh(op)
    assert op.status == "ONGOING" and op.actual_start == T0


BAD_ROWS = {  # row number (from 1) -> (change, field, words in the message)
    40: ({"outcomes": ["BOT"]}, "outcomes[0]", "unknown code 'BOT'"),
    90: ({"lon": 58.322982, "lat": 15.131987}, "lon/lat", "swapped"),
    130: ({"lon": 17.6, "lat": 58.3}, "lon/lat", "outside the operating area"),
    170: ({"limiter_tampered": True}, "limiter_tampered", "only for A-traktor or EPA checks, not CAR"),
}


def _with_bad_rows(op_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = _rows(op_id, 200)
    for n, (change, _, _) in BAD_ROWS.items():
        rows[n - 1].update(vehicle_type="CAR", findings=[], outcomes=[], fine_amount_sek=None)
        rows[n - 1].pop("limiter_tampered", None)
        rows[n - 1].update(change)
    return rows


def test_one_bad_row_refuses_the_whole_import_and_names_row_and_field(session):
    actor = make_actor(session)
    op = make_operation(session, actor)
    before = _count(session, VehicleCheck)
    # Small batches: good batches are written before the bad rows are seen, then rolled back.
    report = bulk_insert_checks(session, _with_bad_rows(op.id), actor=actor, batch_size=50)
    assert not report.ok and report.inserted == 0 and report.rows == 200
    assert [(e.row, e.field) for e in report.errors] == [(n, f) for n, (_, f, _) in BAD_ROWS.items()]
    for error, (_, _, words) in zip(report.errors, BAD_ROWS.values(), strict=True):
        assert words in error.message
    assert _count(session, VehicleCheck) == before
    assert _imports(session) == []
    session.refresh(op)
    assert op.status == "PLANNED"


def test_partial_keeps_the_good_rows(session):
    actor = make_actor(session)
    op = make_operation(session, actor)
    before = _count(session, VehicleCheck)
    report = bulk_insert_checks(session, _with_bad_rows(op.id), actor=actor, batch_size=50, partial=True)
    assert report.inserted == 196 and report.rejected_rows == sorted(BAD_ROWS)
    assert _count(session, VehicleCheck) == before + 196
    assert [e.after["count"] for e in _imports(session)] == [49, 49, 49, 49]


def _service_error(session: Session, op: Operation, actor: Any, change: dict[str, Any]) -> tuple[str, str]:
    data = {"vehicle_type": "CAR", **change}
    if "lon" in data:
        data["geometry"] = point(data.pop("lon"), data.pop("lat"))
    try:
        with session.begin_nested():
            make_check(session, op, actor, **data)
    except (DomainError, GeoError) as exc:
        return exc.field, exc.message
    raise AssertionError(f"the service accepted {change}")


@pytest.mark.parametrize(
    "change",
    [
        {"outcomes": ["UTAN_ANMARKNING", "ORDNINGSBOT"]},
        {"findings": ["LIGHTS"]},
        {"findings": ["NOPE"], "outcomes": ["TILLSAGELSE"]},
        {"fine_amount_sek": 500, "outcomes": ["TILLSAGELSE"]},
        {"vehicle_type": "TANK"},
        {"vehicle_type": "A_TRAKTOR", "measured_speed_kmh": 48},
        {"speed_method": "RADAR_GUN", "measured_speed_kmh": 48},
        {"plate": "ABC123", "pseudonym_secret": None},
        {"lon": 58.322982, "lat": 15.131987},
        {"lon": 17.6, "lat": 58.3},
    ],
)
def test_refusals_carry_the_service_message(session, change):
    actor = make_actor(session)
    op = make_operation(session, actor)
    change = dict(change)
    secret = change.pop("pseudonym_secret", SECRET)
    row = {
        "operation_id": op.id,
        "checked_at": T0,
        "lon": STATION[0],
        "lat": STATION[1],
        "vehicle_type": "CAR",
    }
    report = bulk_insert_checks(session, [{**row, **change}], actor=actor, pseudonym_secret=secret)
    (error,) = report.errors
    field, message = _service_error(session, op, actor, change) if secret else ("plate", "")
    assert error.field == ("lon/lat" if field == "geometry" and "lon" in change else field)
    assert message in error.message


def test_ids_operations_and_schema_are_checked(session):
    actor = make_actor(session)
    op = make_operation(session, actor)
    cancelled = make_operation(session, actor, status="CANCELLED")
    taken = make_check(session, op, actor).id
    fresh = uuid.uuid4()
    base = {"checked_at": T0, "lon": STATION[0], "lat": STATION[1], "vehicle_type": "CAR"}
    rows = [
        {**base, "operation_id": op.id, "id": taken},
        {**base, "operation_id": op.id, "id": fresh},
        {**base, "operation_id": op.id, "id": fresh},
        {**base, "operation_id": cancelled.id},
        {**base, "operation_id": uuid.uuid4()},
        {**base, "operation_id": op.id, "registration": "ABC123"},
        {**base, "operation_id": op.id, "checked_at": "2025-05-16 19:30"},
        {**base, "operation_id": op.id, "geometry": point()},
        {"operation_id": op.id, "checked_at": T0, "vehicle_type": "CAR"},
        {**base, "operation_id": op.id, "lon": "15.13"},
    ]
    report = bulk_insert_checks(session, rows, actor=actor, partial=True)
    assert report.inserted == 1
    assert [(e.row, e.field) for e in report.errors] == [
        (1, "id"),
        (3, "id"),
        (4, "operation_id"),
        (5, "operation_id"),
        (6, "registration"),
        (7, "checked_at"),
        (8, "geometry"),
        (9, "geometry"),
        (10, "lon"),
    ]
    assert "already exists" in report.errors[0].message and "cancelled" in report.errors[2].message


def test_vectorised_location_test_agrees_with_the_service(session):
    """Points a few metres either side of the operating area's edge, and on its vertices."""
    area = operating_area()
    edge = area.metric_region.exterior
    rng = np.random.default_rng(11)
    along = shapely.line_interpolate_point(edge, rng.uniform(0, edge.length, 150))
    e, n = shapely.get_x(along), shapely.get_y(along)
    e, n = e + rng.uniform(-3, 3, e.size), n + rng.uniform(-3, 3, n.size)
    lon, lat = wgs84_lonlat(e, n)
    vertices = shapely.get_coordinates(area.region)[::50]
    lon, lat = np.concatenate([lon, vertices[:, 0]]), np.concatenate([lat, vertices[:, 1]])
    expected = []
    for x, y in zip(lon.tolist(), lat.tolist(), strict=True):
        try:
            clean_geometry(shapely.Point(x, y), field="lon/lat", allowed=POINT)
            expected.append(True)
        except GeoError:
            expected.append(False)
    assert 20 < sum(expected) < len(expected) - 20
    actor = make_actor(session)
    op = make_operation(session, actor)
    rows = [
        {"operation_id": op.id, "checked_at": T0, "vehicle_type": "CAR", "lon": x, "lat": y}
        for x, y in zip(lon.tolist(), lat.tolist(), strict=True)
    ]
    report = bulk_insert_checks(session, rows, actor=actor, partial=True)
    assert report.rejected_rows == [i + 1 for i, ok in enumerate(expected) if not ok]
    got = session.execute(
        select(VehicleCheck.sweref_e, VehicleCheck.sweref_n, VehicleCheck.geom)
        .where(VehicleCheck.operation_id == op.id)
        .limit(5)
    ).all()
    for se, sn, geom in got:  # the service's own derivation, to the last bit
        m = to_metric(geom)
        assert (se, sn) == (m.x, m.y)


def test_refused_import_on_a_fresh_sqlite_session_commits_nothing(tmp_path):
    """The savepoint must not open (and on release commit) SQLite's transaction by itself."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            actor = make_actor(session)
            op = make_operation(session, actor)
            session.commit()
            report = bulk_insert_checks(session, _rows(op.id, 30), actor=actor)
            assert report.inserted == 30
            session.rollback()
        with Session(engine) as session:
            assert _count(session, VehicleCheck) == 0
    finally:
        engine.dispose()


def test_an_imported_keyed_pseudonym_is_kept_but_not_beside_a_plate(session):
    actor = make_actor(session)
    op = make_operation(session, actor)
    keyed = "a" * 64
    row = {
        "operation_id": op.id,
        "checked_at": T0,
        "lon": STATION[0],
        "lat": STATION[1],
        "vehicle_type": "CAR",
    }
    rows = [{**row, "vehicle_pseudonym": keyed}, {**row, "vehicle_pseudonym": keyed, "plate": "ABC123"}]
    report = bulk_insert_checks(session, rows, actor=actor, pseudonym_secret=SECRET, partial=True)
    assert [(e.row, e.field) for e in report.errors] == [(2, "plate")]
    stored = session.scalar(select(VehicleCheck.vehicle_pseudonym).where(VehicleCheck.id == report.first_id))
    assert stored == keyed
