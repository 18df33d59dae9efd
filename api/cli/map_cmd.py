"""``trafiktrygg export map KIND --out FILE.html``: a map page as one self-contained file.

The file is the page ``/maps/KIND`` would serve, with every script, stylesheet, image and font
inlined (it opens offline, from a USB stick or an e-mail). It is drawn **as the public sees
it** unless ``--as-role ROLE --org ORG`` says otherwise (e.g. ``--as-role lead --org polisen``
for the police lead's view, with operations and presence): an exported file leaves the
system's access control behind, so the default is the view that may be published.

``export`` itself belongs to :mod:`api.cli.io_cmd`; :func:`register` teaches it the word
``map`` without changing that module: ``export map …`` is handed to this command, every other
``export …`` runs as before.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli.common import fail, one_line_errors, settings
from api.db import transaction
from api.mapsweb.build import PAGES, Context, build
from api.mapsweb.query import query_from_options
from api.mapsweb.settings import get_map_settings
from api.permissions import ROLES
from maps.assets import AssetsMissing
from maps.base import BadTileSetting, tile_source
from maps.render import render_standalone
from traffic.actors import Actor
from traffic.orgs.service import organisation_by_code
from traffic.visibility import PUBLIC

EPILOG = (
    "Kartor / maps: trafiktrygg export map KIND --out FILE.html, KIND: "
    + " | ".join(PAGES)
    + " (trafiktrygg export map --help)."
)


def _actor(session: Any, role: str, org: str | None) -> Actor:
    if role not in ROLES:
        fail(f"--as-role: unknown role {role!r}; valid: {', '.join(ROLES)}")
    if role == "public":
        if org:
            fail("--org: the public belongs to no organisation; give --as-role too")
        return PUBLIC
    if not org:
        fail(f"--org: needed with --as-role {role} (e.g. --org polisen)")
    assert org is not None  # fail() exits
    return Actor(username=f"cli-export-map-{role}", role=role, org_id=organisation_by_code(session, org).id)


def export_map(
    kind: Annotated[str, typer.Argument(metavar="KIND", help=f"Karta / map: {' | '.join(PAGES)}")],
    out: Annotated[Path, typer.Option("--out", help="HTML-fil / output file")],
    period: Annotated[str | None, typer.Option(help="2025H1, 2025 or 2025-01-01..2025-03-31")] = None,
    datetime: Annotated[str | None, typer.Option(help="RFC 3339 instant or interval a/b")] = None,
    zone: Annotated[str | None, typer.Option(help="zone code, e.g. resecentrum_300m")] = None,
    organisation: Annotated[str | None, typer.Option(help="records of this organisation only")] = None,
    focus: Annotated[str | None, typer.Option(help="operation focus code, e.g. A_TRAKTOR")] = None,
    vehicle_type: Annotated[str | None, typer.Option(help="vehicle type code")] = None,
    finding: Annotated[str | None, typer.Option(help="finding code")] = None,
    outcome: Annotated[str | None, typer.Option(help="outcome code")] = None,
    status: Annotated[str | None, typer.Option(help="status code (operations, measures)")] = None,
    record_kind: Annotated[str | None, typer.Option("--record-kind", help="measure or incident kind")] = None,
    lang: Annotated[str, typer.Option(help="sv | en")] = "sv",
    cell_m: Annotated[float | None, typer.Option("--cell-m", help="cell size in metres")] = None,
    shape: Annotated[str, typer.Option(help="square | hex")] = "square",
    records: Annotated[str, typer.Option(help="checks | remarks | incidents")] = "checks",
    step: Annotated[str | None, typer.Option(help="heatmap time slider: week | month")] = None,
    tiles: Annotated[
        str | None, typer.Option(help="osm | none | XYZ URL template (default: setting)")
    ] = None,
    as_role: Annotated[str, typer.Option("--as-role", help=" | ".join(ROLES))] = "public",
    org: Annotated[str | None, typer.Option(help="organisation code of --as-role, e.g. polisen")] = None,
) -> None:
    """Exportera en karta som fristående HTML / export a map as a standalone HTML file."""
    if kind not in PAGES:
        fail(f"KIND: unknown map {kind!r}; valid: {', '.join(PAGES)}")
    for option, value, valid in (
        ("--lang", lang, ("sv", "en")),
        ("--shape", shape, ("square", "hex")),
        ("--records", records, ("checks", "remarks", "incidents")),
        ("--step", step or "week", ("week", "month")),
    ):
        if value not in valid:
            fail(f"{option}: unknown value {value!r}; valid values: {', '.join(valid)}")
    maps = get_map_settings()
    if tiles is not None:
        tile_source(tiles)  # a bad value stops here with the reason
        maps = maps.model_copy(update={"tiles": tiles})
    cfg = settings()
    filters = {
        "period": period,
        "datetime": datetime,
        "zone": zone,
        "organisation": organisation,
        "focus": focus,
        "vehicle_type": vehicle_type,
        "finding": finding,
        "outcome": outcome,
        "status": status,
        "kind": record_kind,
    }
    with transaction(cfg.database_url, purpose="export map") as session:
        actor = _actor(session, as_role, org)
        session.info["actor"] = actor
        q = query_from_options(
            session, filters, lang=lang, cell_m=cell_m, shape=shape, records=records, step=step
        )
        built = build(kind, Context(session, actor, q, cfg, maps))
        try:
            html = render_standalone(built.map, title=built.title, lang=q.lang)
        except AssetsMissing as exc:
            fail(str(exc))
    out.write_text(html, encoding="utf-8")
    typer.echo(f"Karta exporterad / map exported ({kind}, {actor.role}): {out} ({len(html.encode()):,} B)")


def register(app: typer.Typer) -> None:
    """Add ``map`` to the ``export`` command registered by :mod:`api.cli.io_cmd`."""
    command = one_line_errors(_tiles_errors(export_map))
    for group in app.registered_groups:  # should ``export`` ever become a group: a plain sub-command
        if group.name == "export" and group.typer_instance is not None:
            group.typer_instance.command("map")(command)
            return
    info = next((c for c in app.registered_commands if c.name == "export"), None)
    if info is None:
        raise RuntimeError("register the export command (api.cli.io_cmd) before api.cli.map_cmd")
    single = typer.Typer(add_completion=False)
    single.command("map", help=export_map.__doc__)(command)
    info.cls = _with_map(info.cls or typer.core.TyperCommand, typer.main.get_command(single))
    info.epilog = f"{info.epilog}\n\n{EPILOG}" if info.epilog else EPILOG


def _with_map(base: Any, map_command: Any) -> Any:
    """A command class that hands ``export map …`` to ``map_command``."""

    class ExportOrMap(base):  # type: ignore[misc, valid-type]  # typer's (vendored) click Command
        def make_context(
            self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
        ) -> Any:
            if args and args[0] == "map":
                return map_command.make_context(f"{info_name} map", args[1:], parent=parent, **extra)
            return super().make_context(info_name, args, parent=parent, **extra)

    return ExportOrMap


def _tiles_errors(fn: Any) -> Any:
    """Report a bad ``--tiles`` value as a one-line error."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except BadTileSetting as exc:
            fail(str(exc))

    return wrapper
