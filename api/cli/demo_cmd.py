"""``trafiktrygg demo``: being written (see the demo-data work)."""

import typer


def register(app: typer.Typer) -> None:
    """Add the demo command."""
