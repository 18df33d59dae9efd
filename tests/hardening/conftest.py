"""The real server as a child process (``trafiktrygg serve``) on a prepared database.

* :func:`fresh_url` — a new, empty database per test: a SQLite file, or a PostGIS database
  (skips locally, fails with ``CI=true`` when PostgreSQL is missing).
* :func:`prepare_world` — migrated, with an officer, a planner, a spare account and an ongoing
  operation; :func:`server` starts ``trafiktrygg serve`` on it (see ``bench/_procs.py``).
* :func:`check_body`, :func:`login` and the database checks the crash and worker tests share.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from api.db import transaction
from tests.conftest import _pg_base, create_postgis_database
from traffic.actors import Actor
from traffic.operations.schemas import OperationCreate
from traffic.operations.service import create_operation
from traffic.orgs.service import add_user, ensure_organisations
from traffic.storage.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "hardening-langt-losenord"
SECRET = "hardening-test-pseudonym-secret"
STATION = (15.131987, 58.322982)
_DBS = count()


def bench_module(name: str) -> ModuleType:
    """A module of ``bench/`` (not a package), loaded once under its own name."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


procs = bench_module("_procs")
ServeProcess = procs.ServeProcess


@dataclass
class World:
    """A prepared database: its URL and the accounts and operation the tests use."""

    backend: str
    url: str
    operation_id: str
    officer: str
    planner: str
    spare: str  # an account for lock-out tests
    start: datetime  # the operation's start; checks are logged after it

    def env(self) -> dict[str, str]:
        """The server's environment for this database."""
        return {"TRAFIKTRYGG_DATABASE_URL": self.url, "TRAFIKTRYGG_PSEUDONYM_SECRET": SECRET}


def new_url(backend: str, folder: Path) -> str:
    """A new empty database of ``backend``."""
    if backend == "sqlite":
        return f"sqlite:///{folder / f'hardening-{next(_DBS)}.sqlite'}"
    return create_postgis_database(_pg_base(), suffix=f"_hard{next(_DBS)}")


@pytest.fixture(params=["sqlite", "postgis"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new empty database, once per backend."""
    return new_url(request.param, tmp_path)


def prepare_world(url: str) -> World:
    """Migrate ``url`` and add the accounts and an ongoing operation (committed)."""
    upgrade(url)
    tag = uuid.uuid4().hex[:6]
    names = {role: f"hard-{role}-{tag}" for role in ("officer", "planner", "spare")}
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    with transaction(url) as s:
        ensure_organisations(s)
        officer = add_user(
            s, username=names["officer"], role="officer", org_code="polisen", password=PASSWORD
        )
        add_user(s, username=names["planner"], role="planner", org_code="mjolby_kommun", password=PASSWORD)
        add_user(s, username=names["spare"], role="officer", org_code="polisen", password=PASSWORD)
        actor = Actor(username=officer.username, role="officer", org_id=officer.org_id, user_id=officer.id)
        s.info["actor"] = actor
        op = create_operation(
            s,
            actor=actor,
            data=OperationCreate(
                title="Härdningstest vid resecentrum",
                focus="A_TRAKTOR",
                status="ONGOING",
                geometry={"type": "Point", "coordinates": list(STATION)},
                actual_start=start,
            ),
        )
        op_id = str(op.id)
    backend = sa.make_url(url).get_backend_name()
    return World(backend, url, op_id, names["officer"], names["planner"], names["spare"], start)


@pytest.fixture
def world(fresh_url: str) -> World:
    """A prepared database, once per backend."""
    return prepare_world(fresh_url)


@pytest.fixture
def server_log(tmp_path: Path) -> Path:
    """Where the servers of a test write their output."""
    return tmp_path / "server.log"


@pytest.fixture
def serve(server_log: Path) -> Iterator[Any]:
    """``serve(world, workers=1, cli=False)`` → a started :class:`ServeProcess`; stopped after the test.

    ``cli=True`` runs ``trafiktrygg serve``; otherwise ``uvicorn --factory api.app:create_app``
    (the same app, started faster: the CLI imports every command first).
    """
    started: list[Any] = []

    def make(world: World, workers: int = 1, port: int | None = None, cli: bool = False) -> Any:
        proc = ServeProcess(world.env(), server_log, workers=workers, port=port, cli=cli)
        started.append(proc)
        return proc.start()

    yield make
    for proc in started:
        proc.stop()


def login(base: str, username: str, password: str = PASSWORD) -> httpx.Response:
    """POST the real login route."""
    return httpx.post(f"{base}/api/v1/auth/login", json={"username": username, "password": password})


def token(base: str, username: str) -> str:
    """A bearer token for ``username``."""
    res = login(base, username)
    assert res.status_code == 200, res.text
    return str(res.json()["access_token"])


def check_body(world: World, n: int) -> dict[str, Any]:
    """Check number ``n`` of a run: distinct values per ``n`` so a mix-up would show."""
    dx, dy = ((n * 37) % 101 - 50) * 2e-5, ((n * 53) % 97 - 48) * 1e-5  # within ~60 m
    fined = n % 3 == 0
    return {
        "id": str(uuid.uuid4()),
        "operation_id": world.operation_id,
        "checked_at": (world.start + timedelta(seconds=n + 1)).isoformat(),
        "geometry": {"type": "Point", "coordinates": [round(STATION[0] + dx, 6), round(STATION[1] + dy, 6)]},
        "vehicle_type": "CAR",
        "findings": ["SPEED"] if fined else [],
        "outcomes": ["ORDNINGSBOT"] if fined else ["UTAN_ANMARKNING"],
        "fine_amount_sek": 1500 + 100 * (n % 10) if fined else None,
        "measured_speed_kmh": float(40 + n % 50),
        "speed_limit_kmh": 30,
        "speed_method": "LASER",
        "note": f"crash-{n}",
    }
