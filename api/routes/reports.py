"""/reports — the twice-yearly follow-up of the promise as HTML, PDF or JSON.

``/reports/{period}`` is the internal report for leads and admins: it says when and where the
police were present, so it is never public, and each request is logged like a read of police
records. ``/reports/{period}/public`` is the published version for everyone, computed with the
statistics API's public rules (enforcement figures only after the delay, counts of 1–4 hidden,
no times or places of police presence).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep
from api.errors import PROBLEM_RESPONSES
from api.permissions import Requires
from api.settings import Settings
from traffic.actors import Actor
from traffic.aggregates import PublicRules
from traffic.audit.hook import log_read
from traffic.report import MEDIA_TYPES, ReportOptions, build_report, render

router = APIRouter(prefix="/reports", tags=["uppföljning / follow-up reports"], responses=PROBLEM_RESPONSES)
Reader = Annotated[Actor, Depends(Requires("reports:read"))]
Everyone = Annotated[Actor, Depends(Requires("reports:public"))]
Format = Annotated[Literal["html", "pdf", "json"], Query(alias="format", description="html, pdf or json")]
Lang = Annotated[Literal["sv", "en"] | None, Query(description="sv or en (default: the server's language)")]
PeriodPath = Annotated[
    str,
    Path(
        min_length=4,
        max_length=40,
        description="a half-year (2025H1), a year (2025) or dates (2025-01-01..2025-03-31)",
        examples=["2025H1"],
    ),
]
CONTENT = {
    "content": {"text/html": {}, "application/pdf": {}, "application/json": {}},
    "description": "the report in the requested format",
}


def _response(
    session: SessionDep, settings: Settings, period: str, fmt: str, lang: str | None, public: bool
) -> Response:
    rules = PublicRules(delay_days=settings.public_delay_days, min_cell_size=settings.min_cell_size)
    options = ReportOptions(lang=lang or settings.language, public=public, rules=rules)
    report = build_report(session, period, options)
    if not public:
        log_read(session, "report", [report.period.label], purpose="uppföljningsrapport (intern)")
    suffix = "-publicerad" if public else ""
    name = f"uppfoljning-{report.period.label.replace('..', '_')}{suffix}.{fmt}"
    return Response(
        render(report, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"},
    )


@router.get(
    "/{period}",
    summary="Uppföljning (intern) / follow-up report (internal)",
    response_class=Response,
    responses={200: CONTENT},
)
def internal_report(
    session: SessionDep,
    settings: SettingsDep,
    _: Reader,
    period: PeriodPath,
    fmt: Format = "html",
    lang: Lang = None,
) -> Response:
    """The internal follow-up report for a period (leads and admins; the request is logged)."""
    return _response(session, settings, period, fmt, lang, public=False)


@router.get(
    "/{period}/public",
    summary="Uppföljning (publicerad) / follow-up report (published)",
    response_class=Response,
    responses={200: CONTENT},
)
def public_report(
    session: SessionDep,
    settings: SettingsDep,
    _: Everyone,
    period: PeriodPath,
    fmt: Format = "html",
    lang: Lang = None,
) -> Response:
    """The published follow-up report: the public rules of the statistics API apply."""
    return _response(session, settings, period, fmt, lang, public=True)
