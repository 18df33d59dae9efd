"""What a report is made of: figures with stable ids, and sections of blocks to render.

One :class:`Report` feeds all three formats: the JSON carries :attr:`Report.figures` (every
number, with its id, comparisons and target); HTML and PDF draw :attr:`Report.sections`, whose
tables and sentences are written from the same figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from traffic.timeutil import Period

# Figure units (JSON "unit"): what the number counts or measures.
COUNT, HOURS, HOURS_PER_WEEK, MINUTES, SHARE, RATIO, KMH, DAYS = (
    "count", "hours", "hours_per_week", "minutes", "share", "ratio", "km/h", "days",
)  # fmt: skip


@dataclass
class Value:
    """A figure's value for one period; ``suppressed`` hides a small published count."""

    period: str
    value: float | None
    suppressed: bool = False


@dataclass
class Target:
    """A figure's target for the period and whether it was met."""

    value: float
    comparison: str = ">="
    met: bool | None = None


@dataclass
class Figure:
    """One number of the report.

    ``value`` is None when ``suppressed`` (fewer than the published minimum) or when ``note``
    says why there is no number (``too_few``: a share over fewer than ten cases).
    """

    id: str
    label: str
    unit: str
    value: float | None
    suppressed: bool = False
    n: int | None = None  # the cases a share or ratio is computed over
    comparisons: dict[str, Value] = field(default_factory=dict)
    target: Target | None = None
    note: str | None = None


@dataclass
class Para:
    """A paragraph; ``style`` is ``body``, ``note`` (small print) or ``caveat`` (framed)."""

    text: str
    style: str = "body"


@dataclass
class Heading:
    """A sub-heading inside a section."""

    text: str


@dataclass
class Table:
    """A table of text cells; ``align`` per column, ``l`` or ``r``."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    align: str = ""
    note: str | None = None
    small: bool = False
    shade: list[list[float]] | None = None  # 0–1 per body cell after the first column (heat table)

    def alignment(self) -> str:
        """One letter per column (text left, numbers right by default)."""
        return (self.align or "l" + "r" * (len(self.header) - 1)).ljust(len(self.header), "r")


@dataclass
class Chart:
    """A matplotlib drawing, rendered on demand as SVG (HTML) or PNG (PDF) and cached."""

    caption: str
    draw: Callable[[Any], None]  # draws on a matplotlib Figure
    width_mm: float = 170.0
    height_mm: float = 75.0
    alt: str = ""
    _cache: dict[str, bytes] = field(default_factory=dict, repr=False)

    def render(self, fmt: str) -> bytes:
        """The chart as ``svg`` or ``png`` bytes."""
        if fmt not in self._cache:
            from traffic.report.charts import render

            self._cache[fmt] = render(self, fmt)
        return self._cache[fmt]


@dataclass
class Signatures:
    """The signature lines: place and date, then one line per signatory."""

    place_date: str
    signers: list[tuple[str, str]]  # (name, title)


Block = Para | Heading | Table | Chart | Signatures


@dataclass
class Section:
    """A numbered part of the report."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    """A follow-up report for one period, in one language, internal or published."""

    title: str
    subtitle: str
    period: Period
    period_text: str
    lang: str
    public: bool
    generated_at: datetime
    notice: str
    rules: dict[str, Any]
    comparisons: dict[str, Period]
    figures: dict[str, Figure] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)

    def add(self, fig: Figure) -> Figure:
        """Register a figure; ids are unique."""
        if fig.id in self.figures:
            raise ValueError(f"duplicate figure id {fig.id!r}")
        self.figures[fig.id] = fig
        return fig
