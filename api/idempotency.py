"""``Idempotency-Key`` for writes: a retry returns the original result, never a duplicate.

The key's record is written in the same transaction as the write it guards, so a crash
loses both or neither. Same key + same payload → the stored response; same key + other
payload → 422; a concurrent duplicate (the first still running) → 409.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from traffic.actors import Actor
from traffic.errors import Conflict, ValidationFailed
from traffic.idempotency.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


class KeyReused(ValidationFailed):
    """The key was used before with a different payload."""


class StillRunning(Conflict):
    """A request with this key is still being processed."""


def fingerprint(method: str, path: str, payload: Any) -> str:
    """A stable hash of what the request asks for."""
    text = json.dumps([method, path, payload], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class KeyedResult:
    """What a keyed write answered: its status and JSON body, and whether it was a replay."""

    status: int
    body: Any
    replayed: bool


def run_idempotent(
    request: Request,
    session: Session,
    actor: Actor,
    payload: Any,
    produce: Callable[[], tuple[int, Any]],
) -> Response:
    """Run ``produce`` (returning status and JSON body) at most once per key and caller."""
    key = request.headers.get(HEADER)
    if key is None:
        status, body = produce()
        session.commit()  # durable before the answer, and the write lock (SQLite) let go at once
        return JSONResponse(body, status_code=status)
    result = run_keyed(
        session,
        actor,
        key=key,
        method=request.method,
        path=request.url.path,
        payload=payload,
        produce=produce,
    )
    # Commit here, in the endpoint's own thread, rather than in the dependency's teardown one
    # event-loop hop later: on SQLite the write lock is held until then, and under many clients
    # each hop waits for the interpreter lock (measured: one worker fell to ~2 writes/s).
    session.commit()
    headers = {"Idempotent-Replayed": "true"} if result.replayed else None
    return JSONResponse(result.body, status_code=result.status, headers=headers)


def run_keyed(
    session: Session,
    actor: Actor,
    *,
    key: str,
    method: str,
    path: str,
    payload: Any,
    produce: Callable[[], tuple[int, Any]],
    field: str = HEADER,
) -> KeyedResult:
    """The key logic behind the header, for any caller (the bulk route keys each entry).

    ``method`` and ``path`` are those of the single-record request, so a key sent first as a
    header and then again in a bulk entry (or the other way round) answers with the original.
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(f"1 to {MAX_KEY_LENGTH} characters", field=field)
    user_key = str(actor.user_id or actor.username)
    digest = fingerprint(method, path, payload)
    existing = session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_key == user_key, IdempotencyRecord.key == key)
    )
    if existing is not None:
        return _replay(existing, digest, field)
    record = IdempotencyRecord(user_key=user_key, key=key, method=method, path=path, request_hash=digest)
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError as exc:
        raise StillRunning(
            "a request with this Idempotency-Key is being processed; retry shortly", field=field
        ) from exc
    status, body = produce()
    record.status_code = status
    record.response_body = json.dumps(body).encode()
    record.response_type = "application/json"
    session.flush()
    return KeyedResult(status, body, replayed=False)


def _replay(record: IdempotencyRecord, digest: str, field: str) -> KeyedResult:
    if record.request_hash != digest:
        raise KeyReused("this Idempotency-Key was used with a different request", field=field)
    if record.status_code is None:
        raise StillRunning("a request with this Idempotency-Key is being processed", field=field)
    body = json.loads(record.response_body) if record.response_body else None
    return KeyedResult(record.status_code, body, replayed=True)
