"""Shared fixtures: real SQLite and real PostgreSQL + PostGIS databases.

Every database test runs on both backends through the parametrized ``db_url`` fixture.
Locally a PostGIS test skips when no server answers; with ``CI=true`` it fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import settings
from sqlalchemy.engine import make_url

PG_URL_ENV = "TRAFIKTRYGG_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/trafiktrygg_test"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# CI runs the property tests with fixed examples: a red build must be reproducible, not luck.
settings.register_profile("ci", derandomize=True, print_blob=True)
if _in_ci():
    settings.load_profile("ci")


def missing_service(reason: str) -> None:
    """Skip locally, fail in CI: a missing service must never hide a test in CI."""
    if _in_ci():
        pytest.fail(f"CI=true and a required service is missing: {reason}")
    pytest.skip(reason)


_RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"{os.getpid():x}")[:8]
_CREATED: list[str] = []


def _worker_suffix() -> str:
    # A name per run and per worker: concurrent test runs on one server never share a database.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"_{_RUN_ID}" + (f"_{worker}" if worker else "")


def drop_created_databases() -> None:
    """Drop the PostGIS databases this process created."""
    if not _CREATED:
        return
    admin = sa.create_engine(make_url(_CREATED[0]).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for url in _CREATED:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    finally:
        admin.dispose()
        _CREATED.clear()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Leave no test databases behind."""
    try:
        drop_created_databases()
    except Exception:  # noqa: BLE001 - cleanup must never fail the run
        pass


def create_postgis_database(base_url: str, suffix: str = "") -> str:
    """Drop and create a fresh database with PostGIS; return its URL."""
    url = make_url(base_url)
    name = f"{url.database}{_worker_suffix()}{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    target = url.set(database=name)
    eng = sa.create_engine(target)
    try:
        with eng.begin() as conn:
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    finally:
        eng.dispose()
    rendered = target.render_as_string(hide_password=False)
    _CREATED.append(rendered)
    return rendered


@pytest.fixture(scope="session")
def postgis_url() -> str:
    """A fresh PostGIS database for this test session (per xdist worker)."""
    base = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
    try:
        return create_postgis_database(base)
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no service"
        missing_service(f"PostgreSQL + PostGIS not reachable at {base}: {exc.__class__.__name__}: {exc}")
        raise  # unreachable


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file for this test session."""
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'trafiktrygg.sqlite'}"


@pytest.fixture(params=["sqlite", "postgis"])
def db_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of an empty-but-migrated database, once per backend."""
    name = request.param
    url = request.getfixturevalue(f"{name}_url")
    yield url


@pytest.fixture(scope="session")
def migrated_urls(request: pytest.FixtureRequest) -> dict[str, str]:
    """Backends migrated once per test session, filled lazily by :func:`migrated_url`."""
    return {}


@pytest.fixture
def db_namespace() -> str:
    """Which shared database a directory's tests use; tests that commit get their own namespace."""
    return "shared"


@pytest.fixture(params=["sqlite", "postgis"])
def migrated_url(request: pytest.FixtureRequest, migrated_urls: dict[str, str], db_namespace: str) -> str:
    """The URL of a database at the newest schema (shared by tests; use ``session`` to roll back).

    Tests that commit (the API tests) use another namespace, so the rolled-back ``session``
    tests always start from a database that holds nothing but reference rows.
    """
    from traffic.storage.migrate import upgrade

    key = f"{request.param}-{db_namespace}"
    if key not in migrated_urls:
        if request.param == "sqlite":
            folder = request.getfixturevalue("tmp_path_factory").mktemp(f"mig-{db_namespace}")
            url = f"sqlite:///{folder / 'm.sqlite'}"
        else:
            url = create_postgis_database(_pg_base(), suffix=f"_{db_namespace}")
        upgrade(url)
        migrated_urls[key] = url
    return migrated_urls[key]


def _pg_base() -> str:
    base = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
    try:
        admin = sa.create_engine(make_url(base).set(database="postgres"))
        with admin.connect():
            pass
        admin.dispose()
    except Exception as exc:  # noqa: BLE001
        missing_service(f"PostgreSQL + PostGIS not reachable at {base}: {exc}")
    return base


@pytest.fixture
def session(migrated_url: str) -> Iterator[sa.orm.Session]:
    """A session on a migrated database whose work is rolled back after the test."""
    from sqlalchemy.orm import Session

    from traffic.audit.hook import install_audit
    from traffic.storage.db import make_engine

    install_audit()
    engine = make_engine(migrated_url)
    conn = engine.connect()
    trans = conn.begin()
    sess = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        trans.rollback()
        conn.close()
        engine.dispose()
