"""maps.safe.safe_text: inert in HTML, attributes, template literals and JSON; shown as typed."""

from __future__ import annotations

import html
import json

import folium
import pytest

from maps.render import render_page
from maps.safe import safe_text
from tests.maps.conftest import NASTY, STATION

PAYLOADS = [
    "<img src=x onerror=window.__pwned=1>",
    "${document.title='x'}",
    "`",
    "\\",
    "\\`${alert(1)}`",
    "</script><script>window.__pwned=1</script>",
    '" onmouseover="window.__pwned=1',
    "' onmouseover='window.__pwned=1",
    "&lt;already escaped&gt;",
    "{{ 7*7 }}",
    "{% if true %}jinja{% endif %}",
    "{{ cycler.__init__.__globals__.os.getpid() }}",
    NASTY,
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_character_with_meaning_survives(payload):
    out = safe_text(payload)
    for ch in "<>\"'`$\\{}":
        assert ch not in out, (payload, out)
    assert "${" not in out


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_browser_shows_it_as_typed(payload):
    # Character references decode back to the exact input (what the DOM shows).
    assert html.unescape(safe_text(payload)) == payload


def test_exact_references():
    assert safe_text("\\`$") == "&#92;&#96;&#36;"
    assert safe_text('<a href="x">\'') == "&lt;a href=&quot;x&quot;&gt;&#x27;"
    assert safe_text("a & b") == "a &amp; b"


def test_other_values():
    assert safe_text(None) == ""
    assert safe_text(12) == "12"
    assert safe_text(1.5) == "1.5"
    assert safe_text("Mjölby – åäö") == "Mjölby – åäö"


def test_json_round_trip_keeps_it_inert():
    # GeoJSON properties are JSON-encoded into a script: still no quote, backslash or angle bracket.
    encoded = json.dumps({"v": safe_text(NASTY)})
    assert "\\\\" not in encoded and "</" not in encoded


def test_folium_popup_and_tooltip_carry_only_the_escaped_text():
    m = folium.Map(location=list(reversed(STATION)), tiles=None)
    folium.Marker(
        list(reversed(STATION)),
        popup=folium.Popup(safe_text(NASTY)),
        tooltip=folium.Tooltip(safe_text(NASTY)),
    ).add_to(m)
    page = render_page(m)
    script = page[page.index("<script>\n") :]
    assert "onerror=window" not in script.replace("onerror=window.__pwned=1&gt;", "")
    assert "${document" not in script
    assert "<img" not in script
    assert safe_text(NASTY) in script


@pytest.mark.parametrize(
    "template", ["{{ 'jinja' ~ '-ran' }}", "{% if true %}jinja-ran{% endif %}", "{# jinja-ran #}"]
)
def test_jinja_in_record_text_does_not_run_when_the_page_is_built(template):
    # branca renders folium's output as a Jinja template again: raw braces would run server-side.
    m = folium.Map(location=list(reversed(STATION)), tiles=None)
    folium.Marker(
        list(reversed(STATION)),
        popup=folium.Popup(safe_text(template)),
        tooltip=folium.Tooltip(safe_text(template)),
    ).add_to(m)
    point = {"type": "Point", "coordinates": list(STATION)}
    feature = {"type": "Feature", "geometry": point, "properties": {"note": safe_text(template)}}
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [feature]},
        tooltip=folium.GeoJsonTooltip(["note"]),
    ).add_to(m)
    page = render_page(m)
    # Had it run, "jinja-ran" would stand alone: outside the inert text (as HTML or in JSON data).
    inert = safe_text(template)
    assert "jinja-ran" not in page.replace(inert, "").replace(inert.replace("&", "\\u0026"), "")
    assert page.count(safe_text(template)) >= 2
    assert html.unescape(safe_text(template)) == template
