"""Who sees what: no route, list, count, map or export reveals a planned or ongoing operation.

The method: every GET route (found by walking the app, so a new route must be added here) is
read by each outsider (a planner and an admin of the kommun, the public, a lead of another
organisation) *before* and *after* an officer of polisen creates a planned and an ongoing
operation with checks and a tally. Every answer must be the same both times (lists, GeoJSON,
counts, statistics by every grouping, OGC collections, items and extents, the landing page,
the audit trail and its CSV export), and no answer may carry the secret ids, titles or notes.
A single record asked for by its id must answer exactly as a record that never existed.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from api.db import transaction
from tests.api.test_permissions_matrix import app_routes, client_for, new_user, token_for
from tests.builders import point
from traffic.aggregates import GROUPS
from traffic.commitments.service import ensure_promise
from traffic.orgs.service import ensure_organisations
from traffic.zones.service import ensure_default_zones

NOW = datetime.now(UTC).replace(microsecond=0)
OGC_COLLECTIONS = ("operations", "checks", "tallies", "presence", "measures", "incidents", "zones")
RECORD_KINDS = ("operations", "checks", "tallies", "presence", "measures", "incidents", "zones")
VOLATILE = frozenset({"timeStamp", "data_before", "generated_at"})  # the time of the answer, not the data
STATION_BBOX = "15.12,58.31,15.14,58.33"


def _at(days: float) -> str:
    return (NOW + timedelta(days=days)).isoformat()


def _operation(op_id: str, title: str, status: str, **extra: Any) -> dict:
    body = {"id": op_id, "title": title, "focus": "A_TRAKTOR", "status": status, "geometry": point()}
    return {**body, **extra}


def _check(check_id: str, op_id: str, days: float, **extra: Any) -> dict:
    body = {
        "id": check_id,
        "operation_id": op_id,
        "checked_at": _at(days),
        "geometry": point(),
        "vehicle_type": "A_TRAKTOR",
        "outcomes": ["ORDNINGSBOT"],
        "fine_amount_sek": 1000,
    }
    return {**body, **extra}


class Secrets:
    """Confidential operations of polisen with checks and a tally; ids chosen ahead.

    A planned operation (no check yet: the first check starts an operation), one created as
    planned and started by its first check (with a tally), and one created as ongoing.
    """

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:8]
        self.planned_op, self.started_op, self.started_check, self.started_tally = (
            str(uuid.uuid4()) for _ in range(4)
        )
        self.ongoing_op, self.ongoing_check = str(uuid.uuid4()), str(uuid.uuid4())
        self.planned_title = f"HEMLIG planerad insats {tag}"
        self.started_title = f"HEMLIG startad insats {tag}"
        self.ongoing_title = f"HEMLIG pagaende insats {tag}"
        self.note = f"HEMLIG anteckning {tag}"
        self.place = f"Hemlig plats {tag}"

    @property
    def records(self) -> list[tuple[str, str]]:
        """(kind, id) of every secret record."""
        return [
            ("operations", self.planned_op),
            ("operations", self.started_op),
            ("checks", self.started_check),
            ("tallies", self.started_tally),
            ("operations", self.ongoing_op),
            ("checks", self.ongoing_check),
        ]

    @property
    def ids(self) -> list[str]:
        """Every secret id."""
        return [rid for _, rid in self.records]

    @property
    def texts(self) -> list[str]:
        """Every secret text."""
        return [self.planned_title, self.started_title, self.ongoing_title, self.note, self.place]

    def create(self, officer: TestClient) -> None:
        """Create them as ``officer``."""
        planned = {"place_name": self.place, "planned_start": _at(3), "planned_end": _at(3.1)}
        planned["note"] = self.note
        tally = {
            "id": self.started_tally,
            "operation_id": self.started_op,
            "counted_from": _at(-10.1),
            "counted_to": _at(-10),
            "counts": {"UTAN_ANMARKNING": 9, "ORDNINGSBOT": 3},
            "note": self.note,
        }
        ongoing = {"actual_start": _at(-1)}
        posts = [
            ("/api/v1/operations", _operation(self.planned_op, self.planned_title, "PLANNED", **planned)),
            ("/api/v1/operations", _operation(self.started_op, self.started_title, "PLANNED", **planned)),
            ("/api/v1/checks", _check(self.started_check, self.started_op, -10, note=self.note, plate="A1")),
            ("/api/v1/tallies", tally),
            ("/api/v1/operations", _operation(self.ongoing_op, self.ongoing_title, "ONGOING", **ongoing)),
            ("/api/v1/checks", _check(self.ongoing_check, self.ongoing_op, -0.05, note=self.note)),
        ]
        for path, body in posts:
            res = officer.post(path, json=body)
            assert res.status_code == 201, (path, res.text)


def _completed(officer: TestClient, tag: str) -> tuple[str, str]:
    """A completed operation a month ago with one check (note and plate); their ids."""
    op = officer.post(
        "/api/v1/operations",
        json=_operation(
            str(uuid.uuid4()),
            f"Avslutad insats {tag}",
            "COMPLETED",
            actual_start=_at(-30.1),
            actual_end=_at(-30),
            note=f"intern {tag}",
        ),
    )
    assert op.status_code == 201, op.text
    check = officer.post(
        "/api/v1/checks",
        json=_check(str(uuid.uuid4()), op.json()["id"], -30.05, note=f"intern {tag}", plate="XYZ789"),
    )
    assert check.status_code == 201, check.text
    return op.json()["id"], check.json()["id"]


# ---------------------------------------------------------------------------------------------
# The URLs every GET route is read through


def _urls(path: str, secrets: Secrets, officer_name: str) -> list[str]:
    parts = path.split("/")
    if "{" in path and path.startswith("/api/v1/") and len(parts) == 5 and parts[3] in RECORD_KINDS:
        return []  # single records: see _single_urls
    if path == "/ogc/collections/{collectionId}/items/{featureId}":
        return []
    if path.startswith("/falt"):
        return [] if "{" in path else [path]  # the field app: its shell holds vocabularies, no records
    if path in ("/static/dashboard/{path:path}", "/dashboard/measures/{measure_id}"):
        return []  # the dashboard's files, and one measure (measures hold no police records)
    if path.startswith("/dashboard/") or path == "/login":
        return [path, f"{path}?period={NOW.year}", f"{path}?focus=A_TRAKTOR&lang=en"]
    if path in ("/static/vendor/{path:path}", "/static/swagger/{name}", "/docs"):
        return []  # the maps' and the API docs' scripts and styles: files, no data
    if path.startswith("/maps/") and "{" not in path:
        return [path, f"{path}?period={NOW.year}", f"{path}?focus=A_TRAKTOR&lang=en"]
    if path in ("/", "/healthz", "/ogc", "/ogc/", "/ogc/conformance", "/ogc/collections"):
        return (
            [path, f"{path}?lang=en", f"{path}?period={NOW.year}&focus=A_TRAKTOR"] if path == "/" else [path]
        )
    if path == "/ogc/collections/{collectionId}":
        return [f"/ogc/collections/{c}" for c in OGC_COLLECTIONS]
    if path == "/ogc/collections/{collectionId}/items":
        return [f"/ogc/collections/{c}/items?limit=1000" for c in OGC_COLLECTIONS] + [
            f"/ogc/collections/{c}/items?limit=1000&bbox={STATION_BBOX}" for c in ("operations", "checks")
        ]
    if path in ("/reports/{period}", "/reports/{period}/public"):
        urls = [path.replace("{period}", p) for p in (str(NOW.year), f"{NOW.year}H{1 + (NOW.month > 6)}")]
        return [f"{u}?format={f}" for u in urls for f in ("json", "html")]
    if path == "/api/v1/audit":
        by_id = [f"{path}?entity_id={i}" for i in secrets.ids]
        return [f"{path}?limit=1000", f"{path}?f=csv", f"{path}?user={officer_name}", *by_id]
    if path in ("/api/v1/auth/me", "/api/v1/commitments"):
        return [path]
    if path == "/api/v1/commitments/{code}":
        return ["/api/v1/commitments/trafik_insatser"]
    if path.startswith("/api/v1/stats/"):
        kind = path.rsplit("/", 1)[1]
        urls = [f"{path}?group_by={g}" for g in GROUPS[kind]]
        urls += [f"{path}?group_by={GROUPS[kind][0]}&focus=A_TRAKTOR", f"{path}?bbox={STATION_BBOX}"]
        if kind == "checks":
            urls += [f"{path}?operation_id={secrets.started_op}", f"{path}?period={NOW.year}"]
        return urls
    kind = path.rsplit("/", 1)[1]
    if path == f"/api/v1/{kind}" and kind in RECORD_KINDS:
        urls = [f"{path}?limit=1000", f"{path}?limit=1000&f=geojson"]
        if kind in ("checks", "tallies"):
            urls += [f"{path}?operation_id={secrets.started_op}", f"{path}?operation_id={secrets.ongoing_op}"]
        if kind in ("operations", "checks"):
            urls += [f"{path}?limit=1000&bbox={STATION_BBOX}", f"{path}?limit=1000&status=PLANNED"]
        return urls
    raise AssertionError(f"add the GET route {path} to test_visibility._urls")


def _single_urls(secrets: Secrets) -> list[tuple[str, str]]:
    """(url of a secret record, its id) through REST and OGC."""
    out = [(f"/api/v1/{kind}/{rid}", rid) for kind, rid in secrets.records]
    out += [(f"/ogc/collections/{kind}/items/{rid}", rid) for kind, rid in secrets.records]
    return out


def _normal(url: str, res: Any, observers: frozenset[str]) -> Any:
    """The answer, minus what changes with the clock or with the observers' own logged reads."""
    ctype = res.headers.get("content-type", "")
    if res.status_code == 200 and url.startswith("/api/v1/audit"):
        if "csv" in ctype:
            rows = list(csv.reader(io.StringIO(res.text.lstrip("\ufeff"))))
            user = rows[0].index("username")
            return sorted(int(r[0]) for r in rows[1:] if r[user] not in observers)
        return sorted(e["id"] for e in res.json()["items"] if e["username"] not in observers)
    if "json" in ctype:
        return res.status_code, _drop_volatile(res.json())
    return res.status_code, res.text


def _drop_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_drop_volatile(v) for v in value]
    return value


def _read_all(client: TestClient, urls: list[str], observers: frozenset[str]) -> dict[str, Any]:
    out = {}
    for url in urls:
        res = client.get(url)
        assert res.status_code < 500, (url, res.text)
        out[url] = (_normal(url, res, observers), res.text)
    return out


def test_planned_and_ongoing_operations_reveal_nothing_to_outsiders(api):
    with transaction(api.url) as session:
        ensure_default_zones(session, org_id=ensure_organisations(session)["polisen"].id)
        ensure_promise(session)
    officer, lead = api.as_role("officer"), api.as_role("lead")
    officer_name = officer.get("/api/v1/auth/me").json()["username"]
    done_op, done_check = _completed(officer, uuid.uuid4().hex[:8])
    other_lead = new_user(api.url, "lead", "trafikverket")
    observers = {
        "planner": (api.as_role("planner"), api.as_role("planner").get("/api/v1/auth/me").json()["username"]),
        "admin": (api.as_role("admin"), api.as_role("admin").get("/api/v1/auth/me").json()["username"]),
        "public": (api.public, "anonymous"),
        "lead of trafikverket": (client_for(api.app, token_for(api.url, other_lead)), other_lead),
    }
    secrets = Secrets()
    routes, _ = app_routes(api.app)
    gets = [r.path for r in routes if r.method == "GET"]
    urls = [u for path in gets for u in _urls(path, secrets, officer_name)]
    # Reads of police records are logged: the observers' own reads may show in the audit trail.
    names = frozenset(me for _, me in observers.values())
    before = {name: _read_all(client, urls, names) for name, (client, _) in observers.items()}

    secrets.create(officer)

    # The owning police see them (so the reads above could have shown them).
    for owner in (officer, lead):
        assert owner.get(f"/api/v1/operations/{secrets.planned_op}").status_code == 200
        listed = owner.get("/api/v1/operations", params={"limit": 1000, "status": "PLANNED"}).text
        assert secrets.planned_title in listed
        assert owner.get(f"/api/v1/checks/{secrets.ongoing_check}").json()["note"] == secrets.note
        assert owner.get(f"/ogc/collections/checks/items/{secrets.started_check}").status_code == 200
    # ... and the outsiders' reads do reach records: the completed operation and its check.
    planner = observers["planner"][0]
    assert planner.get(f"/api/v1/operations/{done_op}").status_code == 200
    assert done_check in planner.get("/api/v1/checks", params={"limit": 1000}).text

    leaks = []
    for name, (client, _) in observers.items():
        after = _read_all(client, urls, names)
        for url in urls:
            (was, _), (now, text) = before[name][url], after[url]
            if was != now:
                leaks.append(f"{name}: GET {url} changed:\n  before {str(was)[:300]}\n  now {str(now)[:300]}")
            found = [s for s in secrets.texts + secrets.ids if s in text and s not in url]
            if found:
                leaks.append(f"{name}: GET {url} shows {found}")
        for url, rid in _single_urls(secrets):
            never = str(uuid.uuid4())
            got, control = client.get(url), client.get(url.replace(rid, never))
            if got.status_code != control.status_code or got.text.replace(rid, never) != control.text:
                said = f"{got.status_code} {got.text[:200]}"
                leaks.append(f"{name}: GET {url} is not answered as a missing record: {said}")
    assert not leaks, "\n".join(leaks)


def _keys(page: dict) -> set[str]:
    items = page.get("items") or [f["properties"] for f in page.get("features", [])]
    return {k for item in items for k in item}


def test_planner_never_receives_notes_or_pseudonyms_of_checks(api):
    officer, planner = api.as_role("officer"), api.as_role("planner")
    tag = uuid.uuid4().hex[:8]
    _, check = _completed(officer, tag)
    assert officer.get(f"/api/v1/checks/{check}").json()["vehicle_pseudonym"]  # the insider gets it
    one = planner.get(f"/api/v1/checks/{check}")
    assert one.status_code == 200
    pages = [
        planner.get("/api/v1/checks", params={"limit": 1000}).json(),
        planner.get("/api/v1/checks", params={"limit": 1000, "f": "geojson"}).json(),
        planner.get("/ogc/collections/checks/items", params={"limit": 1000}).json(),
        {"items": [one.json()]},
        {"features": [planner.get(f"/ogc/collections/checks/items/{check}").json()]},
    ]
    for page in pages:
        keys = _keys(page)
        assert {"note", "vehicle_pseudonym"}.isdisjoint(keys), keys
        assert f"intern {tag}" not in str(page)
    ops = planner.get("/api/v1/operations", params={"limit": 1000}).json()
    assert {"note", "officer_ids"}.isdisjoint(_keys(ops))


def test_public_gets_completed_measures_only(api):
    planner = api.as_role("planner")
    tag = uuid.uuid4().hex[:8]
    base = {"kind": "SPEED_HUMP", "geometry": point(15.1335, 58.3235)}
    done = planner.post(
        "/api/v1/measures",
        json={**base, "title": f"Klar {tag}", "status": "COMPLETED", "completed_on": "2025-04-01"},
    ).json()["id"]
    proposed = planner.post("/api/v1/measures", json={**base, "title": f"Förslag {tag}"}).json()["id"]
    public = api.public
    for url in ("/api/v1/measures?limit=1000", "/api/v1/measures?limit=1000&f=geojson"):
        page = public.get(url).json()
        items = page.get("items") or [f["properties"] for f in page["features"]]
        assert {m["status"] for m in items} == {"COMPLETED"}
        assert done in public.get(url).text and proposed not in public.get(url).text
    ogc = public.get("/ogc/collections/measures/items", params={"limit": 1000}).json()
    assert {f["properties"]["status"] for f in ogc["features"]} == {"COMPLETED"}
    assert public.get(f"/api/v1/measures/{proposed}").status_code == 404
    assert public.get(f"/ogc/collections/measures/items/{proposed}").status_code == 404
    stats = public.get("/api/v1/stats/measures", params={"group_by": "status"}).json()
    assert {g["key"] for g in stats["groups"]} == {"COMPLETED"}
    assert public.get(f"/api/v1/measures/{done}").status_code == 200
    for path in ("/api/v1/operations", "/api/v1/checks", "/api/v1/incidents", "/api/v1/presence"):
        assert public.get(path).status_code == 401
    assert re.search(r"Kontrollerade fordon", public.get("/").text) is None
