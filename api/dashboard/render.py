"""Rendering dashboard pages: the shared Jinja environment, links that keep the language, headers.

Pages carry no inline script, style or event handler: scripts and styles are files under
``/static/dashboard/`` and data for a script travels in ``<script type="application/json">``
blocks or ``data-`` attributes, so a strict Content-Security-Policy holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.dashboard.texts import translator
from api.permissions import allowed
from traffic.actors import Actor

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
DASHBOARD_ROLES = frozenset({"lead", "planner", "admin"})
STATIC_PREFIX = "/static/dashboard/"


def language(request: Request) -> str:
    """``en`` when asked for with ``?lang=en``, else Swedish."""
    return "en" if request.query_params.get("lang") == "en" else "sv"


def link(lang: str, path: str, **params: Any) -> str:
    """``path`` with ``params`` (empty ones dropped) and ``lang=en`` kept for English."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if lang == "en":
        query["lang"] = "en"
    return path + ("?" + urlencode(query) if query else "")


def switch_language(request: Request) -> str:
    """The current URL in the other language."""
    query = dict(request.query_params)
    if language(request) == "en":
        query.pop("lang", None)
    else:
        query["lang"] = "en"
    return request.url.path + ("?" + urlencode(query) if query else "")


def nav_items(actor: Actor, lang: str) -> list[tuple[str, str, str]]:
    """(key, label key, href) of the menu entries the role may use; others are not rendered."""
    items = [("overview", "overview", link(lang, "/"))]
    if actor.role in DASHBOARD_ROLES:
        if allowed(actor.role, "measures:write"):
            items.append(("measures", "measures", link(lang, "/dashboard/measures")))
        if allowed(actor.role, "incidents:read"):
            items.append(("incidents", "incidents", link(lang, "/dashboard/incidents")))
        items.append(("reports", "reports", link(lang, "/dashboard/reports")))
    return items


def content_security_policy(request: Request) -> str:
    """Everything from this app only; map tiles also from the configured tile server."""
    # Imported here: api.mapsweb imports api.pages, which imports this module.
    from api.mapsweb.settings import map_settings

    origin = map_settings(request).tile_origin()
    images = "'self' data:" + (f" {origin}" if origin else "")
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    )


def render(request: Request, template: str, actor: Actor, current: str, **context: Any) -> HTMLResponse:
    """A dashboard page for ``actor``; ``current`` marks the menu entry of the page."""
    lang = language(request)
    base = {
        "lang": lang,
        "t": translator(lang),
        "link": lambda path, **p: link(lang, path, **p),
        "other_language": switch_language(request),
        "actor": actor,
        "signed_in": actor.role != "public",
        "nav": nav_items(actor, lang),
        "current": current,
        "static": STATIC_PREFIX,
    }
    response = TEMPLATES.TemplateResponse(request, template, {**base, **context})
    response.headers["Content-Security-Policy"] = content_security_policy(request)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    return response
