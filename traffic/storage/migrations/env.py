"""Alembic environment: runs with a connection handed in by traffic.storage.migrate."""

from alembic import context

import traffic.models  # noqa: F401 - registers every table
from traffic.storage.base import Base

config = context.config
target_metadata = Base.metadata


def include_object(obj, name, type_, reflected, compare_to, dialect_name=None):  # noqa: ANN001
    """Leave out PostGIS's own tables and indexes meant for another dialect."""
    if type_ == "table" and reflected and compare_to is None:
        return False  # spatial_ref_sys, topology, tiger: not ours
    ddl_if = getattr(obj, "_ddl_if", None)
    if type_ == "index" and ddl_if is not None and ddl_if.dialect and dialect_name:
        return ddl_if.dialect == dialect_name
    return True


def run_migrations() -> None:
    """Run migrations online on the connection in config.attributes, or from the URL."""
    connection = config.attributes.get("connection")
    if connection is None:
        from traffic.storage.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:  # noqa: ANN001
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=lambda *a: include_object(*a, dialect_name=connection.dialect.name),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
