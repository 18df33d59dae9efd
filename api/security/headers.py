"""Pure-ASGI middleware that puts the security headers on every response.

It only touches ``http.response.start``, so streamed, file and error responses pass through
unchanged in their bodies, and it never reads a request body (the body limit stays in charge).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.security.csp import SCRIPT_HASHES_HEADER, hash_tokens, policy

# The field app needs the position; nothing here needs camera, microphone, payment or USB.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"
STATIC_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    "x-frame-options": "DENY",  # frame-ancestors for browsers that predate CSP level 2
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Add CSP, nosniff, referrer, permissions and frame headers; HSTS when the request came over TLS.

    ``tile_origin(scope)`` gives the basemap server for ``img-src`` (None: no tiles); it is asked
    per response so that a changed map setting takes effect at once.
    """

    def __init__(self, app: ASGIApp, tile_origin: Callable[[Scope], str | None]) -> None:
        self.app = app
        self.tile_origin = tile_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; decorate the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._decorate(scope, MutableHeaders(scope=message), tls)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _decorate(self, scope: Scope, headers: MutableHeaders, tls: bool) -> None:
        hashes = hash_tokens(headers.get(SCRIPT_HASHES_HEADER, ""))
        if SCRIPT_HASHES_HEADER in headers:
            del headers[SCRIPT_HASHES_HEADER]
        # One policy for the whole app: a route's own CSP header is replaced, never merged.
        headers["content-security-policy"] = policy(tile_origin=self.tile_origin(scope), script_hashes=hashes)
        for name, value in STATIC_HEADERS.items():
            headers.setdefault(name, value)
        if tls:
            headers["strict-transport-security"] = HSTS
