"""HTML pages and the health check."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.auth.actor import NotAuthenticated, current_actor
from api.dashboard.overview import is_dashboard_role, overview
from api.dashboard.render import render
from api.deps import SessionDep, SettingsDep
from api.permissions import Requires, allowed
from traffic.actors import Actor
from traffic.commitments.models import Commitment
from traffic.queries import RecordFilter, count_records
from traffic.timeutil import STOCKHOLM
from traffic.visibility import PUBLIC

router = APIRouter()

KIND_LABELS = {
    "sv": {
        "operations": "Trafikinsatser",
        "checks": "Kontrollerade fordon",
        "tallies": "Räkningar (snabbkontroller)",
        "presence": "Närvaropass",
        "measures": "Trafiksäkerhetsåtgärder",
        "incidents": "Händelser och synpunkter",
        "zones": "Områden",
        "commitments": "Åtaganden i medborgarlöftet",
    },
    "en": {
        "operations": "Control operations",
        "checks": "Vehicles checked",
        "tallies": "Tallies (fast controls)",
        "presence": "Presence sessions",
        "measures": "Traffic-safety measures",
        "incidents": "Incidents and concerns",
        "zones": "Zones",
        "commitments": "Commitments of the promise",
    },
}


def visitor(request: Request, session: SessionDep) -> Actor:
    """The signed-in actor; the public when the cookie is missing, expired or unknown.

    A page shows the public's view rather than answering an old cookie with 401.
    """
    try:
        return current_actor(request, session)
    except NotAuthenticated:
        session.info["actor"] = PUBLIC
        return PUBLIC


class PageRequires(Requires):
    """:class:`Requires` for pages and the health check: a bad credential reads as the public."""

    async def __call__(self, actor: Annotated[Actor, Depends(visitor)]) -> Actor:
        """Return the actor if allowed."""
        return await super().__call__(actor)


Anyone = Annotated[Actor, Depends(PageRequires("public"))]


@router.get(
    "/healthz",
    tags=["drift"],
    summary="Hälsokontroll / health check",
    responses={503: {"description": "the database does not answer"}},
)
def healthz(session: SessionDep, _: Anyone) -> JSONResponse:
    """Report whether the database answers."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JSONResponse({"status": "fel", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": session.get_bind().dialect.name})


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing(
    request: Request, session: SessionDep, settings: SettingsDep, actor: Anyone, lang: str = "sv"
) -> HTMLResponse:
    """The dashboard for leads, planners and admins; for the public and officers a Swedish
    landing page with counts per record kind (``?lang=en`` for English; officers get /falt)."""
    if is_dashboard_role(actor):
        return overview(request, session, actor, settings)
    lang = "en" if lang == "en" else "sv"
    counts = visible_counts(session, actor)
    rows = [(KIND_LABELS[lang][k], counts[k]) for k in KIND_LABELS[lang] if k in counts]
    return render(request, "index.html", actor, "overview", rows=rows, report_period=last_half_year())


def last_half_year(now: datetime | None = None) -> str:
    """The latest half-year that has ended, e.g. ``2026H1`` in November 2026."""
    now = now or datetime.now(STOCKHOLM)
    return f"{now.year}H1" if now.month > 6 else f"{now.year - 1}H2"


def visible_counts(session: Session, actor: Actor) -> dict[str, int]:
    """Records per kind the caller may read, counted as their lists count them.

    A planned operation (or its checks) must not move a number anyone outside its police
    organisation sees; kinds the caller's role may not list are left out.
    """
    out = {
        kind: count_records(session, kind, actor, RecordFilter())
        for kind in KIND_LABELS["sv"]
        if kind != "commitments" and allowed(actor.role, f"{kind}:read")
    }
    out["commitments"] = session.scalar(select(func.count()).select_from(Commitment)) or 0
    return out
