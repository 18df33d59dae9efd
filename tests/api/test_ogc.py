"""OGC API – Features under /ogc: landing, conformance, collections per role, items, errors.

The database is shared by the tests of a run, so every test makes its own records in a time
window nobody else uses and filters on it with ``datetime``.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from api.db import transaction
from api.ogc.catalog import CRS84
from geo.area import default_operating_area
from tests.builders import make_actor, make_check, make_measure, make_operation, point
from traffic.audit.models import AuditEvent
from traffic.incidents.schemas import IncidentCreate
from traffic.incidents.service import create_incident
from traffic.presence.schemas import PresenceCreate
from traffic.presence.service import create_presence
from traffic.zones.schemas import ZoneCreate
from traffic.zones.service import create_zone

ALL = {"operations", "checks", "presence", "measures", "incidents", "zones"}
READABLE = {
    "public": {"measures", "zones"},
    "planner": ALL - {"presence"},
    "officer": ALL,
    "lead": ALL,
    "admin": ALL,
}
NEAR_STATION = (15.1340, 58.3232)
FAR_POINT = (15.1420, 58.3290)
_WINDOWS: set[int] = set()


def window() -> datetime:
    """The start of a one-hour window (2011–2020) no other test of this run uses."""
    while True:
        hours = random.randrange(24 * 365 * 9)
        if hours not in _WINDOWS:
            _WINDOWS.add(hours)
            return datetime(2011, 1, 1, tzinfo=UTC) + timedelta(hours=hours)


def interval(t0: datetime) -> str:
    """The RFC 3339 interval of the hour starting at ``t0``."""
    end = t0 + timedelta(minutes=59)
    return f"{t0.isoformat().replace('+00:00', 'Z')}/{end.isoformat().replace('+00:00', 'Z')}"


def south_of_area() -> tuple[float, float]:
    """A point 1 km south of the municipality's southernmost vertex (inside the 2 km buffer)."""
    poly = default_operating_area().polygon
    coords = poly.exterior.coords if poly.geom_type == "Polygon" else poly.geoms[0].exterior.coords
    lon, lat = min(coords, key=lambda c: c[1])[:2]
    return round(lon, 6), round(lat - 0.009, 6)


@dataclass
class Seeded:
    """Ids of one record of each kind made in the window starting at ``t0``."""

    t0: datetime
    ids: dict[str, list[str]]


def seed(url: str, t0: datetime | None = None) -> Seeded:
    """One or more records of every spatial kind (owned by Polisen / the kommun) in one window."""
    t0 = t0 or window()
    ids: dict[str, list[str]] = {k: [] for k in ALL}
    with transaction(url) as s:
        officer = make_actor(s, "officer", "polisen")
        op = make_operation(
            s,
            officer,
            status="COMPLETED",
            actual_start=t0,
            actual_end=t0 + timedelta(minutes=50),
            note="intern anteckning",
            geometry=point(*NEAR_STATION),
        )
        ids["operations"].append(str(op.id))
        for minutes, where in ((5, NEAR_STATION), (15, FAR_POINT)):
            check = make_check(
                s, op, officer, checked_at=t0 + timedelta(minutes=minutes), geometry=point(*where), note="x"
            )
            ids["checks"].append(str(check.id))
        stay = create_presence(
            s,
            actor=officer,
            data=PresenceCreate(
                unit="Mjölby 1",
                mode="FOOT",
                kind="POINT",
                geometry=point(*NEAR_STATION),
                start_at=t0,
                end_at=t0 + timedelta(minutes=12),
            ),
        )
        track = create_presence(
            s,
            actor=officer,
            data=PresenceCreate(
                unit="Mjölby 2",
                mode="BIKE",
                kind="TRACK",
                geometry={"type": "LineString", "coordinates": [list(NEAR_STATION), list(FAR_POINT)]},
                track_times=[t0 + timedelta(minutes=20), t0 + timedelta(minutes=30)],
            ),
        )
        ids["presence"] += [str(stay.id), str(track.id)]
        for where in (NEAR_STATION, FAR_POINT):
            incident = create_incident(
                s,
                actor=officer,
                data=IncidentCreate(
                    kind="NEAR_MISS",
                    occurred_at=t0 + timedelta(minutes=40),
                    geometry=point(*where),
                    source="POLICE",
                ),
            )
            ids["incidents"].append(str(incident.id))
        planner = make_actor(s, "planner", "mjolby_kommun")
        measure = make_measure(
            s, planner, status="COMPLETED", completed_on=t0.date(), geometry=point(*FAR_POINT)
        )
        ids["measures"].append(str(measure.id))
        ring = [[15.120, 58.310], [15.125, 58.310], [15.125, 58.314], [15.120, 58.314], [15.120, 58.310]]
        zone = create_zone(
            s,
            actor=make_actor(s, "admin", "mjolby_kommun"),
            data=ZoneCreate(
                code=f"ogc_{uuid.uuid4().hex[:10]}",
                name="Testområde",
                kind="CUSTOM",
                geometry={"type": "Polygon", "coordinates": [ring]},
            ),
        )
        ids["zones"].append(str(zone.id))
    return Seeded(t0, ids)


def seed_planned(url: str) -> tuple[str, str, datetime, tuple[float, float]]:
    """A planned and an ongoing operation (with one check) of Polisen, far south, in 2040-something.

    Returns (planned operation id, check id, start, lon/lat).
    """
    start = datetime(2040, 1, 1, tzinfo=UTC) + timedelta(hours=random.randrange(24 * 365 * 5))
    where = south_of_area()
    with transaction(url) as s:
        officer = make_actor(s, "officer", "polisen")
        planned = make_operation(s, officer, planned_start=start, geometry=point(*where))
        ongoing = make_operation(s, officer, planned_start=start, geometry=point(*where))
        check = make_check(s, ongoing, officer, checked_at=start, geometry=point(*where))
        assert ongoing.status == "ONGOING"
        return str(planned.id), str(check.id), start, where


def ids_of(body: dict) -> set[str]:
    return {f["id"] for f in body["features"]}


def is_problem(res, status: int, field: str | None = None) -> None:
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    body = res.json()
    assert body["status"] == status
    if field:
        assert body["errors"][0]["field"] == field, body


# --- landing page and conformance ---------------------------------------------------------------


@pytest.mark.parametrize(
    "accept", [None, "application/json", "application/geo+json", "*/*", "text/html,*/*;q=0.8"]
)
def test_landing_page_links_and_json_by_default(api, accept):
    headers = {"Accept": accept} if accept else {}
    res = api.public.get("/ogc", headers=headers)
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("application/json")
    body = res.json()
    assert body["title"] == "Trafiktrygg – geodata" and body["description"]
    links = {link["rel"]: link for link in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(links)
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-desc"]["href"].endswith("/openapi.json")
    assert links["service-doc"]["type"] == "text/html" and links["service-doc"]["href"].endswith("/docs")
    assert links["data"]["href"].endswith("/ogc/collections")
    spec = api.public.get(links["service-desc"]["href"]).json()
    assert "/ogc/collections/{collectionId}/items" in spec["paths"]
    assert api.public.get(links["conformance"]["href"]).status_code == 200
    assert api.public.get(links["data"]["href"]).status_code == 200


def test_landing_page_with_trailing_slash_as_owslib_asks(api):
    assert api.public.get("/ogc/").json()["title"] == "Trafiktrygg – geodata"


def test_conformance_classes(api):
    res = api.public.get("/ogc/conformance")
    assert res.status_code == 200
    classes = set(res.json()["conformsTo"])
    base = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"
    assert {base + "core", base + "oas30", base + "geojson"} <= classes
    assert base + "html" not in classes  # we serve no HTML


# --- collections ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["public", "planner", "officer", "lead", "admin"])
def test_collections_are_those_the_role_may_read(api, role):
    client = api.public if role == "public" else api.as_role(role)
    body = client.get("/ogc/collections").json()
    assert {c["id"] for c in body["collections"]} == READABLE[role]
    assert body["links"][0]["rel"] == "self"
    for missing in ALL - READABLE[role]:
        for path in ("", "/items", f"/items/{uuid.uuid4()}"):
            is_problem(client.get(f"/ogc/collections/{missing}{path}"), 404, "collectionId")
    is_problem(client.get("/ogc/collections/tallies"), 404)  # no geometry: not a collection


def test_collection_metadata_and_extents(api):
    seed(api.url)
    officer = api.as_role("officer")
    listed = {c["id"]: c for c in officer.get("/ogc/collections").json()["collections"]}
    for cid in ALL:
        one = officer.get(f"/ogc/collections/{cid}")
        assert one.status_code == 200 and one.headers["content-type"].startswith("application/json")
        doc = one.json()
        assert doc == listed[cid]
        assert doc["title"] and doc["description"] and doc["itemType"] == "feature"
        assert doc["crs"] == [CRS84]
        rels = {link["rel"]: link for link in doc["links"]}
        assert rels["self"]["href"].endswith(f"/ogc/collections/{cid}")
        assert rels["items"]["type"] == "application/geo+json"
        assert rels["items"]["href"].endswith(f"/ogc/collections/{cid}/items")
        spatial = doc["extent"]["spatial"]
        assert spatial["crs"] == CRS84
        ((minx, miny, maxx, maxy),) = spatial["bbox"]
        assert 14 < minx <= maxx < 16 and 58 < miny <= maxy < 59
        ((start, end),) = doc["extent"]["temporal"]["interval"]
        if cid == "zones":
            assert start is None and end is None  # zones have no time
        else:
            assert start.endswith("Z") and end.endswith("Z") and start <= end


def test_empty_collection_extent_is_the_operating_area(api):
    seed(api.url)  # Polisen's presence: an admin of the kommun may read presence but sees none of it
    doc = api.as_role("admin").get("/ogc/collections/presence").json()
    assert doc["extent"]["temporal"]["interval"] == [[None, None]]
    assert doc["extent"]["spatial"]["bbox"] == [pytest.approx(list(default_operating_area().polygon.bounds))]
    assert api.as_role("admin").get("/ogc/collections/presence/items").json()["numberMatched"] == 0


# --- items ---------------------------------------------------------------------------------------


def test_items_page_with_limit_next_and_counts(api):
    seeded = seed(api.url)
    officer = api.as_role("officer")
    url = "/ogc/collections/checks/items"
    first = officer.get(url, params={"datetime": interval(seeded.t0), "limit": 1})
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/geo+json")
    body = first.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 2 and body["numberReturned"] == 1 == len(body["features"])
    assert body["timeStamp"].endswith("Z")
    rels = {link["rel"]: link for link in body["links"]}
    assert {"self", "next", "collection"} <= set(rels)
    assert rels["next"]["type"] == "application/geo+json"
    assert rels["collection"]["href"].endswith("/ogc/collections/checks")
    second = officer.get(rels["next"]["href"]).json()
    assert second["numberReturned"] == 1
    assert "next" not in {link["rel"] for link in second["links"]}
    assert ids_of(body) | ids_of(second) == set(seeded.ids["checks"])


def test_default_limit_is_ten_and_over_the_maximum_is_capped(api):
    for _ in range(2):
        seed(api.url)
    client = api.as_role("planner")
    default = client.get("/ogc/collections/zones/items").json()
    assert default["numberReturned"] == min(10, default["numberMatched"])
    huge = client.get("/ogc/collections/zones/items", params={"limit": 100000})
    assert huge.status_code == 200
    assert huge.json()["numberReturned"] == min(1000, huge.json()["numberMatched"])


def test_bbox_and_datetime_filter(api):
    seeded = seed(api.url)
    officer = api.as_role("officer")
    near = "15.133,58.323,15.135,58.324"  # around NEAR_STATION only
    for cid in ("checks", "incidents"):
        both = officer.get(f"/ogc/collections/{cid}/items", params={"datetime": interval(seeded.t0)}).json()
        assert ids_of(both) == set(seeded.ids[cid])
        one = officer.get(
            f"/ogc/collections/{cid}/items", params={"datetime": interval(seeded.t0), "bbox": near}
        )
        assert one.json()["numberMatched"] == 1
        (feature,) = one.json()["features"]
        assert feature["geometry"]["coordinates"] == list(NEAR_STATION)
    t0 = seeded.t0
    z = lambda t: t.isoformat().replace("+00:00", "Z")  # noqa: E731
    checks = "/ogc/collections/checks/items"
    instant = officer.get(checks, params={"datetime": z(t0 + timedelta(minutes=5))}).json()
    assert ids_of(instant) == {seeded.ids["checks"][0]}
    open_end = officer.get(checks, params={"datetime": f"{z(t0 + timedelta(minutes=10))}/..", "limit": 1000})
    assert seeded.ids["checks"][1] in ids_of(open_end.json())
    assert seeded.ids["checks"][0] not in ids_of(open_end.json())
    open_start = officer.get(
        checks, params={"datetime": f"../{z(t0 + timedelta(minutes=10))}", "limit": 1000}
    )
    assert seeded.ids["checks"][0] in ids_of(open_start.json())
    assert seeded.ids["checks"][1] not in ids_of(open_start.json())


def test_feature_by_id(api):
    seeded = seed(api.url)
    officer = api.as_role("officer")
    for cid in ALL:
        fid = seeded.ids[cid][0]
        res = officer.get(f"/ogc/collections/{cid}/items/{fid}")
        assert res.status_code == 200, (cid, res.text)
        assert res.headers["content-type"].startswith("application/geo+json")
        feature = res.json()
        assert feature["type"] == "Feature" and feature["id"] == fid
        rels = {link["rel"] for link in feature["links"]}
        assert {"self", "collection"} <= rels
    is_problem(officer.get(f"/ogc/collections/checks/items/{uuid.uuid4()}"), 404)
    is_problem(officer.get("/ogc/collections/checks/items/inte-ett-id"), 404, "featureId")
    # A record of another collection is not found through this one.
    is_problem(officer.get(f"/ogc/collections/incidents/items/{seeded.ids['checks'][0]}"), 404)


def test_public_sees_completed_measures_only(api):
    seeded = seed(api.url)
    with transaction(api.url) as s:
        proposed = make_measure(s, completed_on=None)
    public = api.public
    assert public.get(f"/ogc/collections/measures/items/{seeded.ids['measures'][0]}").status_code == 200
    is_problem(public.get(f"/ogc/collections/measures/items/{proposed.id}"), 404)
    statuses = {
        f["properties"]["status"]
        for f in public.get("/ogc/collections/measures/items?limit=1000").json()["features"]
    }
    assert statuses == {"COMPLETED"}


# --- the same as /api/v1, and never a planned operation ----------------------------------------


@pytest.mark.parametrize("role", ["public", "planner", "officer"])
def test_features_and_fields_are_those_of_the_rest_api(api, role):
    seeded = seed(api.url)
    client = api.public if role == "public" else api.as_role(role)
    for cid in sorted(READABLE[role]):
        params = {"datetime": interval(seeded.t0), "limit": 1000}
        ogc = client.get(f"/ogc/collections/{cid}/items", params=params).json()
        rest = client.get(f"/api/v1/{cid}", params={**params, "f": "geojson"}).json()
        assert ogc["features"] == rest["features"], cid
        assert ogc["numberMatched"] == rest["numberMatched"], cid
        if cid not in ("zones", "measures"):  # no time / a date: the hour window says nothing
            assert ids_of(ogc) == set(seeded.ids[cid]), cid
        for feature in ogc["features"][:3]:
            single = client.get(f"/ogc/collections/{cid}/items/{feature['id']}").json()
            single.pop("links")
            assert single == feature
    if role != "public":
        (op,) = client.get(
            "/ogc/collections/operations/items", params={"datetime": interval(seeded.t0)}
        ).json()["features"]
        assert ("note" in op["properties"]) is (role == "officer")  # police-only field kept from planners


def test_planned_operation_never_reaches_planner_or_public(api):
    op_id, check_id, start, (lon, lat) = seed_planned(api.url)
    when = start.isoformat().replace("+00:00", "Z")
    items = "/ogc/collections/operations/items"
    # Its owners see it, in the list, by id and in the extent.
    for role in ("officer", "lead"):
        client = api.as_role(role)
        assert op_id in ids_of(client.get(items, params={"datetime": when}).json())
        checks = client.get("/ogc/collections/checks/items", params={"datetime": when}).json()
        assert ids_of(checks) == {check_id}
        assert client.get(f"{items}/{op_id}").status_code == 200
        doc = client.get("/ogc/collections/operations").json()
        ((minx, miny, maxx, maxy),) = doc["extent"]["spatial"]["bbox"]
        assert minx <= lon <= maxx and miny <= lat <= maxy
        assert doc["extent"]["temporal"]["interval"][0][1] >= when
    outsiders = [api.as_role("planner"), api.as_role("admin"), api.user("lead", org="trafikverket")]
    for client in outsiders:
        listed = client.get(items, params={"datetime": when}).json()
        assert listed["numberMatched"] == 0 and listed["features"] == []
        everything = client.get(items, params={"limit": 1000}).json()
        assert op_id not in ids_of(everything)
        is_problem(client.get(f"{items}/{op_id}"), 404)
        doc = client.get("/ogc/collections/operations").json()
        ((minx, miny, maxx, maxy),) = doc["extent"]["spatial"]["bbox"]
        assert not (miny <= lat <= maxy and minx <= lon <= maxx)
        end = doc["extent"]["temporal"]["interval"][0][1]
        assert end is None or end < when
        checks = client.get("/ogc/collections/checks/items", params={"datetime": when}).json()
        assert checks["numberMatched"] == 0
        is_problem(client.get(f"/ogc/collections/checks/items/{check_id}"), 404)
    is_problem(api.public.get(f"{items}/{op_id}"), 404)
    assert "operations" not in {c["id"] for c in api.public.get("/ogc/collections").json()["collections"]}


def test_reads_of_police_records_are_logged(api):
    seeded = seed(api.url)
    officer = api.as_role("officer")
    last = last_event_id(api.url)
    officer.get("/ogc/collections/checks/items", params={"datetime": interval(seeded.t0)})
    officer.get(f"/ogc/collections/presence/items/{seeded.ids['presence'][0]}")
    officer.get("/ogc/collections/measures/items", params={"limit": 5})  # not a police record
    new = read_events_after(api.url, last)
    logged = {(e.entity, e.entity_id or ",".join(sorted(e.after["ids"]))) for e in new}
    assert ("vehicle_checks", ",".join(sorted(seeded.ids["checks"]))) in logged
    assert ("presence_sessions", seeded.ids["presence"][0]) in logged
    assert all(e.entity != "safety_measures" for e in new)
    assert all(e.role == "officer" and e.username.startswith("officer-") for e in new)


def last_event_id(url: str) -> int:
    with transaction(url) as s:
        return s.scalar(select(func.max(AuditEvent.id))) or 0


def read_events_after(url: str, last: int) -> list[AuditEvent]:
    with transaction(url) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.id > last, AuditEvent.action == "read")))


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "15.2,58.3,15.1,58.4", "15,58,16,99", "nan,58,16,59", "15,58,,59"]
)
def test_bad_bbox_is_400_naming_bbox(api, bbox):
    is_problem(api.public.get("/ogc/collections/zones/items", params={"bbox": bbox}), 400, "bbox")


@pytest.mark.parametrize(
    "value",
    [
        "igår",
        "2025-13-01T00:00:00Z",
        "2025-05-16T10:00:00",  # no offset
        "2025-06-01T00:00:00Z/2025-05-01T00:00:00Z",  # ends before it starts
        "/",
        "9999-12-31",  # its end would pass the largest time
        "9999-12-31T23:59:59.999999Z",
    ],
)
def test_bad_datetime_is_400_naming_datetime(api, value):
    is_problem(api.public.get("/ogc/collections/measures/items", params={"datetime": value}), 400, "datetime")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "tio"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": str(10**20)}, "offset"),
        ({"f": "html"}, "f"),
        ({"sortby": "title"}, "sortby"),
        ({"status": "COMPLETED"}, "status"),
    ],
)
def test_bad_or_unknown_parameters_are_400(api, params, field):
    is_problem(api.public.get("/ogc/collections/measures/items", params=params), 400, field)


def test_unknown_parameters_on_other_resources_are_400(api):
    for path in ("/ogc", "/ogc/conformance", "/ogc/collections", "/ogc/collections/zones"):
        is_problem(api.public.get(path, params={"foo": "1"}), 400, "foo")
        assert api.public.get(path, params={"f": "json"}).status_code == 200


def test_unknown_collection_and_invalid_token(api):
    is_problem(api.public.get("/ogc/collections/finns-inte"), 404, "collectionId")
    is_problem(api.public.get("/ogc/collections", headers={"Authorization": "Bearer fel"}), 401)


def test_every_ogc_route_declares_a_permission(api):
    from fastapi.routing import iter_route_contexts

    from api.permissions import Requires

    def requires(dependant) -> bool:  # noqa: ANN001
        return any(isinstance(d.call, Requires) or requires(d) for d in dependant.dependencies)

    routes = [r for r in iter_route_contexts(api.app.routes) if (r.path or "").startswith("/ogc")]
    assert {r.name for r in routes} >= {"ogc_landing", "ogc_conformance", "ogc_collections", "ogc_items"}
    assert all(requires(r.dependant) for r in routes)
