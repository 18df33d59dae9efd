"""Statistics: counts equal independent SQL, filters are the lists', public rules hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.builders import make_actor, make_check, make_operation, point
from traffic.actors import Actor
from traffic.aggregates import GROUPS, Cell, CountTable, PublicRules, count_by, suppress, time_bucket
from traffic.queries import RecordFilter, count_records
from traffic.records import soft_delete
from traffic.tallies.schemas import TallyCreate
from traffic.tallies.service import create_tally
from traffic.visibility import PUBLIC

T0 = datetime(2025, 5, 16, 19, 30, tzinfo=UTC)
DONE = {"status": "COMPLETED", "actual_start": T0 - timedelta(hours=2), "actual_end": T0 + timedelta(hours=2)}

VISIBLE_OPS = "o.deleted_at IS NULL AND (o.status NOT IN ('PLANNED', 'ONGOING') OR o.org_id = :org)"
CHECKS_BY_TYPE = f"""
    SELECT c.vehicle_type, count(*) FROM vehicle_checks c JOIN operations o ON o.id = c.operation_id
    WHERE c.deleted_at IS NULL AND {VISIBLE_OPS} GROUP BY c.vehicle_type"""
TALLIES_BY_TYPE = f"""
    SELECT t.vehicle_type, sum(tc.count) FROM tallies t JOIN tally_counts tc ON tc.tally_id = t.id
    JOIN operations o ON o.id = t.operation_id
    WHERE t.deleted_at IS NULL AND {VISIBLE_OPS} GROUP BY t.vehicle_type"""
CHECKS_BY_OUTCOME = f"""
    SELECT cc.code, count(*) FROM check_codes cc JOIN vehicle_checks c ON c.id = cc.check_id
    JOIN operations o ON o.id = c.operation_id
    WHERE cc.kind = 'outcome' AND c.deleted_at IS NULL AND {VISIBLE_OPS} GROUP BY cc.code"""
TALLIES_BY_OUTCOME = f"""
    SELECT tc.outcome, sum(tc.count) FROM tallies t JOIN tally_counts tc ON tc.tally_id = t.id
    JOIN operations o ON o.id = t.operation_id
    WHERE t.deleted_at IS NULL AND {VISIBLE_OPS} GROUP BY tc.outcome"""
OPERATIONS_BY_FOCUS = f"SELECT o.focus, count(*) FROM operations o WHERE {VISIBLE_OPS} GROUP BY o.focus"


def sql_counts(session, text: str, actor: Actor) -> dict[str, int]:  # noqa: ANN001
    # Roles outside the police see no planned operation: an org id that matches nothing.
    org = actor.org_id if actor.role in {"officer", "lead", "admin"} else None
    stmt = sa.text(text).bindparams(sa.bindparam("org", value=org, type_=sa.Uuid))
    return {str(k if k is not None else "UNKNOWN"): int(n) for k, n in session.execute(stmt)}


def merge(*parts: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in parts:
        for k, n in part.items():
            out[k] = out.get(k, 0) + n
    return out


def _as_dict(table: CountTable) -> dict[str, int | None]:
    return {c.key: c.count for c in table.cells}


def _tally(session, op, actor, counts, **overrides):  # noqa: ANN001, ANN201
    data = {
        "operation_id": op.id,
        "counted_from": T0,
        "counted_to": T0 + timedelta(minutes=30),
        "counts": counts,
    }
    data.update(overrides)
    return create_tally(session, actor=actor, data=TallyCreate(**data))


@pytest.fixture
def mixed(session):  # noqa: ANN001, ANN201
    """Completed, planned and cancelled operations with checks, a tally and a deleted check."""
    officer = make_actor(session)
    done = make_operation(session, officer, **DONE)
    make_check(session, done, officer)
    make_check(session, done, officer, vehicle_type="A_TRAKTOR", findings=["LGF"], outcomes=["ORDNINGSBOT"])
    make_check(
        session, done, officer, vehicle_type="MC", outcomes=["RAPPORT", "KORFORBUD"], findings=["BRAKES"]
    )
    soft_delete(make_check(session, done, officer))
    _tally(session, done, officer, {"UTAN_ANMARKNING": 4, "ORDNINGSBOT": 1}, vehicle_type="A_TRAKTOR")
    planned = make_operation(session, officer, focus="SPEED")
    make_check(session, planned, officer, vehicle_type="HEAVY")
    _tally(session, planned, officer, {"VARNING_KORKORT": 3})
    make_operation(session, officer, focus="SOBRIETY", status="CANCELLED")
    session.flush()
    return {"officer": officer, "done": done, "planned": planned}


@pytest.mark.parametrize("role", ["planner", "officer"])
def test_counts_equal_independent_sql(session, mixed, role):
    actor = make_actor(session, role, "mjolby_kommun" if role == "planner" else "polisen")
    by_type = count_by(session, "checks", "vehicle_type", actor)
    expected = merge(sql_counts(session, CHECKS_BY_TYPE, actor), sql_counts(session, TALLIES_BY_TYPE, actor))
    assert _as_dict(by_type) == expected
    assert by_type.total.count == sum(expected.values())
    by_outcome = count_by(session, "checks", "outcome", actor)
    assert _as_dict(by_outcome) == merge(
        sql_counts(session, CHECKS_BY_OUTCOME, actor), sql_counts(session, TALLIES_BY_OUTCOME, actor)
    )
    assert by_outcome.total == by_type.total  # vehicles, whatever the grouping
    assert _as_dict(count_by(session, "operations", "focus", actor)) == sql_counts(
        session, OPERATIONS_BY_FOCUS, actor
    )


def test_planned_operation_counts_for_its_police_only(session, mixed):
    officer = mixed["officer"]
    planner = make_actor(session, "planner", "mjolby_kommun")
    flt = RecordFilter(equals={"operation_id": mixed["planned"].id})
    assert count_by(session, "checks", "vehicle_type", officer, flt).total.count == 1 + 3
    assert count_by(session, "checks", "vehicle_type", planner, flt).total.count == 0
    other_police = make_actor(session, "lead", "trafikverket")
    assert count_by(session, "checks", "outcome", other_police, flt).cells == []


def test_filters_are_those_of_the_lists(session, mixed):
    officer, done = mixed["officer"], mixed["done"]
    mine = {"operation_id": done.id}
    by_code = count_by(
        session, "checks", "outcome", officer, RecordFilter(equals=mine, outcome="ORDNINGSBOT")
    )
    # checks with ORDNINGSBOT (1) grouped by all their outcomes, plus that outcome of the tally (1)
    assert _as_dict(by_code) == {"ORDNINGSBOT": 2}
    finding = RecordFilter(equals=mine, finding="BRAKES")
    table = count_by(session, "checks", "outcome", officer, finding)
    assert _as_dict(table) == {"KORFORBUD": 1, "RAPPORT": 1} and not table.includes_tallies
    assert table.total.count == count_records(session, "checks", officer, finding) == 1
    typed = count_by(
        session, "checks", "focus", officer, RecordFilter(equals={**mine, "vehicle_type": "A_TRAKTOR"})
    )
    assert _as_dict(typed) == {"A_TRAKTOR": 1 + 5}
    near = RecordFilter(equals=mine, bbox=(15.13, 58.32, 15.134, 58.324))
    far = RecordFilter(equals=mine, bbox=(15.0, 58.0, 15.01, 58.01))
    assert count_by(session, "checks", "week", officer, near).total.count == count_records(
        session, "checks", officer, near
    )
    assert count_by(session, "checks", "week", officer, far).total.count == 0
    later = RecordFilter(equals=mine, start=T0 + timedelta(days=1))
    assert count_by(session, "checks", "month", officer, later).total.count == 0
    findings = count_by(session, "checks", "finding", officer, RecordFilter(equals=mine))
    assert _as_dict(findings) == {"BRAKES": 1, "LGF": 1}
    assert findings.total.count == 3 + 5  # tallied vehicles were checked too, without findings


def test_bad_grouping_names_the_field(session):
    from traffic.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        count_by(session, "operations", "week", make_actor(session, "planner", "mjolby_kommun"))
    assert err.value.field == "group_by"


def test_public_figures_are_delayed_and_small_groups_suppressed(session):
    now = datetime(2025, 9, 1, 12, tzinfo=UTC)
    officer = make_actor(session)
    op = make_operation(
        session, officer, status="COMPLETED", actual_start=now - timedelta(days=40), actual_end=now
    )
    weeks = {35: 3, 28: 5, 21: 6, 2: 7}  # days ago → checks
    for days, n in weeks.items():
        for _ in range(n):
            make_check(session, op, officer, checked_at=now - timedelta(days=days))
    flt = RecordFilter(equals={"operation_id": op.id})
    table = count_by(session, "checks", "week", PUBLIC, flt, now=now)
    key = {d: time_bucket(now - timedelta(days=d), "week") for d in weeks}
    cells = {c.key: c for c in table.cells}
    assert key[2] not in cells  # younger than the delay
    assert cells[key[35]] == Cell(key[35], None, True)  # 3 < 5
    assert cells[key[28]] == Cell(key[28], None, True)  # complement: the next-smallest
    assert cells[key[21]] == Cell(key[21], 6)
    assert table.total == Cell("total", 14) and table.published
    assert table.data_before == now - timedelta(days=7)
    undelayed = count_by(session, "checks", "week", PUBLIC, flt, now=now, rules=PublicRules(delay_days=0))
    assert {c.key: c.count for c in undelayed.cells}[key[2]] == 7
    # signed-in roles see exact counts at once
    exact = count_by(session, "checks", "week", make_actor(session, "planner", "mjolby_kommun"), flt, now=now)
    assert {c.key: c.count for c in exact.cells} == {key[d]: n for d, n in weeks.items()}


def _snapshot(session, actor: Actor) -> dict[tuple[str, str], CountTable]:  # noqa: ANN001
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return {(k, g): count_by(session, k, g, actor, now=now) for k, groups in GROUPS.items() for g in groups}


def test_confidential_operations_never_move_a_planner_or_public_count(session):
    officer = make_actor(session)
    readers = [make_actor(session, "planner", "mjolby_kommun"), PUBLIC]
    before = [_snapshot(session, a) for a in readers]
    officer_before = count_by(session, "checks", "focus", officer).total.count or 0
    long_ago = T0 - timedelta(days=400)
    make_operation(session, officer, focus="OTHER", planned_start=long_ago)
    ongoing = make_operation(session, officer, focus="SPEED", planned_start=long_ago)
    for _ in range(6):
        make_check(session, ongoing, officer, checked_at=long_ago)  # starts the operation
    _tally(session, ongoing, officer, {"UTAN_ANMARKNING": 9}, counted_from=long_ago, counted_to=long_ago)
    session.flush()
    assert ongoing.status == "ONGOING"
    assert [_snapshot(session, a) for a in readers] == before
    assert count_by(session, "checks", "focus", officer).total.count == officer_before + 6 + 9
    ongoing.status = "CANCELLED"  # called off: never published
    session.flush()
    assert _snapshot(session, PUBLIC) == before[1]


def test_suppression_rule():
    def table(*counts: int) -> CountTable:
        cells = [Cell(f"k{i}", n) for i, n in enumerate(counts)]
        return CountTable("checks", "week", cells, Cell("total", sum(counts)))

    one = suppress(table(2, 9, 7), 5)
    assert [c.suppressed for c in one.cells] == [True, False, True] and one.total.count == 18
    two = suppress(table(2, 9, 3), 5)
    assert [c.suppressed for c in two.cells] == [True, False, True]
    alone = suppress(table(4), 5)
    assert alone.cells[0].suppressed and alone.total.suppressed and alone.total.count is None
    assert suppress(table(), 5).total == Cell("total", 0)  # zero concerns nobody
    assert suppress(table(5, 6), 5).cells == table(5, 6).cells


def test_weeks_and_months_are_stockholm_time():
    sunday_night_utc = datetime(2025, 5, 18, 22, 30, tzinfo=UTC)  # Monday 00:30 in Mjölby
    assert time_bucket(sunday_night_utc, "week") == "2025-W21"
    assert time_bucket(datetime(2025, 5, 31, 22, 30, tzinfo=UTC), "month") == "2025-06"


def test_measures_stats_for_public_are_completed_ones_unsuppressed(session):
    from tests.builders import make_measure

    planner = make_actor(session, "planner", "mjolby_kommun")
    make_measure(
        session, planner, status="COMPLETED", completed_on=T0.date(), geometry=point(15.1245, 58.3262)
    )
    table = count_by(session, "measures", "status", PUBLIC)
    assert [c.key for c in table.cells] == ["COMPLETED"] and not any(c.suppressed for c in table.cells)
    assert table.cells[0].count == count_records(session, "measures", PUBLIC, RecordFilter())
