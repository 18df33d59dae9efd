"""The twice-yearly follow-up report of the promise: built once, rendered as JSON, HTML or PDF.

``build_report(session, "2025H1", ReportOptions(lang="sv", public=False))`` then
``render(report, "html")``. See :mod:`traffic.report.build` for what goes in.
"""

from __future__ import annotations

from traffic.report.build import ReportOptions, build_report
from traffic.report.model import Report

FORMATS = ("html", "pdf", "json")
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "json": "application/json"}


def render(report: Report, fmt: str) -> bytes:
    """The report in ``fmt`` (``html``, ``pdf`` or ``json``)."""
    if fmt == "json":
        from traffic.report.jsonout import render_json

        return render_json(report)
    if fmt == "html":
        from traffic.report.html import render_html

        return render_html(report)
    if fmt == "pdf":
        from traffic.report.pdf import render_pdf

        return render_pdf(report)
    raise ValueError(f"unknown format {fmt!r}; valid: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "MEDIA_TYPES", "Report", "ReportOptions", "build_report", "render"]
