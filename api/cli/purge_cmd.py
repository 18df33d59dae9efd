"""``trafiktrygg purge [--dry-run]``: apply the retention policy (gallring) now."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from api.cli.common import one_line_errors, settings
from api.db import transaction
from api.scheduler import current_policy, purge_session
from traffic.actors import Actor
from traffic.retention.executor import purge as run_purge
from traffic.retention.planner import PlanItem, plan
from traffic.retention.policy import load_policy
from traffic.storage.base import utcnow

ACTIONS = {
    "clear": "töms / cleared",
    "delete": "raderas / deleted",
    "scrub": "töms i logg / in audit",
}


def _table(title: str, items: list[PlanItem]) -> Table:
    table = Table(title=title)
    for name in ("regel / rule", "åtgärd / action", "dagar / days", "gräns / cut-off (UTC)", "antal / rows"):
        table.add_column(name, justify="right" if name.startswith(("dagar", "antal")) else "left")
    for i in items:
        table.add_row(
            i.key, ACTIONS[i.action], str(i.days), i.cutoff.strftime("%Y-%m-%d %H:%M"), str(i.count)
        )
    return table


@one_line_errors
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Visa vad som skulle gallras, ändra inget / list what would go")
    ] = False,
    policy_file: Annotated[
        Path | None,
        typer.Option(
            "--policy", help="TOML-fil med frister (annars TRAFIKTRYGG_RETENTION_FILE) / periods file"
        ),
    ] = None,
) -> None:
    """Gallra enligt bevarandereglerna / purge what the retention policy says must go."""
    cfg = settings()
    policy = load_policy(policy_file, os.environ) if policy_file else current_policy(cfg)
    console = Console(width=130)
    now = utcnow()
    if dry_run:
        with transaction(cfg.database_url) as session:
            items = plan(session, policy, now)
        console.print(_table("Provkörning: detta skulle gallras / dry run: this would go", items))
        console.print(f"Totalt / total: {sum(i.count for i in items)} (inget ändrat / nothing changed)")
        return
    actor = Actor(username=f"cli:{getpass.getuser()}"[:64], role="admin")
    with purge_session(cfg.database_url) as session:
        report = run_purge(session, policy, now, actor=actor)
    console.print(_table("Gallrat / purged", report.items))
    console.print(f"Totalt / total: {report.total}; granskningshändelse / audit event {report.event_id}")


def register(app: typer.Typer) -> None:
    """Add ``purge`` to the CLI."""
    app.command("purge")(purge)
