"""List pages loaded as plain rows serialise exactly as pages of ORM objects, for every kind."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.serialize import READ_SCHEMAS, as_feature, as_json
from tests.builders import make_actor, make_check, make_measure, make_operation, point
from traffic.actors import Actor
from traffic.operations.models import Operation
from traffic.queries import RecordFilter, list_records
from traffic.rows import Row


@pytest.fixture
def records(session):  # noqa: ANN001, ANN201
    officer = make_actor(session)
    op = make_operation(session, officer, note="intern anteckning, rader")
    make_check(session, op, officer, note="en anteckning", findings=["SPEED"], outcomes=["ORDNINGSBOT"])
    make_check(session, op, officer, geometry=point(15.14, 58.33))
    make_check(session, op, officer, findings=[], outcomes=["UTAN_ANMARKNING"])
    make_measure(session)
    session.flush()
    return officer


@pytest.mark.parametrize("kind", sorted(READ_SCHEMAS))
@pytest.mark.parametrize("role", ["officer", "planner", "public"])
def test_rows_serialise_like_orm_objects(session, records: Actor, kind: str, role: str) -> None:  # noqa: ANN001
    actor = records if role == "officer" else make_actor(session, role, "mjolby_kommun")
    if role == "public":
        actor = Actor("anonymous", "public")
    orm = list_records(session, kind, actor, RecordFilter(), limit=50)
    rows = list_records(session, kind, actor, RecordFilter(), limit=50, rows=True)
    assert rows.number_matched == orm.number_matched
    assert [as_json(kind, r, actor) for r in rows.items] == [as_json(kind, o, actor) for o in orm.items]
    assert [as_feature(kind, r, actor) for r in rows.items] == [as_feature(kind, o, actor) for o in orm.items]
    if kind in ("checks", "measures") and role == "officer":
        assert rows.items, "the fixture's records must be visible to their officer"
    if kind != "tallies":  # tallies keep ORM objects (their schema converts child rows)
        assert all(isinstance(r, Row) for r in rows.items)


def test_check_rows_carry_codes_in_order(session, records: Actor) -> None:  # noqa: ANN001
    op = session.scalars(select(Operation).where(Operation.note == "intern anteckning, rader")).one()
    mine = RecordFilter(equals={"operation_id": op.id})  # other tests' committed checks aside
    page = list_records(session, "checks", records, mine, limit=50, rows=True)
    codes = sorted((r.findings, r.outcomes) for r in page.items)
    assert codes == [([], ["UTAN_ANMARKNING"]), ([], ["UTAN_ANMARKNING"]), (["SPEED"], ["ORDNINGSBOT"])]


def test_a_bbox_page_of_checks_keeps_points_on_its_edge(session) -> None:  # noqa: ANN001
    """Points compare by their coordinates (bbox columns), boundary included, on both databases."""
    officer = make_actor(session)
    op = make_operation(session, officer, note="kanten")
    box = (15.13, 58.32, 15.14, 58.33)
    inside = [(15.13, 58.32), (15.14, 58.33), (15.135, 58.33), (15.13, 58.325)]  # corners and edges
    outside = [(15.1299999, 58.325), (15.135, 58.3300001)]
    made = {make_check(session, op, officer, geometry=point(*xy)).id: xy for xy in inside + outside}
    session.flush()
    mine = RecordFilter(bbox=box, equals={"operation_id": op.id})
    page = list_records(session, "checks", officer, mine, limit=50, rows=True)
    assert sorted(made[r.id] for r in page.items) == sorted(inside)
    assert page.number_matched == len(inside)
