"""Dashboard pages and their files.

==================================  ====================  ===========================================
page                                permission            who
==================================  ====================  ===========================================
``/login``                          ``public``            everyone (the form posts to the login API)
``/dashboard/measures``             ``measures:write``    planners, leads, admins: the register
``/dashboard/measures/new``         ``measures:write``    register a measure, drawn on a map
``/dashboard/measures/{id}``        ``measures:write``    edit, status workflow, before/after effect
``/dashboard/incidents``            ``incidents:read``    signed-in roles; create/import for writers
``/dashboard/reports``              ``account``           signed-in roles; internal report for leads
``/static/dashboard/{path}``        ``public``            the pages' scripts and stylesheet
==================================  ====================  ===========================================

A page shows only what the role may do: no form, link or panel is rendered for an action the
role lacks (the API refuses it anyway).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse

from api.dashboard import register
from api.dashboard.figures import table
from api.dashboard.filters import choices, parse_filters
from api.dashboard.render import language, render
from api.deps import SessionDep, SettingsDep
from api.mapsweb.settings import map_settings
from api.pages import PageRequires, last_half_year
from api.permissions import allowed
from traffic import vocab
from traffic.actors import Actor
from traffic.effects import CAVEAT
from traffic.errors import NotFound
from traffic.queries import list_records

STATIC_DIR = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}
router = APIRouter(include_in_schema=False)
Anyone = Annotated[Actor, Depends(PageRequires("public"))]
Planner = Annotated[Actor, Depends(PageRequires("measures:write"))]
Reader = Annotated[Actor, Depends(PageRequires("incidents:read"))]
SignedIn = Annotated[Actor, Depends(PageRequires("account"))]
INCIDENT_ROWS = 200


def _labels(name: str, lang: str) -> list[tuple[str, str]]:
    return [(t.code, t.label(lang)) for t in vocab.vocabulary(name)]


@router.get("/login", response_class=HTMLResponse, name="login_page")
def login_page(request: Request, actor: Anyone) -> HTMLResponse:
    """The sign-in form (the script posts it to ``/api/v1/auth/login``, which sets the cookie)."""
    after = request.query_params.get("next", "/")
    after = after if after.startswith("/") and not after.startswith("//") else "/"
    return render(request, "login.html", actor, "login", after=after)


@router.get("/dashboard/measures", response_class=HTMLResponse, name="measure_register")
def measure_register(request: Request, session: SessionDep, actor: Planner) -> HTMLResponse:
    """The register: search by text, status and kind."""
    lang = language(request)
    p = request.query_params
    s = register.Search(p.get("q", "").strip()[:200], p.get("status", ""), p.get("kind", ""))
    rows, matched = register.search(session, actor, s)
    return render(
        request,
        "measures.html",
        actor,
        "measures",
        search=s,
        rows=rows,
        matched=matched,
        statuses=_labels("measure_status", lang),
        kinds=_labels("measure_kind", lang),
        status_labels=dict(_labels("measure_status", lang)),
        kind_labels=dict(_labels("measure_kind", lang)),
    )


def _tiles(request: Request) -> dict[str, str]:
    """The basemap of the drawing map (the maps' setting; empty: outlines only)."""
    source = map_settings(request).tile_source()
    return {"tiles": source.url if source else "", "attribution": source.attribution if source else ""}


@router.get("/dashboard/measures/new", response_class=HTMLResponse, name="measure_new")
def measure_new(request: Request, actor: Planner) -> HTMLResponse:
    """Register a measure: fields and the geometry drawn on a map."""
    lang = language(request)
    return render(
        request, "measure_form.html", actor, "measures", m=None, data=register.form_data(None),
        kinds=_labels("measure_kind", lang), can_edit=True, next_statuses=[], effect=None,
        status_labels=dict(_labels("measure_status", lang)), geometry_text="", caveat="", **_tiles(request),
    )  # fmt: skip


@router.get("/dashboard/measures/{measure_id}", response_class=HTMLResponse, name="measure_edit")
def measure_edit(
    request: Request, session: SessionDep, actor: Planner, measure_id: uuid.UUID
) -> HTMLResponse:
    """One measure: edit (when the role may), the allowed next statuses, the before/after effect."""
    lang = language(request)
    m = register.measure(session, actor, measure_id)
    return render(
        request, "measure_form.html", actor, "measures", m=m, data=register.form_data(m),
        kinds=_labels("measure_kind", lang), can_edit=register.editable_by(actor, m),
        next_statuses=register.next_statuses(m.status), effect=register.effect(session, m),
        status_labels=dict(_labels("measure_status", lang)), geometry_text=register.geometry_text(m),
        caveat=CAVEAT[lang],
        days=register.days,
        number=register.number, **_tiles(request),
    )  # fmt: skip


@router.get("/dashboard/incidents", response_class=HTMLResponse, name="incident_list")
def incident_list(
    request: Request, session: SessionDep, settings: SettingsDep, actor: Reader
) -> HTMLResponse:
    """Incidents and concerns for the filters; create and import for roles that may write."""
    lang = language(request)
    filters = parse_filters(request, session)
    kind = request.query_params.get("kind", "")
    flt = filters.for_kind("incidents")
    if kind in vocab.vocabulary("incident_kind"):
        flt = replace(flt, equals={**flt.equals, "kind": kind})
    page = list_records(session, "incidents", actor, flt, limit=INCIDENT_ROWS, offset=0, sort="-occurred_at")
    return render(
        request, "incidents.html", actor, "incidents", filters=filters, choices=choices(session, actor, lang),
        page=page, kind=kind, kinds=_labels("incident_kind", lang), sources=_labels("incident_source", lang),
        severities=_labels("severity", lang), kind_labels=dict(_labels("incident_kind", lang)),
        source_labels=dict(_labels("incident_source", lang)),
        can_write=allowed(actor.role, "incidents:write"),
        by_kind=table(session, "incidents", "kind", actor, filters, settings), **_tiles(request),
    )  # fmt: skip


@router.get("/dashboard/reports", response_class=HTMLResponse, name="report_page")
def report_page(request: Request, session: SessionDep, actor: SignedIn) -> HTMLResponse:
    """The half-year report (internal for leads and admins, published for everyone) and exports."""
    lang = language(request)
    filters = parse_filters(request, session)
    period = filters.values.get("period") or last_half_year()
    return render(
        request, "reports.html", actor, "reports", filters=filters, choices=choices(session, actor, lang),
        period=period, internal=allowed(actor.role, "reports:read"),
        incidents=allowed(actor.role, "incidents:read"), checks=allowed(actor.role, "checks:read"),
    )  # fmt: skip


@router.get("/static/dashboard/{path:path}", name="dashboard_files")
def dashboard_file(path: str, _: Anyone) -> FileResponse:
    """A script or stylesheet of the dashboard."""
    root = STATIC_DIR.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise NotFound(f"no such file: {path}")
    return FileResponse(
        target,
        media_type=MEDIA_TYPES.get(target.suffix),
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
