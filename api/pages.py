"""HTML pages and the health check."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import text

from api.deps import SessionDep
from traffic.stats import record_counts

router = APIRouter()
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

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


@router.get("/healthz", tags=["drift"], summary="Hälsokontroll / health check")
def healthz(session: SessionDep) -> JSONResponse:
    """Report whether the database answers."""
    try:
        session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JSONResponse({"status": "fel", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": session.get_bind().dialect.name})


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing(request: Request, session: SessionDep, lang: str = "sv") -> HTMLResponse:
    """Swedish landing page with counts per record kind (``?lang=en`` for English)."""
    lang = "en" if lang == "en" else "sv"
    counts = record_counts(session)
    rows = [(KIND_LABELS[lang][k], counts[k]) for k in KIND_LABELS[lang]]
    return templates.TemplateResponse(request, "index.html", {"lang": lang, "rows": rows})
