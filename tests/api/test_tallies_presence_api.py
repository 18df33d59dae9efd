"""Tallies and presence sessions through the API."""

from __future__ import annotations

import uuid

from api.db import transaction
from tests.builders import point
from traffic.actors import Actor
from traffic.orgs.service import ensure_organisations
from traffic.stats import outcome_counts
from traffic.zones.schemas import ZoneCreate
from traffic.zones.service import create_zone

OP = {"title": "Snabbkontroll Östra Järnvägsgatan", "focus": "DEFECTIVE_VEHICLES", "geometry": point()}
TALLY = {
    "counted_from": "2025-05-16T18:00:00+02:00",
    "counted_to": "2025-05-16T19:00:00+02:00",
    "counts": {"UTAN_ANMARKNING": 7, "ORDNINGSBOT": 2},
}


def new_operation(client) -> str:  # noqa: ANN001
    """A planned operation of the client's organisation; its id."""
    res = client.post("/api/v1/operations", json=OP)
    assert res.status_code == 201, res.text
    return res.json()["id"]


def new_zone(url: str) -> str:
    """A small zone around the station with a unique code; its id."""
    lon, lat, d = 15.131987, 58.322982, 0.002
    ring = [
        [lon - d, lat - d],
        [lon + d, lat - d],
        [lon + d, lat + d],
        [lon - d, lat + d],
        [lon - d, lat - d],
    ]
    data = ZoneCreate(
        code=f"test_{uuid.uuid4().hex[:8]}",
        name="Testzon",
        kind="RESECENTRUM",
        geometry={"type": "Polygon", "coordinates": [ring]},
    )
    with transaction(url) as session:
        org = ensure_organisations(session)["polisen"].id
        return str(create_zone(session, actor=Actor(username="test", role="admin", org_id=org), data=data).id)


def test_tally_rolls_up_into_outcome_counts(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    res = officer.post("/api/v1/tallies", json={**TALLY, "operation_id": op}, headers={"Idempotency-Key": op})
    assert res.status_code == 201, res.text
    tally = res.json()
    assert tally["counts"] == {"ORDNINGSBOT": 2, "UTAN_ANMARKNING": 7}
    again = officer.post(
        "/api/v1/tallies", json={**TALLY, "operation_id": op}, headers={"Idempotency-Key": op}
    )
    assert again.json()["id"] == tally["id"]
    with transaction(api.url) as session:
        assert outcome_counts(session, operation_id=uuid.UUID(op)) == {"ORDNINGSBOT": 2, "UTAN_ANMARKNING": 7}

    assert officer.get(f"/api/v1/tallies/{tally['id']}").json()["counts"]["UTAN_ANMARKNING"] == 7
    page = officer.get("/api/v1/tallies", params={"operation_id": op}).json()
    assert page["numberMatched"] == 1
    assert api.as_role("planner").get(f"/api/v1/tallies/{tally['id']}").status_code == 404  # ongoing op

    assert officer.delete(f"/api/v1/tallies/{tally['id']}").status_code == 204
    assert officer.get(f"/api/v1/tallies/{tally['id']}").status_code == 404
    with transaction(api.url) as session:
        assert outcome_counts(session, operation_id=uuid.UUID(op)) == {}


def test_tally_with_unknown_outcome_names_it(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    res = officer.post("/api/v1/tallies", json={**TALLY, "operation_id": op, "counts": {"NOPE": 1}})
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "counts.NOPE"
    assert (
        api.as_role("planner").post("/api/v1/tallies", json={**TALLY, "operation_id": op}).status_code == 403
    )


def test_presence_check_in_then_check_out(api):
    officer = api.as_role("officer")
    zone = new_zone(api.url)
    body = {
        "unit": "Patrull 2110",
        "officers": 2,
        "mode": "FOOT",
        "kind": "ZONE_CHECKIN",
        "zone_id": zone,
        "start_at": "2025-05-16T17:00:00+02:00",
    }
    res = officer.post("/api/v1/presence", json=body)
    assert res.status_code == 201, res.text
    session_id = res.json()["id"]
    assert res.json()["end_at"] is None
    url = f"/api/v1/presence/{session_id}"

    assert api.user("officer").post(f"{url}/checkout").status_code == 403  # not their session
    out = officer.post(f"{url}/checkout")
    assert out.status_code == 200, out.text
    assert out.json()["end_at"] is not None and out.headers["ETag"] == '"v2"'
    twice = officer.post(f"{url}/checkout")
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "end_at"

    assert officer.get(url).json()["end_at"] == out.json()["end_at"]
    listed = officer.get("/api/v1/presence", params={"kind": "ZONE_CHECKIN", "limit": 1000}).json()
    assert session_id in {p["id"] for p in listed["items"]}
    assert api.as_role("planner").get(url).status_code == 403
    assert api.as_role("admin").get(url).status_code == 404  # admin of another organisation
    assert officer.delete(url).status_code == 204
    assert officer.get(url).status_code == 404


def test_point_stay_needs_a_point(api):
    officer = api.as_role("officer")
    body = {"unit": "Patrull 2110", "mode": "STATIONARY", "kind": "POINT", "start_at": "2025-05-16T17:00:00Z"}
    res = officer.post("/api/v1/presence", json=body)
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "geometry"
    ok = officer.post("/api/v1/presence", json={**body, "geometry": point()})
    assert ok.status_code == 201
    geo = officer.get(
        "/api/v1/presence", params={"f": "geojson", "bbox": "15.13,58.32,15.134,58.324", "limit": 1000}
    )
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert ok.json()["id"] in {f["id"] for f in geo.json()["features"]}
