"""``trafiktrygg import KIND FILE`` and ``trafiktrygg export KIND``: files in, files out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import err_console, fail, one_line_errors, progress, settings
from api.cli.report_cmd import import_presence
from api.db import transaction
from traffic.actors import SYSTEM
from traffic.io import EXPORT_FORMATS, IMPORT_FORMATS, KINDS, SPECS, export, import_rows, read_file
from traffic.io.report import ImportReport
from traffic.orgs.service import ensure_organisations, organisation_by_code

COLUMNS_HELP = "Kolumner per typ / columns per kind: traffic/io/COLUMNS.md"
PROGRESS_FROM = 1000  # rows; smaller files are done before a bar would help
EXPORT_SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".csv": "csv"}

Kind = Annotated[str, typer.Argument(help=f"Posttyp / record kind: {' | '.join(KINDS)} | presence (GPX)")]


def _check_choice(option: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        fail(f"{option}: unknown value {value!r}; valid values: {', '.join(valid)}")


@contextmanager
def _ticker(kind: str, total: int) -> Iterator[Callable[[int], None] | None]:
    """A progress callback for big files (None for small ones)."""
    if total <= PROGRESS_FROM:
        yield None
        return
    with progress() as bar:
        task = bar.add_task(f"Importerar / importing {kind}", total=total)
        yield lambda n: bar.advance(task, n)


def _print_report(report: ImportReport) -> None:
    for line in report.lines():
        err_console.print(line, highlight=False, soft_wrap=True, markup=False)
    if report.accepted == 0 and report.rejected:
        err_console.print(report.summary(), highlight=False, soft_wrap=True, markup=False)
        raise typer.Exit(1)
    typer.echo(report.summary())


def import_cmd(
    kind: Kind,
    file: Annotated[Path, typer.Argument(help="GeoJSON-, CSV- eller GPKG-fil / file to import")],
    partial: Annotated[
        bool, typer.Option("--partial", help="Behåll de godkända raderna / keep the good rows")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", help=" | ".join(IMPORT_FORMATS))] = "auto",
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="Ägande organisation / owning organisation code "
            "(default: polisen for checks, mjolby_kommun otherwise)",
        ),
    ] = None,
) -> None:
    """Importera poster från fil, allt eller inget / import records from a file, all or nothing."""
    if kind == "presence":  # GPX tracks: api/cli/report_cmd.py (options: trafiktrygg import-gpx)
        return import_presence(file, org)
    _check_choice("KIND", kind, KINDS)
    _check_choice("--format", fmt, IMPORT_FORMATS)
    rows = read_file(file, kind, fmt)
    cfg = settings()
    with transaction(cfg.database_url, purpose="import") as session:
        ensure_organisations(session)
        owner = organisation_by_code(session, org or SPECS[kind].default_org)
        actor = dataclasses.replace(SYSTEM, username="cli-import", org_id=owner.id)
        session.info["actor"] = actor
        with _ticker(kind, len(rows)) as tick:
            report = import_rows(
                session,
                kind,
                rows,
                actor=actor,
                partial=partial,
                pseudonym_secret=cfg.pseudonym_secret,
                on_row=tick,
            )
    _print_report(report)


def export_cmd(
    kind: Kind,
    out: Annotated[Path, typer.Option("--out", help="Utfil / output file")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help=f"{' | '.join(EXPORT_FORMATS)} (default: from the --out suffix)"
        ),
    ] = None,
) -> None:
    """Exportera poster till fil / export records to a file (GeoJSON, GeoPackage or CSV)."""
    _check_choice("KIND", kind, KINDS)
    fmt = fmt or EXPORT_SUFFIXES.get(out.suffix.lower(), "")
    if not fmt:
        valid = ", ".join(EXPORT_FORMATS)
        fail(f"--format: not given and not clear from {out.name!r}; valid values: {valid}")
    _check_choice("--format", fmt, EXPORT_FORMATS)
    actor = dataclasses.replace(SYSTEM, username="cli-export")
    with transaction(settings().database_url, actor=actor, purpose="export") as session:
        count = export(session, kind, fmt, out)
    typer.echo(f"{count} rader exporterade / {count} rows exported ({kind}, {fmt}): {out}")


def register(app: typer.Typer) -> None:
    """Add the import and export commands."""
    app.command("import", epilog=COLUMNS_HELP)(one_line_errors(import_cmd))
    app.command("export", epilog=COLUMNS_HELP)(one_line_errors(export_cmd))
