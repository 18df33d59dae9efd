"""Service rules on both SQLite and PostGIS: codes, workflow, times, geometry, audit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select, text

from geo.errors import GeoError
from tests.builders import SECRET, make_actor, make_check, make_measure, make_operation, point
from traffic import vocab
from traffic.audit.models import AuditEvent
from traffic.checks.models import VehicleCheck
from traffic.checks.schemas import CheckUpdate
from traffic.checks.service import update_check
from traffic.errors import Conflict, InvalidTransition, UnknownCode, ValidationFailed
from traffic.measures.schemas import MeasureUpdate
from traffic.measures.service import update_measure
from traffic.operations.schemas import OperationUpdate
from traffic.operations.service import update_operation
from traffic.pseudonym import vehicle_pseudonym
from traffic.stats import outcome_counts
from traffic.tallies.schemas import TallyCreate
from traffic.tallies.service import create_tally


def _count(session, model) -> int:  # noqa: ANN001
    return session.scalar(select(func.count()).select_from(model))


def test_check_without_codes_is_no_remark_and_starts_operation(session):
    op = make_operation(session)
    check = make_check(session, op)
    assert check.outcomes == [vocab.NO_REMARK]
    assert check.findings == []
    assert op.status == "ONGOING"
    assert op.actual_start == datetime(2025, 5, 16, 19, 30, tzinfo=UTC)


def test_check_codes_round_trip_through_the_database(session):
    op = make_operation(session)
    check = make_check(
        session,
        op,
        vehicle_type="A_TRAKTOR",
        findings=["LGF", "SPEED_LIMITER_TAMPERING"],
        outcomes=["ORDNINGSBOT", "BESLAG"],
        fine_amount_sek=1500,
        lgf_sign_ok=False,
        limiter_tampered=True,
        measured_speed_kmh=52,
        speed_method="EFTERFOLJANDE",
    )
    session.expunge_all()
    loaded = session.get(VehicleCheck, check.id)
    assert loaded.findings == ["LGF", "SPEED_LIMITER_TAMPERING"]
    assert loaded.outcomes == ["ORDNINGSBOT", "BESLAG"]
    assert loaded.checked_at.tzinfo is not None
    assert abs(loaded.sweref_e - 507731.3) < 1 and abs(loaded.sweref_n - 6464677.2) < 1


def test_unknown_outcome_code_is_refused_with_valid_list(session):
    op = make_operation(session)
    before = _count(session, VehicleCheck)
    with pytest.raises(UnknownCode) as err:
        make_check(session, op, outcomes=["BOT"])
    assert err.value.field == "outcomes[0]"
    assert "ORDNINGSBOT" in str(err.value) and "UTAN_ANMARKNING" in str(err.value)
    assert _count(session, VehicleCheck) == before


def test_no_remark_cannot_be_combined(session):
    op = make_operation(session)
    with pytest.raises(ValidationFailed, match="cannot be combined"):
        make_check(session, op, outcomes=["UTAN_ANMARKNING", "ORDNINGSBOT"])


def test_a_traktor_fields_only_on_a_traktor(session):
    op = make_operation(session)
    with pytest.raises(ValidationFailed) as err:
        make_check(session, op, vehicle_type="CAR", limiter_tampered=True)
    assert err.value.field == "limiter_tampered"


def test_measured_speed_needs_method(session):
    op = make_operation(session)
    with pytest.raises(ValidationFailed) as err:
        make_check(session, op, vehicle_type="A_TRAKTOR", measured_speed_kmh=48)
    assert err.value.field == "speed_method"


def test_plate_is_never_stored_only_its_keyed_pseudonym(session):
    op = make_operation(session)
    check = make_check(session, op, plate="abc 123")
    assert check.vehicle_pseudonym == vehicle_pseudonym("ABC123", SECRET)
    assert check.vehicle_pseudonym != vehicle_pseudonym("ABC123", "another-secret")
    dump = session.execute(text("SELECT * FROM vehicle_checks")).all()
    assert all("ABC" not in str(row) for row in dump)
    columns = set(VehicleCheck.__table__.c.keys())
    assert not columns & {"plate", "registration", "name", "personnummer", "regnr"}


def test_swapped_lat_lon_is_refused_with_hint(session):
    op = make_operation(session)
    with pytest.raises(GeoError) as err:
        make_check(session, op, geometry=point(58.322982, 15.131987))
    assert err.value.field == "geometry"
    assert "swapped" in str(err.value)


def test_point_in_the_sea_is_refused(session):
    op = make_operation(session)
    with pytest.raises(GeoError, match="outside"):
        make_check(session, op, geometry=point(17.6, 58.3))


def test_operation_end_before_start_is_refused(session):
    start = datetime(2025, 5, 16, 18, tzinfo=UTC)
    with pytest.raises(ValidationFailed) as err:
        make_operation(session, planned_start=start, planned_end=start - timedelta(hours=1))
    assert err.value.field == "planned_end"


def test_self_intersecting_polygon_is_refused(session):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[15.13, 58.32], [15.14, 58.33], [15.14, 58.32], [15.13, 58.33], [15.13, 58.32]]],
    }
    with pytest.raises(GeoError, match="(?i)self-intersection"):
        make_measure(session, geometry=bowtie)


def test_measure_workflow_refuses_jump_and_keeps_row(session):
    measure = make_measure(session)
    planner = make_actor(session, role="planner", org="mjolby_kommun")
    with pytest.raises(InvalidTransition) as err:
        update_measure(session, actor=planner, measure_id=measure.id, data=MeasureUpdate(status="COMPLETED"))
    assert "PLANNED" in str(err.value) and err.value.field == "status"
    session.refresh(measure)
    assert measure.status == "PROPOSED"
    for status in ("PLANNED", "IN_PROGRESS", "COMPLETED"):
        update_measure(
            session,
            actor=planner,
            measure_id=measure.id,
            data=MeasureUpdate(status=status),
            today=date(2025, 6, 1),
        )
    assert measure.status == "COMPLETED" and measure.completed_on == date(2025, 6, 1)
    with pytest.raises(InvalidTransition):
        update_measure(session, actor=planner, measure_id=measure.id, data=MeasureUpdate(status="PROPOSED"))


def test_operation_status_workflow(session):
    op = make_operation(session)
    actor = make_actor(session)
    update_operation(session, actor=actor, operation_id=op.id, data=OperationUpdate(status="ONGOING"))
    update_operation(session, actor=actor, operation_id=op.id, data=OperationUpdate(status="COMPLETED"))
    assert op.actual_end is not None
    with pytest.raises(InvalidTransition):
        update_operation(session, actor=actor, operation_id=op.id, data=OperationUpdate(status="PLANNED"))


def test_stale_update_is_refused(session):
    op = make_operation(session)
    check = make_check(session, op)
    actor = make_actor(session)
    update_check(session, actor=actor, check_id=check.id, data=CheckUpdate(note="first"), expected_version=1)
    with pytest.raises(Conflict):
        update_check(
            session,
            actor=actor,
            check_id=check.id,
            data=CheckUpdate(note="stale"),
            expected_version=1,
        )
    assert check.note == "first"


def test_unknown_fields_and_wrong_types_are_refused():
    with pytest.raises(ValidationError):
        CheckUpdate(note="x", colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        CheckUpdate(limiter_tampered=1)  # a number is not a boolean


def test_tally_rolls_into_outcome_statistics(session):
    op = make_operation(session, focus="SPEED")
    make_check(session, op, outcomes=["ORDNINGSBOT"], fine_amount_sek=2000)
    actor = make_actor(session)
    start = datetime(2025, 5, 16, 18, tzinfo=UTC)
    create_tally(
        session,
        actor=actor,
        data=TallyCreate(
            operation_id=op.id,
            counted_from=start,
            counted_to=start + timedelta(hours=2),
            counts={"UTAN_ANMARKNING": 7, "ORDNINGSBOT": 2},
        ),
    )
    assert outcome_counts(session, operation_id=op.id) == {"ORDNINGSBOT": 3, "UTAN_ANMARKNING": 7}


def test_tally_unknown_code_is_refused(session):
    op = make_operation(session)
    start = datetime(2025, 5, 16, 18, tzinfo=UTC)
    with pytest.raises(UnknownCode) as err:
        create_tally(
            session,
            actor=make_actor(session),
            data=TallyCreate(operation_id=op.id, counted_from=start, counted_to=start, counts={"BOTEN": 1}),
        )
    assert err.value.field == "counts.BOTEN"


def test_every_change_is_audited_in_the_same_transaction(session):
    op = make_operation(session)
    check = make_check(session, op)
    actor = make_actor(session)
    update_check(session, actor=actor, check_id=check.id, data=CheckUpdate(outcomes=["TILLSAGELSE"]))
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity_id == str(check.id)).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "update"]
    assert events[0].after["outcomes"] == ["UTAN_ANMARKNING"]
    assert events[1].before["outcomes"] == ["UTAN_ANMARKNING"]
    assert events[1].after["outcomes"] == ["TILLSAGELSE"]
    assert events[1].username == "test-officer" and events[1].role == "officer"


def test_has_remark_follows_the_outcomes(session):
    op = make_operation(session)
    check = make_check(session, op)
    actor = make_actor(session)
    session.flush()
    assert check.has_remark is False  # the builder's check is "utan anmärkning"
    update_check(session, actor=actor, check_id=check.id, data=CheckUpdate(outcomes=["TILLSAGELSE"]))
    session.flush()
    stored = text("SELECT has_remark FROM vehicle_checks WHERE id = :id")
    assert bool(session.execute(stored, {"id": check.id.hex}).scalar_one()) is True
    update_check(session, actor=actor, check_id=check.id, data=CheckUpdate(outcomes=["UTAN_ANMARKNING"]))
    assert check.has_remark is False


def test_audit_events_cannot_be_changed(session):
    make_operation(session)
    session.flush()
    with pytest.raises(Exception, match="append-only"):
        with session.begin_nested():
            session.execute(text("UPDATE audit_events SET action = 'x'"))
    with pytest.raises(Exception, match="append-only"):
        with session.begin_nested():
            session.execute(text("DELETE FROM audit_events"))
