"""Legends and the title box, in Swedish (English with ``lang="en"``), as Leaflet controls.

Both are Leaflet controls rather than page HTML so they stay visible in full-screen mode. Their
HTML is built here with every value through :func:`maps.safe.safe_text`, and reaches the page
as a JSON string (``tojson`` escapes ``<``, ``>``, ``&`` and quotes), assigned to ``innerHTML``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import folium
from branca.element import MacroElement
from folium.template import Template

from maps.safe import safe_text

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "zones": "Områden",
        "resecentrum": "Resecentrum",
        "zone": "Område",
        "municipality": "Kommungräns",
        "operations": "Trafikinsatser",
        "measures": "Trafiksäkerhetsåtgärder",
        "status": "Status",
        "kind": "Typ",
        "checks": "Kontrollerade fordon",
        "remarks": "Kontroller med anmärkning",
        "incidents": "Händelser och synpunkter",
        "heat": "Täthet (utjämnad)",
        "presence": "Närvaro",
        "hotspots": "Hot spots (Getis-Ord Gi*)",
        "gaps": "Luckor: problem mot insatser",
        "count": "Antal",
        "per_cell": "per cell",
        "minutes": "Minuter",
        "sessions": "Pass",
        "confidence": "Konfidens",
        "z": "z-värde",
        "p": "p (FDR)",
        "problems": "Problem",
        "checks_short": "Kontroller",
        "presence_short": "Närvaro (min)",
        "score": "Luckvärde",
        "label": "Klass",
        "title": "Rubrik",
        "focus": "Fokus",
        "start": "Start",
        "end": "Slut",
        "place": "Plats",
        "results": "Resultat",
        "vehicles": "Kontrollerade fordon",
        "owner": "Ansvarig",
        "description": "Beskrivning",
        "cost": "Kostnad",
        "cell_note": "Rutor på {size} m (SWEREF 99 TM).",
        "hex_note": "Sexhörningar {size} m isär (SWEREF 99 TM).",
        "public_note": "Publicerade siffror: minst {min} poster per ruta, kontroller äldre än {days} dagar.",
        "unreliable": "Färre än 30 rutor analyserade: resultatet är osäkert.",
        "hotspot_note": "Gi* med FDR-korrektion, avståndsband {band} m, {n} rutor.",
        "gap_note": "Problem = händelser + kontroller med anmärkning; insatser = kontroller{presence}.",
        "gap_presence": " och närvaro",
        "empty": "Inga data för urvalet.",
        "no_tiles": "Utan bakgrundskarta.",
        "fullscreen": "Helskärm",
        "fullscreen_off": "Avsluta helskärm",
        "shown_of": "Visar {shown} av {total}.",
    },
    "en": {
        "zones": "Zones",
        "resecentrum": "Travel centre",
        "zone": "Zone",
        "municipality": "Municipal boundary",
        "operations": "Control operations",
        "measures": "Traffic-safety measures",
        "status": "Status",
        "kind": "Kind",
        "checks": "Vehicles checked",
        "remarks": "Checks with a remark",
        "incidents": "Incidents and concerns",
        "heat": "Density (smoothed)",
        "presence": "Presence",
        "hotspots": "Hot spots (Getis-Ord Gi*)",
        "gaps": "Gaps: problems against enforcement",
        "count": "Count",
        "per_cell": "per cell",
        "minutes": "Minutes",
        "sessions": "Sessions",
        "confidence": "Confidence",
        "z": "z-score",
        "p": "p (FDR)",
        "problems": "Problems",
        "checks_short": "Checks",
        "presence_short": "Presence (min)",
        "score": "Gap score",
        "label": "Class",
        "title": "Title",
        "focus": "Focus",
        "start": "Start",
        "end": "End",
        "place": "Place",
        "results": "Results",
        "vehicles": "Vehicles checked",
        "owner": "Owner",
        "description": "Description",
        "cost": "Cost",
        "cell_note": "Cells of {size} m (SWEREF 99 TM).",
        "hex_note": "Hexagons {size} m apart (SWEREF 99 TM).",
        "public_note": "Published figures: at least {min} records per cell, checks older than {days} days.",
        "unreliable": "Fewer than 30 cells analysed: the result is unreliable.",
        "hotspot_note": "Gi* with FDR correction, distance band {band} m, {n} cells.",
        "gap_note": "Problems = incidents + checks with a remark; enforcement = checks{presence}.",
        "gap_presence": " and presence",
        "empty": "No data for this selection.",
        "no_tiles": "No background map.",
        "fullscreen": "Full screen",
        "fullscreen_off": "Exit full screen",
        "shown_of": "Showing {shown} of {total}.",
    },
}


def text(key: str, lang: str = "sv", **values: object) -> str:
    """A fixed text of the maps in ``lang`` (Swedish unless ``"en"``), formatted with ``values``."""
    return TEXT["en" if lang == "en" else "sv"][key].format(**values)


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a swatch and its label.

    ``shape`` is ``box`` (filled area), ``line``, ``dashed``, ``dotted``, ``dot`` (a point)
    or ``empty`` (a transparent cell, drawn as a dashed outline).
    """

    label: str
    colour: str | None = None
    shape: str = "box"
    opacity: float = 0.75


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows, with an optional note under it."""

    title: str
    items: tuple[LegendItem, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def _swatch(item: LegendItem) -> str:
    colour = safe_text(item.colour or "#999999")
    if item.shape in ("line", "dashed", "dotted"):
        extra = "" if item.shape == "line" else f" {item.shape}"
        return f'<span class="tt-swatch line{extra}" style="border-top-color:{colour}"></span>'
    if item.shape == "empty" or item.colour is None:
        return '<span class="tt-swatch empty"></span>'
    klass = "tt-swatch dot" if item.shape == "dot" else "tt-swatch"
    return f'<span class="{klass}" style="background:{colour};opacity:{item.opacity:.2f}"></span>'


def merge_sections(title: str, sections: Sequence[LegendSection | None]) -> LegendSection | None:
    """One section holding the rows and notes of ``sections`` (None when all are empty)."""
    present = [s for s in sections if s is not None]
    if not present:
        return None
    items = tuple(i for s in present for i in s.items)
    return LegendSection(title, items, tuple(n for s in present for n in s.notes))


def legend_html(sections: Sequence[LegendSection]) -> str:
    """The legend's inner HTML."""
    out: list[str] = []
    for section in sections:
        out.append(f"<h2>{safe_text(section.title)}</h2>")
        if section.items:
            rows = "".join(f"<li>{_swatch(i)}<span>{safe_text(i.label)}</span></li>" for i in section.items)
            out.append(f"<ul>{rows}</ul>")
        out.extend(f'<div class="tt-note">{safe_text(n)}</div>' for n in section.notes)
    return "".join(out)


class HtmlControl(MacroElement):
    """A Leaflet control in a map corner holding trusted HTML built by this package."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str, *, position: str = "bottomright", css_class: str = "tt-box") -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html = html
        self.position = position
        self.css_class = css_class


def add_legend(m: folium.Map, sections: Sequence[LegendSection], *, position: str = "bottomright") -> None:
    """Add the legend box (nothing when there are no sections)."""
    if sections:
        HtmlControl(legend_html(sections), position=position, css_class="tt-box tt-legend").add_to(m)


@dataclass(frozen=True)
class NavLink:
    """A link in the title box (``current`` marks the page shown)."""

    label: str
    href: str
    current: bool = False


def add_title(
    m: folium.Map,
    title: str,
    lines: Sequence[str] = (),
    nav: Sequence[NavLink] = (),
    *,
    position: str = "topleft",
) -> None:
    """Add the title box: heading, a line per active filter or note, and links to the other maps."""
    parts = [f"<h1>{safe_text(title)}</h1>"]
    parts.extend(f"<p>{safe_text(line)}</p>" for line in lines)
    if nav:
        current = ' aria-current="page"'
        links = "".join(
            f'<a href="{safe_text(link.href)}"{current if link.current else ""}>{safe_text(link.label)}</a>'
            for link in nav
        )
        parts.append(f"<nav>{links}</nav>")
    HtmlControl("".join(parts), position=position, css_class="tt-box tt-title").add_to(m)
