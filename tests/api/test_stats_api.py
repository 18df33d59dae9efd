"""Statistics through the API: exact for signed-in roles, delayed and suppressed for the public."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from api.app import create_app
from api.db import transaction
from api.settings import Settings
from tests.builders import make_actor, make_check, make_operation, point
from tests.traffic.test_aggregates import (
    CHECKS_BY_OUTCOME,
    CHECKS_BY_TYPE,
    OPERATIONS_BY_FOCUS,
    TALLIES_BY_OUTCOME,
    TALLIES_BY_TYPE,
    merge,
    sql_counts,
)
from traffic.actors import Actor
from traffic.aggregates import GROUPS, time_bucket
from traffic.operations.models import Operation
from traffic.orgs.service import ensure_organisations
from traffic.tallies.schemas import TallyCreate
from traffic.tallies.service import create_tally

T0 = datetime(2025, 5, 16, 19, 30, tzinfo=UTC)
ENDPOINTS = GROUPS


def _groups(res) -> dict[str, int | None]:  # noqa: ANN001
    assert res.status_code == 200, res.text
    return {g["key"]: g.get("count") for g in res.json()["groups"]}


def _completed_operation(url: str, checks: dict[datetime, int], **overrides) -> str:  # noqa: ANN003
    """A completed polisen operation with ``n`` checks at each time; its id."""
    with transaction(url) as session:
        officer = make_actor(session)
        start = min(checks, default=T0) - timedelta(hours=1)
        op = make_operation(session, officer, status="COMPLETED", actual_start=start, **overrides)
        for at, n in checks.items():
            for _ in range(n):
                make_check(session, op, officer, checked_at=at)
        return str(op.id)


def test_counts_equal_independent_sql(api):
    op = _completed_operation(api.url, {T0: 2})
    with transaction(api.url) as session:
        officer = make_actor(session)
        make_check(session, make_operation(session, officer, focus="SPEED"), officer, vehicle_type="HEAVY")
        orgs = ensure_organisations(session)
        tally = {"operation_id": op, "counted_from": T0, "counted_to": T0, "counts": {"ORDNINGSBOT": 2}}
        create_tally(session, actor=officer, data=TallyCreate(**tally))
    for role, org in (("planner", "mjolby_kommun"), ("lead", "polisen")):
        actor = Actor(username="x", role=role, org_id=orgs[org].id)
        client = api.as_role(role)
        with transaction(api.url) as session:
            by_type = merge(
                sql_counts(session, CHECKS_BY_TYPE, actor), sql_counts(session, TALLIES_BY_TYPE, actor)
            )
            by_outcome = merge(
                sql_counts(session, CHECKS_BY_OUTCOME, actor), sql_counts(session, TALLIES_BY_OUTCOME, actor)
            )
            by_focus = sql_counts(session, OPERATIONS_BY_FOCUS, actor)
        res = client.get("/api/v1/stats/checks", params={"group_by": "vehicle_type"})
        assert _groups(res) == by_type
        assert res.json()["total"] == {"count": sum(by_type.values()), "suppressed": False}
        assert res.json()["includes_tallies"] is True and "public" not in res.json()
        assert _groups(client.get("/api/v1/stats/checks", params={"group_by": "outcome"})) == by_outcome
        assert _groups(client.get("/api/v1/stats/operations", params={"group_by": "focus"})) == by_focus


def test_group_filters_are_respected(api):
    op = _completed_operation(api.url, {T0: 3, T0 + timedelta(days=40): 2})
    planner = api.as_role("planner")
    by_month = _groups(planner.get("/api/v1/stats/checks", params={"group_by": "month", "operation_id": op}))
    assert by_month == {"2025-05": 3, "2025-06": 2}
    half = planner.get(
        "/api/v1/stats/checks", params={"group_by": "week", "operation_id": op, "period": "2025H1"}
    )
    assert sum(_groups(half).values()) == 3 + 2
    later = planner.get(
        "/api/v1/stats/checks", params={"operation_id": op, "datetime": "2025-06-01T00:00:00Z/.."}
    )
    assert later.json()["total"]["count"] == 2
    may = planner.get(
        "/api/v1/stats/checks",
        params={"group_by": "vehicle_type", "operation_id": op, "datetime": "2025-05-16"},
    )
    assert _groups(may) == {"CAR": 3}
    labelled = planner.get("/api/v1/stats/checks", params={"group_by": "focus", "operation_id": op}).json()
    assert labelled["groups"] == [
        {"key": "A_TRAKTOR", "label": "A-traktorer", "count": 5, "suppressed": False}
    ]
    far = planner.get("/api/v1/stats/checks", params={"operation_id": op, "bbox": "15.0,58.0,15.01,58.01"})
    assert far.json()["total"]["count"] == 0 and far.json()["includes_tallies"] is False
    bad = planner.get("/api/v1/stats/checks", params={"group_by": "colour"})
    assert bad.status_code == 422 and "group_by" in bad.json()["errors"][0]["field"]
    wrong_filter = planner.get("/api/v1/stats/checks", params={"status": "COMPLETED"})
    assert wrong_filter.status_code == 422 and wrong_filter.json()["errors"][0]["field"] == "status"
    assert planner.get("/api/v1/stats/checks", params={"zone": "finns_inte"}).status_code == 400


def test_public_week_with_few_checks_is_suppressed_and_recent_ones_wait(api):
    now = datetime.now(UTC)
    days = {35: 3, 28: 5, 21: 6, 2: 7}
    op = _completed_operation(api.url, {now - timedelta(days=d): n for d, n in days.items()})
    key = {d: time_bucket(now - timedelta(days=d), "week") for d in days}
    params = {"group_by": "week", "operation_id": op}
    body = api.public.get("/api/v1/stats/checks", params=params).json()
    groups = {g["key"]: g for g in body["groups"]}
    assert groups[key[35]] == {"key": key[35], "suppressed": True}  # 3 checks: value left out
    assert groups[key[28]] == {"key": key[28], "suppressed": True}  # the complement of a lone one
    assert groups[key[21]] == {"key": key[21], "count": 6, "suppressed": False}
    assert key[2] not in groups  # younger than the delay
    assert body["total"] == {"count": 3 + 5 + 6, "suppressed": False}
    assert body["public"]["delay_days"] == 7 and body["public"]["min_cell_size"] == 5
    no_delay = create_app(Settings(database_url=api.url, pseudonym_secret="test-secret", public_delay_days=0))
    with TestClient(no_delay) as public_now:
        assert _groups(public_now.get("/api/v1/stats/checks", params=params))[key[2]] == 7
    exact = _groups(api.as_role("planner").get("/api/v1/stats/checks", params=params))
    assert exact == {key[d]: n for d, n in days.items()}


def _snapshot(client: TestClient) -> dict:
    out = {}
    for kind, groups in ENDPOINTS.items():
        for group in groups:
            res = client.get(f"/api/v1/stats/{kind}", params={"group_by": group})
            assert res.status_code == 200, res.text
            body = res.json()
            body.get("public", {}).pop("data_before", None)  # moves with the clock
            out[(kind, group)] = body
    return out


def test_a_planned_operations_checks_never_change_a_planner_or_public_count(api):
    readers = [api.as_role("planner"), api.public, api.user("lead", org="trafikverket")]
    before = [_snapshot(c) for c in readers]
    lead = api.as_role("lead")
    lead_before = lead.get("/api/v1/stats/checks").json()["total"]["count"]
    long_ago = datetime.now(UTC) - timedelta(days=300)
    res = api.as_role("officer").post(
        "/api/v1/operations",
        json={
            "title": "Planerad kontroll",
            "focus": "SOBRIETY",
            "geometry": point(),
            "planned_start": long_ago.isoformat(),
        },
    )
    assert res.status_code == 201, res.text
    with transaction(api.url) as session:
        op = session.get(Operation, uuid.UUID(res.json()["id"]))
        officer = make_actor(session)
        for _ in range(6):
            make_check(session, op, officer, checked_at=long_ago, vehicle_type="A_TRAKTOR")
        tally = {
            "operation_id": op.id,
            "counted_from": long_ago,
            "counted_to": long_ago,
            "counts": {"BESLAG": 5},
        }
        create_tally(session, actor=officer, data=TallyCreate(**tally))
    assert [_snapshot(c) for c in readers] == before
    assert lead.get("/api/v1/stats/checks").json()["total"]["count"] == lead_before + 6 + 5


def test_every_role_may_read_statistics(api):
    for client in [api.public, *(api.as_role(r) for r in ("officer", "lead", "planner", "admin"))]:
        for kind in ENDPOINTS:
            assert client.get(f"/api/v1/stats/{kind}").status_code == 200
