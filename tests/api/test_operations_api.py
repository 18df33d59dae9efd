"""Operations through the API: create, idempotency, ETag, visibility of planned operations."""

from __future__ import annotations

from tests.builders import point

OP = {"title": "A-traktorkontroll Resecentrum", "focus": "A_TRAKTOR", "geometry": point()}


def test_retried_create_with_same_key_returns_original(api):
    officer = api.as_role("officer")
    first = officer.post("/api/v1/operations", json=OP, headers={"Idempotency-Key": "op-1"})
    again = officer.post("/api/v1/operations", json=OP, headers={"Idempotency-Key": "op-1"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = officer.post(
        "/api/v1/operations", json={**OP, "title": "Annan"}, headers={"Idempotency-Key": "op-1"}
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_stale_update_is_refused_and_loses_nothing(api):
    officer = api.as_role("officer")
    op = officer.post("/api/v1/operations", json=OP).json()
    url = f"/api/v1/operations/{op['id']}"
    tag = officer.get(url).headers["ETag"]
    assert officer.patch(url, json={"title": "Första"}, headers={"If-Match": tag}).status_code == 200
    stale = officer.patch(url, json={"title": "Andra"}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert officer.get(url).json()["title"] == "Första"


def test_planned_operation_is_invisible_outside_owning_police(api):
    op = api.as_role("officer").post("/api/v1/operations", json=OP).json()
    for role in ("planner", "admin"):
        client = api.as_role(role)
        assert client.get(f"/api/v1/operations/{op['id']}").status_code == 404
        listed = client.get("/api/v1/operations").json()
        assert op["id"] not in {o["id"] for o in listed["items"]}
    other_police = api.user("lead", org="trafikverket")
    assert other_police.get(f"/api/v1/operations/{op['id']}").status_code == 404
    assert api.public.get("/api/v1/operations").status_code == 401
    assert api.as_role("lead").get(f"/api/v1/operations/{op['id']}").status_code == 200


def test_bad_input_names_the_field(api):
    res = api.as_role("officer").post("/api/v1/operations", json={**OP, "focus": "NOPE"})
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/problem+json")
    assert res.json()["errors"][0]["field"] == "focus"
    swapped = api.as_role("officer").post("/api/v1/operations", json={**OP, "geometry": point(58.32, 15.13)})
    assert swapped.status_code == 422 and "swapped" in swapped.json()["detail"]
