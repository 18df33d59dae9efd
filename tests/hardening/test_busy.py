"""A busy database answers 503 + Retry-After (nothing saved), never a 500; the keyed retry succeeds.

With several worker processes on one SQLite file, a writer waits for the write lock up to the
busy timeout; when another process holds it longer, the request must fail cleanly so the client
retries with the same Idempotency-Key.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.app import create_app
from api.db import engine_for
from api.errors import database_busy
from api.settings import Settings
from tests.hardening.conftest import PASSWORD, SECRET, check_body, new_url, prepare_world

SHORT_BUSY_MS = 300  # instead of the app's 10 s, to keep the test fast


def test_sqlite_lock_held_elsewhere_gives_503_then_retry_succeeds(tmp_path: Path) -> None:
    world = prepare_world(new_url("sqlite", tmp_path))
    event.listen(
        engine_for(world.url),
        "connect",
        lambda dbapi, _rec: dbapi.execute(f"PRAGMA busy_timeout={SHORT_BUSY_MS}"),
    )
    engine_for(world.url).dispose()  # reconnect with the short timeout
    app = create_app(Settings(database_url=world.url, pseudonym_secret=SECRET))
    body = check_body(world, 1)
    with TestClient(app, raise_server_exceptions=False) as client:
        login = client.post("/api/v1/auth/login", json={"username": world.officer, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}", "Idempotency-Key": "busy-1"}
        other_process = sqlite3.connect(world.url.removeprefix("sqlite:///"), isolation_level=None)
        other_process.execute("BEGIN IMMEDIATE")  # another worker holds the write lock
        try:
            busy = client.post("/api/v1/checks", json=body, headers=headers)
        finally:
            other_process.execute("ROLLBACK")
            other_process.close()
        assert busy.status_code == 503, busy.text
        assert busy.headers["Retry-After"] == "1"
        assert busy.headers["content-type"].startswith("application/problem+json")
        with engine_for(world.url).connect() as conn:
            assert conn.scalar(sa.text("SELECT count(*) FROM vehicle_checks")) == 0
            assert conn.scalar(sa.text("SELECT count(*) FROM idempotency_records")) == 0
        retry = client.post("/api/v1/checks", json=body, headers=headers)
        assert retry.status_code == 201, retry.text
        assert retry.json()["id"] == body["id"]


@pytest.mark.parametrize(
    ("orig", "busy"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (SimpleNamespace(sqlstate="40P01"), True),  # PostgreSQL deadlock detected
        (SimpleNamespace(sqlstate="40001"), True),  # serialization failure
        (sqlite3.OperationalError("no such table: x"), False),
        (SimpleNamespace(sqlstate="42P01"), False),  # undefined table: a bug, stays a 500
    ],
)
def test_only_lock_conflicts_count_as_busy(orig: object, busy: bool) -> None:
    assert database_busy(OperationalError("stmt", {}, orig)) is busy  # type: ignore[arg-type]


def test_no_free_pooled_connection_counts_as_busy() -> None:
    assert database_busy(PoolTimeout("QueuePool limit of size 5 overflow 10 reached"))
