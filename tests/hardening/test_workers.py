"""Many workers, one truth: two independent servers on one PostGIS database agree.

Server A is ``uvicorn --factory api.app:create_app``; server B is ``trafiktrygg serve --workers 2``
(a supervisor and two worker processes), standing in for workers behind a load balancer.
Tokens, login lock-outs and idempotency records live in the database, so whichever process
answers, the answer is the same.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.auth.lockout import FAILURES_BEFORE_LOCK
from tests.hardening.conftest import World, check_body, login, new_url, prepare_world, token


@pytest.fixture
def pg_world(tmp_path: Path) -> World:
    """A prepared PostGIS database (fails with CI=true when PostgreSQL is missing)."""
    return prepare_world(new_url("postgis", tmp_path))


def group_members(pgid: int) -> list[int]:
    """Pids of the live processes in process group ``pgid``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[2]) == pgid and stat[0] != "Z":
                pids.append(int(entry.name))
    return pids


def test_two_servers_share_tokens_keys_and_lockouts(pg_world: World, serve: Any) -> None:
    a = serve(pg_world)
    b = serve(pg_world, workers=2, cli=True)
    assert len(group_members(b.proc.pid)) >= 3, "trafiktrygg serve --workers 2: supervisor + 2 workers"
    auth = {"Authorization": f"Bearer {token(a.base, pg_world.officer)}"}

    # A token issued by A is valid on B (every B worker: several requests spread over both).
    for _ in range(4):
        me = httpx.get(f"{b.base}/api/v1/auth/me", headers=auth)
        assert me.status_code == 200 and me.json()["username"] == pg_world.officer

    # A keyed write on A; its retry on B answers with the original result, not a second check.
    body = check_body(pg_world, 1)
    keyed = {**auth, "Idempotency-Key": f"workers-{os.getpid()}-1"}
    first = httpx.post(f"{a.base}/api/v1/checks", json=body, headers=keyed)
    assert first.status_code == 201, first.text
    retry = httpx.post(f"{b.base}/api/v1/checks", json=body, headers=keyed)
    assert retry.status_code == 201, retry.text
    assert retry.json() == first.json() and retry.json()["id"] == body["id"]
    assert retry.headers.get("Idempotent-Replayed") == "true"
    other = httpx.post(f"{b.base}/api/v1/checks", json={**body, "note": "annan"}, headers=keyed)
    assert other.status_code == 422, other.text
    assert other.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in other.json()["errors"]] == ["Idempotency-Key"]
    listed = httpx.get(
        f"{b.base}/api/v1/checks",
        params={"operation_id": pg_world.operation_id, "f": "geojson"},
        headers=auth,
    )
    assert listed.status_code == 200
    assert [f["id"] for f in listed.json()["features"]] == [body["id"]]

    # Lock-out: failed logins counted by A lock the account on B, even with the right password.
    for _ in range(FAILURES_BEFORE_LOCK):
        assert login(a.base, pg_world.spare, "fel-losenord").status_code == 401
    locked = login(b.base, pg_world.spare)
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["Retry-After"]) > 0
    assert login(b.base, pg_world.officer).status_code == 200  # other accounts are not locked
