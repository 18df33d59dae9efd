"""Every route declares its permission, and a role × route matrix proves the table holds.

* ``test_every_route_declares_a_permission`` walks every route of the app (into FastAPI's
  included routers, the OGC router too) and fails, listing them, for routes without a
  :class:`~api.permissions.Requires` dependency anywhere in their dependency tree.
* ``test_role_route_matrix`` calls every route as every role with a well-formed request and
  checks the status against the route's permission in ``PERMISSIONS``: 401 for the public and
  403 for signed-in roles without it; a 2xx for roles with it.
* ``CRITICAL`` spells out, independently of ``PERMISSIONS``, what must hold for the
  security-critical routes, so a careless change of the table itself fails too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, _IncludedRouter
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.auth.tokens import issue_token
from api.db import transaction
from api.permissions import PERMISSIONS, ROLES, Requires
from api.settings import Settings
from tests.builders import point
from traffic.commitments.service import ensure_promise
from traffic.orgs.models import User
from traffic.orgs.service import add_user, ensure_organisations
from traffic.zones.service import ensure_default_zones

# FastAPI's own documentation routes: plain Starlette routes that cannot carry a dependency.
DOCS_ROUTES = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})
PASSWORD = "matrisens-langa-losenord"
ROLE_ORGS = {"officer": "polisen", "lead": "polisen", "planner": "mjolby_kommun", "admin": "mjolby_kommun"}

# Every route's permission, pinned: changing one (or adding a route) is a decision made here too.
ROUTE_PERMISSIONS: dict[tuple[str, str], str] = {
    ("GET", "/"): "public",
    ("GET", "/api/v1/audit"): "audit:read",
    ("POST", "/api/v1/auth/login"): "public",
    ("POST", "/api/v1/auth/logout"): "account",
    ("GET", "/api/v1/auth/me"): "account",
    ("POST", "/api/v1/auth/tokens"): "tokens:write",
    ("POST", "/api/v1/bulk"): "account",
    ("GET", "/api/v1/checks"): "checks:read",
    ("POST", "/api/v1/checks"): "checks:write",
    ("DELETE", "/api/v1/checks/{check_id}"): "checks:write",
    ("GET", "/api/v1/checks/{check_id}"): "checks:read",
    ("PATCH", "/api/v1/checks/{check_id}"): "checks:write",
    ("GET", "/api/v1/commitments"): "commitments:read",
    ("PUT", "/api/v1/commitments/indicators/{code}/values/{period}"): "commitments:write",
    ("GET", "/api/v1/commitments/{code}"): "commitments:read",
    ("GET", "/api/v1/incidents"): "incidents:read",
    ("POST", "/api/v1/incidents"): "incidents:write",
    ("DELETE", "/api/v1/incidents/{incident_id}"): "incidents:write",
    ("GET", "/api/v1/incidents/{incident_id}"): "incidents:read",
    ("PATCH", "/api/v1/incidents/{incident_id}"): "incidents:write",
    ("GET", "/api/v1/measures"): "measures:read",
    ("POST", "/api/v1/measures"): "measures:write",
    ("DELETE", "/api/v1/measures/{measure_id}"): "measures:write",
    ("GET", "/api/v1/measures/{measure_id}"): "measures:read",
    ("PATCH", "/api/v1/measures/{measure_id}"): "measures:write",
    ("GET", "/api/v1/operations"): "operations:read",
    ("POST", "/api/v1/operations"): "operations:write",
    ("DELETE", "/api/v1/operations/{operation_id}"): "operations:write",
    ("GET", "/api/v1/operations/{operation_id}"): "operations:read",
    ("PATCH", "/api/v1/operations/{operation_id}"): "operations:write",
    ("GET", "/api/v1/presence"): "presence:read",
    ("POST", "/api/v1/presence"): "presence:write",
    ("DELETE", "/api/v1/presence/{presence_id}"): "presence:write",
    ("GET", "/api/v1/presence/{presence_id}"): "presence:read",
    ("POST", "/api/v1/presence/{presence_id}/checkout"): "presence:write",
    ("GET", "/api/v1/stats/checks"): "stats:read",
    ("GET", "/api/v1/stats/incidents"): "stats:read",
    ("GET", "/api/v1/stats/measures"): "stats:read",
    ("GET", "/api/v1/stats/operations"): "stats:read",
    ("GET", "/api/v1/tallies"): "tallies:read",
    ("POST", "/api/v1/tallies"): "tallies:write",
    ("DELETE", "/api/v1/tallies/{tally_id}"): "tallies:write",
    ("GET", "/api/v1/tallies/{tally_id}"): "tallies:read",
    ("GET", "/api/v1/zones"): "zones:read",
    ("POST", "/api/v1/zones"): "zones:write",
    ("DELETE", "/api/v1/zones/{zone_id}"): "zones:write",
    ("GET", "/api/v1/zones/{zone_id}"): "zones:read",
    ("GET", "/healthz"): "public",
    ("GET", "/maps/gaps"): "checks:read",
    ("GET", "/maps/heatmap"): "stats:read",
    ("GET", "/maps/hotspots"): "stats:read",
    ("GET", "/maps/measures"): "measures:read",
    ("GET", "/maps/overview"): "public",
    ("GET", "/maps/presence"): "presence:read",
    ("GET", "/ogc"): "public",
    ("GET", "/ogc/"): "public",
    ("GET", "/ogc/collections"): "public",
    ("GET", "/ogc/collections/{collectionId}"): "public",
    ("GET", "/ogc/collections/{collectionId}/items"): "public",
    ("GET", "/ogc/collections/{collectionId}/items/{featureId}"): "public",
    ("GET", "/ogc/conformance"): "public",
    ("GET", "/reports/{period}"): "reports:read",
    ("GET", "/reports/{period}/public"): "reports:public",
    ("GET", "/static/vendor/{path:path}"): "public",
    # the field app (api.fieldapp): shell, manifest, service worker and files, no records
    ("GET", "/falt"): "public",
    ("GET", "/falt/manifest.webmanifest"): "public",
    ("GET", "/falt/static/{name}"): "public",
    ("GET", "/falt/sw.js"): "public",
    # the dashboard (api.dashboard)
    ("GET", "/login"): "public",
    ("GET", "/dashboard/measures"): "measures:write",
    ("GET", "/dashboard/measures/new"): "measures:write",
    ("GET", "/dashboard/measures/{measure_id}"): "measures:write",
    ("GET", "/dashboard/incidents"): "incidents:read",
    ("GET", "/dashboard/reports"): "account",
    ("GET", "/static/dashboard/{path:path}"): "public",
    ("POST", "/api/v1/imports/incidents"): "incidents:write",
    ("GET", "/docs"): "public",
    ("GET", "/static/swagger/{name}"): "public",
}

# What must hold whatever PERMISSIONS says: (method, path) → role → status.
CRITICAL: dict[tuple[str, str], dict[str, int]] = {
    ("POST", "/api/v1/checks"): {"planner": 403, "admin": 403, "public": 401},
    ("POST", "/api/v1/operations"): {"planner": 403, "admin": 403, "public": 401},
    ("POST", "/api/v1/tallies"): {"planner": 403, "admin": 403, "public": 401},
    ("POST", "/api/v1/presence"): {"planner": 403, "admin": 403, "public": 401},
    ("GET", "/api/v1/operations"): {"public": 401},
    ("GET", "/api/v1/checks"): {"public": 401},
    ("GET", "/api/v1/tallies"): {"public": 401},
    ("GET", "/api/v1/presence"): {"public": 401, "planner": 403},
    ("GET", "/api/v1/incidents"): {"public": 401},
    ("GET", "/api/v1/audit"): {"public": 401, "officer": 403, "planner": 403, "lead": 200, "admin": 200},
    ("POST", "/api/v1/zones"): {"officer": 403, "lead": 403, "planner": 403, "public": 401},
    ("POST", "/api/v1/measures"): {"officer": 403, "public": 401},
    ("PUT", "/api/v1/commitments/indicators/{code}/values/{period}"): {
        "officer": 403,
        "planner": 403,
        "public": 401,
    },
    ("POST", "/api/v1/auth/tokens"): {"public": 401},
    ("GET", "/api/v1/measures"): {"public": 200},
    ("GET", "/api/v1/stats/checks"): {"public": 200},
    ("GET", "/api/v1/zones"): {"public": 200},
}


# ---------------------------------------------------------------------------------------------
# Walking the app's routes (shared with test_visibility)


@dataclass(frozen=True)
class RouteInfo:
    """One method of one route, with the permissions its dependency tree declares."""

    method: str
    path: str
    permissions: frozenset[str]
    in_schema: bool

    @property
    def key(self) -> tuple[str, str]:
        """``(method, path)``."""
        return self.method, self.path


def _walk(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        if isinstance(route, _IncludedRouter):
            yield from _walk(route.effective_candidates())
            yield from route.effective_low_priority_routes()
        else:
            yield route


def _declared(dependant: Any) -> frozenset[str]:
    found: set[str] = set()
    stack = [dependant]
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Requires):
            found.add(dep.call.permission)
        stack.extend(dep.dependencies)
    return frozenset(found)


def app_routes(app: FastAPI) -> tuple[list[RouteInfo], list[str]]:
    """Every API route method of ``app`` and the paths of any other kind of route."""
    api_routes: dict[tuple[str, str], RouteInfo] = {}
    others: list[str] = []
    for route in _walk(app.routes):
        original = getattr(route, "original_route", route)
        path = getattr(route, "path", None) or getattr(original, "path", repr(route))
        if not isinstance(original, APIRoute):
            if path not in DOCS_ROUTES:
                others.append(f"{type(original).__name__} {path}")
            continue
        dependant = getattr(route, "dependant", None) or original.dependant
        for method in sorted(getattr(route, "methods", None) or original.methods):
            info = RouteInfo(method, path, _declared(dependant), bool(route.include_in_schema))
            api_routes[info.key] = info
    return sorted(api_routes.values(), key=lambda r: (r.path, r.method)), others


def _plain_app() -> FastAPI:
    return create_app(Settings(database_url="sqlite://", pseudonym_secret="matrix"))


def test_every_route_declares_a_permission():
    routes, others = app_routes(_plain_app())
    assert len(routes) > 40  # the walk reached into the included routers
    missing = [f"{r.method} {r.path}" for r in routes if not r.permissions]
    ambiguous = [f"{r.method} {r.path}: {sorted(r.permissions)}" for r in routes if len(r.permissions) > 1]
    assert not missing, f"routes without a Requires(...) permission: {missing}"
    assert not ambiguous, f"routes with more than one permission: {ambiguous}"
    assert not others, f"routes that cannot declare a permission (not an APIRoute): {others}"
    assert {r.path for r in routes} >= {"/healthz", "/api/v1/audit", "/ogc/collections"}


def test_the_walk_finds_a_route_without_permission():
    app = _plain_app()

    @app.get("/unguarded")
    def unguarded() -> dict:
        """A route that forgot its permission."""
        return {}

    routes, _ = app_routes(app)
    assert next(r for r in routes if r.path == "/unguarded").permissions == frozenset()


def test_route_permissions_are_pinned():
    routes, _ = app_routes(_plain_app())
    declared = {r.key: next(iter(r.permissions), None) for r in routes}
    pinned = ROUTE_PERMISSIONS
    changed = [f"{k}: {declared.get(k)!r}, pinned {v!r}" for k, v in pinned.items() if declared.get(k) != v]
    new = [f'("{m}", "{p}"): "{perm}",' for (m, p), perm in declared.items() if (m, p) not in pinned]
    assert not changed, "permissions changed or routes gone; update ROUTE_PERMISSIONS:\n" + "\n".join(changed)
    assert not new, "new routes: pin their permission in ROUTE_PERMISSIONS:\n" + "\n".join(new)


def expected_status_class(role: str, permission: str) -> int:
    """401 / 403 when ``role`` lacks ``permission``, else 2 (any 2xx)."""
    if role in PERMISSIONS[permission]:
        return 2
    return 401 if role == "public" else 403


def test_critical_expectations_agree_with_the_permission_table():
    routes = {r.key: r for r in app_routes(_plain_app())[0]}
    wrong = []
    for key, by_role in CRITICAL.items():
        assert key in routes, f"{key} is no longer a route; update CRITICAL"
        (permission,) = routes[key].permissions
        for role, status in by_role.items():
            derived = expected_status_class(role, permission)
            if derived != (2 if 200 <= status < 300 else status):
                wrong.append(f"{key} {role}: PERMISSIONS gives {derived}, must be {status}")
    assert not wrong, wrong


# ---------------------------------------------------------------------------------------------
# Signed-in clients without the login route (its per-client rate limit is shared by all tests)


def new_user(url: str, role: str, org: str) -> str:
    """A new user of ``role`` in ``org``; the username."""
    username = f"{role}-{uuid.uuid4().hex[:10]}"
    with transaction(url) as session:
        ensure_organisations(session)
        add_user(session, username=username, role=role, org_code=org, password=PASSWORD)
    return username


def token_for(url: str, username: str) -> str:
    """A fresh session token of ``username``."""
    with transaction(url) as session:
        user = session.scalar(select(User).where(User.username == username))
        raw, _ = issue_token(session, user)
        return raw


def client_for(app: Any, token: str | None, host: str = "matrix") -> TestClient:
    """A client with a bearer token (none: the public), calling from ``host``.

    A host of its own keeps its logins out of the per-client login rate limit of other tests.
    """
    client = TestClient(app, client=(host, 50000))
    if token:
        client.headers["Authorization"] = f"Bearer {token}"
    return client


# ---------------------------------------------------------------------------------------------
# Well-formed requests for every route


NOW = datetime.now(UTC).replace(microsecond=0)
OP = {"title": "Matris A-traktor", "focus": "A_TRAKTOR", "geometry": point()}
DONE_OP = {
    **OP,
    "title": "Matris avslutad",
    "status": "COMPLETED",
    "actual_start": (NOW - timedelta(days=30, hours=2)).isoformat(),
    "actual_end": (NOW - timedelta(days=30)).isoformat(),
}
MEASURE = {"title": "Matris gupp", "kind": "SPEED_HUMP", "geometry": point(15.1335, 58.3235)}
INCIDENT = {
    "kind": "NEAR_MISS",
    "occurred_at": "2025-05-16T21:40:00+02:00",
    "geometry": point(15.1302, 58.3236),
    "source": "POLICE",
}


INCIDENT_FILE = {  # a GeoJSON file of one incident, for the import route
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "geometry": INCIDENT["geometry"],
            "properties": {k: INCIDENT[k] for k in ("kind", "occurred_at", "source")},
        }
    ],
}


def check_body(operation_id: str) -> dict:
    """A check without remark."""
    return {
        "operation_id": operation_id,
        "checked_at": (NOW - timedelta(days=30, hours=1)).isoformat(),
        "geometry": point(),
        "vehicle_type": "CAR",
    }


def tally_body(operation_id: str) -> dict:
    """A tally of seven vehicles."""
    return {
        "operation_id": operation_id,
        "counted_from": (NOW - timedelta(days=30, hours=2)).isoformat(),
        "counted_to": (NOW - timedelta(days=30, hours=1)).isoformat(),
        "counts": {"UTAN_ANMARKNING": 7},
    }


def zone_body() -> dict:
    """A small square zone with a unique code."""
    lon, lat, d = 15.1465, 58.3301, 0.001
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    ring.append(ring[0])
    return {
        "code": f"matris_{uuid.uuid4().hex[:8]}",
        "name": "Matriszon",
        "kind": "SCHOOL",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


_USERS: dict[str, dict[str, str]] = {}


class World:
    """Records for the matrix, created through the API by whoever may create them."""

    def __init__(self, app: Any, url: str) -> None:
        self.app, self.url = app, url
        with transaction(url) as session:
            orgs = ensure_organisations(session)
            ensure_default_zones(session, org_id=orgs["polisen"].id)
            ensure_promise(session)
        if url not in _USERS:  # argon2 hashing is slow on purpose: one user per role and database
            _USERS[url] = {role: new_user(url, role, org) for role, org in ROLE_ORGS.items()}
        self.users = _USERS[url]
        self.clients = {role: client_for(app, token_for(url, name)) for role, name in self.users.items()}
        self.clients["public"] = client_for(app, None)
        self.zone_id = self._post("/api/v1/zones", "admin", zone_body())
        self.done_op = self._post("/api/v1/operations", "officer", DONE_OP)
        self.done_check = self._post("/api/v1/checks", "officer", check_body(self.done_op))
        self.done_tally = self._post("/api/v1/tallies", "officer", tally_body(self.done_op))
        completed = {**MEASURE, "status": "COMPLETED", "completed_on": "2025-04-01"}
        self.done_measure = self._post("/api/v1/measures", "planner", completed)
        self.incident = self._post("/api/v1/incidents", "planner", INCIDENT)

    def _post(self, path: str, role: str, body: dict) -> str:
        res = self.clients[role].post(path, json=body)
        assert res.status_code == 201, (path, role, res.text)
        return res.json()["id"]

    def presence_body(self) -> dict:
        """An open zone check-in at resecentrum."""
        return {
            "unit": "Patrull 2110",
            "mode": "FOOT",
            "kind": "ZONE_CHECKIN",
            "zone_id": self.zone_id,
            "start_at": (NOW - timedelta(hours=1)).isoformat(),
        }

    def own(self, kind: str, role: str) -> str:
        """A fresh record of ``kind`` that ``role`` may change (made by ``role`` when allowed)."""
        writer = role if role in PERMISSIONS[f"{kind}:write"] else _some_writer(kind)
        if kind == "operations":
            return self._post("/api/v1/operations", writer, OP)
        if kind in ("checks", "tallies"):
            op = self._post("/api/v1/operations", writer, OP)
            body = check_body(op) if kind == "checks" else tally_body(op)
            return self._post(f"/api/v1/{kind}", writer, body)
        if kind == "presence":
            return self._post("/api/v1/presence", writer, self.presence_body())
        if kind == "measures":
            return self._post("/api/v1/measures", writer, MEASURE)
        if kind == "incidents":
            return self._post("/api/v1/incidents", writer, INCIDENT)
        if kind == "zones":
            return self._post("/api/v1/zones", writer, zone_body())
        raise AssertionError(kind)

    def readable(self, kind: str) -> str:
        """A record of ``kind`` every role that may read the kind sees."""
        return {
            "operations": self.done_op,
            "checks": self.done_check,
            "tallies": self.done_tally,
            "measures": self.done_measure,
            "incidents": self.incident,
            "zones": self.zone_id,
        }[kind]


def _some_writer(kind: str) -> str:
    return next(r for r in ("officer", "planner", "admin", "lead") if r in PERMISSIONS[f"{kind}:write"])


@dataclass
class Call:
    """One request: path with parameters filled in, JSON body, extra headers."""

    path: str
    body: dict | None = None
    headers: dict[str, str] | None = None
    absent: bool = False  # no record the role may see exists: 404 instead of 2xx


RECORD_PARAMS = {
    "operation_id": "operations",
    "check_id": "checks",
    "tally_id": "tallies",
    "presence_id": "presence",
    "measure_id": "measures",
    "incident_id": "incidents",
    "zone_id": "zones",
}
Builder = Callable[[World, str], Call]


def _record_route(template: str, method: str) -> Builder:
    param = re.search(r"\{(\w+)\}", template).group(1)  # type: ignore[union-attr]
    kind = RECORD_PARAMS[param]

    def build(world: World, role: str) -> Call:
        write = method != "GET"
        absent = False
        if write:
            record = world.own(kind, role)
        elif kind == "presence":  # tactical: only the police of the owning organisation see any
            absent = role not in ("officer", "lead")
            record = world.own("presence", role) if not absent else str(uuid.uuid4())
        else:
            record = world.readable(kind)
        body = {
            ("PATCH", "operations"): {"title": "Matris ändrad"},
            ("PATCH", "checks"): {"passengers": 1},
            ("PATCH", "measures"): {"cost_sek": 1000},
            ("PATCH", "incidents"): {"severity": "LIGHT"},
        }.get((method, kind))
        return Call(template.replace("{" + param + "}", record), body, absent=absent)

    return build


def _create(kind: str) -> Builder:
    def build(world: World, role: str) -> Call:
        writer_role = role if role in PERMISSIONS[f"{kind}:write"] else _some_writer(kind)
        if kind in ("checks", "tallies"):
            op = world.own("operations", writer_role)
            return Call(f"/api/v1/{kind}", check_body(op) if kind == "checks" else tally_body(op))
        body = {
            "operations": OP,
            "presence": world.presence_body(),
            "measures": MEASURE,
            "incidents": INCIDENT,
            "zones": zone_body(),
        }[kind]
        return Call(f"/api/v1/{kind}", body)

    return build


def _static(path: str, body: dict | None = None) -> Builder:
    return lambda _world, _role: Call(path, body)


def _login(world: World, role: str) -> Call:
    return Call("/api/v1/auth/login", {"username": world.users["planner"], "password": PASSWORD})


def _logout(world: World, role: str) -> Call:
    # A token of its own: logging out revokes the token in use.
    token = token_for(world.url, world.users[role]) if role != "public" else None
    return Call("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"} if token else None)


def _feature(world: World, role: str) -> Call:
    return Call(f"/ogc/collections/zones/items/{world.zone_id}")


def _builders() -> dict[tuple[str, str], Builder]:
    out: dict[tuple[str, str], Builder] = {
        ("GET", "/"): _static("/"),
        ("GET", "/healthz"): _static("/healthz"),
        ("GET", "/ogc"): _static("/ogc"),
        ("GET", "/ogc/"): _static("/ogc/"),
        ("GET", "/ogc/conformance"): _static("/ogc/conformance"),
        ("GET", "/ogc/collections"): _static("/ogc/collections"),
        ("GET", "/ogc/collections/{collectionId}"): _static("/ogc/collections/zones"),
        ("GET", "/ogc/collections/{collectionId}/items"): _static("/ogc/collections/zones/items"),
        ("GET", "/ogc/collections/{collectionId}/items/{featureId}"): _feature,
        ("GET", "/static/vendor/{path:path}"): _static("/static/vendor/MANIFEST.json"),
        ("GET", "/falt"): _static("/falt"),
        ("GET", "/falt/manifest.webmanifest"): _static("/falt/manifest.webmanifest"),
        ("GET", "/falt/static/{name}"): _static("/falt/static/app.js"),
        ("GET", "/falt/sw.js"): _static("/falt/sw.js"),
        ("GET", "/login"): _static("/login"),
        ("GET", "/dashboard/measures"): _static("/dashboard/measures"),
        ("GET", "/dashboard/measures/new"): _static("/dashboard/measures/new"),
        ("GET", "/dashboard/measures/{measure_id}"): lambda w, _r: Call(
            f"/dashboard/measures/{w.done_measure}"
        ),
        ("GET", "/dashboard/incidents"): _static("/dashboard/incidents"),
        ("GET", "/dashboard/reports"): _static("/dashboard/reports"),
        ("GET", "/static/dashboard/{path:path}"): _static("/static/dashboard/dashboard.css"),
        ("POST", "/api/v1/imports/incidents"): _static(
            "/api/v1/imports/incidents?filename=m.geojson", INCIDENT_FILE
        ),
        ("GET", "/docs"): _static("/docs"),
        ("GET", "/static/swagger/{name}"): _static("/static/swagger/swagger-ui.css"),
        ("GET", "/api/v1/audit"): _static("/api/v1/audit"),
        ("GET", "/reports/{period}"): _static("/reports/2025H1?format=json"),
        ("GET", "/reports/{period}/public"): _static("/reports/2025H1/public?format=json"),
        ("POST", "/api/v1/auth/login"): _login,
        ("POST", "/api/v1/auth/logout"): _logout,
        ("GET", "/api/v1/auth/me"): _static("/api/v1/auth/me"),
        ("POST", "/api/v1/auth/tokens"): _static("/api/v1/auth/tokens", {"name": "QGIS", "days": 1}),
        ("POST", "/api/v1/bulk"): _static("/api/v1/bulk", {"entries": []}),
        ("GET", "/api/v1/commitments"): _static("/api/v1/commitments"),
        ("GET", "/api/v1/commitments/{code}"): _static("/api/v1/commitments/bedrageri_traffar"),
        ("PUT", "/api/v1/commitments/indicators/{code}/values/{period}"): _static(
            "/api/v1/commitments/indicators/fraud_meetings/values/2024H2", {"value": 2}
        ),
    }
    for kind in ("stats/checks", "stats/operations", "stats/incidents", "stats/measures"):
        out[("GET", f"/api/v1/{kind}")] = _static(f"/api/v1/{kind}")
    for kind, param in {v: k for k, v in RECORD_PARAMS.items()}.items():
        base = f"/api/v1/{kind}"
        out[("GET", base)] = _static(base)
        out[("POST", base)] = _create(kind)
        one = f"{base}/{{{param}}}"
        for method in ("GET", "PATCH", "DELETE"):
            out[(method, one)] = _record_route(one, method)
    out[("POST", "/api/v1/presence/{presence_id}/checkout")] = _record_route(
        "/api/v1/presence/{presence_id}/checkout", "POST"
    )
    return out


BUILDERS = _builders()


def builder_for(route: RouteInfo) -> Builder | None:
    """The request for ``route``; map pages (GET, no path parameters) need no entry of their own."""
    if route.key in BUILDERS:
        return BUILDERS[route.key]
    if route.method == "GET" and route.path.startswith("/maps/") and "{" not in route.path:
        return _static(route.path)
    return None


@pytest.mark.parametrize("role", ROLES)
def test_role_route_matrix(api, role):
    world = World(api.app, api.url)
    client = world.clients[role]
    routes, _ = app_routes(api.app)
    unknown = [f"{r.method} {r.path}" for r in routes if builder_for(r) is None]
    assert not unknown, f"add a well-formed request for these routes to BUILDERS: {unknown}"
    wrong = []
    for route in routes:
        (permission,) = route.permissions
        call = builder_for(route)(world, role)  # type: ignore[misc]
        res = client.request(route.method, call.path, json=call.body, headers=call.headers)
        client.cookies.clear()  # the login route sets a session cookie: keep the role's own credential
        expected = expected_status_class(role, permission)
        if expected == 2 and call.absent:
            expected = 404
        got = 2 if 200 <= res.status_code < 300 else res.status_code
        critical = CRITICAL.get(route.key, {}).get(role)
        said = f"{route.method} {call.path} ({permission}) as {role}: {res.status_code} {res.text[:200]}"
        if critical is not None and got != (2 if 200 <= critical < 300 else critical):
            wrong.append(f"CRITICAL, must be {critical}: {said}")
        if got != expected:
            wrong.append(said)
        if res.status_code in (401, 403):
            assert res.headers["content-type"].startswith("application/problem+json")
    assert not wrong, "\n".join(wrong)
