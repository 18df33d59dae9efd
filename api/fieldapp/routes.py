"""Routes of the field app: the shell at ``/falt``, its manifest, service worker and files.

All are public: they hold no records, and the shell must load before (and without) a login.
The records themselves go through the REST API with the officer's session cookie.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from api.fieldapp import shell
from api.mapsweb.settings import map_settings
from api.pages import PageRequires
from traffic.actors import Actor
from traffic.errors import NotFound

router = APIRouter(prefix="/falt", include_in_schema=False)
templates = Jinja2Templates(directory=shell.HERE / "templates")
Anyone = Annotated[Actor, Depends(PageRequires("public"))]
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# The shell and the worker are revalidated on every load; versioned files never change.
REVALIDATE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"}


@router.get("", response_class=HTMLResponse, name="field_app")
def app_shell(request: Request, _: Anyone) -> HTMLResponse:
    """The app shell (Swedish; the English switch is kept in the browser)."""
    context = {
        "config": shell.config(map_settings(request).tile_source()),
        "scripts": [shell.static_url(n) for n in shell.SCRIPTS],
        "styles": [shell.static_url(n) for n in shell.STYLES],
        "icon": shell.static_url("icon.svg"),
    }
    response = templates.TemplateResponse(request, "falt.html", context)
    response.headers.update(REVALIDATE)
    return response


@router.get("/manifest.webmanifest", name="field_app_manifest")
def manifest(_: Anyone) -> JSONResponse:
    """Web app manifest: installable on the home screen, opening at ``/falt``."""
    icons = [
        {"src": shell.static_url("icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": shell.static_url("icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": shell.static_url("icon-512.png"), "sizes": "512x512", "type": "image/png"},
    ]
    body = {
        "name": "Trafiktrygg fält",
        "short_name": "Fält",
        "description": "Trafikkontroller, räkningar och närvaro i fält, även utan täckning.",
        "lang": "sv",
        "start_url": "/falt",
        "scope": "/falt",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b2e59",
        "icons": icons,
    }
    return JSONResponse(body, media_type="application/manifest+json", headers=REVALIDATE)


@router.get("/sw.js", name="field_app_worker")
def service_worker(_: Anyone) -> Response:
    """The service worker, with this version's list of files to keep for offline use.

    It lives under ``/falt/`` but controls the shell at ``/falt`` too, hence
    ``Service-Worker-Allowed``.
    """
    source = (shell.HERE / "templates" / "sw.js").read_text("utf-8")
    source = source.replace("__VERSION__", json.dumps(shell.version()))
    source = source.replace("__PRECACHE__", json.dumps(shell.precache_urls()))
    headers = {**REVALIDATE, "Service-Worker-Allowed": "/falt"}
    return Response(source, media_type=MEDIA_TYPES[".js"], headers=headers)


@router.get("/static/{name}", name="field_app_file")
def static_file(name: str, _: Anyone) -> FileResponse:
    """One of the app's scripts, stylesheets or icons."""
    root = shell.STATIC_DIR.resolve()
    target = (root / name).resolve()
    if target.parent != root or not target.is_file() or target.suffix not in MEDIA_TYPES:
        raise NotFound(f"no such file: {name}")
    return FileResponse(target, media_type=MEDIA_TYPES[target.suffix], headers=IMMUTABLE)
