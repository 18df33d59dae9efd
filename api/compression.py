"""Gzip for the app's own static files (scripts, stylesheets, icons, fonts), nothing else.

Leaflet, its plugins and the pages' scripts are most of a page's bytes (the new-measure page:
509 kB uncompressed). Only these fixed files are compressed: a page or an API answer that holds
a secret next to text from the request could leak that secret through its compressed size
(BREACH), and a 600 kB GeoJSON page would spend ~8 ms of the server's CPU on it.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

STATIC_PREFIXES = ("/static/", "/falt/static/")
MINIMUM_BYTES = 1024  # below this, the gzip header costs more than it saves


class CompressStatic:
    """Run requests for static files through Starlette's gzip, others untouched."""

    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...] = STATIC_PREFIXES) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM_BYTES, compresslevel=6)
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Compress when the path is a static file's (and the client accepts gzip)."""
        if scope["type"] == "http" and scope["path"].startswith(self.prefixes):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
