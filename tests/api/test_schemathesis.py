"""schemathesis against the app's own OpenAPI schema: no server error, no response outside the schema.

Every operation of ``/openapi.json`` is run with positive and negative data, on SQLite and
PostGIS, as a lead (who reaches most routes) and as the public, with every built-in check.
The database is one of its own per backend holding a small Mjölby demo build, so the fuzzed
writes (and the fuzzed logins, which count towards lock-out) never touch the other tests' data.

Random UUIDs and free-text codes rarely name a real record or a known code, so hooks steer
part of the generated values to the demo records (path parameters, ``operation_id``,
``zone_id``), to vocabulary codes and to a point in Mjölby; they only ever replace a value by
one of the same JSON type and format, so a negative case stays negative.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import load_all_checks
from schemathesis.config import PositiveDataAcceptanceConfig
from sqlalchemy import select

from api.app import create_app
from api.auth.tokens import issue_token
from api.db import engine_for, transaction
from api.settings import Settings
from tests.builders import point
from tests.conftest import DEFAULT_PG_URL, PG_URL_ENV, create_postgis_database, missing_service
from traffic import vocab
from traffic.checks.models import VehicleCheck
from traffic.demo import build_demo
from traffic.incidents.models import Incident
from traffic.measures.models import SafetyMeasure
from traffic.operations.models import Operation
from traffic.orgs.models import User
from traffic.orgs.service import add_user, ensure_organisations
from traffic.presence.models import PRESENCE_KINDS, PresenceSession
from traffic.storage.migrate import upgrade
from traffic.tallies.models import Tally
from traffic.zones.models import Zone

ROLES = ("lead", "public")
MAX_EXAMPLES = 25
LOGOUT = "/api/v1/auth/logout"
SECRET = "schemathesis-secret"

load_all_checks()
ALL_CHECKS = [
    getattr(schemathesis.checks, name)
    for name in (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "allow_header_conformance",
        "ignored_auth",
        "use_after_free",
        "ensure_resource_availability",
    )
]

# ---------------------------------------------------------------------------------------------
# A database per backend, built once per test process


_DATABASES: dict[str, str] = {}
REAL: dict[str, list[str]] = {}  # path/body parameter name → ids of demo records
MODELS = {
    "operation_id": Operation,
    "check_id": VehicleCheck,
    "tally_id": Tally,
    "presence_id": PresenceSession,
    "measure_id": SafetyMeasure,
    "incident_id": Incident,
    "zone_id": Zone,
}


def _database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend not in _DATABASES:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'st.sqlite'}"
        else:
            base = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
            try:
                url = create_postgis_database(base, suffix="_st")
            except Exception as exc:  # noqa: BLE001 - any connection failure means "no service"
                missing_service(f"PostgreSQL + PostGIS not reachable at {base}: {exc}")
        upgrade(url)
        build_demo(engine_for(url), seed=7, checks=120, incidents=40)
        with transaction(url) as session:
            ensure_organisations(session)
            add_user(session, username="st-lead", role="lead", org_code="polisen", password="st-" * 6)
        _DATABASES[backend] = url
    return _DATABASES[backend]


def _real_ids(url: str) -> dict[str, list[str]]:
    with transaction(url) as session:
        return {
            name: [str(i) for i in session.scalars(select(model.id).order_by(model.id).limit(8))]
            for name, model in MODELS.items()
        }


@pytest.fixture(params=["sqlite", "postgis"])
def st_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The backend's database, with the app pointed at it and its record ids known to the hooks."""
    url = _database(request.param, tmp_path_factory)
    APP.state.settings = Settings(database_url=url, pseudonym_secret=SECRET)
    REAL.clear()
    REAL.update(_real_ids(url))
    return url


@pytest.fixture(params=ROLES)
def st_role(request: pytest.FixtureRequest) -> str:
    """The role the fuzzed requests are sent as."""
    return request.param


def _new_token(url: str, username: str) -> str:
    with transaction(url) as session:
        user = session.scalar(select(User).where(User.username == username))
        raw, _ = issue_token(session, user)
        return raw


@pytest.fixture
def st_headers(st_url: str, st_role: str) -> dict[str, str]:
    """The Authorization header of a polisen user with ``st_role`` (none for the public)."""
    if st_role == "public":
        return {}
    return {"Authorization": f"Bearer {_new_token(st_url, f'st-{st_role}')}"}


# ---------------------------------------------------------------------------------------------
# The schema, loaded once at import from an app whose database the fixture above chooses


APP = create_app(Settings(database_url="sqlite://", pseudonym_secret=SECRET))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, deterministic=True
)
# positive_data_acceptance: schema-valid data may still break a domain rule JSON Schema cannot
# carry (a vocabulary code from data/*.csv, a geometry inside the municipality, an RFC 3339
# interval, a zone code that must exist, an end after a start); such a request is answered
# 422 (body) or 400 (query) naming the field, so those two join the statuses expected.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=[*PositiveDataAcceptanceConfig().expected_statuses, "400", "422"]
)


def _codes(name: str) -> list[str]:
    return sorted(vocab.vocabulary(name).codes)


CODES: dict[str, dict[str, list[str]]] = {
    "/api/v1/operations": {"focus": _codes("focus"), "status": _codes("operation_status")},
    "/api/v1/checks": {"vehicle_type": _codes("vehicle_type"), "speed_method": _codes("speed_method")},
    "/api/v1/measures": {"kind": _codes("measure_kind"), "status": _codes("measure_status")},
    "/api/v1/incidents": {
        "kind": _codes("incident_kind"),
        "source": _codes("incident_source"),
        "severity": _codes("severity"),
    },
    "/api/v1/presence": {"mode": _codes("presence_mode"), "kind": sorted(PRESENCE_KINDS)},
    "/api/v1/zones": {"kind": _codes("zone_kind")},
}


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return isinstance(value, str)


def _either(value: Any, changes: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    if not changes:
        return st.just(value)
    return st.one_of(st.just(value), st.fixed_dictionaries(changes).map(lambda new: {**value, **new}))


@schema.hook
def flatmap_path_parameters(ctx: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy:
    """Sometimes a demo record's id instead of a random UUID."""
    changes = {
        name: st.sampled_from(REAL[name])
        for name, value in (path_parameters or {}).items()
        if REAL.get(name) and _is_uuid(value)
    }
    return _either(path_parameters, changes)


@schema.hook
def flatmap_body(ctx: Any, body: Any) -> st.SearchStrategy:
    """Sometimes real codes, record ids and a point in Mjölby instead of random text."""
    if not isinstance(body, dict):
        return st.just(body)
    path = ctx.operation.path.split("/{")[0] if ctx.operation else ""
    changes: dict[str, st.SearchStrategy] = {}
    for field, codes in CODES.get(path, {}).items():
        if isinstance(body.get(field), str):
            changes[field] = st.sampled_from(codes)
    for field in ("operation_id", "zone_id"):
        if REAL.get(field) and _is_uuid(body.get(field)):
            changes[field] = st.sampled_from(REAL[field])
    if isinstance(body.get("geometry"), dict) and path != "/api/v1/zones":
        changes["geometry"] = st.just(point())
    return _either(body, changes)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_schemathesis(case, st_url, st_role, st_headers):  # noqa: ANN001
    headers = dict(st_headers)
    if case.path == LOGOUT and st_role != "public":
        # Logging out revokes the token in use: give each logout a token of its own.
        headers["Authorization"] = f"Bearer {_new_token(st_url, f'st-{st_role}')}"
    case.call_and_validate(headers=headers, checks=ALL_CHECKS)
