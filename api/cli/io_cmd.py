"""``trafiktrygg import`` / ``export``: being written (see the import/export work)."""

import typer


def register(app: typer.Typer) -> None:
    """Add the import and export commands."""
