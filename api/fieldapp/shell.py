"""What the field app's shell carries: vocabularies, map tiles and the versioned asset list.

The shell is the same for everyone (no personal data), so the service worker may cache it
and the app starts offline; who is signed in is asked of the API and kept in the browser.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from maps.base import TileSource
from traffic import vocab

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
TEMPLATE = HERE / "templates" / "falt.html"
# Loaded by the shell in this order (plain deferred scripts: no build step, no module waterfall).
SCRIPTS = ("i18n.js", "store.js", "sync.js", "forms.js", "app.js")
STYLES = ("falt.css",)
# Leaflet is only fetched when a map is opened, but cached up front so it works offline.
LEAFLET = (
    "/static/vendor/leaflet/leaflet.js",
    "/static/vendor/leaflet/leaflet.css",
    "/static/vendor/leaflet/images/marker-icon.png",
    "/static/vendor/leaflet/images/marker-icon-2x.png",
    "/static/vendor/leaflet/images/marker-shadow.png",
)
ICONS = ("icon.svg", "icon-192.png", "icon-512.png")
VOCABULARIES = ("vehicle_type", "outcome", "finding", "focus", "speed_method", "presence_mode", "role")
MJOLBY = (58.3249, 15.1316)  # lat, lon of the town centre: where the map opens without a position


@cache
def version() -> str:
    """A short hash of the app's files: a new version makes browsers fetch and cache anew."""
    digest = hashlib.sha256()
    for path in sorted(p for p in HERE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def static_url(name: str) -> str:
    """URL of one of the app's own files, with the version so caches never serve a stale one."""
    return f"/falt/static/{name}?v={version()}"


def precache_urls() -> list[str]:
    """Everything the service worker stores at install, so the app loads with no network."""
    own = [static_url(n) for n in (*SCRIPTS, *STYLES, *ICONS)]
    return ["/falt", "/falt/manifest.webmanifest", *own, *LEAFLET]


@cache
def vocabularies() -> dict[str, list[dict[str, str]]]:
    """The code lists the forms offer, with Swedish and English labels (and finding groups)."""
    return {
        name: [
            {"code": term.code, "sv": term.label_sv, "en": term.label_en} for term in vocab.vocabulary(name)
        ]
        for name in VOCABULARIES
    }


def config(tiles: TileSource | None) -> dict[str, Any]:
    """The JSON data block of the shell."""
    return {
        "version": version(),
        "vocab": vocabularies(),
        "tiles": None
        if tiles is None
        else {"url": tiles.url, "attribution": tiles.attribution, "maxZoom": tiles.max_zoom},
        "center": list(MJOLBY),
        "leaflet": {"js": LEAFLET[0], "css": LEAFLET[1], "images": "/static/vendor/leaflet/images/"},
        "noRemark": vocab.NO_REMARK,
    }
