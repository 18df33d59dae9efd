"""Build the follow-up report for a period: every figure, every section, in one language.

``build_report(session, "2025H1")`` reads the database once per figure family and returns a
:class:`~traffic.report.model.Report`; :mod:`traffic.report.render` turns it into JSON, HTML
or PDF. With ``public=True`` the published rules of the statistics API apply throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from traffic.aggregates import PublicRules
from traffic.commitments.indicators import Scope
from traffic.commitments.models import Commitment
from traffic.effects import DEFAULT_RADIUS_M, MIN_CASES
from traffic.errors import ValidationFailed
from traffic.report import commitments, enforcement, lagesbild, measures, presence
from traffic.report.families import CURRENT
from traffic.report.model import Para, Report, Section, Signatures
from traffic.report.periods import comparisons, period_text
from traffic.report.texts import t
from traffic.storage.base import utcnow
from traffic.timeutil import Period, parse_period

LANGS = ("sv", "en")
# The signatories of the promise (seed/medborgarlofte-2024-2025.md): name and title key.
SIGNATORIES = (("Jens Öhmark", "sign_police"), ("Cecilia V Burenby", "sign_municipality"))
PLACE = "Mjölby"


@dataclass(frozen=True)
class ReportOptions:
    """How to build a report."""

    lang: str = "sv"
    public: bool = False
    rules: PublicRules = PublicRules()
    as_of: datetime | None = None  # "now" for delays and open sessions (tests pin it)


def _promise_years(session: Session) -> str:
    rows = session.execute(select(Commitment.first_period, Commitment.last_period)).all()
    if not rows:
        return ""
    first, last = min(r[0] for r in rows)[:4], max(r[1] for r in rows)[:4]
    return first if first == last else f"{first}/{last}"


def build_report(session: Session, period: Period | str, options: ReportOptions | None = None) -> Report:
    """The report for ``period`` (``2025H1``, ``2025`` or ``2025-01-01..2025-03-31``)."""
    opts = options or ReportOptions()
    if opts.lang not in LANGS:
        raise ValidationFailed(f"unknown language {opts.lang!r}; valid: sv, en", field="lang")
    period = parse_period(period) if isinstance(period, str) else period
    now = opts.as_of or utcnow()
    lang = opts.lang
    compared = comparisons(period)
    years = _promise_years(session)
    report = Report(
        title=t("title", lang, years=years).strip(),
        subtitle=t("subtitle", lang),
        period=period,
        period_text=period_text(period, lang),
        lang=lang,
        public=opts.public,
        generated_at=now,
        notice=t(
            "notice_public" if opts.public else "notice_internal",
            lang,
            delay=opts.rules.delay_days,
            n=opts.rules.min_cell_size,
        ),
        rules={
            "public_delay_days": opts.rules.delay_days if opts.public else None,
            "min_cell_size": opts.rules.min_cell_size if opts.public else None,
            "min_cases_for_share": MIN_CASES,
            "effect_radius_m": DEFAULT_RADIUS_M,
            "scope": "completed operations only; deleted records never count",
        },
        comparisons=compared,
    )
    periods = {CURRENT: period, **compared}
    scopes = {role: Scope.of(p, public=opts.public, rules=opts.rules, now=now) for role, p in periods.items()}
    targets = commitments.targets_by_metric(session, period)
    sections = [
        enforcement.build(report, session, scopes, commitments.focus_targets(targets)),
        presence.build(report, session, periods, as_of=now)[0],
        measures.build(report, session, scopes[CURRENT], as_of=now)[0],
        lagesbild.build(report, session, scopes, opts.rules),
    ]
    items = commitments.statuses(report, session, scopes[CURRENT], as_of=now)
    report.sections = [
        commitments.summary_section(report, items),
        *sections,
        commitments.other_section(report, items),
        _method(report),
        _signatures(report),
    ]
    return report


def _method(report: Report) -> Section:
    lang = report.lang
    keys = ["method_scope", "method_vehicles", "method_presence", "method_small", "method_time"]
    if report.public:
        keys.append("method_public")
    return Section("method", t("sec_method", lang), [Para(t(k, lang), "note") for k in keys])


def _signatures(report: Report) -> Section:
    lang = report.lang
    signers = [(name, t(key, lang)) for name, key in SIGNATORIES]
    return Section(
        "signatures",
        t("sec_signatures", lang),
        [Signatures(t("sign_place_date", lang, place=PLACE), signers)],
    )


def section(report: Report, key: str) -> Section:
    """The section with ``key``."""
    return next(s for s in report.sections if s.key == key)


__all__ = ["ReportOptions", "build_report", "section"]
