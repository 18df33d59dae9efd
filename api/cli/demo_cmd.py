"""``trafiktrygg demo``: load the deterministic Mjölby demo data for 2024–2025."""

from __future__ import annotations

import time

import typer
from rich.console import Console
from rich.table import Table

from api.cli.common import one_line_errors, progress, settings
from api.db import engine_for, transaction
from traffic.demo import DEMO_ACTOR, build_demo
from traffic.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from traffic.demo.build import DEFAULT_SEED
from traffic.errors import ValidationFailed
from traffic.stats import record_counts
from traffic.storage.migrate import upgrade

LABELS = {
    "organisations": "organisationer / organisations",
    "zones": "zoner / zones",
    "operations": "insatser / operations",
    "checks": "kontrollerade fordon / vehicle checks",
    "tallies": "räkningar / tallies",
    "presence": "närvaropass / presence sessions",
    "measures": "trafiksäkerhetsåtgärder / safety measures",
    "incidents": "händelser och synpunkter / incidents and concerns",
    "commitments": "löften / commitments",
    "indicator_values": "inmatade värden / hand-entered values",
}


@one_line_errors
def demo(
    seed: int = typer.Option(
        DEFAULT_SEED, min=0, help="Slumpfrö: samma frö ger samma data / seed: same seed, same rows"
    ),
    reset: bool = typer.Option(
        False,
        "--reset",
        help="Töm demotabellerna först; granskningsloggen behålls / "
        "empty the demo tables first; the audit trail is kept",
    ),
    checks: int | None = typer.Option(
        None,
        min=0,
        help="Antal fordonskontroller (standard 3000) / number of vehicle checks (default 3000)",
    ),
    incidents: int | None = typer.Option(
        None,
        min=0,
        help="Antal händelser och synpunkter (standard 800) / number of incidents (default 800)",
    ),
    if_empty: bool = typer.Option(
        False,
        "--if-empty",
        help="Gör inget om data redan finns / do nothing when the database already has data",
    ),
    accounts: bool = typer.Option(
        True,
        "--accounts/--no-accounts",
        help="Skapa demokonton, ett per roll / create demo sign-ins, one per role",
    ),
) -> None:
    """Ladda demodata för Mjölby 2024–2025 / load the Mjölby demo data for 2024–2025."""
    cfg = settings()
    url = cfg.database_url
    if accounts and cfg.production:
        raise ValidationFailed(
            "demo accounts have a published password: refused in production mode; use --no-accounts",
            field="TRAFIKTRYGG_PRODUCTION",
        )
    upgrade(engine_for(url))
    if if_empty and not reset and has_records(url):
        typer.echo("Data finns redan; demodata laddas inte / data exists; demo data not loaded")
        if accounts:
            _accounts(url)
        return
    started = time.perf_counter()
    with progress() as bar, transaction(url, actor=DEMO_ACTOR, purpose="demo data") as session:
        tasks: dict[str, object] = {}

        def report(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=max(total, 1))
            bar.update(tasks[label], completed=done, total=max(total, 1))  # type: ignore[arg-type]

        counts = build_demo(
            session,
            seed=seed,
            checks=checks,
            incidents=incidents,
            reset=reset,
            progress=report,
            pseudonym_secret=cfg.pseudonym_secret,
        )
    _summary(counts, seed, time.perf_counter() - started)
    if accounts:
        _accounts(url)


def has_records(url: str) -> bool:
    """True when any operation, check, measure or incident is stored."""
    with transaction(url) as session:
        counts = record_counts(session)
    return any(counts[k] for k in ("operations", "checks", "measures", "incidents"))


def _summary(counts: dict[str, int], seed: int, seconds: float) -> None:
    table = Table(title=f"Demodata / demo data (seed {seed}, {seconds:.1f} s)")
    table.add_column("Slag / kind")
    table.add_column("Antal / count", justify="right")
    for key, n in counts.items():
        table.add_row(LABELS.get(key, key), str(n))
    Console().print(table)


def _accounts(url: str) -> None:
    with transaction(url, actor=DEMO_ACTOR, purpose="demo accounts") as session:
        ensure_demo_accounts(session)
    table = Table(title=f"Demokonton / demo sign-ins (lösenord / password: {DEMO_PASSWORD})")
    for column in ("Användare / user", "Roll / role", "Organisation", "Vem / who"):
        table.add_column(column)
    for a in DEMO_ACCOUNTS:
        table.add_row(a.username, a.role, a.org, a.who)
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the demo command."""
    app.command("demo")(demo)
