"""Swagger UI at ``/docs`` from files the app serves itself (the static files of PyPI ``swagger-ui-py``).

FastAPI's default page loads Swagger UI from a CDN: it breaks on a closed network and under
the CSP. ReDoc is not offered: it would need a second bundle, and Swagger UI covers the need.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from api.pages import PageRequires
from api.security.csp import allow_inline_scripts
from traffic.actors import Actor
from traffic.errors import NotFound

DOCS_PATH = "/docs"
ASSET_PREFIX = "/static/swagger/"
# Swagger UI 5 (FastAPI writes OpenAPI 3.1, which Swagger UI 4 cannot read).
ASSETS = Path(str(files("swagger_ui") / "static"))
FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

router = APIRouter(include_in_schema=False)
Anyone = Annotated[Actor, Depends(PageRequires("public"))]


@router.get(DOCS_PATH, name="api_docs", response_class=HTMLResponse)
def docs(request: Request, _: Anyone) -> HTMLResponse:
    """Swagger UI for ``/openapi.json``."""
    root = request.scope.get("root_path", "")
    page = get_swagger_ui_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title="Trafiktrygg – API",
        swagger_js_url=root + ASSET_PREFIX + "swagger-ui-bundle.js",
        swagger_css_url=root + ASSET_PREFIX + "swagger-ui.css",
        swagger_favicon_url=root + ASSET_PREFIX + "favicon-32x32.png",
        oauth2_redirect_url=None,
    )
    html = bytes(page.body).decode("utf-8")
    # The page's one inline script is FastAPI's Swagger UI set-up: no request data in it.
    allow_inline_scripts(page.headers, _INLINE_SCRIPT.findall(html))
    return page


@router.get(ASSET_PREFIX + "{name}", name="swagger_assets")
def asset(name: str, _: Anyone) -> FileResponse:
    """One of the Swagger UI files (a fixed list: nothing else in the package is served)."""
    if name not in FILES:
        raise NotFound(f"no such file: {name}")
    return FileResponse(
        ASSETS / name, media_type=FILES[name], headers={"Cache-Control": "public, max-age=86400"}
    )
