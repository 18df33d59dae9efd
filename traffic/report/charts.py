"""Charts drawn with matplotlib's object API (no pyplot: no global state, safe in a server).

Each builder returns a :class:`~traffic.report.model.Chart` whose ``draw`` runs only when a
format asks for it: SVG (text kept as text) for HTML, PNG at 150 dpi for PDF. Fonts are
DejaVu Sans, which matplotlib ships, so å, ä, ö and ≥ look the same on every machine.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from traffic.report.model import Chart
from traffic.report.numbers import num
from traffic.report.texts import t

PNG_DPI = 150  # print quality for A4; higher costs time for nothing a reader sees
_LOCK = threading.Lock()
PALETTE = ("#1f4e79", "#7fa7d0", "#c9d6e3")  # current period first
ACCENT = "#c0392b"
BAND = "#2e7d32"
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.titlesize": 9,
    "svg.fonttype": "none",
    "svg.hashsalt": "trafiktrygg",  # stable ids: the same report gives the same SVG
}


def render(chart: Chart, fmt: str) -> bytes:
    """Draw ``chart`` and return SVG or PNG bytes (one at a time: rc settings are process-wide)."""
    with _LOCK, matplotlib.rc_context(STYLE):
        fig = MplFigure(figsize=(chart.width_mm / 25.4, chart.height_mm / 25.4), layout="constrained")
        chart.draw(fig)
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None})
        else:
            # The PDF library compresses the pixels again: a fast, light PNG here saves time.
            fig.savefig(buf, format="png", dpi=PNG_DPI, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def _number_axis(ax: Any, lang: str, decimals: int = 0) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: num(v, lang, decimals)))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=decimals == 0))
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def grouped_bars(
    caption: str, categories: Sequence[str], series: Mapping[str, Sequence[float]], lang: str
) -> Chart:
    """Bars per category, one colour per period (the report's period first)."""

    def draw(fig: MplFigure) -> None:
        ax = fig.add_subplot()
        k = len(series)
        width = 0.8 / max(k, 1)
        for i, (name, values) in enumerate(series.items()):
            xs = [c + (i - (k - 1) / 2) * width for c in range(len(categories))]
            bars = ax.bar(xs, values, width, label=name, color=PALETTE[i % len(PALETTE)], edgecolor="white")
            if i == 0:
                ax.bar_label(bars, labels=[num(v, lang) for v in values], fontsize=7, padding=1)
        ax.set_xticks(range(len(categories)), [_wrap(c) for c in categories], fontsize=7)
        ax.legend(frameon=False, fontsize=7, ncols=k, loc="lower right", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylabel(t("axis_count", lang))
        _number_axis(ax, lang)

    return Chart(caption, draw, alt=caption)


def weekly_hours(
    caption: str,
    weeks: Sequence[str],
    hours: Sequence[float],
    full: Sequence[bool],
    target: float | None,
    lang: str,
) -> Chart:
    """Presence hours per week, partial weeks lighter, the target as a line."""

    def draw(fig: MplFigure) -> None:
        ax = fig.add_subplot()
        colours = [PALETTE[0] if f else PALETTE[2] for f in full]
        ax.bar(range(len(weeks)), hours, 0.8, color=colours)
        if target is not None:
            ax.axhline(
                target, color=ACCENT, linewidth=1.2, label=f"{t('legend_target', lang)} {num(target, lang)} h"
            )
        if not all(full):
            ax.bar([0], [0], color=PALETTE[2], label=t("legend_partial", lang))
        step = max(1, len(weeks) // 13)
        ax.set_xticks(range(0, len(weeks), step), [w.split("-")[-1] for w in weeks[::step]], fontsize=7)
        ax.set_ylabel(t("axis_hours", lang))
        ax.legend(frameon=False, fontsize=7, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2)
        _number_axis(ax, lang)

    return Chart(caption, draw, height_mm=60, alt=caption)


def visit_lengths(caption: str, counts: Mapping[str, int], lang: str) -> Chart:
    """Visits per length class, the Koper band highlighted."""
    labels = [t(f"len_{code}", lang) for code in counts]
    values = list(counts.values())

    def draw(fig: MplFigure) -> None:
        ax = fig.add_subplot()
        colours = [BAND if code == "band" else PALETTE[1] for code in counts]
        bars = ax.bar(range(len(values)), values, 0.7, color=colours)
        ax.bar_label(bars, labels=[num(v, lang) for v in values], fontsize=7, padding=1)
        ax.set_xticks(range(len(values)), labels, fontsize=7)
        ax.set_ylabel(t("axis_visits", lang))
        _number_axis(ax, lang)

    return Chart(caption, draw, width_mm=120, height_mm=55, alt=caption)


def _wrap(text: str, width: int = 14) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join([*lines, line])
