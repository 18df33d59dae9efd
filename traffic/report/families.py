"""Groups of counts compared over periods: figures, published suppression, and table rows.

A *family* is one grouping (operations by focus, vehicles by type, …) counted in the report
period and in the comparison periods. For the published report each period's column is
suppressed exactly as the statistics API does it (:func:`traffic.aggregates.suppress`: groups of
1–4 hidden, a second group when only one would be, a total under 5), so a published report and
``/api/v1/stats`` never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from traffic.aggregates import Cell, CountTable, suppress
from traffic.report.model import COUNT, Figure, Report, Target, Value
from traffic.report.numbers import num
from traffic.report.texts import t

CURRENT = "current"
Counts = Mapping[str, int]


def published(counts: Counts, total: int, min_cell_size: int) -> tuple[dict[str, int | None], int | None]:
    """Counts and total after the public suppression rule (None = suppressed)."""
    table = CountTable(
        "report",
        "group",
        [Cell(key, n) for key, n in sorted(counts.items()) if n],
        Cell("total", total),
    )
    out = suppress(table, min_cell_size)
    cells: dict[str, int | None] = dict.fromkeys(counts, 0)
    cells.update({c.key: c.count for c in out.cells})
    return cells, out.total.count


def family(
    report: Report,
    prefix: str,
    codes: Sequence[str],
    label: Callable[[str], str],
    per_period: Mapping[str, Counts],
    totals: Mapping[str, int],
    *,
    total_label: str | None = None,
    total_id: str | None = None,
    min_cell_size: int | None = None,
    targets: Mapping[str, Target] | None = None,
) -> list[Figure]:
    """Register ``prefix.CODE`` figures (and ``prefix.total`` when labelled) for every code.

    ``per_period`` maps ``current``/``previous``/``year_before`` to counts by code.
    ``min_cell_size`` applies the public rule. Returns the figures, the total last.
    """
    labels = {role: report.comparisons[role].label for role in report.comparisons}
    shown: dict[str, tuple[dict[str, int | None], int | None]] = {}
    for role, counts in per_period.items():
        full = {c: int(counts.get(c, 0)) for c in codes}
        if min_cell_size is None:
            shown[role] = (dict(full), int(totals[role]))
        else:
            shown[role] = published(full, int(totals[role]), min_cell_size)
    out = []
    keys = [(code, f"{prefix}.{code}", label(code)) for code in codes]
    if total_label is not None:
        keys.append((None, total_id or f"{prefix}.total", total_label))
    for code, fid, text in keys:
        values = {
            role: (cells.get(code) if code is not None else total) for role, (cells, total) in shown.items()
        }
        cur = values.get(CURRENT)
        fig = Figure(
            fid,
            text,
            COUNT,
            cur,
            suppressed=cur is None,
            comparisons={
                role: Value(labels[role], values[role], values[role] is None)
                for role in per_period
                if role != CURRENT
            },
            target=(targets or {}).get(code or "total"),
        )
        if fig.target is not None and cur is not None:
            fig.target.met = (
                cur >= fig.target.value if fig.target.comparison == ">=" else cur <= fig.target.value
            )
        out.append(report.add(fig))
    return out


def cell(value: float | None, suppressed: bool, lang: str, decimals: int = 0) -> str:
    """A table cell: the number, or "färre än 5" when suppressed."""
    if suppressed:
        return t("suppressed", lang)
    return num(value, lang, decimals)


def rows(
    figures: Sequence[Figure], roles: Sequence[str], lang: str, *, skip_zero: bool = False
) -> list[list[str]]:
    """Table rows: label, then the value for each period role (``current`` first)."""
    out = []
    for fig in figures:
        values = [(fig.value, fig.suppressed)] + [
            (fig.comparisons[r].value, fig.comparisons[r].suppressed) for r in roles if r != CURRENT
        ]
        if skip_zero and all(v == 0 for v, s in values if not s) and not any(s for _, s in values):
            continue
        out.append([fig.label] + [cell(v, s, lang) for v, s in values])
    return out
