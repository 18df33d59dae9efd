"""Self-hosted browser assets: what is vendored, and the one table that replaces folium's CDN links.

folium's templates load Leaflet, jQuery, Bootstrap, Font Awesome and plugin files from CDNs.
Here every such URL is looked up in :data:`CDN_TO_LOCAL` and replaced by files the app serves
itself under ``/static/vendor/`` (or, for a standalone export, inlined into the page; see
:mod:`maps.render`). A URL missing from the table is an error at render time, never a silent
CDN request: a new plugin must be vendored before it can be used.

The files come from npm (``package.json`` with exact versions and the committed
``package-lock.json``); :mod:`maps.assets.sync` installs them with ``npm ci --ignore-scripts``
and copies exactly :data:`FILES` into ``maps/static/vendor/`` (``make venv`` runs it). The
vendor folder is not in git; it is package data of the wheel.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
URL_PREFIX = "/static/vendor/"
MANIFEST = "MANIFEST.json"

# vendor path ← node_modules path. Images and fonts are the ones the stylesheets refer to.
FILES: dict[str, str] = {
    "leaflet/leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet/leaflet.css": "leaflet/dist/leaflet.css",
    "leaflet/images/layers.png": "leaflet/dist/images/layers.png",
    "leaflet/images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "leaflet/images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
    "jquery/jquery.min.js": "jquery/dist/jquery.min.js",
    "bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "fontawesome/css/fontawesome.min.css": "@fortawesome/fontawesome-free/css/fontawesome.min.css",
    "fontawesome/css/solid.min.css": "@fortawesome/fontawesome-free/css/solid.min.css",
    "fontawesome/webfonts/fa-solid-900.woff2": "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2",
    "fontawesome/webfonts/fa-solid-900.ttf": "@fortawesome/fontawesome-free/webfonts/fa-solid-900.ttf",
    "awesome-markers/leaflet.awesome-markers.js": "leaflet.awesome-markers/dist/leaflet.awesome-markers.js",
    "awesome-markers/leaflet.awesome-markers.css": "leaflet.awesome-markers/dist/leaflet.awesome-markers.css",
    "awesome-markers/images/markers-soft.png": "leaflet.awesome-markers/dist/images/markers-soft.png",
    "awesome-markers/images/markers-soft@2x.png": "leaflet.awesome-markers/dist/images/markers-soft@2x.png",
    "awesome-markers/images/markers-shadow.png": "leaflet.awesome-markers/dist/images/markers-shadow.png",
    "awesome-markers/images/markers-shadow@2x.png": (
        "leaflet.awesome-markers/dist/images/markers-shadow@2x.png"
    ),
    "markercluster/leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "markercluster/MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
    "fullscreen/Control.FullScreen.js": "leaflet.fullscreen/Control.FullScreen.js",
    "fullscreen/Control.FullScreen.css": "leaflet.fullscreen/Control.FullScreen.css",
    "fullscreen/icon-fullscreen.svg": "leaflet.fullscreen/icon-fullscreen.svg",
    "heat/leaflet-heat.js": "leaflet.heat/dist/leaflet-heat.js",
    "timedimension/leaflet.timedimension.min.js": "leaflet-timedimension/dist/leaflet.timedimension.min.js",
    "timedimension/leaflet.timedimension.control.css": (
        "leaflet-timedimension/dist/leaflet.timedimension.control.css"
    ),
    "iso8601/iso8601.js": "iso8601-js-period/iso8601.js",
    "moment/moment.min.js": "moment/min/moment.min.js",
}

# folium 0.20 URL → vendor files (in load order). An empty tuple drops the link on purpose.
CDN_TO_LOCAL: dict[str, tuple[str, ...]] = {
    # folium.Map
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": ("leaflet/leaflet.js",),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery/jquery.min.js",),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap/bootstrap.bundle.min.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "awesome-markers/leaflet.awesome-markers.js",
    ),
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": ("leaflet/leaflet.css",),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap/bootstrap.min.css",
    ),
    # Bootstrap 3 glyphicons: only for folium.Icon(prefix="glyphicon"); our icons use Font Awesome.
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (),
    # all.min.css would pull four font files; the markers use the solid style only.
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "fontawesome/css/fontawesome.min.css",
        "fontawesome/css/solid.min.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "awesome-markers/leaflet.awesome-markers.css",
    ),
    # folium's rotate classes (fa-rotate-N) live in maps.render's own inline stylesheet.
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": (),
    # folium.plugins.MarkerCluster
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "markercluster/leaflet.markercluster.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "markercluster/MarkerCluster.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "markercluster/MarkerCluster.Default.css",
    ),
    # folium.plugins.Fullscreen
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "fullscreen/Control.FullScreen.js",
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "fullscreen/Control.FullScreen.css",
    ),
    # folium.plugins.HeatMap
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": (
        "heat/leaflet-heat.js",
    ),
    # folium.plugins.TimestampedGeoJson
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": ("jquery/jquery.min.js",),
    # jQuery UI 1.10.2 (with known XSS advisories) is used by neither leaflet-timedimension
    # 1.1.1 nor folium's template: dropped.
    "https://cdnjs.cloudflare.com/ajax/libs/jqueryui/1.10.2/jquery-ui.min.js": (),
    "https://cdn.jsdelivr.net/npm/iso8601-js-period@0.2.1/iso8601.min.js": ("iso8601/iso8601.js",),
    "https://cdn.jsdelivr.net/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.min.js": (
        "timedimension/leaflet.timedimension.min.js",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js": ("moment/moment.min.js",),
    # code highlighting styles: nothing in a map uses them.
    "https://cdnjs.cloudflare.com/ajax/libs/highlight.js/8.4/styles/default.min.css": (),
    "https://cdn.jsdelivr.net/npm/leaflet-timedimension@1.1.1/dist/leaflet.timedimension.control.css": (
        "timedimension/leaflet.timedimension.control.css",
    ),
}


class UnknownAsset(LookupError):
    """folium asked for a URL that is not vendored (add it to ``CDN_TO_LOCAL`` and ``FILES``)."""


class AssetsMissing(FileNotFoundError):
    """The vendor folder has not been filled (run ``make venv`` or ``python -m maps.assets.sync``)."""


def local_files(url: str) -> tuple[str, ...]:
    """The vendor files that replace folium's ``url`` (empty: dropped on purpose)."""
    try:
        return CDN_TO_LOCAL[url]
    except KeyError:
        raise UnknownAsset(
            f"{url} is not self-hosted: add it to maps.assets.CDN_TO_LOCAL and FILES, then run "
            "python -m maps.assets.sync"
        ) from None


def vendor_path(relative: str) -> Path:
    """The file of a vendor path; :class:`AssetsMissing` if the vendor folder lacks it."""
    path = VENDOR_DIR / relative
    if relative not in FILES or not path.is_file():
        raise AssetsMissing(f"{path} is missing: run `make venv` (or python -m maps.assets.sync)")
    return path


def assets_installed() -> bool:
    """True when every vendored file is present."""
    return all((VENDOR_DIR / rel).is_file() for rel in FILES)
