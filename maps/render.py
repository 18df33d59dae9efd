"""Turn a folium map into HTML that loads nothing from outside the app and renders the same every time.

* **Assets.** Before rendering, every ``default_js``/``default_css`` link of every element is
  replaced through :data:`maps.assets.CDN_TO_LOCAL`: served pages get ``/static/vendor/…``
  links; :func:`render_standalone` inlines the files instead (scripts, stylesheets, and their
  images and fonts as ``data:`` URIs), so an exported file works offline from a USB stick.
  A rendered page is checked once more: any ``http(s)://`` or ``//`` script or stylesheet
  left is an error (:class:`RemoteAsset`).
* **Stable output.** folium names elements with random ids; they are renumbered in tree order,
  so the same data gives the same bytes (ETags, caches and "nothing changed" tests work).
* **Inline scripts.** :func:`render_served_page` also returns the exact text of the inline
  scripts the page meant to write (folium's header switches and the figure's one big script),
  taken from the figure, not from the finished HTML, so the server can allow exactly those by
  hash in its Content-Security-Policy. Record text that broke out of its place would not match.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

import folium
from branca.element import Element, Figure

from maps.assets import URL_PREFIX, local_files, vendor_path
from maps.safe import safe_text
from maps.style import PAGE_CSS

SCRIPT_TAG = re.compile(r'<script src="(?P<url>[^"]*)"></script>')
LINK_TAG = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]*)"\s*/?>')
ASSET_URL = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*["\']?(?P<url>[^"\' >]+)', re.IGNORECASE)
REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*(?P<q>['\"]?)(?P<url>[^'\")]+)(?P=q)\s*\)")
TRUETYPE_SOURCE = re.compile(r",\s*url\([^)]*\.ttf\)\s*format\([\"']truetype[\"']\)")


class RemoteAsset(ValueError):
    """A rendered page would load a script or stylesheet from another site."""


def _elements(root: Element) -> Iterator[Element]:
    """Every element reachable from ``root``: children and element attributes (header, html, …)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        yield el
        attrs = [v for k, v in sorted(vars(el).items()) if k != "_parent" and isinstance(v, Element)]
        stack.extend(reversed([*attrs, *el._children.values()]))


def renumber(root: Element) -> None:
    """Give every element a sequential id in tree order (children keyed by name are re-keyed)."""
    elements = list(_elements(root))
    old_names = {id(el): el.get_name() for el in elements}
    for n, el in enumerate(elements):
        el._id = f"{n:06d}"
    for el in elements:
        el._children = OrderedDict(
            (child.get_name() if key == old_names[id(child)] else key, child)
            for key, child in el._children.items()
        )


def localize(root: Element, prefix: str = URL_PREFIX) -> None:
    """Point every element's script and stylesheet links at the vendored files under ``prefix``."""
    for el in _elements(root):
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None)
            if not links:
                continue
            local = [(rel, prefix + rel) for _name, url in links for rel in local_files(url)]
            setattr(el, attr, local)  # an instance list: folium's class lists stay untouched


def remote_assets(html: str) -> list[str]:
    """Script and stylesheet URLs in ``html`` that point at another site."""
    return [m.group("url") for m in ASSET_URL.finditer(html) if REMOTE.match(m.group("url"))]


def _figure(m: folium.Map, title: str | None, lang: str) -> Figure:
    fig = m.get_root()
    if not isinstance(fig, Figure):
        raise TypeError("the map is not in a folium Figure")
    fig.title = safe_text(title) if title else None
    fig._tt_lang = "en" if lang == "en" else "sv"  # type: ignore[attr-defined]
    return fig


def _render(m: folium.Map, prefix: str, title: str | None, lang: str) -> str:
    fig = _figure(m, title, lang)
    localize(fig, prefix)
    renumber(fig)
    html = fig.render().replace("<html>", f'<html lang="{fig._tt_lang}">', 1)  # type: ignore[attr-defined]
    # The page's own styles come last in <head>, so they win over the vendored stylesheets.
    html = html.replace("</head>", f"<style>{PAGE_CSS}</style>\n</head>", 1)
    remote = remote_assets(html)
    if remote:
        raise RemoteAsset(f"the page would load from other sites: {', '.join(sorted(set(remote)))}")
    return html


def render_page(
    m: folium.Map, *, title: str | None = None, lang: str = "sv", prefix: str = URL_PREFIX
) -> str:
    """The map as an HTML page whose scripts and stylesheets are served by the app under ``prefix``."""
    return _render(m, prefix, title, lang)


@dataclass(frozen=True)
class ServedPage:
    """A rendered page and the text of each inline script it meant to write."""

    html: str
    scripts: tuple[str, ...]


INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def render_served_page(
    m: folium.Map, *, title: str | None = None, lang: str = "sv", prefix: str = URL_PREFIX
) -> ServedPage:
    """:func:`render_page` plus the inline scripts to allow by hash (see the module notes)."""
    html = _render(m, prefix, title, lang)
    fig = m.get_root()
    # branca's Figure writes "<script>\n    {script}\n</script>" at the end; its header holds
    # only folium's own templates (no record text), whose inline scripts are allowed as written.
    header_scripts = INLINE_SCRIPT.findall(fig.header.render())  # type: ignore[attr-defined]
    main = "\n    " + fig.script.render() + "\n"  # type: ignore[attr-defined]
    return ServedPage(html, (*header_scripts, main))


def render_standalone(m: folium.Map, *, title: str | None = None, lang: str = "sv") -> str:
    """The map as one self-contained HTML file: every script, stylesheet, image and font inlined."""
    html = _render(m, URL_PREFIX, title, lang)
    html = SCRIPT_TAG.sub(lambda s: f"<script>{_script(_vendor_file(s.group('url')))}</script>", html)
    return LINK_TAG.sub(lambda s: f"<style>{_stylesheet(_vendor_file(s.group('url')))}</style>", html)


def _vendor_file(url: str) -> str:
    if not url.startswith(URL_PREFIX):
        raise RemoteAsset(f"cannot inline {url}: not a vendored file")
    return url[len(URL_PREFIX) :]


def _script(rel: str) -> str:
    # "</script" inside a script would end it early; "<\/" means the same to JavaScript.
    return re.sub(r"</(script)", r"<\\/\1", vendor_path(rel).read_text(encoding="utf-8"), flags=re.IGNORECASE)


def _stylesheet(rel: str) -> str:
    css = TRUETYPE_SOURCE.sub("", vendor_path(rel).read_text(encoding="utf-8"))  # woff2 is enough offline
    base = PurePosixPath(rel).parent

    def data_uri(match: re.Match[str]) -> str:
        url = match.group("url").strip()
        if url.startswith(("data:", "#")):
            return match.group(0)
        target = str(_normalise(base / url.split("#")[0].split("?")[0]))
        mime = mimetypes.guess_type(target)[0] or _FONT_TYPES.get(PurePosixPath(target).suffix, "")
        payload = base64.b64encode(vendor_path(target).read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{payload}")'

    return re.sub(r"</(style)", r"<\\/\1", CSS_URL.sub(data_uri, css), flags=re.IGNORECASE)


_FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}


def _normalise(path: PurePosixPath) -> PurePosixPath:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return PurePosixPath(*parts)
