"""The page at ``/``: the dashboard for leads, planners and admins; a landing page for the rest."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api.dashboard import charts
from api.dashboard.figures import key_figures, labelled, presence, table
from api.dashboard.filters import choices, parse_filters
from api.dashboard.render import DASHBOARD_ROLES, language, render
from api.permissions import allowed
from api.settings import Settings
from traffic.actors import Actor

# (map page, permission, text key) of the maps linked from the overview.
MAPS = (
    ("overview", "public", "map_overview"),
    ("heatmap", "stats:read", "map_heatmap"),
    ("hotspots", "stats:read", "map_hotspots"),
    ("measures", "measures:read", "map_measures"),
    ("gaps", "checks:read", "map_gaps"),
    ("presence", "presence:read", "map_presence"),
)


def overview(request: Request, session: Session, actor: Actor, settings: Settings) -> HTMLResponse:
    """Key figures, charts and maps for the filters in the query string."""
    lang = language(request)
    filters = parse_filters(request, session)
    weekly = labelled(table(session, "checks", "week", actor, filters, settings), lang)
    outcomes = labelled(table(session, "checks", "outcome", actor, filters, settings), lang)
    hours = presence(session, actor, filters)
    query = filters.query() | ({"lang": "en"} if lang == "en" else {})
    qs = urlencode(query)
    maps = [
        (page, key, f"/maps/{page}" + (f"?{qs}" if qs else ""))
        for page, perm, key in MAPS
        if allowed(actor.role, perm)
    ]
    return render(
        request,
        "dashboard.html",
        actor,
        "overview",
        filters=filters,
        choices=choices(session, actor, lang),
        figures=key_figures(session, actor, filters, settings),
        weekly=weekly,
        weekly_chart=charts.columns([(k, float(n)) for k, _, n in weekly]),
        outcomes=outcomes,
        outcomes_chart=charts.rows([(lbl, float(n)) for _, lbl, n in outcomes]),
        presence=hours,
        presence_chart=charts.columns(
            hours.hours, width=480, target=hours.target, target_label="mål" if lang == "sv" else "target"
        )
        if hours
        else None,
        maps=maps,
    )


def is_dashboard_role(actor: Actor) -> bool:
    """Leads, planners and admins get the dashboard at ``/``."""
    return actor.role in DASHBOARD_ROLES
