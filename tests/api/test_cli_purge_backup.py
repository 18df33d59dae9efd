"""``trafiktrygg purge`` / ``backup`` / ``restore``, the scheduled purge, and a pg_dump round trip.

SQLite tests copy one small demo database built once for the module. The PostGIS round trip
loads the demo into a fresh database, dumps it with ``pg_dump -Fc`` and restores it with
``pg_restore`` into another fresh one, exactly as docs/operations.md says.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import api.scheduler as scheduler
from api.app import create_app
from api.cli.main import app
from api.settings import Settings, get_settings
from tests.conftest import _pg_base, create_postgis_database, missing_service
from traffic.audit.hook import install_audit
from traffic.demo import build_demo
from traffic.models import Base
from traffic.retention.executor import PURGE_ACTION
from traffic.retention.planner import plan
from traffic.retention.policy import default_policy
from traffic.storage.base import utcnow
from traffic.storage.db import make_engine
from traffic.storage.migrate import upgrade

PG_BIN = Path("/usr/lib/postgresql/15/bin")
ROW = re.compile(r"│ (\S+)\s+│.*│\s+(\d+) │")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo database on SQLite, built once; tests work on copies."""
    install_audit()
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    build_demo(engine, checks=150, incidents=20)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the demo database, configured for the CLI."""
    path = tmp_path / "live.sqlite"
    shutil.copy(demo_file, path)
    monkeypatch.setenv("TRAFIKTRYGG_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def scalar(path: Path, sql: str) -> object:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def purge_events(path: Path) -> int:
    return int(scalar(path, f"SELECT count(*) FROM audit_events WHERE action = '{PURGE_ACTION}'"))


def listed(output: str) -> dict[str, int]:
    return {m[1]: int(m[2]) for m in ROW.finditer(output)}


def test_purge_dry_run_lists_what_would_go_and_changes_nothing(db: Path) -> None:
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        expected = {i.key: i.count for i in plan(session, default_policy(), utcnow())}
    engine.dispose()
    assert expected["checks.note"] > 0 and expected["presence.note"] > 0
    before = counts(db), scalar(db, "SELECT count(note) FROM vehicle_checks")

    res = CliRunner().invoke(app, ["purge", "--dry-run"])
    assert res.exit_code == 0, res.output
    assert listed(res.output) == expected
    assert (counts(db), scalar(db, "SELECT count(note) FROM vehicle_checks")) == before
    assert purge_events(db) == 0

    res = CliRunner().invoke(app, ["purge"])
    assert res.exit_code == 0, res.output
    assert listed(res.output) == expected
    assert purge_events(db) == 1
    notes_left = scalar(db, "SELECT count(note) FROM vehicle_checks")
    assert notes_left == before[1] - expected["checks.note"]


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"TRAFIKTRYGG_RETENTION_CHECKS_NOTE": "ett år"}, [], "retention checks.note = 'ett år'"),
        ({"TRAFIKTRYGG_RETENTION_CHECKS_PLATE": "30"}, [], "unknown retention rule 'checks.plate'"),
        ({}, ["--policy", "/nonexistent/gallring.toml"], "cannot read retention file"),
    ],
)
def test_purge_bad_config_is_one_line_and_changes_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], args: list[str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    before = counts(db), scalar(db, "SELECT count(note) FROM vehicle_checks")
    res = CliRunner().invoke(app, ["purge", *args])
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], res.output
    assert (counts(db), scalar(db, "SELECT count(note) FROM vehicle_checks")) == before


def _writer(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Another process's writes, committed one by one while the backup runs."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    try:
        while not stop.is_set():
            conn.execute(
                "INSERT INTO login_attempts (id, username, client, at, success) VALUES (?, 'w', NULL, ?, 0)",
                (uuid.uuid4().hex, "2026-11-26 10:00:00.000000"),
            )
            written.append(1)
    finally:
        conn.close()


def test_backup_while_writing_then_restore_into_a_new_file(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop, written = threading.Event(), []
    thread = threading.Thread(target=_writer, args=(db, stop, written))
    thread.start()
    try:
        while len(written) < 50:
            time.sleep(0.01)
        at_start = len(written)
        res = CliRunner().invoke(app, ["backup", str(tmp_path / "kopia.sqlite")])
        time.sleep(0.1)  # the writer goes on after the snapshot
    finally:
        stop.set()
        thread.join()
    assert res.exit_code == 0, res.output
    copy = tmp_path / "kopia.sqlite"
    assert not (tmp_path / "kopia.sqlite.partial").exists()
    assert scalar(copy, "PRAGMA integrity_check") == "ok"
    in_copy = counts(copy)
    assert at_start <= in_copy["login_attempts"] < len(written)  # one consistent snapshot mid-stream
    assert {k: v for k, v in in_copy.items() if k != "login_attempts"} == {
        k: v for k, v in counts(db).items() if k != "login_attempts"
    }

    # Refuses to overwrite a backup without --force.
    res = CliRunner().invoke(app, ["backup", str(copy)])
    assert res.exit_code == 2 and "--force" in res.output

    restored = tmp_path / "restored" / "db.sqlite"
    monkeypatch.setenv("TRAFIKTRYGG_DATABASE_URL", f"sqlite:///{restored}")
    get_settings.cache_clear()
    res = CliRunner().invoke(app, ["restore", str(copy)])
    assert res.exit_code == 0, res.output
    assert counts(restored) == in_copy
    assert scalar(restored, "PRAGMA integrity_check") == "ok"
    # A database is there now: restore asks for --force before replacing it.
    res = CliRunner().invoke(app, ["restore", str(copy)])
    assert res.exit_code == 2 and "--force" in res.output
    assert CliRunner().invoke(app, ["restore", str(copy), "--force"]).exit_code == 0


def test_restore_refuses_a_file_that_is_not_a_database(db: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    before = counts(db)
    res = CliRunner().invoke(app, ["restore", str(junk), "--force"])
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "not a SQLite database" in lines[0]
    assert counts(db) == before


def test_backup_on_postgresql_points_at_pg_dump(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRAFIKTRYGG_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/trafiktrygg")
    get_settings.cache_clear()
    try:
        for args in (["backup", str(tmp_path / "x")], ["restore", str(tmp_path / "x")]):
            res = CliRunner().invoke(app, args)
            assert res.exit_code == 2 and "pg_dump -Fc" in res.output and "pg_restore" in res.output
    finally:
        get_settings.cache_clear()


def test_scheduled_purge_runs_in_the_server(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler, "FIRST_RUN_DELAY_S", 0.05)
    settings = Settings(database_url=f"sqlite:///{db}", purge_interval_hours=24)
    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 20
        while purge_events(db) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
    assert purge_events(db) == 1
    assert scalar(db, "SELECT count(note) FROM vehicle_checks WHERE checked_at < '2025-01-01'") == 0


def test_purge_is_off_unless_configured(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler, "FIRST_RUN_DELAY_S", 0.01)
    with TestClient(create_app(Settings(database_url=f"sqlite:///{db}"))):
        time.sleep(0.3)
    assert purge_events(db) == 0


@pytest.fixture(params=["sqlite", "postgis"])
def fresh_url(request: pytest.FixtureRequest, db: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{db}"
    url = create_postgis_database(_pg_base(), suffix="_purgelock")
    upgrade(url)
    return url


def test_two_workers_purge_once_per_interval(fresh_url: str) -> None:
    """Workers racing for the scheduled purge: the lock lets one purge, the other sees it done."""
    settings = Settings(database_url=fresh_url, purge_interval_hours=24)
    results: list[object] = []
    barrier = threading.Barrier(3)

    def worker() -> None:
        barrier.wait()
        results.append(scheduler.run_scheduled_purge(settings))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is not None for r in results) == 1
    engine = make_engine(fresh_url)
    with engine.connect() as conn:
        n = conn.scalar(sa.text(f"SELECT count(*) FROM audit_events WHERE action = '{PURGE_ACTION}'"))
    engine.dispose()
    assert n == 1


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or (str(PG_BIN / name) if (PG_BIN / name).exists() else None)
    if found is None:
        missing_service(f"{name} (PostgreSQL client tools) not found on PATH or in {PG_BIN}")
    return str(found)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]
            return {n: conn.scalar(sa.text(f'SELECT count(*) FROM "{n}"')) for n in names}
    finally:
        engine.dispose()


SAMPLE = """
SELECT c.id, c.checked_at, c.vehicle_type, c.note, ST_AsText(c.geom), o.title,
       (SELECT string_agg(code, ',' ORDER BY kind, position) FROM check_codes WHERE check_id = c.id)
FROM vehicle_checks c JOIN operations o ON o.id = c.operation_id ORDER BY c.id LIMIT 5
"""


def test_postgis_round_trip_through_pg_dump_and_pg_restore(tmp_path: Path) -> None:
    pg_dump, pg_restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    base = _pg_base()
    source = create_postgis_database(base, suffix="_dump_src")
    upgrade(source)
    install_audit()
    engine = make_engine(source)
    build_demo(engine, checks=200, incidents=20)
    engine.dispose()
    target = create_postgis_database(base, suffix="_dump_dst")
    dump = tmp_path / "trafiktrygg.dump"

    subprocess.run([pg_dump, "-Fc", "--no-owner", "-f", str(dump), "--dbname", _libpq(source)], check=True)
    subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", "--dbname", _libpq(target), str(dump)],
        check=True,
        capture_output=True,
    )

    before, after = _pg_counts(source), _pg_counts(target)
    assert after == before and before["vehicle_checks"] == 200 and before["presence_sessions"] > 0
    rows = []
    for url in (source, target):
        engine = make_engine(url)
        with engine.connect() as conn:
            rows.append(conn.execute(sa.text(SAMPLE)).all())
            # The restored database still refuses to lose audit events outside a purge.
            if url == target:
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    conn.execute(sa.text("DELETE FROM audit_events"))
        engine.dispose()
    assert rows[0] == rows[1] and len(rows[0]) == 5
