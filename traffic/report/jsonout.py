"""The report as JSON: every figure with its stable id, for other tools to read.

Shape (``schema`` ``trafiktrygg/followup-report/1``)::

    {"schema": ..., "title": ..., "lang": "sv", "public": false, "generated_at": ISO-8601,
     "period": {"label": "2025H1", "start": ..., "end": ..., "text": ...},
     "comparisons": {"previous": {...}, "year_before": {...}},
     "rules": {...}, "sections": [{"key": ..., "title": ...}],
     "indicators": [{"id": "operations.completed.focus.A_TRAKTOR", "label": ..., "unit": "count",
                     "value": 12, "suppressed": false,
                     "comparisons": {"previous": {"period": "2024H2", "value": 9, "suppressed": false}},
                     "target": {"value": 6, "comparison": ">=", "met": true}}, ...]}

``value`` is null when ``suppressed`` (a published count of 1–4) or when ``note`` says why
(``too_few``: a share over fewer than ten cases; ``infinite``: an interval without upper bound).
Ids name what is counted, not where it sits in the document, and do not change between reports.
"""

from __future__ import annotations

import json
import math
from typing import Any

from traffic.report.model import Figure, Report
from traffic.timeutil import Period

SCHEMA = "trafiktrygg/followup-report/1"


def _plain(value: Any) -> tuple[Any, str | None]:
    """A JSON-safe number (numpy scalars unwrapped; infinity becomes null with a note)."""
    if value is None:
        return None, None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return None, "infinite"
        if value.is_integer() and abs(value) < 2**53:
            return int(value), None
    return value, None


def _period(p: Period) -> dict[str, str]:
    return {"label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()}


def figure_json(fig: Figure) -> dict[str, Any]:
    """One figure as a JSON object."""
    value, note = _plain(fig.value)
    out: dict[str, Any] = {"id": fig.id, "label": fig.label, "unit": fig.unit, "value": value}
    out["suppressed"] = fig.suppressed
    if fig.n is not None:
        out["n"] = int(fig.n)
    if fig.note or note:
        out["note"] = fig.note or note
    if fig.comparisons:
        out["comparisons"] = {
            role: {"period": v.period, "value": _plain(v.value)[0], "suppressed": v.suppressed}
            for role, v in fig.comparisons.items()
        }
    if fig.target is not None:
        out["target"] = {
            "value": _plain(fig.target.value)[0],
            "comparison": fig.target.comparison,
            "met": fig.target.met,
        }
    return out


def to_dict(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict."""
    return {
        "schema": SCHEMA,
        "title": report.title,
        "subtitle": report.subtitle,
        "lang": report.lang,
        "public": report.public,
        "generated_at": report.generated_at.isoformat(),
        "period": {**_period(report.period), "text": report.period_text},
        "comparisons": {role: _period(p) for role, p in report.comparisons.items()},
        "rules": report.rules,
        "sections": [{"key": s.key, "title": s.title} for s in report.sections],
        "indicators": [figure_json(f) for f in report.figures.values()],
    }


def render_json(report: Report) -> bytes:
    """UTF-8 JSON, indented, keys in a fixed order."""
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2).encode("utf-8")
