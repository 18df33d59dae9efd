"""The offline outbox: per-entry results, all-or-nothing per record, keys shared with single POSTs."""

from __future__ import annotations

import uuid

from tests.builders import point

OP = {"title": "A-traktorkontroll Resecentrum", "focus": "A_TRAKTOR", "geometry": point()}


def new_operation(client) -> str:  # noqa: ANN001
    """A planned operation of the client's organisation; its id."""
    res = client.post("/api/v1/operations", json=OP)
    assert res.status_code == 201, res.text
    return res.json()["id"]


def check(operation_id: str, **overrides) -> dict:  # noqa: ANN003
    """The body of a check without remark."""
    return {
        "operation_id": operation_id,
        "checked_at": "2025-05-16T19:30:00+02:00",
        "geometry": point(),
        "vehicle_type": "A_TRAKTOR",
        **overrides,
    }


def entry(kind: str, data: dict, key: str | None = None) -> dict:
    """One outbox entry with a fresh key unless one is given."""
    return {"kind": kind, "idempotency_key": key or f"{kind}-{uuid.uuid4()}", "data": data}


def send(client, *entries: dict) -> list[dict]:  # noqa: ANN001
    """POST the entries; the per-entry results."""
    res = client.post("/api/v1/bulk", json={"entries": list(entries)})
    assert res.status_code == 200, res.text
    results = res.json()["results"]
    assert [r["index"] for r in results] == list(range(len(entries)))
    return results


def checks_of(client, operation_id: str) -> list[dict]:  # noqa: ANN001
    """The checks listed for an operation."""
    return client.get("/api/v1/checks", params={"operation_id": operation_id}).json()["items"]


def test_mixed_entries_get_per_entry_results_and_only_valid_ones_are_stored(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    tampered = check(op, limiter_tampered=True, findings=["SPEED_LIMITER_TAMPERING"], outcomes=["RAPPORT"])
    results = send(
        officer,
        entry("checks", tampered),
        entry("checks", check(op, outcomes=["NOPE"])),
        entry("checks", check(op, vehicle_type=None)),
        entry("checks", check(op, geometry=point(58.32, 15.13))),
        entry("tallies", {"operation_id": op, "counted_from": "2025-05-16T18:00:00Z",
                          "counted_to": "2025-05-16T19:00:00Z", "counts": {"UTAN_ANMARKNING": 4}}),
        entry("presence", {"unit": "Patrull 2110", "mode": "FOOT", "kind": "POINT",
                           "geometry": point(), "start_at": "2025-05-16T17:00:00Z"}),
        entry("incidents", {"kind": "A_TRAKTOR_DISTURBANCE", "occurred_at": "2025-05-16T22:10:00Z",
                            "geometry": point(), "source": "CITIZEN_DIALOGUE"}),
        entry("operations", {**OP, "focus": "NOPE"}),
        entry("checks", check(str(uuid.uuid4()))),
    )  # fmt: skip
    assert [r["status"] for r in results] == [201, 422, 422, 422, 201, 201, 201, 422, 404]
    assert results[1]["problem"]["errors"][0]["field"] == "outcomes[0]"
    assert results[1]["problem"]["status"] == 422 and results[1]["problem"]["title"]
    assert results[2]["problem"]["errors"][0]["field"] == "vehicle_type"
    assert "swapped" in results[3]["problem"]["detail"]
    assert results[7]["problem"]["errors"][0]["field"] == "focus"
    assert all("id" not in r for r in results if r["status"] >= 400)

    assert [c["id"] for c in checks_of(officer, op)] == [results[0]["id"]]
    assert officer.get(f"/api/v1/tallies/{results[4]['id']}").status_code == 200
    assert officer.get(f"/api/v1/presence/{results[5]['id']}").json()["kind"] == "POINT"
    assert officer.get(f"/api/v1/operations/{op}").json()["status"] == "ONGOING"


def test_the_same_body_sent_twice_gives_the_same_ids_and_no_duplicates(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    entries = [entry("checks", check(op, checked_at=f"2025-05-16T19:3{i}:00Z")) for i in range(3)]
    entries.append(entry("checks", check(op, outcomes=["NOPE"])))
    first = send(officer, *entries)
    again = send(officer, *entries)
    assert [r["status"] for r in first] == [201, 201, 201, 422]
    assert [r["status"] for r in again] == [200, 200, 200, 422]
    assert all(r["replayed"] for r in again[:3])
    assert [r["id"] for r in again[:3]] == [r["id"] for r in first[:3]]
    assert len(checks_of(officer, op)) == 3

    reused = send(officer, {**entries[0], "data": check(op, vehicle_type="CAR")})
    assert reused[0]["status"] == 422
    assert reused[0]["problem"]["errors"][0]["field"] == "idempotency_key"


def test_a_key_first_sent_as_header_is_replayed_from_the_outbox(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    key, body = f"k-{uuid.uuid4()}", check(op)
    single = officer.post("/api/v1/checks", json=body, headers={"Idempotency-Key": key})
    assert single.status_code == 201  # ... and the phone never saw this answer
    results = send(officer, entry("checks", body, key))
    assert results[0]["status"] == 200 and results[0]["id"] == single.json()["id"]
    assert len(checks_of(officer, op)) == 1


def test_entries_are_checked_against_the_write_permission_of_their_kind(api):
    op = new_operation(api.as_role("officer"))
    planner = api.as_role("planner")
    results = send(
        planner,
        entry("checks", check(op)),
        entry("incidents", {"kind": "COMPLAINT", "occurred_at": "2025-05-16T22:10:00Z",
                            "geometry": point(), "source": "CITIZEN_DIALOGUE"}),
    )  # fmt: skip
    assert results[0]["status"] == 403 and results[0]["problem"]["status"] == 403
    assert results[1]["status"] == 201
    assert checks_of(api.as_role("officer"), op) == []
    assert api.public.post("/api/v1/bulk", json={"entries": []}).status_code == 401


def test_the_envelope_is_validated_as_a_whole(api):
    officer = api.as_role("officer")
    too_many = [entry("incidents", {}, key=str(i)) for i in range(501)]
    res = officer.post("/api/v1/bulk", json={"entries": too_many})
    assert res.status_code == 422 and res.json()["errors"][0]["field"] == "entries"
    unknown = officer.post("/api/v1/bulk", json={"entries": [entry("zones", {})]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"].startswith("entries.0.kind")
    assert officer.post("/api/v1/bulk", json={"entries": []}).json() == {"results": []}
