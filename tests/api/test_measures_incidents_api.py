"""Safety measures and incidents through the API: CRUD, the status workflow, who sees what."""

from __future__ import annotations

from tests.builders import point

KUNGSVAGEN = point(15.1245, 58.3262)
KUNGSVAGEN_BBOX = "15.12,58.32,15.13,58.33"
HUMP = {"title": "Gupp på Kungsvägen", "kind": "SPEED_HUMP", "geometry": KUNGSVAGEN}
INCIDENT = {
    "kind": "A_TRAKTOR_DISTURBANCE",
    "occurred_at": "2025-05-16T21:40:00+02:00",
    "geometry": point(15.1302, 58.3236),
    "source": "CITIZEN_DIALOGUE",
    "description": "Högljudda A-traktorer vid resecentrum",
}


def _ids(page: dict) -> set[str]:
    return {item["id"] for item in page.get("items", page.get("features", []))}


def test_measure_crud_with_etag_and_idempotency(api):
    planner = api.as_role("planner")
    res = planner.post("/api/v1/measures", json=HUMP, headers={"Idempotency-Key": "gupp-kungsvagen-1"})
    assert res.status_code == 201, res.text
    again = planner.post("/api/v1/measures", json=HUMP, headers={"Idempotency-Key": "gupp-kungsvagen-1"})
    assert again.json()["id"] == res.json()["id"]
    url = f"/api/v1/measures/{res.json()['id']}"
    got = planner.get(url)
    assert got.json()["geometry"] == KUNGSVAGEN and got.json()["status"] == "PROPOSED"
    tag = got.headers["ETag"]
    changed = planner.patch(url, json={"cost_sek": 85000}, headers={"If-Match": tag})
    assert changed.status_code == 200 and changed.json()["cost_sek"] == 85000
    stale = planner.patch(url, json={"cost_sek": 1}, headers={"If-Match": tag})
    assert stale.status_code == 412
    assert planner.get(url).json()["cost_sek"] == 85000
    assert api.as_role("officer").patch(url, json={"cost_sek": 2}).status_code == 403  # role
    assert api.as_role("lead").patch(url, json={"cost_sek": 3}).status_code == 403  # other organisation
    assert planner.delete(url).status_code == 204
    assert planner.get(url).status_code == 404


def test_public_sees_the_speed_hump_only_once_completed(api):
    planner = api.as_role("planner")
    hump = planner.post("/api/v1/measures", json=HUMP).json()
    url = f"/api/v1/measures/{hump['id']}"
    for status in ("PLANNED", "IN_PROGRESS", "COMPLETED"):
        assert api.public.get(url).status_code == 404
        assert hump["id"] not in _ids(
            api.public.get("/api/v1/measures", params={"bbox": KUNGSVAGEN_BBOX}).json()
        )
        res = planner.patch(url, json={"status": status})
        assert res.status_code == 200, res.text
    done = api.public.get(url)
    assert done.status_code == 200 and done.json()["completed_on"] is not None
    geo = api.public.get("/api/v1/measures", params={"bbox": KUNGSVAGEN_BBOX, "f": "geojson", "limit": 1000})
    assert geo.headers["content-type"].startswith("application/geo+json")
    assert hump["id"] in _ids(geo.json())
    assert api.public.post("/api/v1/measures", json=HUMP).status_code == 401


def test_status_jump_is_refused_and_the_record_unchanged(api):
    planner = api.as_role("planner")
    hump = planner.post("/api/v1/measures", json=HUMP).json()
    url = f"/api/v1/measures/{hump['id']}"
    res = planner.patch(url, json={"status": "COMPLETED", "title": "Ändrad"})
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/problem+json")
    assert res.json()["errors"][0]["field"] == "status"
    after = planner.get(url).json()
    assert (after["status"], after["title"], after["version"]) == ("PROPOSED", HUMP["title"], hump["version"])


def test_measure_input_errors_name_the_field(api):
    planner = api.as_role("planner")
    assert (
        planner.post("/api/v1/measures", json={**HUMP, "kind": "NOPE"}).json()["errors"][0]["field"] == "kind"
    )
    swapped = planner.post("/api/v1/measures", json={**HUMP, "geometry": point(58.3262, 15.1245)})
    assert swapped.status_code == 422
    extra = planner.post("/api/v1/measures", json={**HUMP, "colour": "red"})
    assert extra.status_code == 422 and extra.json()["errors"][0]["field"] == "colour"


def test_incidents_are_for_signed_in_roles(api):
    officer = api.as_role("officer")
    res = officer.post("/api/v1/incidents", json=INCIDENT)
    assert res.status_code == 201, res.text
    incident = res.json()
    for role in ("officer", "lead", "planner", "admin"):
        client = api.as_role(role)
        assert client.get(f"/api/v1/incidents/{incident['id']}").status_code == 200
        assert incident["id"] in _ids(
            client.get("/api/v1/incidents", params={"kind": INCIDENT["kind"]}).json()
        )
    assert api.public.get("/api/v1/incidents").status_code == 401
    assert api.public.get(f"/api/v1/incidents/{incident['id']}").status_code == 401
    assert api.as_role("admin").post("/api/v1/incidents", json=INCIDENT).status_code == 403
    assert api.as_role("planner").post("/api/v1/incidents", json=INCIDENT).status_code == 201


def test_incident_update_and_delete(api):
    officer = api.as_role("officer")
    incident = officer.post("/api/v1/incidents", json=INCIDENT).json()
    url = f"/api/v1/incidents/{incident['id']}"
    tag = officer.get(url).headers["ETag"]
    res = officer.patch(url, json={"severity": "LIGHT"}, headers={"If-Match": tag})
    assert res.status_code == 200 and res.json()["severity"] == "LIGHT"
    assert officer.patch(url, json={"severity": "NONE"}, headers={"If-Match": tag}).status_code == 412
    bad = officer.patch(url, json={"source": "GOSSIP"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "source"
    assert officer.patch(url, json={"kind": None}).json()["errors"][0]["field"] == "kind"
    assert api.user("officer").patch(url, json={"severity": "NONE"}).status_code == 403  # not their own
    assert officer.get(url).json()["severity"] == "LIGHT"
    assert officer.delete(url).status_code == 204
    assert officer.get(url).status_code == 404
