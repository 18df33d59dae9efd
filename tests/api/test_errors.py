"""Errors: RFC 9457 problem+json naming the field, strict input types, a body limit enforced
before the body is read, no stack trace to a client, and every error declared in OpenAPI."""

from __future__ import annotations

import asyncio
import json
import uuid

from fastapi.testclient import TestClient

from api.app import create_app
from api.errors import PROBLEM
from api.routes import common as route_common
from api.settings import Settings
from tests.api.test_permissions_matrix import app_routes
from tests.builders import point

ERROR_STATUSES = ("400", "401", "403", "404", "409", "412", "413", "422", "429", "503")
OP = {"title": "Felkontroll", "focus": "A_TRAKTOR", "geometry": point()}
ZONE_RING = [[15.1455, 58.3291], [15.1475, 58.3291], [15.1475, 58.3311], [15.1455, 58.3311]]
ZONE_RING.append(ZONE_RING[0])


def assert_problem(res, status: int) -> dict:  # noqa: ANN001
    """``res`` is problem+json with ``status``, ``title`` and ``detail``; its body."""
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith(PROBLEM), res.headers["content-type"]
    body = res.json()
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def fields(body: dict) -> list[str]:
    """The fields a problem names."""
    return [e["field"] for e in body.get("errors") or []]


def new_operation(client: TestClient) -> str:
    """A planned operation of the client's organisation; its id."""
    res = client.post("/api/v1/operations", json=OP)
    assert res.status_code == 201, res.text
    return res.json()["id"]


def check_body(operation_id: str, **overrides: object) -> dict:
    """A check without remark."""
    return {
        "operation_id": operation_id,
        "checked_at": "2025-05-16T19:30:00+02:00",
        "geometry": point(),
        "vehicle_type": "A_TRAKTOR",
        **overrides,
    }


def test_every_kind_of_error_is_problem_json(api):
    officer, admin, lead = api.as_role("officer"), api.as_role("admin"), api.as_role("lead")
    bad_bbox = assert_problem(officer.get("/api/v1/checks", params={"bbox": "1,2,3"}), 400)
    assert fields(bad_bbox) == ["bbox"]
    assert_problem(api.public.get("/api/v1/incidents"), 401)
    expired = TestClient(api.app, headers={"Authorization": "Bearer not-a-token"}).get("/api/v1/measures")
    assert_problem(expired, 401)
    assert expired.headers["WWW-Authenticate"] == "Bearer"
    assert_problem(api.as_role("planner").post("/api/v1/operations", json=OP), 403)
    assert_problem(officer.get(f"/api/v1/operations/{uuid.uuid4()}"), 404)
    assert_problem(officer.get("/api/v1/finns-inte"), 404)
    not_allowed = officer.put("/api/v1/checks", json={})
    assert_problem(not_allowed, 405)
    assert not_allowed.headers["Allow"] == "GET, POST"
    zone = {"code": f"fel_{uuid.uuid4().hex[:8]}", "name": "Fel", "kind": "SCHOOL"}
    zone["geometry"] = {"type": "Polygon", "coordinates": [ZONE_RING]}
    assert admin.post("/api/v1/zones", json=zone).status_code == 201
    assert fields(assert_problem(admin.post("/api/v1/zones", json=zone), 409)) == ["code"]
    op = new_operation(officer)
    stale = officer.patch(f"/api/v1/operations/{op}", json={"title": "Ny"}, headers={"If-Match": '"v99"'})
    assert fields(assert_problem(stale, 412)) == ["If-Match"]
    unknown_code = officer.post("/api/v1/operations", json={**OP, "focus": "NOPE"})
    assert fields(assert_problem(unknown_code, 422)) == ["focus"]
    assert_problem(lead.post("/api/v1/operations", content=b"{not json", headers=_json()), 422)
    username = f"okand-{uuid.uuid4().hex[:6]}"
    client = TestClient(api.app, client=(f"lockout-{uuid.uuid4().hex[:6]}", 1))
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": username, "password": "fel-losenord"})
    locked = client.post("/api/v1/auth/login", json={"username": username, "password": "fel-losenord"})
    assert int(locked.headers["Retry-After"]) > 0
    assert_problem(locked, 429)


def _json() -> dict[str, str]:
    return {"Content-Type": "application/json"}


def test_field_errors_name_the_field(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    missing = assert_problem(officer.post("/api/v1/checks", json={"operation_id": op}), 422)
    assert {"checked_at", "geometry", "vehicle_type"} <= set(fields(missing))
    nested = assert_problem(officer.post("/api/v1/bulk", json={"entries": [{"kind": "checks"}]}), 422)
    assert {"entries.0.idempotency_key", "entries.0.data"} <= set(fields(nested))
    assert "entries.0.data" in nested["detail"]
    limit = assert_problem(officer.get("/api/v1/checks", params={"limit": 0}), 422)
    assert fields(limit) == ["query.limit"]
    path = assert_problem(officer.get("/api/v1/checks/inte-ett-uuid"), 422)
    assert fields(path) == ["path.check_id"]
    swapped_point = check_body(op, geometry=point(58.32, 15.13))
    swapped = assert_problem(officer.post("/api/v1/checks", json=swapped_point), 422)
    assert fields(swapped) == ["geometry"] and "swapped" in swapped["detail"]


WRONG_CHECK_FIELDS = [
    ("passengers", True),  # a boolean is not a number
    ("passengers", "2"),  # nor is text
    ("passengers", 2.5),  # a count is whole
    ("fine_amount_sek", False),
    ("measured_speed_kmh", True),
    ("measured_speed_kmh", "42.5"),
    ("speed_limit_kmh", "50"),
    ("limiter_tampered", 1),  # a number is not a boolean
    ("lgf_sign_ok", "true"),  # nor is text
    ("rear_space_blocked", 0),
    ("checked_at", 1747416600),  # a number is not a time
    ("checked_at", "0001-01-01T00:00:00Z"),  # nor is a time no database can hold
    ("vehicle_type", 3),
    ("findings", "BROMSAR"),  # a text is not a list
    ("operation_id", 42),
    ("plate_number", "ABC123"),  # unknown fields are refused
]


def test_strict_types_on_a_check(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    wrong = []
    for field, value in WRONG_CHECK_FIELDS:
        res = officer.post("/api/v1/checks", json={**check_body(op), field: value})
        body = assert_problem(res, 422)
        if fields(body) != [field]:
            wrong.append(f"{field}={value!r}: {body}")
    assert not wrong, "\n".join(wrong)


def test_whole_numbers_may_be_written_with_a_zero_fraction(api):
    officer = api.as_role("officer")
    op = new_operation(officer)
    whole = check_body(op, passengers=2.0, measured_speed_kmh=43, speed_method="LASER")
    res = officer.post("/api/v1/checks", json=whole)
    assert res.status_code == 201, res.text
    assert res.json()["passengers"] == 2 and res.json()["measured_speed_kmh"] == 43.0


WRONG_ELSEWHERE = [
    ("/api/v1/presence", {"officers": True}, "officers"),
    ("/api/v1/zones", {"weekly_target_hours": True}, "weekly_target_hours"),
    ("/api/v1/measures", {"cost_sek": "85000"}, "cost_sek"),
    ("/api/v1/measures", {"completed_on": 20250401}, "completed_on"),
    ("/api/v1/auth/tokens", {"name": "QGIS", "days": True}, "days"),
    ("/api/v1/operations", {**OP, "officer_count": False}, "officer_count"),
    ("/api/v1/operations", {**OP, "hemlig": 1}, "hemlig"),
]


def test_strict_types_elsewhere(api):
    for path, body, field in WRONG_ELSEWHERE:
        role = {"/api/v1/zones": "admin", "/api/v1/measures": "planner"}.get(path, "officer")
        problem = assert_problem(api.as_role(role).post(path, json=body), 422)
        assert field in fields(problem), (path, problem)


def _asgi_call(app, headers: list[tuple[bytes, bytes]], chunks: list[bytes]) -> tuple[int, bytes, int]:  # noqa: ANN001
    """Send a POST to the app chunk by chunk; the status, the body and how many chunks it read."""
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        if read < len(chunks):
            read += 1
            return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/bulk",
        "raw_path": b"/api/v1/bulk",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("testclient", 1),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, read


def test_oversize_bodies_are_refused_before_they_are_read(migrated_url):
    app = create_app(Settings(database_url=migrated_url, max_body_bytes=1000))
    chunks = [b'{"entries": [' + b" " * 400] + [b" " * 400] * 50
    status, body, read = _asgi_call(app, [(b"content-length", b"20413")], chunks)
    assert status == 413 and read == 0  # refused on the declared length alone
    problem = json.loads(body)
    assert problem["status"] == 413 and "1000" in problem["detail"]
    status, body, read = _asgi_call(app, [(b"transfer-encoding", b"chunked")], chunks)
    assert status == 413 and json.loads(body)["status"] == 413
    assert read <= 3 < len(chunks)  # stopped as soon as the count passed the limit
    with TestClient(app) as client:
        res = client.post("/api/v1/bulk", content=b"x" * 5000, headers=_json())
    assert_problem(res, 413)


def test_an_internal_error_reveals_nothing(api, monkeypatch):
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret detail: /srv/trafiktrygg/db password=hunter2")

    monkeypatch.setattr(route_common, "list_records", broken)
    with TestClient(api.app, raise_server_exceptions=False) as client:
        res = client.get("/api/v1/zones")
    body = assert_problem(res, 500)
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret detail", "list_records", 'File "'):
        assert leak not in res.text
    assert set(body) <= {"type", "title", "status", "detail"}


def test_openapi_declares_every_error_as_problem_json(api):
    doc = api.public.get("/openapi.json").json()
    problem = doc["components"]["schemas"]["Problem"]
    assert {"status", "title", "detail"} <= set(problem["required"])
    declared = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    missing = []
    routes = [r for r in app_routes(api.app)[0] if r.path.startswith("/api/v1/") and r.in_schema]
    for route in routes:
        assert route.key in declared, route.key
        responses = doc["paths"][route.path][route.method.lower()]["responses"]
        for status in ERROR_STATUSES:
            content = responses.get(status, {}).get("content", {})
            if content != {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}:
                missing.append(f"{route.method} {route.path} {status}: {content}")
    assert not missing, "\n".join(missing)
    assert "HTTPValidationError" not in json.dumps(doc["paths"]["/api/v1/checks"])


def test_nul_characters_are_refused_naming_the_field(api):
    """PostgreSQL text cannot hold U+0000: a clear 400/422 naming the field, never a server error."""
    res = api.user("lead").get("/api/v1/audit", params={"entity": "checks\x00"})
    body = assert_problem(res, 400)
    assert "entity" in res.text and "NUL" in body["detail"]
    incident = {
        "kind": "SPEEDING_CONCERN",
        "source": "CITIZEN_DIALOGUE",
        "description": "fort\x00kort",
        "occurred_at": "2025-05-01T10:00:00Z",
        "geometry": {"type": "Point", "coordinates": [15.13, 58.32]},
    }
    res = api.user("planner").post("/api/v1/incidents", json=incident)
    assert_problem(res, 422)
    assert "description" in res.text and "NUL" in res.text
