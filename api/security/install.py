"""Wire the security measures into an app (called once from ``create_app``)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Scope

from api.mapsweb.settings import get_map_settings
from api.security import docs
from api.security.headers import SecurityHeaders
from api.security.production import InsecureSettings, check_production
from api.settings import Settings

_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")


def cors_origins(settings: Settings) -> list[str]:
    """The configured CORS origins (``TRAFIKTRYGG_CORS_ORIGINS``, a comma list); empty: CORS off."""
    origins = [o.strip().rstrip("/") for o in settings.cors_origins.split(",") if o.strip()]
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise InsecureSettings(
                f"TRAFIKTRYGG_CORS_ORIGINS: {origin!r} is not an origin like https://karta.example.se"
            )
    return origins


def _tile_origin(scope: Scope) -> str | None:
    app = scope.get("app")
    maps = getattr(app.state, "map_settings", None) if app is not None else None
    return (maps or get_map_settings()).tile_origin()


def check_settings(settings: Settings) -> None:
    """Raise :class:`InsecureSettings` (one line, naming the setting) for unfit security settings."""
    check_production(settings)
    cors_origins(settings)


def install_security(app: FastAPI, settings: Settings) -> None:
    """Check the settings, add docs and CORS as configured, and the security headers."""
    check_settings(settings)
    if settings.docs:
        app.include_router(docs.router)
        app.docs_url = docs.DOCS_PATH  # the OGC landing page links to it (service-doc)
    origins = cors_origins(settings)
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Accept", "Idempotency-Key", "If-Match"],
            expose_headers=["ETag", "Location", "Link"],
        )
    build = app.build_middleware_stack

    # Outermost, outside Starlette's ServerErrorMiddleware: even a 500 carries the headers.
    def build_with_headers() -> SecurityHeaders:
        return SecurityHeaders(build(), tile_origin=_tile_origin)

    app.build_middleware_stack = build_with_headers  # type: ignore[method-assign]
