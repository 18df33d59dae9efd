"""The Content-Security-Policy: scripts only from the app, inline scripts only by their hash.

A page that renders inline scripts (the folium maps, the API docs) lists their exact text with
:func:`allow_inline_scripts`; the hashes travel to :class:`~api.security.headers.SecurityHeaders`
in a private response header that the middleware removes. Hashes are taken of what the page
*meant* to write, never found by scanning the finished HTML: a script smuggled in through
record text would then be hashed and allowed too.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, MutableMapping

# Private header from a route to the middleware; never leaves the app.
SCRIPT_HASHES_HEADER = "x-trafiktrygg-script-hashes"
_HASH_TOKEN = re.compile(r"^'sha256-[A-Za-z0-9+/]{43}='$")


def script_hash(text: str) -> str:
    """The CSP source expression that allows an inline script whose text is exactly ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def allow_inline_scripts(headers: MutableMapping[str, str], scripts: Iterable[str]) -> None:
    """Let the inline scripts ``scripts`` (exact text between the tags) run on this response."""
    tokens = sorted({script_hash(s) for s in scripts})
    if tokens:
        headers[SCRIPT_HASHES_HEADER] = " ".join(tokens)


def hash_tokens(value: str) -> list[str]:
    """The well-formed hash tokens of a :data:`SCRIPT_HASHES_HEADER` value (anything else dropped)."""
    return [t for t in value.split() if _HASH_TOKEN.match(t)]


def policy(*, tile_origin: str | None, script_hashes: Iterable[str] = ()) -> str:
    """The policy for one response.

    Styles keep ``'unsafe-inline'``: folium and Leaflet set ``style=""`` attributes and write
    ``<style>`` blocks at run time; a style cannot run code, so the script rules carry the
    protection. ``img-src`` adds the basemap tile server; ``data:`` covers Leaflet's icons.
    """
    scripts = " ".join(["'self'", *script_hashes])
    images = "'self' data:" + (f" {tile_origin}" if tile_origin else "")
    return (
        f"default-src 'self'; script-src {scripts}; script-src-attr 'none'; "
        "style-src 'self' 'unsafe-inline'; "
        f"img-src {images}; font-src 'self' data:; connect-src 'self'; worker-src 'self'; "
        "manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
