"""Server-rendered SVG bar charts: no chart library, no script, readable without either.

Why SVG from the server: three simple bar charts do not justify a charting library's weight on a
slow tablet, the figures are already computed here, and an SVG with a ``<title>`` per bar plus
the same numbers as a table (the text alternative) works with screen readers, print and a strict
Content-Security-Policy. Colours are presentation attributes, not inline CSS.
"""

from __future__ import annotations

from dataclasses import dataclass

BAR = "#1f5fa8"  # 6.3:1 on white (WCAG AA for graphics needs 3:1)
TARGET = "#b3261e"
AXIS = "#4a4f57"


@dataclass(frozen=True)
class Bar:
    """One bar: position and size in SVG units, its label and value."""

    x: float
    y: float
    w: float
    h: float
    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Chart:
    """A chart ready for the template: size, bars, axis ticks, an optional target line."""

    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (position, label) along the value axis
    horizontal: bool = False
    target: tuple[float, str] | None = None  # (position, label)
    max_value: float = 0.0


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return m * step
    return 10 * step


def _fmt(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") if value % 1 else f"{int(value)}"


def columns(points: list[tuple[str, float]], *, width: int = 720, height: int = 220,
            target: float | None = None, target_label: str = "") -> Chart:  # fmt: skip
    """Vertical bars left to right (weeks, half-years), optional horizontal target line."""
    left, bottom, top = 40.0, 24.0, 10.0
    plot_h = height - bottom - top
    top_value = _nice_max(max([v for _, v in points] + [target or 0.0, 0.0]))
    n = max(len(points), 1)
    slot = (width - left - 4) / n
    bars = []
    for i, (name, value) in enumerate(points):
        h = plot_h * value / top_value
        bars.append(
            Bar(
                left + i * slot + slot * 0.1,
                top + plot_h - h,
                max(slot * 0.8, 1.0),
                h,
                name,
                value,
                _fmt(value),
            )
        )
    ticks = [(top + plot_h - plot_h * f, _fmt(top_value * f)) for f in (0, 0.5, 1)]
    line = None
    if target is not None:
        line = (top + plot_h - plot_h * target / top_value, f"{target_label} {_fmt(target)}")
    return Chart(width, height, bars, ticks, target=line, max_value=top_value)


def rows(points: list[tuple[str, float]], *, width: int = 720, row_h: int = 30) -> Chart:
    """Horizontal bars top to bottom (outcomes), the label above each bar's end as text."""
    left = 270.0
    height = max(len(points), 1) * row_h + 8
    top_value = _nice_max(max([v for _, v in points] + [0.0]))
    bars = []
    for i, (name, value) in enumerate(points):
        w = (width - left - 60) * value / top_value
        bars.append(Bar(left, 4 + i * row_h + 4, max(w, 1.0), row_h - 10, name, value, _fmt(value)))
    return Chart(width, height, bars, [], horizontal=True, max_value=top_value)
