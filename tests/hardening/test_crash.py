"""Crash test: the real server is SIGKILLed mid-stream of keyed writes and restarted.

A writer (a few concurrent clients) sends checks with client ids and ``Idempotency-Key``s and
remembers which were acknowledged (201). After a seeded number of acknowledgements the server
is killed (SIGKILL: no shutdown, in-flight requests are lost), restarted on the same database,
and the writer re-sends every entry whose outcome it never learnt, plus a few acknowledged ones
(which must answer with the original result). Three kill moments per backend. Afterwards every
check is stored exactly once with the values sent, one idempotency record and one audit
"create" event each, and the database passes its integrity checks (SQLite ``integrity_check``
and ``foreign_key_check``; PostgreSQL ``amcheck`` ``bt_index_check`` with ``heapallindexed``
on every b-tree index, plus orphan queries).
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.hardening.conftest import World, check_body, token
from traffic.audit.models import AuditEvent
from traffic.checks.models import CheckCode, VehicleCheck
from traffic.idempotency.models import IdempotencyRecord
from traffic.storage.db import make_engine

ROUNDS = 3
PER_ROUND = 40  # new entries offered per round
CLIENTS = 4
REPLAYED_ACKS = 3  # acknowledged entries re-sent after each restart
SEED = 20241107


@dataclass
class Entry:
    """One check the writer wants stored, and what it learnt about it."""

    body: dict[str, Any]
    key: str = field(default_factory=lambda: f"crash-{uuid.uuid4()}")
    answer: dict[str, Any] | None = None  # the 201 body, once acknowledged
    refusals: list[str] = field(default_factory=list)  # any other answer (a bug)

    @property
    def acked(self) -> bool:
        return self.answer is not None


async def _send(client: httpx.AsyncClient, entry: Entry) -> httpx.Response | None:
    try:
        return await client.post("/api/v1/checks", json=entry.body, headers={"Idempotency-Key": entry.key})
    except httpx.TransportError:
        return None  # the outcome is unknown: the server may or may not have committed


async def send_until_kill(server: Any, tok: str, entries: list[Entry], kill_after: int | None) -> int:
    """Send ``entries`` from :data:`CLIENTS` clients; SIGKILL the server at the ``kill_after``-th 201."""
    queue = list(reversed(entries))
    acks = 0
    killed = False
    limits = httpx.Limits(max_connections=CLIENTS)
    headers = {"Authorization": f"Bearer {tok}"}
    async with httpx.AsyncClient(base_url=server.base, headers=headers, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal acks, killed
            while queue and not killed:
                entry = queue.pop()
                res = await _send(client, entry)
                if res is None:
                    continue
                if res.status_code == 201:
                    entry.answer = res.json()
                    acks += 1
                    if kill_after is not None and acks >= kill_after:
                        killed = True
                        server.kill()
                else:
                    entry.refusals.append(f"{res.status_code} {res.text[:200]}")

        await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return acks


async def resend(server: Any, tok: str, entries: list[Entry]) -> list[str]:
    """Re-send entries; every answer must be 201 and, if acknowledged before, the original one."""
    problems: list[str] = []
    headers = {"Authorization": f"Bearer {tok}"}
    async with httpx.AsyncClient(base_url=server.base, headers=headers, timeout=30) as client:
        for entry in entries:
            res = await _send(client, entry)
            if res is None or res.status_code != 201:
                problems.append(
                    f"re-send {entry.body['note']}: {res and res.status_code} {res and res.text[:200]}"
                )
                continue
            body = res.json()
            if entry.acked:
                if body != entry.answer or res.headers.get("Idempotent-Replayed") != "true":
                    problems.append(f"re-send {entry.body['note']}: not the original answer: {body}")
            else:
                entry.answer = body
            if body.get("id") != entry.body["id"]:
                problems.append(f"re-send {entry.body['note']}: id {body.get('id')} != {entry.body['id']}")
    return problems


def test_acknowledged_writes_survive_sigkill(world: World, serve: Any) -> None:
    rng = random.Random(f"{SEED}-{world.backend}")
    server = serve(world)
    tok = token(server.base, world.officer)
    entries: list[Entry] = []
    problems: list[str] = []
    kills = []
    for round_no in range(ROUNDS):
        fresh = [Entry(check_body(world, len(entries) + i)) for i in range(PER_ROUND)]
        entries += fresh
        kill_after = rng.randint(3, PER_ROUND - 10)
        acks = asyncio.run(send_until_kill(server, tok, fresh, kill_after))
        assert server.proc is None, f"round {round_no}: the server was not killed ({acks} acks)"
        kills.append(kill_after)
        server.start()
        unknown = [e for e in entries if not e.acked]
        acked = [e for e in entries if e.acked]
        problems += asyncio.run(
            resend(server, tok, unknown + rng.sample(acked, min(REPLAYED_ACKS, len(acked))))
        )
    assert len(set(kills)) > 1, "the kill moments should differ"
    refused = [f"{e.body['note']}: {r}" for e in entries for r in e.refusals]
    assert not refused, refused
    assert not problems, problems
    server.stop()
    assert all(e.acked for e in entries)
    assert_stored_exactly_once(world, entries)
    assert integrity_problems(world.url) == []


def assert_stored_exactly_once(world: World, entries: list[Entry]) -> None:
    """Every entry is one check with its values, one idempotency record and one create event."""
    checks, codes = VehicleCheck.__table__, CheckCode.__table__
    keys, audit = IdempotencyRecord.__table__, AuditEvent.__table__
    op = uuid.UUID(world.operation_id)
    engine = make_engine(world.url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(checks).where(checks.c.operation_id == op)).mappings().all()
            code_rows = conn.execute(
                sa.select(codes.c.check_id, codes.c.kind, codes.c.code).order_by(codes.c.position)
            ).all()
            key_rows = conn.execute(
                sa.select(keys.c.key, keys.c.status_code, keys.c.response_body).where(
                    keys.c.key.like("crash-%")
                )
            ).all()
            creates = Counter(
                conn.scalars(
                    sa.select(audit.c.entity_id).where(
                        audit.c.entity == "vehicle_checks", audit.c.action == "create"
                    )
                )
            )
    finally:
        engine.dispose()
    by_id = Counter(str(r["id"]) for r in rows)
    assert [i for i, n in by_id.items() if n > 1] == []
    assert set(by_id) == {e.body["id"] for e in entries}, "stored checks differ from those sent"
    stored = {str(r["id"]): r for r in rows}
    found: dict[str, dict[str, list[str]]] = {}
    for check_id, kind, code in code_rows:
        found.setdefault(str(check_id), {"finding": [], "outcome": []})[kind].append(code)
    for e in entries:
        row, body = stored[e.body["id"]], e.body
        assert row["checked_at"].isoformat() == body["checked_at"], body["note"]
        assert (row["note"], row["fine_amount_sek"], row["vehicle_type"]) == (
            body["note"], body["fine_amount_sek"], body["vehicle_type"],
        )  # fmt: skip
        assert row["measured_speed_kmh"] == pytest.approx(body["measured_speed_kmh"])
        assert found[body["id"]] == {"finding": body["findings"], "outcome": body["outcomes"]}, body["note"]
        assert e.answer and e.answer["id"] == body["id"] and e.answer["note"] == body["note"]
    by_key = Counter(k for k, _s, _b in key_rows)
    assert [k for k, n in by_key.items() if n > 1] == []
    assert set(by_key) == {e.key for e in entries}
    answers = {k: json.loads(b) for k, s, b in key_rows if s == 201}
    assert {k: a["id"] for k, a in answers.items()} == {e.key: e.body["id"] for e in entries}
    assert {i: creates[i] for i in by_id} == dict.fromkeys(by_id, 1), "one audit create event per check"


def integrity_problems(url: str) -> list[str]:
    """What the database's own checks report (empty when sound)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                ok = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
                fks = [tuple(r) for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
                return ([] if ok == ["ok"] else ok) + [f"foreign key: {r}" for r in fks]
            return _postgres_problems(conn)
    finally:
        engine.dispose()


def _postgres_problems(conn: sa.Connection) -> list[str]:
    conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS amcheck")
    indexes = conn.exec_driver_sql(
        "SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE a.amname = 'btree' AND n.nspname = 'public'"
    ).all()
    assert len(indexes) > 10, "expected the schema's b-tree indexes"
    problems = []
    for oid, name in indexes:
        try:  # heapallindexed: every heap tuple must be found in the index too
            conn.exec_driver_sql("SELECT bt_index_check(%(oid)s, true)", {"oid": oid})
        except sa.exc.DBAPIError as exc:
            problems.append(f"{name}: {exc.orig}")
            conn.rollback()
    orphans = conn.exec_driver_sql(
        "SELECT count(*) FROM check_codes c"
        " LEFT JOIN vehicle_checks v ON v.id = c.check_id WHERE v.id IS NULL"
    ).scalar()
    conn.rollback()
    return problems + ([f"{orphans} check codes without their check"] if orphans else [])
