"""API test fixtures: an app on each backend with one signed-in client per role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.db import transaction
from api.settings import Settings
from traffic.orgs.service import add_user, ensure_organisations

PASSWORD = "ett-langt-testlosenord"
# role → organisation code of the test user
ROLE_ORGS = {
    "officer": "polisen",
    "lead": "polisen",
    "planner": "mjolby_kommun",
    "admin": "mjolby_kommun",
}


@dataclass
class Api:
    """Clients for one app: ``as_role("planner")``, ``public`` and the database URL."""

    url: str
    app: object
    clients: dict[str, TestClient]

    def as_role(self, role: str) -> TestClient:
        """A client signed in with a bearer token of a fresh user with ``role``."""
        return self.clients[role]

    @property
    def public(self) -> TestClient:
        """A client with no credentials."""
        return self.clients["public"]

    def user(self, role: str, org: str | None = None) -> TestClient:
        """A client for a NEW user (e.g. a second officer, or a lead of another organisation)."""
        return _signed_in(self.app, self.url, role, org or ROLE_ORGS[role])


def _token(app: object, url: str, role: str, org: str) -> str:
    username = f"{role}-{uuid.uuid4().hex[:8]}"
    with transaction(url) as session:
        ensure_organisations(session)
        add_user(session, username=username, role=role, org_code=org, password=PASSWORD)
    with TestClient(app) as client:  # type: ignore[arg-type]
        res = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert res.status_code == 200, res.text
    return res.json()["access_token"]


def _with_token(app: object, token: str) -> TestClient:
    client = TestClient(app)  # type: ignore[arg-type]
    client.headers["Authorization"] = f"Bearer {token}"  # bearer only, no cookie
    return client


def _signed_in(app: object, url: str, role: str, org: str) -> TestClient:
    return _with_token(app, _token(app, url, role, org))


@pytest.fixture
def db_namespace() -> str:
    """API tests commit through the app: they get a database of their own (see tests/conftest.py)."""
    return "api"


_TOKENS: dict[tuple[str, str], str] = {}  # (url, role) → token; users are made once per backend


@pytest.fixture
def api(migrated_url: str) -> Iterator[Api]:
    """An app on the migrated database of this backend, with a client per role."""
    app = create_app(Settings(database_url=migrated_url, pseudonym_secret="test-secret"))
    for role, org in ROLE_ORGS.items():
        if (migrated_url, role) not in _TOKENS:
            _TOKENS[(migrated_url, role)] = _token(app, migrated_url, role, org)
    clients = {role: _with_token(app, _TOKENS[(migrated_url, role)]) for role in ROLE_ORGS}
    clients["public"] = TestClient(app)
    yield Api(migrated_url, app, clients)
    for c in clients.values():
        c.close()
