"""The audit trail through the API: filters, pages, CSV export, who sees which events."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from api.db import transaction
from tests.builders import point
from traffic.audit.models import AuditEvent
from traffic.audit.service import safe_cell

OP = {"title": "Nykterhetskontroll Kungsvägen", "focus": "SOBRIETY", "geometry": point(15.1245, 58.3262)}
HUMP = {"title": "Gupp vid skolan", "kind": "SPEED_HUMP", "geometry": point(15.1245, 58.3262)}


def _events(client, **params) -> list[dict]:  # noqa: ANN001, ANN003
    res = client.get("/api/v1/audit", params={"limit": 1000, **params})
    assert res.status_code == 200, res.text
    return res.json()["items"]


def _username(client) -> str:  # noqa: ANN001
    return client.get("/api/v1/auth/me").json()["username"]


def test_filters_and_pages(api):
    officer, lead = api.as_role("officer"), api.as_role("lead")
    op = officer.post("/api/v1/operations", json=OP).json()
    url = f"/api/v1/operations/{op['id']}"
    officer.patch(url, json={"title": "Ändrad titel"})
    events = _events(lead, entity="operations", entity_id=op["id"])
    assert [e["action"] for e in events] == ["update", "create"]  # newest first
    assert events[1]["after"]["title"] == OP["title"] and events[0]["before"]["title"] == OP["title"]
    assert {e["username"] for e in events} == {_username(officer)}
    assert [e["action"] for e in _events(lead, entity_id=op["id"], action="create")] == ["create"]
    assert _events(lead, entity_id=op["id"], user="someone-else") == []
    at = events[0]["at"]
    assert len(_events(lead, entity_id=op["id"], **{"from": at})) == 1
    assert len(_events(lead, entity_id=op["id"], to=events[1]["at"])) == 1
    assert _events(lead, entity_id=op["id"], **{"from": "2999-01-01"}) == []
    first = lead.get("/api/v1/audit", params={"entity_id": op["id"], "limit": 1}).json()
    assert first["numberReturned"] == 1 and first["numberMatched"] == 2
    nxt = next(link["href"] for link in first["links"] if link["rel"] == "next")
    second = lead.get(nxt).json()
    assert [e["action"] for e in second["items"]] == ["create"]
    assert not any(link["rel"] == "next" for link in second["links"])
    assert lead.get("/api/v1/audit", params={"limit": 10**6}).json()["numberReturned"] <= 1000  # capped
    assert lead.get("/api/v1/audit", params={"from": "igår"}).status_code == 400


def test_reading_the_trail_is_logged(api):
    lead = api.as_role("lead")
    lead.get("/api/v1/audit", params={"limit": 3})
    reads = _events(lead, entity="audit_events", action="read", user=_username(lead))
    assert reads and reads[0]["entity"] == "audit_events"


def test_csv_export_is_formula_safe(api):
    officer, lead = api.as_role("officer"), api.as_role("lead")
    op = officer.post("/api/v1/operations", json=OP).json()
    purposes = ['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "uppfoljning"]
    for purpose in purposes:
        assert lead.get(f"/api/v1/operations/{op['id']}", headers={"X-Purpose": purpose}).status_code == 200
    res = lead.get("/api/v1/audit", params={"f": "csv", "entity_id": op["id"], "action": "read"})
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/csv")
    assert "attachment" in res.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(res.content.decode("utf-8-sig"))))
    assert sorted(r["purpose"] for r in rows) == sorted(
        ['\'=HYPERLINK("http://x")', "'+1", "'-1", "'@SUM(A1)", "uppfoljning"]
    )
    assert {r["entity"] for r in rows} == {"operations"} and all(r["entity_id"] == op["id"] for r in rows)
    assert safe_cell("\tx") == "'\tx" and safe_cell("\rx") == "'\rx" and safe_cell(None) == ""


def test_leads_see_their_organisation_and_admins_all_but_foreign_police_records(api):
    officer, lead, planner, admin = (api.as_role(r) for r in ("officer", "lead", "planner", "admin"))
    planned = officer.post("/api/v1/operations", json=OP).json()
    done = officer.post("/api/v1/operations", json={**OP, "status": "COMPLETED"}).json()
    assert planner.get(f"/api/v1/operations/{done['id']}").status_code == 200  # a logged read
    hump = planner.post("/api/v1/measures", json=HUMP).json()
    incident = officer.post(
        "/api/v1/incidents",
        json={
            "kind": "NEAR_MISS",
            "occurred_at": "2025-05-16T21:40:00+02:00",
            "geometry": point(),
            "source": "POLICE",
        },
    ).json()

    assert _events(lead, entity_id=planned["id"])  # own organisation's user and record
    planner_read = _events(lead, entity_id=done["id"], action="read")
    assert [e["username"] for e in planner_read] == [_username(planner)]  # a kommun user read our record
    assert _events(lead, entity_id=hump["id"]) == []  # kommun user, kommun record

    assert _events(admin, entity_id=hump["id"])
    assert _events(admin, entity_id=incident["id"])  # not a police record: admins see all
    assert _events(admin, entity_id=planned["id"]) == []  # a planned operation of the police
    assert _events(admin, entity_id=done["id"], action="read")  # their own user's read
    assert _events(admin, entity_id=done["id"], action="create") == []

    stranger = api.user("lead", org="trafikverket")
    assert _events(stranger, entity_id=planned["id"]) == []
    assert _events(stranger, entity_id=incident["id"]) == []


def test_only_leads_and_admins_read_the_trail(api):
    assert api.public.get("/api/v1/audit").status_code == 401
    for role in ("officer", "planner"):
        assert api.as_role(role).get("/api/v1/audit").status_code == 403
        assert api.as_role(role).get("/api/v1/audit", params={"f": "csv"}).status_code == 403


def test_nothing_changes_an_audit_event(api):
    admin = api.as_role("admin")
    assert admin.delete("/api/v1/audit").status_code == 405
    assert admin.patch("/api/v1/audit", json={}).status_code == 405
    for statement in ("UPDATE audit_events SET username = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(sa.exc.DBAPIError), transaction(api.url) as session:
            session.execute(sa.text(statement))
    with transaction(api.url) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) > 0
