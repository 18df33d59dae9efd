"""Vehicle checks through the API: create, read, lists and filters, GeoJSON, need-to-know, audit."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from api.db import transaction
from tests.builders import point
from traffic.audit.models import AuditEvent

OP = {"title": "A-traktorkontroll Resecentrum", "focus": "A_TRAKTOR", "geometry": point()}
FAR = point(15.0875, 58.3268)  # about 3 km west of the station, still in Mjölby


def new_operation(client) -> str:  # noqa: ANN001
    """A planned operation of the client's organisation; its id."""
    res = client.post("/api/v1/operations", json=OP)
    assert res.status_code == 201, res.text
    return res.json()["id"]


def check_body(operation_id: str, **overrides) -> dict:  # noqa: ANN003
    """A check without remark at the station, in May 2025."""
    body = {
        "operation_id": operation_id,
        "checked_at": "2025-05-16T19:30:00+02:00",
        "geometry": point(),
        "vehicle_type": "CAR",
    }
    body.update(overrides)
    return body


def new_check(client, operation_id: str, **overrides) -> dict:  # noqa: ANN001, ANN003
    """Create a check; its JSON."""
    res = client.post("/api/v1/checks", json=check_body(operation_id, **overrides))
    assert res.status_code == 201, res.text
    return res.json()


def listed(client, **params) -> dict:  # noqa: ANN001, ANN003
    """The JSON page of ``GET /api/v1/checks``."""
    res = client.get("/api/v1/checks", params=params)
    assert res.status_code == 200, res.text
    return res.json()


def test_create_read_and_list_as_json_and_geojson(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    first = new_check(officer, op, geometry=point(15.13198712345, 58.32298298765), note="lugnt")
    second = new_check(officer, op, vehicle_type="A_TRAKTOR", checked_at="2025-05-16T20:00:00+02:00")
    assert first["outcomes"] == ["UTAN_ANMARKNING"] and first["note"] == "lugnt"

    res = officer.get(f"/api/v1/checks/{first['id']}")
    assert res.status_code == 200 and res.headers["ETag"] == f'"v{first["version"]}"'
    assert res.json()["geometry"]["type"] == "Point"

    page = listed(officer, operation_id=op)
    assert page["numberMatched"] == 2 and page["numberReturned"] == 2
    assert [c["id"] for c in page["items"]] == [second["id"], first["id"]]  # newest first

    geo = officer.get("/api/v1/checks", params={"operation_id": op, "f": "geojson"})
    assert geo.status_code == 200
    assert geo.headers["content-type"].startswith("application/geo+json")
    fc = geo.json()
    assert fc["type"] == "FeatureCollection" and fc["numberMatched"] == 2
    feat = next(f for f in fc["features"] if f["id"] == first["id"])
    assert all(len(repr(c).split(".")[1]) <= 6 for c in feat["geometry"]["coordinates"])
    assert feat["properties"]["vehicle_type"] == "CAR"

    one = listed(officer, operation_id=op, limit=1)
    assert one["numberReturned"] == 1 and one["numberMatched"] == 2
    nxt = next(link["href"] for link in one["links"] if link["rel"] == "next")
    rest = officer.get(nxt).json()
    assert [c["id"] for c in rest["items"]] == [first["id"]]

    capped = officer.get("/api/v1/checks", params={"operation_id": op, "limit": 100000})
    assert capped.status_code == 200 and capped.json()["numberReturned"] == 2


def test_filters_by_outcome_finding_bbox_and_period(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    clean = new_check(officer, op)
    fined = new_check(
        officer,
        op,
        geometry=FAR,
        findings=["LIGHTS"],
        outcomes=["ORDNINGSBOT"],
        fine_amount_sek=500,
        checked_at="2024-09-01T12:00:00+02:00",
    )

    def ids(**params) -> set[str]:  # noqa: ANN003
        return {c["id"] for c in listed(officer, operation_id=op, **params)["items"]}

    assert ids(outcome="ORDNINGSBOT") == {fined["id"]}
    assert ids(outcome="UTAN_ANMARKNING") == {clean["id"]}
    assert ids(finding="LIGHTS") == {fined["id"]}
    assert ids(finding="BRAKES") == set()
    assert ids(bbox="15.125,58.318,15.14,58.33") == {clean["id"]}
    assert ids(period="2025H1") == {clean["id"]}
    assert ids(period="2024") == {fined["id"]}
    assert ids(vehicle_type="CAR") == {clean["id"], fined["id"]}
    bad = officer.get("/api/v1/checks", params={"bbox": "15.2,58.3,15.1"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "bbox"


def test_planner_sees_checks_of_completed_operations_without_police_fields(api):
    officer, planner = api.as_role("officer"), api.as_role("planner")
    op = new_operation(officer)
    check = new_check(officer, op, note="föraren var nervös", plate="ABC123")
    assert check["vehicle_pseudonym"]  # the operation is now ongoing

    url = f"/api/v1/checks/{check['id']}"
    assert planner.get(url).status_code == 404
    assert listed(planner, operation_id=op)["numberMatched"] == 0
    hidden = planner.get("/api/v1/checks", params={"operation_id": op, "f": "geojson"}).json()
    assert hidden["numberMatched"] == 0 and hidden["features"] == []

    done = officer.patch(f"/api/v1/operations/{op}", json={"status": "COMPLETED"})
    assert done.status_code == 200, done.text
    seen = planner.get(url)
    assert seen.status_code == 200
    assert "note" not in seen.json() and "vehicle_pseudonym" not in seen.json()
    page = listed(planner, operation_id=op)
    assert page["numberMatched"] == 1
    assert "note" not in page["items"][0] and "vehicle_pseudonym" not in page["items"][0]
    feature = planner.get("/api/v1/checks", params={"operation_id": op, "f": "geojson"}).json()["features"][0]
    assert "note" not in feature["properties"] and "vehicle_pseudonym" not in feature["properties"]
    assert officer.get(url).json()["note"] == "föraren var nervös"
    assert planner.post("/api/v1/checks", json=check_body(op)).status_code == 403


def test_retry_with_same_idempotency_key_gives_one_record(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    body, key = check_body(op), {"Idempotency-Key": f"check-{uuid.uuid4()}"}
    first = officer.post("/api/v1/checks", json=body, headers=key)
    again = officer.post("/api/v1/checks", json=body, headers=key)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert listed(officer, operation_id=op)["numberMatched"] == 1


def test_a_keyed_write_that_failed_can_be_retried(api):
    # On SQLite this needs real transactions (traffic/storage/db.py emits BEGIN itself).
    officer = api.as_role("officer")
    body, key = check_body(new_operation(officer), outcomes=["NOPE"]), {"Idempotency-Key": str(uuid.uuid4())}
    assert officer.post("/api/v1/checks", json=body, headers=key).status_code == 422
    assert officer.post("/api/v1/checks", json=body, headers=key).status_code == 422


def test_stale_patch_is_refused_and_loses_nothing(api):
    officer = api.as_role("officer")
    check = new_check(officer, new_operation(officer))
    url = f"/api/v1/checks/{check['id']}"
    tag = officer.get(url).headers["ETag"]
    ok = officer.patch(url, json={"vehicle_type": "MC"}, headers={"If-Match": tag})
    assert ok.status_code == 200 and ok.headers["ETag"] != tag
    stale = officer.patch(url, json={"vehicle_type": "HEAVY"}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert officer.get(url).json()["vehicle_type"] == "MC"


def test_only_the_author_or_a_lead_of_the_organisation_may_change_a_check(api):
    officer = api.as_role("officer")
    check = new_check(officer, new_operation(officer))
    url = f"/api/v1/checks/{check['id']}"
    other_officer = api.user("officer")
    assert other_officer.patch(url, json={"note": "inte min"}).status_code == 403
    assert other_officer.delete(url).status_code == 403
    lead = api.as_role("lead")
    res = lead.patch(url, json={"outcomes": ["ORDNINGSBOT"], "fine_amount_sek": 1500})
    assert res.status_code == 200, res.text
    assert res.json()["outcomes"] == ["ORDNINGSBOT"]
    assert lead.delete(url).status_code == 204
    assert officer.get(url).status_code == 404


def test_unknown_outcome_is_422_naming_the_item(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    res = officer.post("/api/v1/checks", json=check_body(op, outcomes=["NOPE"]))
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/problem+json")
    assert res.json()["errors"][0]["field"] == "outcomes[0]"
    assert listed(officer, operation_id=op)["numberMatched"] == 0


def test_checks_go_only_into_operations_the_caller_may_know(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    stranger = api.user("officer", org="trafikverket")
    res = stranger.post("/api/v1/checks", json=check_body(op))
    assert res.status_code == 404 and res.json()["errors"][0]["field"] == "operation_id"
    missing = officer.post("/api/v1/checks", json=check_body(str(uuid.uuid4())))
    assert missing.status_code == 404


def test_reading_a_check_is_audited(api):
    officer = api.as_role("officer")
    check = new_check(officer, new_operation(officer))
    assert (
        officer.get(f"/api/v1/checks/{check['id']}", headers={"X-Purpose": "uppfoljning"}).status_code == 200
    )
    with transaction(api.url) as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "read",
                AuditEvent.entity == "vehicle_checks",
                AuditEvent.entity_id == check["id"],
            )
        ).all()
    assert len(events) == 1
    assert events[0].role == "officer" and events[0].purpose == "uppfoljning"
