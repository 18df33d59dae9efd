"""The Alembic migrations build exactly the models' schema, on SQLite and on PostGIS.

Each test starts from an EMPTY database (a new SQLite file, or a freshly created PostgreSQL
database with only the postgis extension), runs the packaged migrations, and inspects the result.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

# tests/ is importable as a namespace package through pytest's ``pythonpath = ["."]``.
from tests.conftest import DEFAULT_PG_URL, PG_URL_ENV, create_postgis_database, missing_service
from traffic.models import Base
from traffic.storage.db import make_engine
from traffic.storage.migrate import alembic_config, upgrade

SPATIAL_TABLES = sorted(t.name for t in Base.metadata.sorted_tables if "geom" in t.c)


@pytest.fixture(params=["sqlite", "postgis"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database of each backend, disposed afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    else:
        base = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
        try:
            url = create_postgis_database(base, suffix="_mig")
        except Exception as exc:  # noqa: BLE001 - any connection failure means "no service"
            missing_service(f"PostgreSQL + PostGIS not reachable at {base}: {exc!r}")
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def schema_diff(engine: Engine) -> list[Any]:
    """What ``alembic revision --autogenerate`` would find between the database and the models.

    env.py is run through Alembic's own machinery (its migration function is replaced by one
    that runs nothing), so the comparison uses exactly env.py's options: ``compare_type=True``
    and ``include_object`` bound to the connection's dialect name.
    """
    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    diffs: list[Any] = []

    def compare(_heads: Any, context: MigrationContext) -> list[Any]:
        assert context.opts["compare_type"] is True
        assert context.opts["include_object"] is not None
        diffs.extend(compare_metadata(context, Base.metadata))
        return []  # no migration steps to run

    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        with EnvironmentContext(cfg, script, fn=compare):
            script.run_env()
        conn.rollback()
    return diffs


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Downgrade the database to ``revision`` with the packaged migrations."""
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def our_tables(engine: Engine) -> set[str]:
    """Tables in the database that the models define (PostGIS's own tables left out)."""
    return set(sa.inspect(engine).get_table_names()) & set(Base.metadata.tables)


def assert_no_diff(engine: Engine) -> None:
    """Fail with the readable list of differences if migrations and models disagree."""
    diff = schema_diff(engine)
    assert diff == [], "migrations and models differ:\n" + "\n".join(map(repr, diff))


def test_upgrade_of_empty_database_matches_the_models(empty_engine: Engine) -> None:
    assert our_tables(empty_engine) == set()
    upgrade(empty_engine)
    assert our_tables(empty_engine) == set(Base.metadata.tables)
    assert_no_diff(empty_engine)


def test_downgrade_to_base_and_upgrade_again(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    assert our_tables(empty_engine) == set()
    with empty_engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is None
    upgrade(empty_engine)
    assert our_tables(empty_engine) == set(Base.metadata.tables)
    assert_no_diff(empty_engine)


def test_spatial_columns_and_indexes(empty_engine: Engine) -> None:
    assert "vehicle_checks" in SPATIAL_TABLES
    upgrade(empty_engine)
    if empty_engine.dialect.name == "postgresql":
        _assert_postgis_geometry(empty_engine)
    else:
        _assert_sqlite_bbox_index(empty_engine)


def _assert_postgis_geometry(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns "
                "WHERE f_table_schema = current_schema()"
            )
        ).all()
        gist = {
            r.tablename: r.indexdef
            for r in conn.execute(
                sa.text(
                    "SELECT tablename, indexdef FROM pg_indexes "
                    "WHERE schemaname = current_schema() AND indexdef ILIKE '%USING gist (geom)%'"
                )
            )
        }
    columns = {(r.f_table_name, r.f_geometry_column): (r.srid, r.type) for r in rows}
    assert sorted(t for t, _ in columns) == SPATIAL_TABLES, columns
    wrong_srid = {k: v for k, v in columns.items() if v[0] != 4326}
    assert not wrong_srid, f"geometry columns not in EPSG:4326: {wrong_srid}"
    assert columns[("vehicle_checks", "geom")][0] == 4326
    missing = [t for t in SPATIAL_TABLES if t not in gist]
    assert not missing, f"no GiST index on geom for: {missing}"
    assert "vehicle_checks" in gist


def _assert_sqlite_bbox_index(engine: Engine) -> None:
    inspector = sa.inspect(engine)
    bbox = ["bbox_minx", "bbox_maxx", "bbox_miny", "bbox_maxy"]
    for table in SPATIAL_TABLES:
        indexes = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes(table)}
        assert indexes.get(f"ix_{table}_bbox") == bbox, f"{table}: {indexes}"
        assert f"ix_{table}_geom" not in indexes  # the GiST index is PostGIS-only
    geom = {c["name"]: c["type"] for c in inspector.get_columns("vehicle_checks")}["geom"]
    assert isinstance(geom, sa.LargeBinary), geom  # WKB in a BLOB


def test_audit_events_are_append_only(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    at = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    if empty_engine.dialect.name == "sqlite":
        at = at.replace(tzinfo=None)
    with empty_engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO audit_events (at, action, entity, purpose) "
                "VALUES (:at, 'create', 'operation', 'migration test')"
            ),
            {"at": at},
        )
    statements = [
        "UPDATE audit_events SET purpose = 'rewritten'",
        "DELETE FROM audit_events",
    ]
    if empty_engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_events")
    for statement in statements:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            with empty_engine.begin() as conn:
                conn.execute(sa.text(statement))
    with empty_engine.connect() as conn:
        purposes = conn.execute(sa.text("SELECT purpose FROM audit_events")).scalars().all()
    assert purposes == ["migration test"]


def test_the_comparison_sees_a_missing_index(empty_engine: Engine) -> None:
    # Guard against a vacuous comparison (for example an include_object that drops everything).
    upgrade(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(sa.text("DROP INDEX ix_audit_events_entity"))
    diff = schema_diff(empty_engine)
    assert [(d[0], d[1].name) for d in diff] == [("add_index", "ix_audit_events_entity")]


def test_has_remark_is_backfilled_from_the_outcomes(empty_engine: Engine) -> None:
    """Migration 0003 computes ``has_remark`` of existing checks from their codes."""
    from traffic.demo import build_demo

    upgrade(empty_engine)
    build_demo(empty_engine, seed=5, checks=300, incidents=0)
    downgrade(empty_engine, "0002")
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT c.has_remark, EXISTS (SELECT 1 FROM check_codes k WHERE k.check_id = c.id"
                " AND k.kind = 'outcome' AND k.code = 'UTAN_ANMARKNING') FROM vehicle_checks c"
            )
        ).all()
    assert len(rows) == 300
    assert {bool(remark) for remark, _ in rows} == {True, False}
    assert all(bool(remark) != bool(clean) for remark, clean in rows)
