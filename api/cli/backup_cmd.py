"""``trafiktrygg backup FILE`` / ``trafiktrygg restore FILE``: SQLite online backups.

Both use SQLite's online backup API (``sqlite3.Connection.backup``): the copy is one consistent
snapshot taken in a read transaction, so it is safe while the server writes (WAL lets writers
go on meanwhile). A backup is written to ``FILE.partial``, checked with ``PRAGMA
integrity_check`` and only then renamed to ``FILE``. A restore checks the file first, then
copies it into the configured database through the same API, which locks the database for the
copy, so a running server sees either the old or the restored data, never a mix.
PostgreSQL is backed up with ``pg_dump -Fc`` and restored with ``pg_restore`` (docs/operations.md).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from api.cli.common import fail, one_line_errors, settings

PG_HINT = (
    "PostgreSQL: use pg_dump -Fc -f FILE.dump and pg_restore -d DATABASE FILE.dump "
    "(see docs/operations.md); trafiktrygg backup/restore are for SQLite"
)


def _sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        fail(PG_HINT)
    if not parsed.database or parsed.database == ":memory:":
        fail("database_url: an in-memory SQLite database has nothing to back up")
    return Path(parsed.database)


def _connect(path: Path, *, must_exist: bool = True) -> sqlite3.Connection:
    if must_exist and not path.is_file():
        fail(f"{path}: no such database file")
    uri = f"{path.resolve().as_uri()}?mode={'rw' if must_exist else 'rwc'}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    return conn


def _check(conn: sqlite3.Connection, path: Path) -> None:
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        fail(f"{path}: not a SQLite database ({exc})")
    if result != ["ok"]:
        fail(f"{path}: integrity check failed: {'; '.join(result[:3])}")
    if "alembic_version" not in tables:
        fail(f"{path}: not a Trafiktrygg database (no alembic_version table)")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@one_line_errors
def backup(
    file: Annotated[Path, typer.Argument(help="Säkerhetskopians fil / backup file to write")],
    force: Annotated[
        bool, typer.Option("--force", help="Skriv över en befintlig fil / overwrite FILE")
    ] = False,
) -> None:
    """Säkerhetskopiera SQLite-databasen medan servern kör / back up the SQLite database online."""
    source = _sqlite_path(settings().database_url)
    if file.exists() and not force:
        fail(f"{file}: exists already; choose another name or add --force")
    if file.resolve() == source.resolve():
        fail(f"{file}: is the database itself")
    partial = file.with_name(file.name + ".partial")
    partial.unlink(missing_ok=True)
    src = _connect(source)
    try:
        dst = _connect(partial, must_exist=False)
        try:
            src.backup(dst)  # all pages in one step: one consistent read snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            _check(dst, partial)
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    _fsync(partial)
    partial.replace(file)
    typer.echo(f"Säkerhetskopia klar / backup written: {file} ({file.stat().st_size} bytes, integrity ok)")


@one_line_errors
def restore(
    file: Annotated[Path, typer.Argument(help="Säkerhetskopia att läsa in / backup file to restore")],
    force: Annotated[
        bool, typer.Option("--force", help="Ersätt en befintlig databas / replace an existing database")
    ] = False,
) -> None:
    """Återställ SQLite-databasen från en säkerhetskopia / restore the SQLite database from a backup."""
    target = _sqlite_path(settings().database_url)
    src = _connect(file)
    try:
        _check(src, file)
        if target.exists() and target.stat().st_size > 0 and not force:
            fail(f"{target}: a database exists; add --force to replace it with {file}")
        target.parent.mkdir(parents=True, exist_ok=True)
        dst = _connect(target, must_exist=False)
        try:
            src.backup(dst)  # SQLite locks the target for the copy; readers see old or new, never a mix
            _check(dst, target)
            revision = dst.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            dst.close()
    finally:
        with contextlib.suppress(sqlite3.Error):
            src.close()
    typer.echo(
        f"Återställd / restored: {target} från/from {file} (schema {revision[0] if revision else '?'}); "
        "kör / run `trafiktrygg db upgrade` if the code is newer"
    )


def register(app: typer.Typer) -> None:
    """Add ``backup`` and ``restore`` to the CLI."""
    app.command("backup")(backup)
    app.command("restore")(restore)
