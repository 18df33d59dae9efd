"""The one way user text reaches a map: :func:`safe_text`.

folium 0.20 does not make text safe. ``Popup`` inserts raw HTML by default, and with
``parse_html=True`` the escaped HTML still sits inside a JavaScript template literal, where
``${…}`` and a backslash before a backtick run; ``Tooltip``, ``GeoJsonPopup`` and
``GeoJsonTooltip`` insert values raw. So every value that came from a record (title, note,
place, code, even numbers) passes through :func:`safe_text` first: HTML-escaped (quotes
included), then the three characters a template literal gives meaning to, and the braces
Jinja gives meaning to (branca renders folium's output as a template again), are replaced by
their numeric character references. The result is inert in HTML, in an attribute, inside a
template literal and inside a JSON string, and the browser shows it exactly as typed.
Pass it to folium with the default ``parse_html=False``.
"""

from __future__ import annotations

import html
from typing import Any

# Braces too: branca renders folium's output as a Jinja template once more, so ``{{ … }}`` or
# ``{% … %}`` in a record would run on the server when the map is built.
_TEMPLATE_LITERAL = str.maketrans(
    {"\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"}
)


def safe_text(value: Any) -> str:
    """``value`` as text that shows as typed in a popup, tooltip or GeoJSON property (None → "")."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_LITERAL)
