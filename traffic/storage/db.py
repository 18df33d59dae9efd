"""Engines and sessions: SQLite tuned for durability, PostgreSQL as given."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module (which starts transactions late and
    # commits on SAVEPOINT release); SQLAlchemy then emits BEGIN itself (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    # WAL for concurrent readers, FULL sync so an acknowledged write survives power loss,
    # foreign keys on (SQLite's default is off), and a busy timeout for several workers.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cur.close()


SQLITE_BEGIN_MODES = {"": "BEGIN", "IMMEDIATE": "BEGIN IMMEDIATE"}


BUSY_TIMEOUT_S = 10.0
_GATES: dict[str, threading.Lock] = {}
_GATES_LOCK = threading.Lock()
GATE_KEY = "trafiktrygg_write_gate"


def _write_gate(database: str) -> threading.Lock:
    """The in-process lock of one SQLite file that writers queue on before BEGIN IMMEDIATE.

    Without it, writer threads of one process queue in SQLite's busy handler, which polls
    with sleeps of up to 100 ms: under 50 clients the write lock sat free between sleeps and
    one worker managed about 2 writes/s. A lock wakes the next writer at once; several worker
    processes still meet in SQLite's own lock (busy_timeout).
    """
    with _GATES_LOCK:
        return _GATES.setdefault(database, threading.Lock())


def _sqlite_begin(conn: Any) -> None:
    # SQLAlchemy's documented recipe for real SAVEPOINT and transaction semantics on SQLite.
    # A writer begins IMMEDIATE: it waits (busy_timeout) for the write lock up front instead of
    # failing with SQLITE_BUSY_SNAPSHOT when it reads first and another writer commits meanwhile.
    mode = conn.get_execution_options().get("sqlite_begin", "")
    if mode != "IMMEDIATE" or not conn.engine.url.database or conn.engine.url.database == ":memory:":
        conn.exec_driver_sql(SQLITE_BEGIN_MODES[mode])
        return
    gate = _write_gate(conn.engine.url.database)
    # On a time-out go on without the gate: SQLite's busy timeout then decides (503 upstream).
    if gate.acquire(timeout=BUSY_TIMEOUT_S):
        conn.info[GATE_KEY] = gate
    try:
        conn.exec_driver_sql(SQLITE_BEGIN_MODES[mode])
    except BaseException:
        _open_gate(conn)
        raise


def _open_gate(conn: Any, *_args: Any) -> None:
    """Let the next writer in: on commit, rollback or a connection going back to the pool."""
    gate = conn.info.pop(GATE_KEY, None)
    if gate is not None:
        gate.release()


def _open_gate_on_checkin(_dbapi_conn: Any, record: Any) -> None:
    gate = record.info.pop(GATE_KEY, None)
    if gate is not None:
        gate.release()


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take SQLite's write lock at BEGIN (no-op elsewhere)."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite gets WAL, synchronous=FULL and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "commit", _open_gate)
        event.listen(engine, "rollback", _open_gate)
        event.listen(engine.pool, "checkin", _open_gate_on_checkin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # PostGIS marks its spatial functions very costly, so PostgreSQL JIT-compiles ordinary map
    # and distance queries and spends more time compiling than running them (measured 3-5x).
    kwargs.setdefault("connect_args", {}).setdefault("options", "-c jit=off")
    return create_engine(url, **kwargs)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory that keeps objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session], **info: Any) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error.

    ``info`` (for example ``actor=...``) is placed in ``session.info`` for the audit hook.
    """
    session = factory()
    session.info.update(info)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
