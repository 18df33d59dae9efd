"""Zones and commitments through the API."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from api.db import transaction
from traffic.audit.models import AuditEvent
from traffic.commitments.service import ensure_promise
from traffic.orgs.service import ensure_organisations
from traffic.zones.service import ensure_default_zones

LON, LAT, D = 15.1465, 58.3301, 0.001


def _square() -> dict:
    ring = [
        [LON - D, LAT - D],
        [LON + D, LAT - D],
        [LON + D, LAT + D],
        [LON - D, LAT + D],
        [LON - D, LAT - D],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def test_public_lists_the_resecentrum_zones(api):
    with transaction(api.url) as session:
        ensure_default_zones(session, org_id=ensure_organisations(session)["mjolby_kommun"].id)
    res = api.public.get("/api/v1/zones", params={"kind": "RESECENTRUM", "limit": 1000})
    assert res.status_code == 200
    codes = {z["code"] for z in res.json()["items"]}
    assert {"resecentrum_150m", "resecentrum_300m", "resecentrum_500m"} <= codes
    zone = next(z for z in res.json()["items"] if z["code"] == "resecentrum_300m")
    assert zone["weekly_target_hours"] == 20 and zone["geometry"]["type"] == "Polygon"
    one = api.public.get(f"/api/v1/zones/{zone['id']}")
    assert one.status_code == 200 and one.json()["code"] == "resecentrum_300m"
    geo = api.public.get("/api/v1/zones", params={"f": "geojson", "zone": "resecentrum_500m"})
    assert geo.headers["content-type"].startswith("application/geo+json")


def test_only_admins_create_and_delete_zones(api):
    body = {
        "code": f"skola_{uuid.uuid4().hex[:8]}",
        "name": "Skolområde",
        "kind": "SCHOOL",
        "geometry": _square(),
    }
    assert api.public.post("/api/v1/zones", json=body).status_code == 401
    for role in ("officer", "lead", "planner"):
        assert api.as_role(role).post("/api/v1/zones", json=body).status_code == 403
    admin = api.as_role("admin")
    res = admin.post("/api/v1/zones", json=body)
    assert res.status_code == 201, res.text
    duplicate = admin.post("/api/v1/zones", json=body)
    assert duplicate.status_code == 409 and duplicate.json()["errors"][0]["field"] == "code"
    not_area = {**body, "code": body["code"] + "x", "geometry": {"type": "Point", "coordinates": [LON, LAT]}}
    line = admin.post("/api/v1/zones", json=not_area)
    assert line.status_code == 422 and line.json()["errors"][0]["field"] == "geometry"
    url = f"/api/v1/zones/{res.json()['id']}"
    assert api.as_role("planner").delete(url).status_code == 403
    assert admin.delete(url).status_code == 204
    assert api.public.get(url).status_code == 404


def test_commitments_carry_indicators_targets_and_values(api):
    with transaction(api.url) as session:
        ensure_promise(session)
    res = api.public.get("/api/v1/commitments")
    assert res.status_code == 200
    by_code = {c["code"]: c for c in res.json()["items"]}
    insatser = by_code["trafik_insatser"]
    a_traktor = next(i for i in insatser["indicators"] if i["code"] == "operations_a_traktor")
    assert {"period": "2025H1", "target": 6.0, "comparison": ">="} in a_traktor["targets"]
    assert a_traktor["source"] == "computed" and a_traktor["values"] == []
    one = api.public.get("/api/v1/commitments/bedrageri_traffar")
    assert one.status_code == 200 and one.json()["indicators"][0]["code"] == "fraud_meetings"
    assert api.public.get("/api/v1/commitments/finns_inte").status_code == 404


def test_lead_enters_a_hand_counted_value_and_it_is_audited(api):
    with transaction(api.url) as session:
        ensure_promise(session)
    # An indicator and period no other test writes to (tests share one database per worker).
    url = "/api/v1/commitments/indicators/guardian_information/values/2024H1"
    body = {"value": 3, "note": "Träffar på Träffpunkt Mjölby"}
    assert api.public.put(url, json=body).status_code == 401
    assert api.as_role("planner").put(url, json=body).status_code == 403
    assert api.as_role("officer").put(url, json=body).status_code == 403
    lead = api.as_role("lead")
    res = lead.put(url, json=body)
    assert res.status_code == 200, res.text
    assert res.json()["value"] == 3 and res.json()["period"] == "2024H1"
    assert lead.put(url, json={"value": 4}).json()["value"] == 4  # a correction, not a second row
    values = api.public.get("/api/v1/commitments/narkotika_vardnadshavare").json()["indicators"][0]["values"]
    assert [(v["period"], v["value"]) for v in values if v["period"] == "2024H1"] == [("2024H1", 4.0)]
    me = lead.get("/api/v1/auth/me").json()["username"]
    with transaction(api.url) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "indicator_values", AuditEvent.username == me)
        ).all()
    assert {e.action for e in events} == {"create", "update"}
    assert any(e.after and e.after.get("value") == 4 for e in events)


def test_value_entry_refuses_bad_input(api):
    with transaction(api.url) as session:
        ensure_promise(session)
    admin = api.as_role("admin")
    base = "/api/v1/commitments/indicators"
    computed = admin.put(f"{base}/operations_a_traktor/values/2025H1", json={"value": 7})
    assert computed.status_code == 422 and computed.json()["errors"][0]["field"] == "indicator"
    assert admin.put(f"{base}/finns_inte/values/2025H1", json={"value": 1}).status_code == 404
    assert admin.put(f"{base}/fraud_meetings/values/2025H3", json={"value": 1}).status_code == 422
    assert admin.put(f"{base}/fraud_meetings/values/2025H1", json={"value": True}).status_code == 422
    negative = admin.put(f"{base}/fraud_meetings/values/2025H1", json={"value": -1})
    assert negative.status_code == 422 and "value" in negative.json()["errors"][0]["field"]
