"""The SQL visibility of checks (IN on SQLite, NOT IN the hidden on PostgreSQL) is the written rule.

Every status, both organisations, deleted or not: each role's visible checks must be exactly
those the rule in ``traffic/visibility.py`` names, evaluated here in Python.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.builders import make_actor, make_check, make_operation
from traffic.actors import Actor
from traffic.checks.models import VehicleCheck
from traffic.operations.models import Operation
from traffic.queries import RecordFilter, count_records, list_records
from traffic.visibility import check_condition

STATUSES = ("PLANNED", "ONGOING", "COMPLETED", "CANCELLED")


def _rule(actor: Actor, op: Operation) -> bool:
    if op.deleted_at is not None or actor.role not in {"officer", "lead", "admin", "planner"}:
        return False
    if op.status not in ("PLANNED", "ONGOING"):
        return True
    return actor.role != "planner" and op.org_id == actor.org_id


@pytest.mark.parametrize(
    ("role", "org"),
    [("officer", "polisen"), ("lead", "polisen"), ("planner", "mjolby_kommun"), ("public", None)],
)
def test_visible_checks_are_exactly_the_rule(session: Session, role: str, org: str | None) -> None:
    made: dict[object, Operation] = {}
    for owner in ("polisen", "mjolby_kommun"):
        author = make_actor(session, "lead", owner)
        for status in STATUSES:
            for deleted in (False, True):
                op = make_operation(session, author, title=f"{owner} {status} {deleted}")
                check = make_check(session, op, author)
                op.status = status
                op.deleted_at = datetime(2025, 6, 1, tzinfo=UTC) if deleted else None
                made[check.id] = op
    session.flush()
    actor = Actor("anonymous", "public") if org is None else make_actor(session, role, org)
    expected = {cid for cid, op in made.items() if _rule(actor, op)}
    seen = set(session.scalars(select(VehicleCheck.id).where(check_condition(actor)))) & set(made)
    assert seen == expected
    mine = RecordFilter()
    listed = {r.id for r in list_records(session, "checks", actor, mine, limit=1000, rows=True).items} & set(
        made
    )
    assert listed == expected
    if role == "officer":
        assert (
            count_records(session, "checks", actor, mine) >= len(expected) == 6
        )  # 4 own + 2 done of the other
