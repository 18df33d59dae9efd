"""Entry point: ``trafiktrygg serve | demo | db upgrade | user add | import | export``."""

from __future__ import annotations

import sys

import typer

from api.cli import backup_cmd, demo_cmd, io_cmd, map_cmd, purge_cmd, report_cmd
from api.cli.common import fail, one_line_errors, settings
from api.db import engine_for, transaction
from traffic.orgs.service import add_user, ensure_organisations
from traffic.storage.migrate import upgrade

app = typer.Typer(
    help="Trafiktrygg – uppföljning av medborgarlöftets trafikdel / follow-up of the "
    "traffic part of a medborgarlöfte.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Databasen / the database.", no_args_is_help=True)
user_app = typer.Typer(help="Användare / user accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")


@db_app.command("upgrade")
@one_line_errors
def db_upgrade() -> None:
    """Uppgradera databasen till senaste schemat / upgrade the database schema."""
    url = settings().database_url
    upgrade(engine_for(url))
    with transaction(url) as session:
        ensure_organisations(session)
    typer.echo(f"Databasen är uppdaterad / database upgraded: {_safe(url)}")


@user_app.command("add")
@one_line_errors
def user_add(
    username: str = typer.Argument(..., help="Användarnamn / login name"),
    role: str = typer.Option(..., help="officer | lead | planner | admin"),
    org: str = typer.Option(..., help="Organisationskod / organisation code, e.g. polisen"),
) -> None:
    """Lägg till användare; lösenord läses från standard in / add a user, password on stdin."""
    password = sys.stdin.readline().rstrip("\n")
    if not password:
        fail("password: nothing on standard input (echo 'secret' | trafiktrygg user add …)")
    with transaction(settings().database_url) as session:
        ensure_organisations(session)
        user = add_user(session, username=username, role=role, org_code=org, password=password)
    typer.echo(f"Användare skapad / user created: {user.username} ({user.role}, {org})")


@app.command()
def serve(
    host: str = typer.Option(None, help="Adress / bind address (default 127.0.0.1)"),
    port: int = typer.Option(None, help="Port (default 8000)"),
    workers: int = typer.Option(1, min=1, help="Arbetsprocesser / worker processes"),
    access_log: bool = typer.Option(True, help="Logga varje begäran / log every request"),
) -> None:
    """Starta webbservern / start the web server."""
    import uvicorn

    from api.app import create_app
    from api.security.install import InsecureSettings, check_settings

    cfg = settings()
    try:
        check_settings(cfg)  # before any worker starts: one line, not a traceback per worker
    except InsecureSettings as exc:
        fail(str(exc))
    options = {"host": host or cfg.host, "port": port or cfg.port, "access_log": access_log}
    if workers > 1:
        # Each worker process builds its own app from the environment (uvicorn needs a factory
        # it can import); tokens, lock-outs and idempotency keys live in the database. A spawned
        # worker re-imports this CLI and the app (seconds on a busy machine): uvicorn's default
        # 5 s health check would kill it before it answers and restart it in a loop.
        uvicorn.run(
            "api.app:create_app", factory=True, workers=workers, timeout_worker_healthcheck=60, **options
        )
    else:
        uvicorn.run(create_app(cfg), **options)


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


demo_cmd.register(app)
io_cmd.register(app)
map_cmd.register(app)  # after io_cmd: adds `export map`
report_cmd.register(app)  # report, import-gpx
purge_cmd.register(app)  # purge [--dry-run]
backup_cmd.register(app)  # backup, restore (SQLite)
