"""The report as one self-contained HTML file: Jinja2 template and CSS shipped in the package.

Charts and maps are inlined as SVG (drawn by matplotlib from our own numbers and vocabulary
labels); every other text, measure titles included, is HTML-escaped by the template.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from traffic.report.model import Chart, Report
from traffic.report.numbers import day_text
from traffic.report.texts import t
from traffic.timeutil import local

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("traffic.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["kind"] = lambda block: type(block).__name__.lower()
    return env


def inline_svg(chart: Chart) -> Markup:
    """The chart's SVG without its XML prologue, ready to inline."""
    svg = chart.render("svg").decode("utf-8")
    return Markup(_PROLOGUE.sub("", svg, count=1))  # noqa: S704 - matplotlib output, escaped by it


def _shade(value: float) -> str:
    """A background for a heat-table cell (white → blue)."""
    v = max(0.0, min(1.0, value))
    r, g, b = (int(255 - v * (255 - c)) for c in (8, 81, 156))
    return f"background-color: rgb({r}, {g}, {b}); color: {'#fff' if v > 0.55 else '#000'}"


def render_html(report: Report) -> bytes:
    """The report as UTF-8 HTML."""
    css = resources.files("traffic.report").joinpath("templates", "report.css").read_text("utf-8")
    html = (
        _env()
        .get_template("report.html")
        .render(
            report=report,
            css=Markup(css),  # noqa: S704 - our own stylesheet
            svg=inline_svg,
            shade=_shade,
            t=lambda key, **kw: t(key, report.lang, **kw),
            generated=day_text(local(report.generated_at).date(), report.lang),
        )
    )
    return html.encode("utf-8")
