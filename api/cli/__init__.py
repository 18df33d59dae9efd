"""The ``trafiktrygg`` command line (typer); help in Swedish with English alongside."""
