"""``trafiktrygg report``, ``import-gpx`` (GPS tracks as presence) and ``indicator-value`` (hand-counted)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import fail, one_line_errors, settings
from api.db import transaction
from traffic.actors import SYSTEM
from traffic.aggregates import PublicRules
from traffic.audit.hook import log_read
from traffic.commitments.service import ensure_promise, enter_value
from traffic.orgs.service import ensure_organisations, organisation_by_code

# traffic.report (matplotlib, ReportLab, SciPy) and gpxpy are imported when a command runs, so
# that every other command of the CLI starts as fast as before.
FORMATS = ("html", "pdf", "json")
SUFFIXES = {".html": "html", ".htm": "html", ".pdf": "pdf", ".json": "json"}
PERIOD_HELP = "2025H1, 2025H2, 2025 eller/or 2025-01-01..2025-03-31"


def report_cmd(
    period: Annotated[str, typer.Option("--period", help=PERIOD_HELP)],
    out: Annotated[Path, typer.Option("--out", help="Utfil / output file ('-' = standard out)")],
    fmt: Annotated[
        str | None, typer.Option("--format", help=f"{' | '.join(FORMATS)} (default: from the --out suffix)")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="sv | en")] = "sv",
    public: Annotated[
        bool,
        typer.Option("--public", help="Publicerad version / published version (delay, small groups hidden)"),
    ] = False,
) -> None:
    """Skriv uppföljningen av medborgarlöftet / write the follow-up report of the promise."""
    from traffic.report import ReportOptions, build_report, render

    fmt = fmt or SUFFIXES.get(out.suffix.lower())
    if fmt not in FORMATS:
        fail(f"--format: {'not given and not clear from ' + repr(out.name) if fmt is None else repr(fmt)}; "
             f"valid values: {', '.join(FORMATS)}")  # fmt: skip
    if lang not in ("sv", "en"):
        fail(f"--lang: unknown value {lang!r}; valid values: sv, en")
    cfg = settings()
    rules = PublicRules(delay_days=cfg.public_delay_days, min_cell_size=cfg.min_cell_size)
    actor = dataclasses.replace(SYSTEM, username="cli-report")
    with transaction(cfg.database_url, actor=actor, purpose="uppföljningsrapport") as session:
        report = build_report(session, period, ReportOptions(lang=lang, public=public, rules=rules))
        if not public:
            log_read(session, "report", [report.period.label], purpose="uppföljningsrapport (intern)")
    data = render(report, fmt)  # type: ignore[arg-type]
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        return
    out.write_bytes(data)
    kind = "publicerad / published" if public else "intern / internal"
    typer.echo(f"Rapport {report.period.label} ({kind}, {fmt}, {lang}): {out} ({len(data):,} bytes)")


def import_gpx_cmd(
    file: Annotated[Path, typer.Argument(help="GPX-fil med tidsstämplade spår / GPX file with timed tracks")],
    unit: Annotated[
        str | None, typer.Option("--unit", help="Enhet / unit call sign (default: the track name)")
    ] = None,
    officers: Annotated[int, typer.Option("--officers", min=1, max=50, help="Antal poliser / officers")] = 1,
    mode: Annotated[
        str | None, typer.Option("--mode", help="FOOT | CAR | BIKE | STATIONARY (default: the GPX type)")
    ] = None,
    org: Annotated[str, typer.Option("--org", help="Ägande organisation / owning organisation")] = "polisen",
) -> None:
    """Importera GPS-spår som närvaro / import GPS tracks as presence sessions (all or nothing)."""
    from traffic.presence.gpx import import_gpx

    data = file.read_bytes()
    with transaction(settings().database_url, purpose="import") as session:
        ensure_organisations(session)
        owner = organisation_by_code(session, org)
        actor = dataclasses.replace(SYSTEM, username="cli-import", org_id=owner.id)
        session.info["actor"] = actor
        result = import_gpx(session, actor=actor, data=data, unit=unit, officers=officers, mode=mode)
        minutes = sum((s.end_at - s.start_at).total_seconds() / 60 for s in result.sessions if s.end_at)
    skipped = f"; {result.skipped} segment med en punkt hoppades över / skipped" if result.skipped else ""
    typer.echo(
        f"{len(result.sessions)} GPS-spår importerade / tracks imported ({minutes:.0f} min){skipped}: {file}"
    )


def import_presence(file: Path, org: str | None = None) -> None:
    """``trafiktrygg import presence FILE.gpx``: GPX tracks with the defaults of ``import-gpx``."""
    if file.suffix.lower() != ".gpx":
        fail(f"{file.name}: presence is imported from GPX files (.gpx); see trafiktrygg import-gpx --help")
    import_gpx_cmd(file, org=org or "polisen")


def indicator_value_cmd(
    indicator: Annotated[str, typer.Argument(help="Indikatorkod / indicator code, e.g. fraud_meetings")],
    period: Annotated[str, typer.Argument(help="Halvår / half-year, e.g. 2025H1")],
    value: Annotated[float, typer.Argument(help="Värde / the counted value (zero or more)")],
    note: Annotated[str | None, typer.Option("--note", help="Kommentar / comment")] = None,
) -> None:
    """Ange ett handräknat värde för ett åtagande / enter a hand-counted indicator value (audited)."""
    actor = dataclasses.replace(SYSTEM, username="cli-indicator")
    with transaction(settings().database_url, actor=actor, purpose="indikatorvärde") as session:
        ensure_promise(session)
        row = enter_value(session, indicator_code=indicator, period=period, value=value, note=note)
    typer.echo(f"{indicator} {period}: {row.value:g}" + (f" ({note})" if note else ""))


def register(app: typer.Typer) -> None:
    """Add ``report``, ``import-gpx`` and ``indicator-value``."""
    app.command("report")(one_line_errors(report_cmd))
    app.command("import-gpx")(one_line_errors(import_gpx_cmd))
    app.command("indicator-value")(one_line_errors(indicator_value_cmd))
